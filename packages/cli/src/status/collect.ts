/**
 * Everything `passk status` shows, gathered from the run's files only (so it works from any
 * terminal, whether or not an orchestrator is running).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { queueCounts, readPlan, pidAlive, localHost, type QueueCounts, type RunLayout, type WorkerRecord, type RunSummary } from '@passk/core';

export interface WorkerStatus extends WorkerRecord {
  /** Seconds since the last heartbeat. */
  heartbeat_age_s: number;
  /** False when the pid is gone (same host) or the heartbeat is older than 30 s. */
  alive: boolean;
}

export interface RunStatus {
  run: string;
  queue_dir: string;
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
  /** Samples combined per second since the run started. */
  samples_per_s: number;
  eta_s: number | null;
  finished: boolean;
  workers: WorkerStatus[];
  generated_at: string;
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export async function collectStatus(layout: RunLayout): Promise<RunStatus> {
  const plan = await readPlan(layout).catch(() => undefined);
  const queue = await queueCounts(layout);
  const summary = await readJson<RunSummary>(layout.runSummaryFile);
  const now = Date.now();
  const workers: WorkerStatus[] = [];
  const host = localHost();
  for (const name of await readdir(layout.workersDir).catch(() => [] as string[])) {
    if (!name.endsWith('.json')) continue;
    const record = await readJson<WorkerRecord>(path.join(layout.workersDir, name));
    if (!record) continue;
    const age = (now - Date.parse(record.heartbeat_at)) / 1000;
    const alive = record.state !== 'exited' && (record.host === host ? pidAlive(record.pid) : age < 30);
    workers.push({ ...record, heartbeat_age_s: Math.round(age * 10) / 10, alive });
  }
  workers.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  let groupsDone = 0;
  for (const name of await readdir(layout.combinedStateDir).catch(() => [] as string[])) {
    const state = await readJson<Record<string, unknown>>(path.join(layout.combinedStateDir, name));
    if (state) groupsDone += Object.keys(state).length;
  }
  const questionsTotal = plan?.questions.length ?? 0;
  const groupsTotal = questionsTotal * (plan?.temperatures.length ?? 0);
  const samplesTotal = groupsTotal * (plan?.n ?? 0);
  const samplesDone = summary?.samples_done ?? 0;
  const started = summary ? Date.parse(summary.started_at) : plan ? Date.parse(plan.created_at) : now;
  const elapsed = Math.max(0.001, (now - started) / 1000);
  const rate = samplesDone / elapsed;
  const finished = !!summary?.finished;
  return {
    run: layout.run,
    queue_dir: layout.queueDir,
    results_dir: layout.resultsDir,
    planned: !!plan,
    simulated: plan?.simulated ?? false,
    backend: plan?.backend,
    model: plan?.model,
    queue,
    groups_total: groupsTotal,
    groups_done: groupsDone,
    questions_total: questionsTotal,
    questions_done: summary?.questions_done ?? 0,
    samples_total: samplesTotal,
    samples_done: samplesDone,
    samples_per_s: Math.round(rate * 10) / 10,
    eta_s: finished ? 0 : rate > 0 ? Math.round((samplesTotal - samplesDone) / rate) : null,
    finished,
    workers,
    generated_at: new Date(now).toISOString(),
  };
}
