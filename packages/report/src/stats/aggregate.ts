/**
 * Aggregates over questions: per temperature, per difficulty and platform, best temperature per k.
 * Works from the per-(question, temperature) rows alone (temperature, n, passed, verdicts), so it
 * serves both the combiner (enriching run_summary.json) and `passk report` on old runs.
 */
import { DEFAULT_KS, ksUpTo, passAtK } from './passk.js';
import { bootstrapMeans, type BootstrapOptions, type MeanWithInterval } from './bootstrap.js';

/** The part of a TemperatureResult row the statistics need. */
export interface RowCounts {
  temperature: number;
  n: number;
  passed: number;
  verdicts?: Record<string, number>;
}

/** One question's rows (one per temperature done so far) and the attributes breakdowns use. */
export interface QuestionRows {
  idx: number;
  /** From problems/q{idx}.json; missing → "unknown" in breakdowns. */
  difficulty?: string | null;
  platform?: string | null;
  results: RowCounts[];
}

/** A mean over questions with its bootstrap interval. Fractions in [0, 1]. */
export type Estimate = MeanWithInterval;

export interface TemperatureAggregate {
  temperature: number;
  /** Questions with a row at this temperature. */
  questions: number;
  n: number;
  passed: number;
  /** Percent, pooled over questions (Σ passed / Σ n), as the seed's run_summary.json. */
  pass_rate: number;
  /** `pass@k` → mean over questions of the unbiased per-question estimate, with a bootstrap interval over questions. */
  pass_at_k: Record<string, Estimate>;
  /** Samples per verdict status, summed over questions. */
  verdicts: Record<string, number>;
}

export interface BestTemperature extends Estimate {
  temperature: number;
}

export interface GroupAggregate {
  /** The difficulty or platform value ("unknown" when the problem does not say). */
  group: string;
  questions: number;
  per_temperature: TemperatureAggregate[];
  best_temperature: Record<string, BestTemperature>;
}

export interface AggregateOptions extends BootstrapOptions {
  /** Candidate ks; those above the smallest n are dropped. @default [1, 5, 10, 100, 1000] */
  ks?: readonly number[];
}

/** The ks every row of these questions supports (k ≤ the smallest n). */
export function ksFor(questions: readonly QuestionRows[], ks: readonly number[] = DEFAULT_KS): number[] {
  let minN = Infinity;
  for (const q of questions) for (const r of q.results) if (r.n > 0) minN = Math.min(minN, r.n);
  return minN === Infinity ? [] : ksUpTo(minN, ks);
}

/** Every temperature that appears in some row, ascending. */
export function temperaturesOf(questions: readonly QuestionRows[]): number[] {
  return [...new Set(questions.flatMap((q) => q.results.map((r) => r.temperature)))].sort((a, b) => a - b);
}

/** pass@k of a row, memoised per row object (overall and breakdown aggregates reuse it). */
const memo = new WeakMap<RowCounts, { n: number; passed: number; values: Map<number, number> }>();
function rowPassAtK(row: RowCounts, k: number): number {
  let entry = memo.get(row);
  if (!entry || entry.n !== row.n || entry.passed !== row.passed) memo.set(row, (entry = { n: row.n, passed: row.passed, values: new Map() }));
  let value = entry.values.get(k);
  if (value === undefined) entry.values.set(k, (value = passAtK(row.n, row.passed, k)));
  return value;
}

/** Per-temperature aggregates of these questions; `temperatures` fixes the order (and includes empty ones). */
export function aggregateTemperatures(
  questions: readonly QuestionRows[],
  ks: readonly number[],
  temperatures: readonly number[] = temperaturesOf(questions),
  options: BootstrapOptions = {},
): TemperatureAggregate[] {
  return temperatures.map((temperature) => {
    const rows = questions.map((q) => q.results.find((r) => r.temperature === temperature)).filter((r): r is RowCounts => !!r && r.n > 0);
    const n = rows.reduce((s, r) => s + r.n, 0);
    const passed = rows.reduce((s, r) => s + r.passed, 0);
    const verdicts: Record<string, number> = {};
    for (const r of rows) for (const [status, count] of Object.entries(r.verdicts ?? {})) verdicts[status] = (verdicts[status] ?? 0) + count;
    const usable = ks.filter((k) => rows.every((r) => r.n >= k));
    const estimates = bootstrapMeans(
      usable.map((k) => rows.map((r) => rowPassAtK(r, k))),
      options,
    );
    const pass_at_k: Record<string, Estimate> = {};
    usable.forEach((k, i) => (pass_at_k[`pass@${k}`] = estimates[i]!));
    return { temperature, questions: rows.length, n, passed, pass_rate: n ? Math.round((10000 * passed) / n) / 100 : 0, pass_at_k, verdicts };
  });
}

/** For each k, the temperature with the highest mean pass@k (ties → the lower temperature). */
export function bestTemperatures(perTemperature: readonly TemperatureAggregate[]): Record<string, BestTemperature> {
  const best: Record<string, BestTemperature> = {};
  for (const t of perTemperature) {
    if (t.questions === 0) continue;
    for (const [key, est] of Object.entries(t.pass_at_k)) {
      const current = best[key];
      if (!current || est.value > current.value || (est.value === current.value && t.temperature < current.temperature)) best[key] = { temperature: t.temperature, ...est };
    }
  }
  return best;
}

/** Aggregates per value of `key` (difficulty or platform), groups sorted by name ("unknown" last). */
export function breakdown(
  questions: readonly QuestionRows[],
  key: 'difficulty' | 'platform',
  ks: readonly number[],
  temperatures: readonly number[] = temperaturesOf(questions),
  options: BootstrapOptions = {},
): GroupAggregate[] {
  const groups = new Map<string, QuestionRows[]>();
  for (const q of questions) {
    const name = q[key] || 'unknown';
    if (!groups.has(name)) groups.set(name, []);
    groups.get(name)!.push(q);
  }
  const order = ['easy', 'medium', 'hard'];
  const rank = (g: string) => (g === 'unknown' ? 1e9 : order.includes(g) ? order.indexOf(g) : 100);
  return [...groups.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([group, members]) => {
      const per_temperature = aggregateTemperatures(members, ks, temperatures, options);
      return { group, questions: members.length, per_temperature, best_temperature: bestTemperatures(per_temperature) };
    });
}
