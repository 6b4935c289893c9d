/**
 * What one execution means, before any comparison with expected output: a terminal verdict
 * status (time_limit, runtime_error, …) or "ran to completion" with what to compare.
 * Order matters and is documented in docs/grading.md ("Verdict statuses").
 */
import type { VerdictStatus } from '@passk/core';
import type { ExecRequest, ExecResult, HarnessReport } from './sandbox/protocol.js';

export type Outcome =
  | { ok: true; stdout: string; value?: string; unrepresentable?: string }
  | { ok: false; status: VerdictStatus; message: string };

const SIGNALS: Record<number, string> = { 1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 4: 'SIGILL', 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE', 9: 'SIGKILL', 11: 'SIGSEGV', 13: 'SIGPIPE', 15: 'SIGTERM', 24: 'SIGXCPU', 25: 'SIGXFSZ' };
const SIGXCPU = 24;
/**
 * Signals that come from outside a program (the global OOM killer's and an operator's SIGKILL,
 * kill/killall's SIGTERM, a terminal's SIGINT/SIGHUP/SIGQUIT): a death by one of them that the
 * sandbox cannot explain otherwise is retried, not the program's verdict (docs/grading.md).
 */
const EXTERNAL_SIGNALS = new Set([1, 2, 3, 9, 15]);

/**
 * The signal of a death the sandbox cannot explain, else null: killed by an external-kind signal
 * while under its CPU limit, with no wall time-out of its own and no OOM kill in its memory cgroup.
 * The pool retries such an execution; only a death that happens again is the program's.
 */
export function unexplainedSignal(req: Pick<ExecRequest, 'cpuMs'>, r: ExecResult): number | null {
  if (r.signal === null || !EXTERNAL_SIGNALS.has(r.signal)) return null;
  if (r.timed_out || r.oom) return null;
  // lcb modes: one execution runs every test, and the server kills the child itself when a test
  // fails, after the last test, or at a limit; only a death while it ran on its own counts.
  if (r.lcb) return r.lcb.ended === 'exit' ? r.signal : null;
  if (r.cpu_ms > req.cpuMs) return null;
  return r.signal;
}

export function signalName(signal: number): string {
  return SIGNALS[signal] ?? `signal ${signal}`;
}
const EFBIG = 27;

export function clip(s: string, n = 300): string {
  return s.length <= n ? s : `${s.slice(0, n - 3)}...`;
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}

const FIELDS: Record<HarnessReport['kind'], Record<string, string[]>> = {
  exception: { type: ['string'], message: ['string'], errno: ['number', 'null'] },
  syntax_error: { message: ['string'] },
  missing_function: { message: ['string'] },
  return: { value: ['string'] },
  unrepresentable: { message: ['string'] },
  setup_failed: { message: ['string'] },
  done: {},
};

/** The report if it has exactly one harness report's shape (the fork server checks it too: passk_report.py). */
export function checkedReport(rep: unknown): HarnessReport | null {
  if (typeof rep !== 'object' || rep === null || Array.isArray(rep)) return null;
  const kind = (rep as { kind?: unknown }).kind;
  if (typeof kind !== 'string' || !Object.hasOwn(FIELDS, kind)) return null;
  const fields = FIELDS[kind as HarnessReport['kind']];
  const keys = Object.keys(rep);
  if (keys.length !== Object.keys(fields).length + 1) return null;
  for (const [k, types] of Object.entries(fields)) {
    const v = (rep as Record<string, unknown>)[k];
    if (!types.includes(v === null ? 'null' : typeof v)) return null;
  }
  return rep as HarnessReport;
}

export function interpret(req: ExecRequest, result: ExecResult): Outcome {
  const rep = checkedReport(result.report);
  const r = rep === result.report ? result : { ...result, report: rep, report_invalid: true };
  const fail = (status: VerdictStatus, message: string): Outcome => ({ ok: false, status, message: clip(message) });
  if (rep?.kind === 'syntax_error') return fail('syntax_error', rep.message);
  if (r.timed_out) return fail('time_limit', `wall-clock backstop of ${req.wallMs / 1000} s reached (CPU ${Math.round(r.cpu_ms)} ms)`);
  if (r.signal === SIGXCPU || r.cpu_ms > req.cpuMs) return fail('time_limit', `CPU time limit of ${req.cpuMs / 1000} s exceeded`);
  if (r.oom) return fail('memory_limit', 'memory limit reached (the memory cgroup killed the program)');
  if (rep?.kind === 'exception' && rep.type === 'MemoryError') return fail('memory_limit', 'MemoryError (memory limit reached)');
  if (r.output_full || (rep?.kind === 'exception' && rep.errno === EFBIG)) return fail('output_limit', 'output limit reached');
  if (r.report_invalid && (req.mode !== 'stdin' || r.exit_code !== 0)) return fail('runtime_error', "the program wrote into the harness's report channel");
  if (r.signal !== null) {
    const name = signalName(r.signal);
    return fail('runtime_error', `killed by ${name}${r.signal === 11 ? ' (stack overflow?)' : ''}`);
  }
  if (rep?.kind === 'missing_function') return fail('runtime_error', rep.message);
  if (r.exit_code !== 0) {
    if (req.mode === 'humaneval' && rep?.kind === 'exception' && rep.type === 'AssertionError') {
      return fail('wrong_answer', `AssertionError${rep.message ? `: ${rep.message}` : ''} (a check() assertion failed)`);
    }
    if (rep?.kind === 'exception') return fail('runtime_error', `${rep.type}: ${rep.message}`.replace(/: $/, ''));
    const tail = lastLine(r.stderr);
    return fail('runtime_error', tail ? `exit code ${r.exit_code}: ${tail}` : `exit code ${r.exit_code}`);
  }
  if (req.mode === 'humaneval') {
    if (rep?.kind !== 'done') return fail('runtime_error', 'the program exited before the tests completed');
    return { ok: true, stdout: '' };
  }
  if (req.mode === 'functional') {
    if (rep?.kind === 'return') return { ok: true, stdout: '', value: rep.value };
    if (rep?.kind === 'unrepresentable') return { ok: true, stdout: '', unrepresentable: rep.message };
    return fail('runtime_error', 'the program exited before the function returned');
  }
  return { ok: true, stdout: r.stdout.toString('utf8') };
}
