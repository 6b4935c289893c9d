/**
 * Everything `passk status` shows, gathered from the run's files only (so it works from any
 * terminal, whether or not an orchestrator is running).
 */
import { pidAlive, localHost, makeIdentity, type QueueCounts, type RunLayout, type WorkerRecord, type Transport } from '@passk/core';
import { recentRate } from './rate.js';
import { extractionByTemperature, type TemperatureExtraction } from './extraction.js';
import { runState, type RunState } from './state.js';
import { readActiveTime } from '../orchestrator/active-time.js';

export interface WorkerStatus extends WorkerRecord {
  /** Seconds since the last heartbeat. */
  heartbeat_age_s: number;
  /** False when the pid is gone (same host) or the heartbeat is older than 30 s. */
  alive: boolean;
}

export interface RunStatus {
  run: string;
  queue_dir: string;
  transport: 'fs' | 'redis';
  results_dir: string;
  planned: boolean;
  simulated: boolean;
  backend?: string;
  model?: string;
  queue: QueueCounts;
  groups_total: number;
  groups_done: number;
  questions_total: number;
  questions_done: number;
  samples_total: number;
  samples_done: number;
  /**
   * Samples per second over the last minutes (`rate_window_s`), measured from the combiner's
   * recent_progress: time the run was stopped never counts. The run average when that is missing.
   */
  samples_per_s: number;
  /** Seconds samples_per_s is measured over; null when it is the run average. */
  rate_window_s: number | null;
  /** What samples_per_s is: the recent window, or (older run summaries) the average since the start. */
  rate_basis: 'recent' | 'run average';
  /** Samples combined per second of the run's active time (stopped time excluded; since the start when unknown). */
  run_average_samples_per_s: number;
  /** Seconds the run was active (its orchestrators' sessions summed); null when unknown. */
  active_s: number | null;
  /** Seconds to go at samples_per_s; null when nothing is moving. */
  eta_s: number | null;
  finished: boolean;
  /** RUNNING, STOPPED, FINISHED or STALLED (status/state.ts). */
  state: RunState;
  /** What keeps the run from moving, each with a command that fixes it. */
  hints: string[];
  workers: WorkerStatus[];
  /** Per temperature: samples with no code extracted, and samples per extraction rule (from run_summary.json). */
  extraction: TemperatureExtraction[];
  generated_at: string;
}

export async function collectStatus(layout: RunLayout, transport: Transport, ref?: Parameters<typeof runState>[1]): Promise<RunStatus> {
  const plan = await transport.store.readPlan().catch(() => undefined);
  const queue = transport.queue(makeIdentity('status', 'cli'));
  const counts = await queue.counts();
  await queue.close();
  const summary = await transport.store.readRunSummary();
  const now = Date.now();
  const workers: WorkerStatus[] = [];
  const host = localHost();
  for (const record of await transport.workers.list()) {
    const age = (now - Date.parse(record.heartbeat_at)) / 1000;
    const alive = record.state !== 'exited' && (record.host === host ? pidAlive(record.pid) : age < 30);
    workers.push({ ...record, heartbeat_age_s: Math.round(age * 10) / 10, alive });
  }
  workers.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  const groupsDone = (await transport.store.combinedGroups()).size;
  const questionsTotal = plan?.questions.length ?? 0;
  const groupsTotal = questionsTotal * (plan?.temperatures.length ?? 0);
  const samplesTotal = groupsTotal * (plan?.n ?? 0);
  const samplesDone = summary?.samples_done ?? 0;
  const started = summary ? Date.parse(summary.started_at) : plan ? Date.parse(plan.created_at) : now;
  const active = await readActiveTime(layout);
  // The run's active time (orchestrator sessions summed), plus the few seconds since its last write while one runs;
  // without active.json (daemons by hand, older runs) the time since the start.
  const activeS = active ? active.active_s + (workers.some((w) => w.alive) ? Math.min(15, Math.max(0, (now - Date.parse(active.updated_at)) / 1000)) : 0) : (now - started) / 1000;
  const average = samplesDone / Math.max(0.001, activeS);
  const recent = recentRate(summary?.recent_progress, now);
  const rate = recent ? recent.samples_per_s : average;
  const finished = !!summary?.finished;
  const status: RunStatus = {
    run: layout.run,
    queue_dir: transport.where,
    transport: transport.kind,
    results_dir: layout.resultsDir,
    planned: !!plan,
    simulated: plan?.simulated ?? false,
    backend: plan?.backend,
    model: plan?.model,
    queue: counts,
    groups_total: groupsTotal,
    groups_done: groupsDone,
    questions_total: questionsTotal,
    questions_done: summary?.questions_done ?? 0,
    samples_total: samplesTotal,
    samples_done: samplesDone,
    samples_per_s: Math.round(rate * 10) / 10,
    rate_window_s: recent ? recent.window_s : null,
    rate_basis: recent ? 'recent' : 'run average',
    run_average_samples_per_s: Math.round(average * 10) / 10,
    active_s: active ? Math.round(activeS) : null,
    eta_s: finished ? 0 : rate > 0 ? Math.round((samplesTotal - samplesDone) / rate) : null,
    finished,
    state: 'STOPPED',
    hints: [],
    workers,
    extraction: extractionByTemperature(summary),
    generated_at: new Date(now).toISOString(),
  };
  const view = runState(status, ref);
  status.state = view.state;
  status.hints = view.hints;
  if (view.state !== 'RUNNING') status.eta_s = view.state === 'FINISHED' ? 0 : null;
  return status;
}
