/**
 * Aggregates over questions: per temperature, per difficulty and platform, best temperature per k.
 * Works from the per-(question, temperature) rows alone (temperature, n, passed, verdicts), so it
 * serves both the combiner (enriching run_summary.json) and `passk report` on old runs.
 *
 * Fair comparison: mid-run, temperatures have rows for different questions. pass@k means (and so
 * the best temperature) are taken over the *compared questions* only: those with a row at every
 * temperature that has any row. Every temperature is then averaged over the same questions, and
 * `compared_questions` says how many. The seed's counts (questions, n, passed, pass_rate) stay
 * over every row of the temperature, with their own interval.
 */
import { DEFAULT_KS, ksUpTo, passAtK } from './passk.js';
import { bootstrapMeans, bootstrapWeightedMeans, type BootstrapOptions, type MeanWithInterval } from './bootstrap.js';

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
  /**
   * Percentile bootstrap interval of pass_rate, percent [low, high], 2 decimals: the questions
   * with a row at this temperature resampled, Σ passed / Σ n recomputed (as pass@k's intervals).
   */
  pass_rate_ci: [number, number];
  /**
   * Questions pass_at_k is averaged over: those with a row at every temperature that has any row
   * (the same questions for every temperature). Equal to `questions` once the run is complete.
   */
  compared_questions: number;
  /** `pass@k` → mean over the compared questions of the unbiased per-question estimate, with a bootstrap interval over them. */
  pass_at_k: Record<string, Estimate>;
  /** Samples per verdict status, summed over questions. */
  verdicts: Record<string, number>;
}

export interface BestTemperature extends Estimate {
  temperature: number;
  /** How many questions the temperatures were compared over (the compared questions). */
  questions: number;
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

/**
 * The questions every temperature with a row has a row for (n > 0), in input order, and those
 * temperatures. Temperatures without any row are not compared (and do not empty the set).
 */
export function comparedQuestions(questions: readonly QuestionRows[], temperatures: readonly number[] = temperaturesOf(questions)): { questions: QuestionRows[]; temperatures: number[] } {
  const has = (q: QuestionRows, t: number) => q.results.some((r) => r.temperature === t && r.n > 0);
  const active = temperatures.filter((t) => questions.some((q) => has(q, t)));
  return { questions: active.length ? questions.filter((q) => active.every((t) => has(q, t))) : [], temperatures: active };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Per-temperature aggregates of these questions; `temperatures` fixes the order (and includes empty ones). */
export function aggregateTemperatures(
  questions: readonly QuestionRows[],
  ks: readonly number[],
  temperatures: readonly number[] = temperaturesOf(questions),
  options: BootstrapOptions = {},
): TemperatureAggregate[] {
  const rowAt = (q: QuestionRows, t: number) => q.results.find((r) => r.temperature === t && r.n > 0);
  const compared = comparedQuestions(questions, temperatures).questions;
  return temperatures.map((temperature) => {
    const rows = questions.map((q) => rowAt(q, temperature)).filter((r): r is RowCounts => !!r);
    const n = rows.reduce((s, r) => s + r.n, 0);
    const passed = rows.reduce((s, r) => s + r.passed, 0);
    const verdicts: Record<string, number> = {};
    for (const r of rows) for (const [status, count] of Object.entries(r.verdicts ?? {})) verdicts[status] = (verdicts[status] ?? 0) + count;
    const [pooled] = bootstrapWeightedMeans([rows.map((r) => r.passed / r.n)], rows.map((r) => r.n), options);
    const pass_rate_ci: [number, number] = rows.length ? [round2(100 * pooled!.low), round2(100 * pooled!.high)] : [0, 0];
    const fair = compared.map((q) => rowAt(q, temperature)).filter((r): r is RowCounts => !!r);
    const usable = ks.filter((k) => fair.every((r) => r.n >= k));
    const estimates = bootstrapMeans(
      usable.map((k) => fair.map((r) => rowPassAtK(r, k))),
      options,
    );
    const pass_at_k: Record<string, Estimate> = {};
    usable.forEach((k, i) => (pass_at_k[`pass@${k}`] = estimates[i]!));
    return { temperature, questions: rows.length, n, passed, pass_rate: n ? Math.round((10000 * passed) / n) / 100 : 0, pass_rate_ci, compared_questions: fair.length, pass_at_k, verdicts };
  });
}

/**
 * For each k, the temperature with the highest mean pass@k over the compared questions (ties →
 * the lower temperature). Temperatures without compared questions take no part.
 */
export function bestTemperatures(perTemperature: readonly TemperatureAggregate[]): Record<string, BestTemperature> {
  const best: Record<string, BestTemperature> = {};
  for (const t of perTemperature) {
    if (t.compared_questions === 0) continue;
    for (const [key, est] of Object.entries(t.pass_at_k)) {
      const current = best[key];
      if (!current || est.value > current.value || (est.value === current.value && t.temperature < current.temperature)) {
        best[key] = { temperature: t.temperature, ...est, questions: t.compared_questions };
      }
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
