/**
 * Cost from a GPU-hour price. GPU-hours are the generators' lifetimes from their logs (first to last
 * line of each gpu*.log: what a rented GPU is paid for, model loading and idle time included); when
 * there are no logs, the summed generation wall time of the rows (busy time only) is used instead.
 */
import type { Timeline } from '../load/timeline.js';
import type { QuestionData } from '../load/run-data.js';

export interface CostSummary {
  gpu_hour_cost: number;
  gpu_hours: number;
  basis: 'generator lifetimes (logs)' | 'generation wall time (rows)';
  /** Σ gen_wall_s / 3600 over the rows. */
  busy_gpu_hours: number;
  samples: number;
  cost_total: number;
  cost_per_1000_completions: number;
  /** Questions with at least one passing sample at some temperature. */
  solved_questions: number;
  /** null when no question was solved. */
  cost_per_solved_question: number | null;
}

export function costSummary(questions: readonly QuestionData[], timeline: Timeline, gpuHourCost: number): CostSummary {
  const samples = questions.reduce((s, q) => s + q.results.reduce((a, r) => a + r.n, 0), 0);
  const busy = questions.reduce((s, q) => s + q.results.reduce((a, r) => a + (r.gen_wall_s ?? 0), 0), 0) / 3600;
  const lifetimes = timeline.generatorSpans.reduce((s, g) => s + (g.end - g.start), 0) / 3_600_000;
  const fromLogs = timeline.generatorSpans.length > 0 && lifetimes > 0;
  const gpu_hours = fromLogs ? lifetimes : busy;
  const cost_total = gpu_hours * gpuHourCost;
  const solved = questions.filter((q) => q.results.some((r) => r.passed > 0)).length;
  return {
    gpu_hour_cost: gpuHourCost,
    gpu_hours,
    basis: fromLogs ? 'generator lifetimes (logs)' : 'generation wall time (rows)',
    busy_gpu_hours: busy,
    samples,
    cost_total,
    cost_per_1000_completions: samples ? (cost_total / samples) * 1000 : 0,
    solved_questions: solved,
    cost_per_solved_question: solved ? cost_total / solved : null,
  };
}
