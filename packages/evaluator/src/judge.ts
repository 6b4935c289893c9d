/**
 * `--grading judge` (docs/grading.md): each test is its own execution, a real process with a real
 * stdin and stdout, as a contest judge runs Python; and HumanEval (`--grading human-eval`, its only
 * mode). Stops at the first failing test. The lcb mode is lcb.ts.
 */
import { PasskError, type Problem } from '@passk/core';
import type { ServerPool } from './sandbox/pool.js';
import type { ExecRequest } from './sandbox/protocol.js';
import type { ResolvedOptions } from './options.js';
import type { StdoutComparer } from './compare/offload.js';
import type { LcbOutcome as GradeOutcome } from './lcb.js';
import { interpret, clip } from './outcome.js';
import { pyEquals } from './compare/pyjson.js';
import { expectedValues, resultValue, display } from './compare/functional.js';

export type { GradeOutcome };

export async function gradeHumanEval(pool: ServerPool, o: ResolvedOptions, problem: Problem, code: string, signal?: AbortSignal): Promise<GradeOutcome> {
  const he = problem.humaneval;
  if (!he) throw new PasskError('ERR_PROBLEM_INVALID', `problem ${problem.id}: kind humaneval without humaneval parts`);
  signal?.throwIfAborted();
  const base = { code, cpuMs: o.cpuMs, wallMs: o.wallMs };
  const r = await pool.exec({ ...base, mode: 'humaneval', prompt: he.prompt, test: he.test, entryPoint: he.entry_point });
  const out = interpret({ ...base, mode: 'humaneval' }, r);
  return out.ok
    ? { status: 'passed', failed: null, ran: 1, message: '', cpuMs: r.cpu_ms }
    : { status: out.status, failed: null, ran: 1, message: out.message, cpuMs: r.cpu_ms };
}

/** `progress(done)` is told how many tests ran to the end, so that an infra error thrown later can say it. */
export async function gradeJudge(
  pool: ServerPool, comparer: StdoutComparer, o: ResolvedOptions, problem: Problem, code: string,
  signal: AbortSignal | undefined, progress: (ran: number) => void,
): Promise<GradeOutcome> {
  const functional = problem.kind === 'functional';
  const expected = functional ? expectedValues(problem) : [];
  const base = { code, cpuMs: o.cpuMs, wallMs: o.wallMs };
  let cpuMs = 0;
  const fail = (status: GradeOutcome['status'], i: number, message: string): GradeOutcome => ({ status, failed: i, ran: i + 1, message, cpuMs });
  for (let i = 0; i < problem.tests.length; i++) {
    signal?.throwIfAborted();
    const test = problem.tests[i]!;
    const req: ExecRequest = functional
      ? { ...base, mode: 'functional', input: test.input, funcName: problem.func_name! }
      : { ...base, mode: 'stdin', input: test.input };
    progress(i);
    const r = await pool.exec(req);
    cpuMs += r.cpu_ms;
    const out = interpret(req, r);
    if (!out.ok) return fail(out.status, i, out.message);
    if (!functional) {
      const cmp = await comparer.compare(out.stdout, test.output);
      if (!cmp.equal) return fail('wrong_answer', i, clip(cmp.message));
      continue;
    }
    const want = expected[i]!;
    if (want instanceof Error) return fail('infra_error', i, clip(`expected output of test ${i} is not JSON: ${want.message}`));
    if (out.unrepresentable !== undefined) return fail('wrong_answer', i, clip(`Wrong Answer: ${out.unrepresentable}`));
    const got = resultValue(out.value!, want);
    if (got instanceof Error) return fail('runtime_error', i, clip(got.message));
    if (got === null || !pyEquals(got, want)) {
      return fail('wrong_answer', i, clip(`Wrong Answer: got ${display(out.value!)}, expected ${display(test.output.trim())}`));
    }
  }
  return { status: 'passed', failed: null, ran: problem.tests.length, message: '', cpuMs };
}
