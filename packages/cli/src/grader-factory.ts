/** The evaluator's grader: the sandboxed fork-server pool behind the run's shared verdict cache. */
import { createGrader, createCachedGrader } from '@passk/evaluator';
import type { Grader, RunLayout } from '@passk/core';

export interface GraderFlags {
  workers: number;
  python?: string;
  cpuLimit?: number;
  memoryMb?: number;
  dedup: boolean;
}

export async function makeRunGrader(layout: RunLayout, flags: GraderFlags): Promise<Grader> {
  const inner = await createGrader({
    workers: flags.workers,
    ...(flags.python ? { python: flags.python } : {}),
    ...(flags.cpuLimit ? { cpuLimitSeconds: flags.cpuLimit } : {}),
    ...(flags.memoryMb ? { memoryMb: flags.memoryMb } : {}),
  });
  return flags.dedup ? createCachedGrader(inner, layout.cacheDir) : inner;
}
