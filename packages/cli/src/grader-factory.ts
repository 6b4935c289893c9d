/** The evaluator's grader: the sandboxed fork-server pool behind the run's shared verdict cache. */
import { createGrader, createCachedGrader, limitOptions, type LimitFlagArgs } from '@passk/evaluator';
import type { Grader, RunLayout } from '@passk/core';

export { LIMIT_FLAGS, limitOptions, limitArgs, gradingFlag, GRADER_VERSION, type LimitFlagArgs } from '@passk/evaluator';

export interface GraderFlags extends Partial<LimitFlagArgs> {
  workers: number;
  python?: string;
  dedup: boolean;
}

/**
 * The limit flags (--cpu-limit, --wall-limit, --memory-mb, --output-limit-mb) are validated
 * here with their names: 0 is an error (ERR_BAD_OPTION), never "the default".
 */
export async function makeRunGrader(layout: RunLayout, flags: GraderFlags, logger?: { info(obj: object, msg: string): void }): Promise<Grader> {
  const inner = await createGrader({
    workers: flags.workers,
    ...(flags.python ? { python: flags.python } : {}),
    ...limitOptions(flags),
  });
  const o = inner.options;
  logger?.info({ grading: o.grading, python: inner.python, python_version: inner.pythonVersion, sandbox: inner.sandbox.level, workers: o.workers, cpu_ms: o.cpuMs, wall_ms: o.wallMs, mem_bytes: o.memBytes, output_bytes: o.outputBytes, dedup: flags.dedup }, 'grader ready');
  return flags.dedup ? createCachedGrader(inner, layout.cacheDir) : inner;
}
