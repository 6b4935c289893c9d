/**
 * Everything `passk status` shows, gathered from the run's files only (so it works from any
 * terminal, whether or not an orchestrator is running).
 */
import { pidAlive, localHost, makeIdentity, type QueueCounts, type RunLayout, type WorkerRecord, type Transport } from '@passk/core';
import { recentRate } from './rate.js';
import { extractionByTemperature, type TemperatureExtraction } from './extraction.js';

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
  /** Samples combined per second since the run started, stopped time included (for reference). */
  run_average_samples_per_s: number;
  /** Seconds to go at samples_per_s; null when nothing is moving. */
  eta_s: number | null;
  finished: boolean;
  workers: WorkerStatus[];
  /** Per temperature: samples with no code extracted, and samples per extraction rule (from run_summary.json). */
  extraction: TemperatureExtraction[];
  generated_at: string;
}

export async function collectStatus(layout: RunLayout, transport: Transport): Promise<RunStatus> {
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
  const elapsed = Math.max(0.001, (now - started) / 1000);
  const average = samplesDone / elapsed;
  const recent = recentRate(summary?.recent_progress, now);
  const rate = recent ? recent.samples_per_s : average;
  const finished = !!summary?.finished;
  return {
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
    eta_s: finished ? 0 : rate > 0 ? Math.round((samplesTotal - samplesDone) / rate) : null,
    finished,
    workers,
    extraction: extractionByTemperature(summary),
    generated_at: new Date(now).toISOString(),
  };
}
