/**
 * The side-by-side bench's `--json FILE` (bench/peers; docs/benchmarks.md): every raw run (each side, each
 * workload and size, each round, with the load average at its end), every floor, and the marginal figures,
 * so that the docs can cite the runs themselves. Rewritten after every round, so an interrupted bench keeps
 * the rounds it finished. Verdicts are summarised (passed count); the bench prints every disagreement.
 */
import { writeFileSync } from 'node:fs';
import type { Floor, Run } from './measure.js';
import type { Margin } from './marginal.js';
import type { Workload } from './workloads.js';

export interface RawRun {
  round: number;
  who: string;
  wall_s: number;
  cpu_s: number;
  user_s: number;
  sys_s: number;
  inner_s: number;
  node_cpu_s?: number;
  samples: number;
  passed: number;
  /** Load averages (1, 5, 15 min) when the run ended. */
  load: number[];
  /** The host's steal share of this VM's CPU time during the run (steal.ts); null where unknown. */
  steal: number | null;
  ended: string;
}

export interface RawWorkload {
  key: string;
  size: 'default' | 'large';
  name: string;
  samples: number;
  tests?: number;
  copies: number;
  dedup: boolean;
  runs: RawRun[];
  floors: (Floor & { round: number; steal: number | null })[];
}

export interface BenchRecord {
  argv: string[];
  started: string;
  ended?: string;
  machine: { cores: number; cpu: string; node: string };
  peers: string[];
  grading?: string;
  workloads: RawWorkload[];
  marginal: (Margin & { key: string })[];
}

export function rawWorkload(key: string, size: RawWorkload['size'], w: Workload): RawWorkload {
  return { key, size, name: w.name, samples: w.count, ...(w.tests !== undefined ? { tests: w.tests } : {}), copies: w.copies, dedup: w.dedup, runs: [], floors: [] };
}

export function rawRun(round: number, r: Run, load: number[], steal: number | null): RawRun {
  return {
    round, who: r.who, wall_s: r.wall, cpu_s: r.cpu, user_s: r.user, sys_s: r.sys, inner_s: r.inner, ...(r.nodeCpu !== undefined ? { node_cpu_s: r.nodeCpu } : {}),
    samples: r.verdicts.length, passed: r.verdicts.filter((v) => v.passed).length, load, steal, ended: new Date().toISOString(),
  };
}

export function writeRecord(file: string, rec: BenchRecord): void {
  writeFileSync(file, JSON.stringify(rec, null, 1) + '\n');
}
