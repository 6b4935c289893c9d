/** Helpers for tests that drive the real CLI as processes. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { combinedFileName } from '@passk/core';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PASSK = path.join(REPO, 'bin', 'passk');

export interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startPassk(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Started {
  // A test that runs passk in a directory of its own keeps its runs there (the passk home; docs/operations.md).
  const home = options.cwd ? { PASSK_HOME: options.cwd } : {};
  const child = spawn(process.execPath, [PASSK, ...args], { cwd: options.cwd ?? REPO, env: { ...process.env, ...home, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => out, stderr: () => err, exit };
}

export async function runPassk(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}) {
  const started = startPassk(args, options);
  const timer = setTimeout(() => started.child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  const result = await started.exit;
  clearTimeout(timer);
  return { ...result, stdout: started.stdout(), stderr: started.stderr() };
}

/** Directories for one run, under a temp root. */
export function runDirs(root: string, run: string): string[] {
  return ['--run', run, '--queue-dir', path.join(root, 'queue', run), '--results-dir', path.join(root, 'results', run)];
}

export async function readJson<T = any>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, 'utf8')) as T;
}

/** Every q{idx}/summary.json of a results dir, by question index, with timing fields removed. */
export async function comparableSummaries(resultsDir: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const name of (await readdir(resultsDir)).filter((n) => /^q\d+$/.test(n)).sort()) {
    const summary = await readJson(path.join(resultsDir, name, 'summary.json'));
    for (const row of summary.results) {
      delete row.gen_tps;
      delete row.gen_wall_s;
      delete row.cached;
    }
    out[name] = summary;
  }
  return out;
}

export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** Files left in a queue dir that are not final item files (temp or claim files). */
export async function leftovers(queueDir: string): Promise<string[]> {
  const out: string[] = [];
  for (const dir of ['pending_gen', 'pending_eval', 'pending_combine', 'claimed', 'tmp']) {
    for (const name of await readdir(path.join(queueDir, dir)).catch(() => [] as string[])) out.push(`${dir}/${name}`);
  }
  return out;
}


/**
 * Every sample index of every (question, temperature) of the plan must appear exactly once in its
 * q{idx}/t{M}_{m}_combined.json, with seed seed_base + index, and the file's row must count them.
 * Returns what is wrong (empty when all is well).
 */
export async function combinedSampleProblems(resultsDir: string): Promise<string[]> {
  const plan = await readJson(path.join(resultsDir, 'plan.json'));
  const problems: string[] = [];
  for (const q of plan.questions as Array<{ idx: number }>) {
    for (const t of plan.temperatures as number[]) {
      const name = `q${q.idx}/${combinedFileName(t)}`;
      let combined: { n: number; samples: Array<{ index: number; seed: number }> };
      try {
        combined = await readJson(path.join(resultsDir, name));
      } catch (error) {
        problems.push(`${name}: ${(error as Error).message}`);
        continue;
      }
      const counts = new Map<number, number>();
      for (const s of combined.samples) {
        counts.set(s.index, (counts.get(s.index) ?? 0) + 1);
        if (s.seed !== plan.seed + s.index) problems.push(`${name}: sample ${s.index} has seed ${s.seed}, not ${plan.seed + s.index}`);
      }
      for (let i = 0; i < plan.n; i++) if (counts.get(i) !== 1) problems.push(`${name}: sample ${i} appears ${counts.get(i) ?? 0} times`);
      for (const i of counts.keys()) if (!(Number.isInteger(i) && i >= 0 && i < plan.n)) problems.push(`${name}: sample index ${i} is outside 0…${plan.n - 1}`);
      if (combined.n !== plan.n || combined.samples.length !== plan.n) problems.push(`${name}: n ${combined.n}, ${combined.samples.length} samples, plan n ${plan.n}`);
    }
  }
  return problems;
}

/**
 * `args` with the value of `flag` replaced (or the flag appended). For a reference run with
 * `--sim-tps 0`: the sim's output depends on (problem, temperature, seed) alone, so an unpaced
 * reference has the same summaries (timing fields aside) as the paced run it is compared with.
 */
export function withOption(args: readonly string[], flag: string, value: string): string[] {
  const at = args.indexOf(flag);
  if (at < 0) return [...args, flag, value];
  return [...args.slice(0, at + 1), value, ...args.slice(at + 2)];
}

/**
 * Start an undisturbed reference run now, beside the run it is compared with (they share nothing but
 * the machine); the promise gives its comparable summaries, after checking that it exited 0.
 */
export function referenceSummaries(args: string[], resultsDir: string, options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Record<string, unknown>> {
  const done = runPassk(args, { timeoutMs: 300_000, ...options }).then((reference) => {
    if (reference.code !== 0) throw new Error(`the reference run exited ${reference.code}:\n${reference.stdout}${reference.stderr}`);
    return comparableSummaries(resultsDir);
  });
  done.catch(() => {}); // awaited later; a failure before that must not be an unhandled rejection
  return done;
}
