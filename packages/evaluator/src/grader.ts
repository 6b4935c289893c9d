/**
 * The fork-server Grader: LiveCodeBench stdin and functional tests (public first, then private,
 * stopping at the first failure) and HumanEval check programs, every execution in the sandbox.
 */
import { PasskError, type Grader, type GradeRequest, type Problem, type Verdict, type VerdictStatus } from '@passk/core';
import { resolveOptions, graderFingerprint, type GraderOptions, type ResolvedOptions } from './options.js';
import { resolvePython } from './sandbox/python.js';
import { ServerPool, type PoolStats } from './sandbox/pool.js';
import type { SandboxInfo } from './sandbox/server.js';
import type { ExecRequest } from './sandbox/protocol.js';
import { interpret, clip } from './outcome.js';
import { compareStdout } from './compare/stdio.js';
import { parsePyJson, pyEquals, type PyValue } from './compare/pyjson.js';

/** Bumped whenever grading semantics change: part of every dedup cache key (3: HumanEval accepts Fraction, Decimal, deque results; 4: HumanEval check() in its own process, what it prints discarded; judge semantics: site-packages and numpy import, non-daemon threads waited for, std streams with mode/name; unexplained deaths retried). */
export const GRADER_VERSION = 'passk-forkserver-4';

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

const expectedCache = new WeakMap<Problem, (PyValue | Error)[]>();

function expectedValues(problem: Problem): (PyValue | Error)[] {
  let values = expectedCache.get(problem);
  if (!values) {
    values = problem.tests.map((t) => {
      try {
        return parsePyJson(t.output);
      } catch (e) {
        return e as Error;
      }
    });
    expectedCache.set(problem, values);
  }
  return values;
}

function display(v: string): string {
  return clip(v, 120);
}

export async function createGrader(options: GraderOptions = {}): Promise<PasskGrader> {
  const o = resolveOptions(options);
  const python = await resolvePython(o.python);
  const pool = new ServerPool(python, o);
  await pool.start();
  const sandbox = pool.sandbox!;
  const pythonVersion = pool.pythonVersion!;
  let closed: Promise<void> | null = null;

  async function grade({ problem, code, signal }: GradeRequest): Promise<Verdict> {
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
    const base = { code, cpuMs: o.cpuMs, wallMs: o.wallMs };
    try {
      if (problem.kind === 'humaneval') {
        const he = problem.humaneval;
        if (!he) throw new PasskError('ERR_PROBLEM_INVALID', `problem ${problem.id}: kind humaneval without humaneval parts`);
        signal?.throwIfAborted();
        const r = await pool.exec({ ...base, mode: 'humaneval', prompt: he.prompt, test: he.test, entryPoint: he.entry_point });
        ran = 1;
        cpu += r.cpu_ms;
        const out = interpret({ ...base, mode: 'humaneval' }, r);
        return out.ok ? verdict('passed', null, '') : verdict(out.status, null, out.message);
      }
      const functional = problem.kind === 'functional';
      if (functional && !problem.func_name) throw new PasskError('ERR_PROBLEM_INVALID', `problem ${problem.id}: functional kind without func_name`);
      const expected = functional ? expectedValues(problem) : [];
      for (let i = 0; i < problem.tests.length; i++) {
        signal?.throwIfAborted();
        const test = problem.tests[i]!;
        const req: ExecRequest = functional
          ? { ...base, mode: 'functional', input: test.input, funcName: problem.func_name! }
          : { ...base, mode: 'stdin', input: test.input };
        const r = await pool.exec(req);
        ran++;
        cpu += r.cpu_ms;
        const out = interpret(req, r);
        if (!out.ok) return verdict(out.status, i, out.message);
        if (!functional) {
          const cmp = compareStdout(out.stdout, test.output);
          if (!cmp.equal) return verdict('wrong_answer', i, clip(cmp.message));
          continue;
        }
        const want = expected[i]!;
        if (want instanceof Error) return verdict('infra_error', i, clip(`expected output of test ${i} is not JSON: ${want.message}`));
        if (out.unrepresentable !== undefined) return verdict('wrong_answer', i, clip(`Wrong Answer: ${out.unrepresentable}`));
        if (!pyEquals(parsePyJson(out.value!), want)) {
          return verdict('wrong_answer', i, clip(`Wrong Answer: got ${display(out.value!)}, expected ${display(test.output.trim())}`));
        }
      }
      return verdict('passed', null, '');
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
      closed ??= pool.close();
      return closed;
    },
  };
}
