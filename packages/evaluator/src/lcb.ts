/**
 * `--grading lcb` in Node (docs/grading.md, "lcb mode"): one execution per sample runs every test
 * in one child; each test's output comes back as a frame, is compared here with lcb_runner's rules
 * (compare/stdio.ts, compare/pyjson.ts; expected outputs never leave Node), and the child is told
 * to go on or stop at the first failure. Then the end of the run becomes the verdict.
 */
import type { Problem, VerdictStatus } from '@passk/core';
import type { ServerPool } from './sandbox/pool.js';
import type { ExecRequest, ExecResult, LcbTestFrame } from './sandbox/protocol.js';
import type { ResolvedOptions } from './options.js';
import { clip } from './outcome.js';
import type { StdoutComparer } from './compare/offload.js';
import { pyEquals, type PyValue } from './compare/pyjson.js';
import { expectedValues, resultValue, display } from './compare/functional.js';

export interface LcbOutcome {
  status: VerdictStatus;
  /** Index of the failing test (0 when loading the program failed); null when passed. */
  failed: number | null;
  /** Tests started (the failing one included). */
  ran: number;
  message: string;
  cpuMs: number;
}

interface Failure {
  index: number;
  status: VerdictStatus;
  message: string;
}

const SIGNALS: Record<number, string> = { 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE', 9: 'SIGKILL', 11: 'SIGSEGV', 24: 'SIGXCPU' };
const SIGXCPU = 24;

/** lcb_runner's global time-out (compute_code_generation_metrics.check_correctness): (timeout + 1) × tests + 5 s. */
export function lcbTotalMs(testWallMs: number, tests: number): number {
  return (testWallMs + 1000) * tests + 5000;
}

/**
 * Each test's expected stdout as UTF-8, encoded once per test (problems are graded many samples at a
 * time); null when the text does not survive the round trip (a lone surrogate), where only the text
 * comparison may decide.
 */
const expectedBytes = new WeakMap<Problem['tests'][number], Buffer | null>();
function bytesOf(test: Problem['tests'][number]): Buffer | null {
  let b = expectedBytes.get(test);
  if (b === undefined) {
    const enc = Buffer.from(test.output, 'utf8');
    b = enc.toString('utf8') === test.output ? enc : null;
    expectedBytes.set(test, b);
  }
  return b;
}

/** Judge one test frame as lcb_runner does; null when the test passed. */
async function judgeFrame(comparer: StdoutComparer, frame: LcbTestFrame, test: Problem['tests'][number], want: PyValue | Error | undefined): Promise<Failure | null> {
  const expected = test.output;
  // The stdout is exactly the expected output's bytes: equal under lcb_runner's rule, without decoding or comparing it.
  if (frame.kind === 'out' && bytesOf(test)?.equals(frame.body) === true) return null;
  const text = frame.body.toString('utf8');
  const index = frame.index;
  if (frame.kind === 'exc') {
    let e: { type?: string; message?: string } = {};
    try {
      e = JSON.parse(text) as typeof e;
    } catch {
      /* the harness wrote it: cannot happen; a generic message then */
    }
    const status: VerdictStatus = e.type === 'MemoryError' ? 'memory_limit' : 'runtime_error';
    return { index, status, message: clip(`${e.type ?? 'exception'}: ${e.message ?? ''}`.replace(/: $/, '')) };
  }
  if (frame.kind === 'out') {
    const cmp = await comparer.compare(text, expected);
    return cmp.equal ? null : { index, status: 'wrong_answer', message: clip(cmp.message) };
  }
  if (want instanceof Error) return { index, status: 'infra_error', message: clip(`expected output of test ${index} is not JSON: ${want.message}`) };
  if (frame.kind === 'unrep') return { index, status: 'wrong_answer', message: clip(`Wrong Answer: ${text}`) };
  if (want === undefined) return { index, status: 'infra_error', message: `no expected value for test ${index}` };
  const got = resultValue(text, want);
  if (got instanceof Error) return { index, status: 'runtime_error', message: clip(got.message) };
  if (got !== null && pyEquals(got, want)) return null;
  return { index, status: 'wrong_answer', message: clip(`Wrong Answer: got ${display(text)}, expected ${display(expected.trim())}`) };
}

/** The verdict of a run that did not end with a failing frame. */
function ending(r: ExecResult, tests: number, wallMs: number, cpuMs: number): Omit<LcbOutcome, 'cpuMs'> {
  const end = r.lcb!;
  const failed = Math.max(0, Math.min(end.phase, tests - 1));
  const ran = failed + 1;
  const fail = (status: VerdictStatus, message: string): Omit<LcbOutcome, 'cpuMs'> => ({ status, failed, ran, message: clip(message) });
  const rep = r.report;
  if (end.ended === 'done' || (end.approved >= tests && tests > 0)) return { status: 'passed', failed: null, ran: tests, message: '' };
  if (rep?.kind === 'syntax_error') return fail('syntax_error', rep.message);
  if (end.ended === 'timeout') return fail('time_limit', `wall time limit of ${wallMs / 1000} s per test reached${end.phase < 0 ? ' while loading the program' : ''}`);
  if (end.ended === 'cpu' || r.signal === SIGXCPU) return fail('time_limit', `CPU time limit of ${cpuMs / 1000} s per test exceeded`);
  if (r.oom) return fail('memory_limit', 'memory limit reached (the memory cgroup killed the program)');
  if (rep?.kind === 'exception' && rep.type === 'MemoryError') return fail('memory_limit', 'MemoryError (memory limit reached)');
  if (end.ended === 'output_limit') return fail('output_limit', 'output limit reached');
  if (end.ended === 'bad_frame' || r.report_invalid) return fail('runtime_error', `the program wrote into the harness's channel (${end.message || 'report'})`);
  if (end.ended === 'node_gone') return fail('infra_error', 'the grader went away');
  if (rep?.kind === 'exception') return fail('runtime_error', `${rep.type}: ${rep.message}`.replace(/: $/, ''));
  if (rep?.kind === 'missing_function') return fail('runtime_error', rep.message);
  if (r.signal !== null && r.signal !== 9) return fail('runtime_error', `killed by ${SIGNALS[r.signal] ?? `signal ${r.signal}`}`);
  const how = r.signal === 9 ? 'was killed (SIGKILL)' : `exited (code ${r.exit_code})`;
  return fail('runtime_error', `the interpreter ${how} during ${end.phase < 0 ? 'loading' : `test ${end.phase}`}: lcb_runner records every test as failed (-1)`);
}

/** Each problem's test inputs as one array, built once (its JSON is then encoded once: protocol.ts). */
const inputsOf = new WeakMap<Problem['tests'], readonly string[]>();
function testInputs(tests: Problem['tests']): readonly string[] {
  let inputs = inputsOf.get(tests);
  if (inputs === undefined) {
    inputs = tests.map((t) => t.input);
    inputsOf.set(tests, inputs);
  }
  return inputs;
}

export async function gradeLcb(pool: ServerPool, comparer: StdoutComparer, o: ResolvedOptions, problem: Problem, code: string, signal?: AbortSignal): Promise<LcbOutcome> {
  signal?.throwIfAborted();
  const functional = problem.kind === 'functional';
  const expected = functional ? expectedValues(problem) : [];
  const tests = problem.tests;
  const req: ExecRequest = {
    mode: functional ? 'lcb-functional' : 'lcb-stdin',
    code,
    inputs: testInputs(tests),
    ...(functional ? { funcName: problem.func_name! } : {}),
    cpuMs: o.cpuMs,
    wallMs: o.wallMs,
    totalMs: lcbTotalMs(o.wallMs, tests.length),
  };
  // A death the sandbox did not cause and cannot explain (the global OOM killer, an operator) is run
  // again by the pool (outcome.ts, unexplainedSignal); only a reproduced death is the program's verdict.
  let failure: Failure | null = null;
  const r = await pool.exec(req, async (frame) => {
    const t = tests[frame.index];
    failure = t === undefined ? { index: frame.index, status: 'runtime_error', message: `a frame for test ${frame.index}, which does not exist` } : await judgeFrame(comparer, frame, t, functional ? expected[frame.index] : undefined);
    return failure === null;
  });
  const f = failure as Failure | null;
  if (f !== null) return { status: f.status, failed: f.index, ran: f.index + 1, message: f.message, cpuMs: r.cpu_ms };
  return { ...ending(r, tests.length, o.wallMs, o.cpuMs), cpuMs: r.cpu_ms };
}
