/** Tables and CSV of the paired comparison (`report --compare`). */
import type { Table } from './tables.js';
import type { PairedComparison } from './paired.js';

const pct = (x: number) => (Number.isFinite(x) ? (100 * x).toFixed(2) : '–');
const signed = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(100 * x).toFixed(2)}` : '–');

/** Most-moved questions listed in the report (all of them are in paired_differences.csv). */
export const MOVED_SHOWN = 30;

export function pairedTable(pairs: PairedComparison[], confidence: number): Table {
  return {
    title: 'Paired difference per temperature',
    note: `Per question, pass rate in A minus pass rate in B (percentage points), questions matched by id; mean with a ${Math.round(confidence * 100)} % paired percentile bootstrap interval (questions resampled with both runs' values together) and the two-sided p-value of a sign-flip permutation test (exact up to 16 non-zero differences). Per question: paired_differences.csv.`,
    columns: ['A', 'B', 'temperature', 'questions', 'A pass rate', 'B pass rate', 'A − B [interval]', 'p (sign-flip)', 'A better / B better / same'],
    rows: pairs.map((p) => [
      p.run_a,
      p.run_b,
      String(p.temperature),
      String(p.questions),
      pct(p.mean_a),
      pct(p.mean_b),
      `${signed(p.mean_diff)} [${signed(p.low)}, ${signed(p.high)}]`,
      `${p.p_value < 0.0001 ? '<0.0001' : p.p_value.toFixed(4)}${p.p_method === 'exact' ? ' (exact)' : ''}`,
      `${p.a_better} / ${p.b_better} / ${p.ties}`,
    ]),
  };
}

export function movedQuestionsTable(pairs: PairedComparison[]): Table | undefined {
  const moved = pairs.flatMap((p) => p.per_question.filter((q) => q.a !== q.b).map((q) => ({ p, q, d: q.a - q.b })));
  if (!moved.length) return undefined;
  moved.sort((x, y) => Math.abs(y.d) - Math.abs(x.d) || x.q.idx_a - y.q.idx_a || x.p.temperature - y.p.temperature);
  const shown = moved.slice(0, MOVED_SHOWN);
  return {
    title: 'Questions whose pass rate moved',
    note: `${moved.length} (question, temperature) pair(s) differ${moved.length > shown.length ? `; the ${shown.length} largest shown, all in paired_differences.csv` : ''}. Percent.`,
    columns: ['A', 'B', 'temperature', 'question', 'A', 'B', 'A − B'],
    rows: shown.map(({ p, q, d }) => [p.run_a, p.run_b, String(p.temperature), `q${q.idx_a} ${q.id}`, pct(q.a), pct(q.b), signed(d)]),
  };
}

const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** One line per (pair of runs, temperature, question): run_a, run_b, temperature, question_id, question_idx_a, question_idx_b, pass_rate_a, pass_rate_b, difference (percent). */
export function pairedCsv(pairs: PairedComparison[]): string {
  const lines = ['run_a,run_b,temperature,question_id,question_idx_a,question_idx_b,pass_rate_a,pass_rate_b,difference'];
  for (const p of pairs) {
    for (const q of p.per_question) {
      lines.push([p.run_a, p.run_b, String(p.temperature), q.id, String(q.idx_a), String(q.idx_b), pct(q.a), pct(q.b), pct(q.a - q.b)].map(csvCell).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}
