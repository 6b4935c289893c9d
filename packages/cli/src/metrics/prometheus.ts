/**
 * The orchestrator's metrics in the Prometheus text exposition format (version 0.0.4). The
 * snapshot is structurally a `passk status --json` object (RunStatus) plus worker restarts and
 * verdict counts, so the orchestrator fills it from collectStatus() and its supervisor.
 */
import type { QueueCounts } from '@passk/core';
import type { RunStatus, WorkerStatus } from '../status/collect.js';

/** A worker as `passk status` reports it (its fields, their meaning there) plus its restarts. */
export interface MetricsWorker extends Pick<WorkerStatus, 'name' | 'role' | 'alive' | 'samples_done' | 'samples_per_s'> {
  /** Restarts by the orchestrator's supervisor (0 when not supervised). */
  restarts: number;
}

/** The status fields the metrics expose (declared once, in RunStatus), its workers with their restarts, and the verdict counts. */
export interface MetricsSnapshot
  extends Pick<RunStatus, 'run' | 'queue' | 'groups_total' | 'groups_done' | 'questions_total' | 'questions_done' | 'samples_total' | 'samples_done' | 'samples_per_s' | 'eta_s' | 'finished'> {
  workers: MetricsWorker[];
  /** Every restart the supervisor made since the orchestrator started (workers gone included). */
  worker_restarts_total: number;
  /** Samples per verdict status over the combined (question, temperature) groups (run_summary.json `verdicts`). */
  verdicts: Record<string, number>;
}

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const labels = (l: Record<string, string>) => `{${Object.entries(l).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
const num = (x: number) => (Number.isFinite(x) ? String(x) : x > 0 ? '+Inf' : x < 0 ? '-Inf' : 'NaN');

class Exposition {
  private readonly lines: string[] = [];
  metric(name: string, type: 'gauge' | 'counter', help: string, samples: Array<[Record<string, string>, number]>): void {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [l, v] of samples) this.lines.push(`${name}${labels(l)} ${num(v)}`);
  }
  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

/** The metric names, each documented in docs/reports.md. */
export const METRIC_NAMES = [
  'passk_queue_pending', 'passk_queue_claimed', 'passk_queue_failed', 'passk_samples_planned', 'passk_samples_done_total',
  'passk_groups_planned', 'passk_groups_done', 'passk_questions_planned', 'passk_questions_done', 'passk_throughput_samples_per_second',
  'passk_eta_seconds', 'passk_run_finished', 'passk_worker_up', 'passk_worker_samples_done_total', 'passk_worker_samples_per_second',
  'passk_worker_restarts_total', 'passk_restarts_total', 'passk_verdicts_total',
] as const;

/** Render a snapshot as Prometheus text. */
export function renderMetrics(s: MetricsSnapshot): string {
  const run = { run: s.run };
  const e = new Exposition();
  const stages = Object.keys(s.queue.pending);
  e.metric('passk_queue_pending', 'gauge', 'Items waiting in a queue stage.', stages.map((stage) => [{ ...run, stage }, s.queue.pending[stage as keyof QueueCounts['pending']]]));
  e.metric('passk_queue_claimed', 'gauge', 'Items a live worker is working on, per stage.', stages.map((stage) => [{ ...run, stage }, s.queue.claimed[stage as keyof QueueCounts['claimed']]]));
  e.metric('passk_queue_failed', 'gauge', 'Items quarantined in failed/.', [[run, s.queue.failed]]);
  e.metric('passk_samples_planned', 'gauge', 'Samples the plan asks for (questions x temperatures x n).', [[run, s.samples_total]]);
  e.metric('passk_samples_done_total', 'counter', 'Samples combined so far.', [[run, s.samples_done]]);
  e.metric('passk_groups_planned', 'gauge', '(question, temperature) groups planned.', [[run, s.groups_total]]);
  e.metric('passk_groups_done', 'gauge', '(question, temperature) groups combined.', [[run, s.groups_done]]);
  e.metric('passk_questions_planned', 'gauge', 'Questions planned.', [[run, s.questions_total]]);
  e.metric('passk_questions_done', 'gauge', 'Questions with every temperature combined.', [[run, s.questions_done]]);
  e.metric('passk_throughput_samples_per_second', 'gauge', 'Samples combined per second since the run started.', [[run, s.samples_per_s]]);
  if (s.eta_s !== null) e.metric('passk_eta_seconds', 'gauge', 'Estimated seconds to the end of the run.', [[run, s.eta_s]]);
  e.metric('passk_run_finished', 'gauge', '1 when every summary is written.', [[run, s.finished ? 1 : 0]]);
  const w = (x: MetricsWorker) => ({ ...run, worker: x.name, role: x.role });
  e.metric('passk_worker_up', 'gauge', '1 when the worker is alive (pid present, fresh heartbeat).', s.workers.map((x) => [w(x), x.alive ? 1 : 0]));
  e.metric('passk_worker_samples_done_total', 'counter', 'Samples the worker has processed.', s.workers.map((x) => [w(x), x.samples_done]));
  e.metric('passk_worker_samples_per_second', 'gauge', 'Samples per second over the worker\'s life.', s.workers.map((x) => [w(x), x.samples_per_s]));
  e.metric('passk_worker_restarts_total', 'counter', 'Restarts of this worker by the orchestrator.', s.workers.map((x) => [w(x), x.restarts]));
  e.metric('passk_restarts_total', 'counter', 'Every worker restart by the orchestrator.', [[run, s.worker_restarts_total]]);
  e.metric('passk_verdicts_total', 'counter', 'Combined samples per verdict status.', Object.entries(s.verdicts).sort(([a], [b]) => a.localeCompare(b)).map(([status, c]) => [{ ...run, status }, c]));
  return e.text();
}

/** The `verdicts` of an enriched run_summary.json (summed from per_temperature when absent); {} for none. */
export function verdictCounts(runSummary: unknown): Record<string, number> {
  const s = runSummary as { verdicts?: Record<string, number>; per_temperature?: Array<{ verdicts?: Record<string, number> }> } | undefined;
  if (s?.verdicts) return { ...s.verdicts };
  const out: Record<string, number> = {};
  for (const t of s?.per_temperature ?? []) for (const [k, v] of Object.entries(t.verdicts ?? {})) out[k] = (out[k] ?? 0) + v;
  return out;
}
