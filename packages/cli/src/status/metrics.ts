/** The orchestrator's Prometheus snapshot: the status view plus worker restarts and verdict counts. */
import { verdictCounts, type MetricsSnapshot } from '../metrics/prometheus.js';
import type { RunLayout, Transport } from '@passk/core';
import { collectStatus } from './collect.js';
import type { Supervisor } from '../orchestrator/supervisor.js';

export async function metricsSnapshot(layout: RunLayout, transport: Transport, supervisor: Supervisor): Promise<MetricsSnapshot> {
  const status = await collectStatus(layout, transport);
  const restarts = new Map(supervisor.list().map((w) => [w.name, w.restarts]));
  return {
    ...status,
    workers: status.workers.map((w) => ({ name: w.name, role: w.role, alive: w.alive, samples_done: w.samples_done, samples_per_s: w.samples_per_s, restarts: restarts.get(w.name) ?? 0 })),
    worker_restarts_total: supervisor.restartsTotal.count,
    verdicts: verdictCounts(await transport.store.readRunSummary()),
  };
}
