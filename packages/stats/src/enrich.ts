/**
 * The new fields of q{idx}/summary.json and run_summary.json. Pure functions: the combiner builds
 * the seed's summaries as before and passes them through these; every existing field is kept as is
 * and the statistics are added beside them (top-level keys, so the seed-format rows stay untouched).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { QuestionSummary, RunSummary } from '@passk/core';
import { DEFAULT_KS, ksUpTo, passAtK } from './passk.js';
import { wilsonInterval } from './binomial.js';
import {
  aggregateTemperatures, bestTemperatures, breakdown, ksFor,
  type AggregateOptions, type BestTemperature, type Estimate, type GroupAggregate, type QuestionRows,
} from './aggregate.js';

/** How the numbers were computed, recorded in both files. */
export interface StatsInfo {
  estimator: 'unbiased pass@k (Chen et al. 2021)';
  /** Interval of one question's pass rate. */
  question_interval: 'wilson';
  /** Interval of every aggregate over questions (pass@k means and the pooled pass rate). */
  aggregate_interval: 'percentile bootstrap over questions';
  /** Which questions temperatures are compared over (pass@k means, best temperature). */
  temperature_comparison: 'questions with a row at every temperature that has rows';
  confidence: number;
  resamples: number;
  seed: number;
}

/** Difficulty and platform of a problem (from results/<run>/problems/q{idx}.json). */
export interface ProblemMeta {
  difficulty?: string | null;
  platform?: string | null;
}

/** One temperature of a question: the seed's counts, the Wilson interval of the pass rate, pass@k. */
export interface QuestionTemperatureStats {
  temperature: number;
  n: number;
  passed: number;
  /** Percent (as the seed's pass_rate). */
  pass_rate: number;
  /** Wilson interval of pass_rate, percent, [low, high]. */
  pass_rate_ci: [number, number];
  /** `pass@k` → unbiased estimate (fraction), for every k ≤ n. */
  pass_at_k: Record<string, number>;
}

/** Fields enrichQuestionSummary adds to summary.json. */
export interface QuestionStats {
  difficulty: string | null;
  platform: string | null;
  ks: number[];
  per_temperature: QuestionTemperatureStats[];
  /** `pass@k` → the temperature with the highest pass@k (ties → the lower one). */
  best_temperature: Record<string, { temperature: number; value: number }>;
  stats: StatsInfo;
}

export type RunTemperatureStats = RunSummary['per_temperature'][number] & {
  /** Bootstrap interval over questions of the pooled pass_rate, percent [low, high]. */
  pass_rate_ci: [number, number];
  /** Questions pass_at_k averages over: those with a row at every temperature that has rows. */
  compared_questions: number;
  /** `pass@k` → mean over the compared questions, with the bootstrap interval (fractions). */
  pass_at_k: Record<string, Estimate>;
  verdicts: Record<string, number>;
};

/** Fields enrichRunSummary adds to (or, for per_temperature, merges into) run_summary.json. */
export interface RunStats {
  ks: number[];
  per_temperature: RunTemperatureStats[];
  best_temperature: Record<string, BestTemperature>;
  by_difficulty: GroupAggregate[];
  by_platform: GroupAggregate[];
  /** Samples per verdict status over every combined (question, temperature). */
  verdicts: Record<string, number>;
  stats: StatsInfo;
}

export type EnrichOptions = AggregateOptions;

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
const roundEstimate = (e: Estimate): Estimate => ({ value: round6(e.value), low: round6(e.low), high: round6(e.high) });

function statsInfo(options: EnrichOptions): StatsInfo {
  return {
    estimator: 'unbiased pass@k (Chen et al. 2021)',
    question_interval: 'wilson',
    aggregate_interval: 'percentile bootstrap over questions',
    temperature_comparison: 'questions with a row at every temperature that has rows',
    confidence: options.confidence ?? 0.95,
    resamples: options.resamples ?? 2000,
    seed: options.seed ?? 0,
  };
}

/** Per-question statistics from the rows: Wilson interval, pass@k for k ≤ n, best temperature. */
export function questionStats(results: QuestionSummary['results'], meta: ProblemMeta = {}, options: EnrichOptions = {}): QuestionStats {
  const minN = Math.min(...results.map((r) => r.n).filter((n) => n > 0));
  const ks = Number.isFinite(minN) ? ksUpTo(minN, options.ks ?? DEFAULT_KS) : [];
  const per_temperature = results.map((r) => {
    const ci = wilsonInterval(r.passed, r.n, options.confidence ?? 0.95);
    const pass_at_k: Record<string, number> = {};
    for (const k of ks) if (k <= r.n) pass_at_k[`pass@${k}`] = round6(passAtK(r.n, r.passed, k));
    return {
      temperature: r.temperature,
      n: r.n,
      passed: r.passed,
      pass_rate: r.pass_rate,
      pass_rate_ci: [Math.round(ci.low * 10000) / 100, Math.round(ci.high * 10000) / 100] as [number, number],
      pass_at_k,
    };
  });
  const best_temperature: Record<string, { temperature: number; value: number }> = {};
  for (const t of per_temperature) {
    for (const [key, value] of Object.entries(t.pass_at_k)) {
      const b = best_temperature[key];
      if (!b || value > b.value || (value === b.value && t.temperature < b.temperature)) best_temperature[key] = { temperature: t.temperature, value };
    }
  }
  return { difficulty: meta.difficulty ?? null, platform: meta.platform ?? null, ks, per_temperature, best_temperature, stats: statsInfo(options) };
}

/**
 * summary.json with the statistics added: `difficulty`, `platform`, `ks`, `per_temperature`
 * (Wilson interval and pass@k per temperature), `best_temperature`, `stats`. Existing fields are
 * returned unchanged (same order, same values).
 */
export function enrichQuestionSummary<T extends QuestionSummary>(summary: T, problem: ProblemMeta = {}, options: EnrichOptions = {}): T & QuestionStats {
  return { ...summary, ...questionStats(summary.results, problem, options) };
}

/** Run-level statistics from every question's rows (complete or not). */
export function runStats(questions: readonly QuestionRows[], temperatures: readonly number[], options: EnrichOptions = {}): Omit<RunStats, 'per_temperature'> & { per_temperature: ReturnType<typeof aggregateTemperatures> } {
  const ks = ksFor(questions, options.ks ?? DEFAULT_KS);
  const per_temperature = aggregateTemperatures(questions, ks, temperatures, options);
  const roundGroup = (g: GroupAggregate): GroupAggregate => ({
    ...g,
    per_temperature: g.per_temperature.map(roundAggregate),
    best_temperature: roundBest(g.best_temperature),
  });
  const verdicts: Record<string, number> = {};
  for (const t of per_temperature) for (const [s, c] of Object.entries(t.verdicts)) verdicts[s] = (verdicts[s] ?? 0) + c;
  return {
    ks,
    per_temperature: per_temperature.map(roundAggregate),
    best_temperature: roundBest(bestTemperatures(per_temperature)),
    by_difficulty: breakdown(questions, 'difficulty', ks, temperatures, options).map(roundGroup),
    by_platform: breakdown(questions, 'platform', ks, temperatures, options).map(roundGroup),
    verdicts,
    stats: statsInfo(options),
  };
}

function roundAggregate<T extends { pass_at_k: Record<string, Estimate> }>(t: T): T {
  return { ...t, pass_at_k: Object.fromEntries(Object.entries(t.pass_at_k).map(([k, e]) => [k, roundEstimate(e)])) };
}

function roundBest(best: Record<string, BestTemperature>): Record<string, BestTemperature> {
  return Object.fromEntries(Object.entries(best).map(([k, b]) => [k, { temperature: b.temperature, ...roundEstimate(b), questions: b.questions }]));
}

/**
 * run_summary.json with the statistics added. `questions` holds every question with at least one
 * combined temperature (its rows so far, plus difficulty/platform). The seed's per_temperature
 * entries keep their fields and gain `pass_rate_ci`, `compared_questions`, `pass_at_k` and
 * `verdicts`; new top-level keys: `ks`,
 * `best_temperature`, `by_difficulty`, `by_platform`, `verdicts`, `stats`.
 *
 * Cost: resamples × questions × temperatures × ks × 3 (overall, difficulty, platform) additions;
 * about 1 s for 1,000 questions × 16 temperatures × 5 ks at 2,000 resamples.
 */
export function enrichRunSummary<T extends RunSummary>(summary: T, questions: readonly QuestionRows[], options: EnrichOptions = {}): T & RunStats {
  const stats = runStats(questions, summary.temperatures, options);
  const per_temperature = summary.per_temperature.map((row) => {
    const agg = stats.per_temperature.find((a) => a.temperature === row.temperature);
    return {
      ...row,
      pass_rate_ci: agg?.pass_rate_ci ?? ([0, 0] as [number, number]),
      compared_questions: agg?.compared_questions ?? 0,
      pass_at_k: agg?.pass_at_k ?? {},
      verdicts: agg?.verdicts ?? {},
    };
  });
  return { ...summary, ...stats, per_temperature };
}

/** Difficulty and platform of question `idx` from `<resultsDir>/problems/q{idx}.json`; {} when absent. */
export async function readProblemMeta(resultsDir: string, idx: number): Promise<ProblemMeta> {
  try {
    const problem = JSON.parse(await readFile(path.join(resultsDir, 'problems', `q${idx}.json`), 'utf8')) as ProblemMeta;
    return { difficulty: problem.difficulty ?? null, platform: problem.platform ?? null };
  } catch {
    return {};
  }
}
