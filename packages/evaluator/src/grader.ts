/**
 * The fork-server Grader: LiveCodeBench stdin and functional tests (public first, then private,
 * stopping at the first failure) and HumanEval check programs, every execution in the sandbox.
 */
import { PasskError, type Grader, type GradeRequest, type Verdict, type VerdictStatus } from '@passk/core';
import { resolveOptions, graderFingerprint, type GraderOptions, type ResolvedOptions } from './options.js';
import { resolvePython } from './sandbox/python.js';
import { ServerPool, type PoolStats } from './sandbox/pool.js';
import type { SandboxInfo } from './sandbox/server.js';
import { clip } from './outcome.js';
import { StdoutComparer } from './compare/offload.js';
import { gradeLcb } from './lcb.js';
import { gradeJudge, gradeHumanEval } from './judge.js';

/**
 * Bumped whenever grading semantics change: part of every dedup cache key (3: HumanEval accepts
 * Fraction, Decimal, deque results; 4: LCB programs compile under the 50,000-digit limit, result
 * ints over 50,000 digits are a wrong answer, forged/odd reports are the program's runtime_error,
 * deep results compared, Decimal tokens outside libmpdec's range are not Decimals; grandchildren's
 * CPU charged, RLIMIT_NOFILE 1024, seccomp, fresh IPC/scratch per execution; the grading mode, lcb
 * by default; HumanEval check() in its own process, what it prints discarded; judge semantics:
 * site-packages and numpy import, non-daemon threads waited for, std streams with mode/name;
 * unexplained deaths retried). 5: an execution's shared memory is freed before its verdict goes out
 * (a sample started while the last one's SysV segments were still charged could get memory_limit).
 */
export const GRADER_VERSION = 'passk-forkserver-5';

export interface PasskGrader extends Grader {
  /** The isolation the fork servers achieved (level `degraded` is also warned about). */
  readonly sandbox: SandboxInfo;
  readonly stats: PoolStats;
  /** The interpreter actually used (its real path). */
  readonly python: string;
  /** Its version, as the fork server reports it (`3.11.2`). */
  readonly pythonVersion: string;
  /** Everything besides the program and the problem that can change a verdict. */
  readonly fingerprint: string;
  readonly options: ResolvedOptions;
}

export async function createGrader(options: GraderOptions = {}): Promise<PasskGrader> {
  const o = resolveOptions(options);
  const python = await resolvePython(o.python);
  const pool = new ServerPool(python, o);
  await pool.start();
  const sandbox = pool.sandbox!;
  const pythonVersion = pool.pythonVersion!;
  const comparer = new StdoutComparer();
  let closed: Promise<void> | null = null;

  async function grade({ problem, code, signal }: GradeRequest): Promise<Verdict> {
    if (o.grading === 'human-eval' && problem.kind !== 'humaneval') {
      throw new PasskError('ERR_BAD_OPTION', `--grading human-eval applies to HumanEval problems only; problem ${problem.id} is of kind ${problem.kind} (use lcb or judge)`);
    }
    const start = performance.now();
    let cpu = 0;
    let ran = 0;
    const verdict = (status: VerdictStatus, failed: number | null, message: string): Verdict => ({
      passed: status === 'passed',
      status,
      failed_test: failed,
      tests_run: ran,
      cpu_ms: Math.round(cpu * 1000) / 1000,
      wall_ms: Math.round((performance.now() - start) * 1000) / 1000,
      message,
    });
    try {
      if (problem.kind === 'functional' && !problem.func_name) throw new PasskError('ERR_PROBLEM_INVALID', `problem ${problem.id}: functional kind without func_name`);
      const out = problem.kind === 'humaneval'
        ? await gradeHumanEval(pool, o, problem, code, signal)
        : o.grading === 'lcb'
          ? await gradeLcb(pool, comparer, o, problem, code, signal)
          : await gradeJudge(pool, comparer, o, problem, code, signal, (n) => (ran = n));
      ran = out.ran;
      cpu += out.cpuMs;
      return verdict(out.status, out.failed, out.message);
    } catch (error) {
      if (signal?.aborted) throw error;
      const failed = problem.kind === 'humaneval' ? null : ran;
      return verdict('infra_error', failed, clip((error as Error).message));
    }
  }

  return {
    grade,
    sandbox,
    stats: pool.stats,
    python,
    pythonVersion,
    options: o,
    fingerprint: graderFingerprint(GRADER_VERSION, o, sandbox.level, python, pythonVersion),
    close() {
      closed ??= Promise.all([pool.close(), comparer.close()]).then(() => undefined);
      return closed;
    },
  };
}
