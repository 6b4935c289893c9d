/** Everything one run's report shows, computed once from its results directory. */
import { loadRun, type RunData } from '../load/run-data.js';
import { readTimeline, type Timeline } from '../load/timeline.js';
import {
  aggregateTemperatures, bestTemperatures, breakdown, ksFor, DEFAULT_KS, questionStats,
  type BestTemperature, type GroupAggregate, type TemperatureAggregate, type QuestionStats,
} from '@passk/stats';
import { provenanceOf, type Provenance } from '@passk/core';
import { costSummary, type CostSummary } from './cost.js';
import { loadExtras, type ExtrasByTemperature } from '../load/extras.js';

export interface ReportOptions {
  /** Bootstrap resamples for every aggregate interval. @default 2000 */
  resamples?: number;
  /** Bootstrap PRNG seed. @default 0 */
  seed?: number;
  /** Confidence level of every interval. @default 0.95 */
  confidence?: number;
  /** Candidate ks (those ≤ n are kept). @default [1, 5, 10, 100, 1000] */
  ks?: readonly number[];
  /** Price of one GPU-hour; enables the cost lines. @default undefined (no cost) */
  gpuHourCost?: number;
}

export interface RunReport {
  data: RunData;
  ks: number[];
  temperatures: number[];
  perTemperature: TemperatureAggregate[];
  best: Record<string, BestTemperature>;
  byDifficulty: GroupAggregate[];
  byPlatform: GroupAggregate[];
  questionStats: Map<number, QuestionStats>;
  timeline: Timeline;
  confidence: number;
  resamples: number;
  cost?: CostSummary;
  /** What produced the numbers (plan.json; `unknown` parts for plans written before it was kept). */
  provenance: Provenance;
  /** Per temperature: extraction counts and latency summaries. */
  extras: ExtrasByTemperature;
}

export async function buildRunReport(resultsDir: string, options: ReportOptions = {}): Promise<RunReport> {
  const data = await loadRun(resultsDir);
  const boot = { resamples: options.resamples ?? 2000, seed: options.seed ?? 0, confidence: options.confidence ?? 0.95 };
  const ks = ksFor(data.questions, options.ks ?? DEFAULT_KS);
  const temperatures = data.plan.temperatures;
  const perTemperature = aggregateTemperatures(data.questions, ks, temperatures, boot);
  const timeline = await readTimeline(data.resultsDir);
  const questionStatsMap = new Map<number, QuestionStats>();
  for (const q of data.questions) questionStatsMap.set(q.idx, questionStats(q.results, q, { ...boot, ks }));
  return {
    data,
    ks,
    temperatures,
    perTemperature,
    best: bestTemperatures(perTemperature),
    byDifficulty: breakdown(data.questions, 'difficulty', ks, temperatures, boot),
    byPlatform: breakdown(data.questions, 'platform', ks, temperatures, boot),
    questionStats: questionStatsMap,
    timeline,
    confidence: boot.confidence,
    resamples: boot.resamples,
    provenance: provenanceOf(data.plan),
    extras: await loadExtras(data),
    cost: options.gpuHourCost !== undefined ? costSummary(data.questions, timeline, options.gpuHourCost) : undefined,
  };
}
