/**
 * `report --compare`: each compared run against the main one, per temperature both have, on the
 * questions both have a row for (matched by question id): per-question pass-rate differences, their
 * mean with a paired bootstrap interval and a sign-flip permutation test (docs/reports.md).
 */
import { pairedDifference, type PairedDifference } from '@passk/stats';
import type { RunReport } from './model.js';

export interface QuestionDifference {
  id: string;
  /** Question index in each run. */
  idx_a: number;
  idx_b: number;
  /** Pass rates (fractions). */
  a: number;
  b: number;
}

export interface PairedComparison extends PairedDifference {
  run_a: string;
  run_b: string;
  temperature: number;
  per_question: QuestionDifference[];
}

function ratesAt(r: RunReport, t: number): Map<string, { idx: number; rate: number }> {
  const out = new Map<string, { idx: number; rate: number }>();
  for (const q of r.data.questions) {
    const row = q.results.find((x) => x.temperature === t);
    if (row && row.n > 0) out.set(q.id, { idx: q.idx, rate: row.passed / row.n });
  }
  return out;
}

/** Main run (reports[0]) against every other, in the order given; temperatures both runs have. */
export function pairedComparisons(reports: RunReport[]): PairedComparison[] {
  const [main, ...others] = reports;
  if (!main) return [];
  const out: PairedComparison[] = [];
  for (const other of others) {
    for (const t of main.temperatures.filter((x) => other.temperatures.includes(x))) {
      const a = ratesAt(main, t);
      const b = ratesAt(other, t);
      const per_question: QuestionDifference[] = [];
      for (const [id, va] of a) {
        const vb = b.get(id);
        if (vb) per_question.push({ id, idx_a: va.idx, idx_b: vb.idx, a: va.rate, b: vb.rate });
      }
      if (!per_question.length) continue;
      const stats = pairedDifference(per_question.map((q) => q.a), per_question.map((q) => q.b), { resamples: main.resamples, confidence: main.confidence });
      out.push({ run_a: main.data.name, run_b: other.data.name, temperature: t, ...stats, per_question });
    }
  }
  return out;
}
