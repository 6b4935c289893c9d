/**
 * Where runs live: the passk home. `--home DIR` (every command) or the PASSK_HOME environment variable,
 * else the project directory this CLI belongs to (never the current directory), so `passk status --run X`
 * finds run X from any directory. Runs are `HOME/queue/NAME` and `HOME/results/NAME`. Only `passk run`
 * creates a run; every other command naming a run that is not there fails with ERR_NO_PLAN, naming the
 * place it looked and the runs that are there. Also: the `passk` command a hint should print.
 */
import path from 'node:path';
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PasskError, type RunLayout, type Transport } from '@passk/core';

/** The checkout this CLI was built in (packages/cli/dist/home.js, or src/home.ts under tsx: three levels up). */
export const PROJECT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The home runs live under: PASSK_HOME (set from `--home` too), else the project directory. */
export function passkHome(): string {
  const env = process.env.PASSK_HOME;
  return env ? path.resolve(env) : PROJECT_DIR;
}

/** Run names under a home: results dirs with a plan.json (the runs `passk run` created), sorted. */
export function listRunNames(home = passkHome()): string[] {
  const dir = path.join(home, 'results');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => existsSync(path.join(dir, n, 'plan.json'))).sort();
}

/** The words of a command that works when pasted: `passk` when PATH has this CLI, else its absolute path; `--home` when not the default. */
export function passkWords(): string[] {
  const bin = path.join(PROJECT_DIR, 'bin', 'passk');
  const words = [onPath(bin) ? 'passk' : bin];
  if (passkHome() !== PROJECT_DIR) words.push('--home', passkHome());
  return words;
}

/** True when `passk` on PATH is this checkout's launcher (the same file behind any symlink). */
function onPath(bin: string): boolean {
  const real = safeRealpath(bin);
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'passk');
    try {
      if (statSync(candidate).isFile() && safeRealpath(candidate) === real) return true;
    } catch {
      // not in this dir
    }
  }
  return false;
}

function safeRealpath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

/** Quote a shell word only when it needs it. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A pasteable passk command line: `passk [--home H] ARGS…`, each word quoted as needed. */
export function passkCommand(args: string[]): string {
  return [...passkWords(), ...args].map(shellQuote).join(' ');
}

/**
 * Refuse a filesystem run that does not exist (no plan.json in its results dir): nothing is created, and
 * the message says where passk looked and which runs are there. Redis runs (`--queue`) are checked by
 * the daemons themselves (their plan lives in Redis).
 */
export function requireRun(layout: RunLayout, argv: { queue?: string }): void {
  if (argv.queue || existsSync(layout.planFile)) return;
  const home = passkHome();
  const runs = listRunNames(home);
  const there = runs.length ? `runs there: ${runs.join(', ')} (\`${passkCommand(['runs'])}\` lists them)` : 'no run is there yet';
  throw new PasskError(
    'ERR_NO_PLAN',
    `there is no run \`${layout.run}\` in passk home ${home} (--home DIR or PASSK_HOME moves it); ${there}. Start a run with \`${passkCommand(['run', '--run', layout.run])}\``,
    { file: layout.planFile },
  );
}

/** `--run NAME` and the location overrides a command was given (absolute), for hints that name the same run. */
export function runRefArgs(argv: { run: string; queueDir?: string; resultsDir?: string; queue?: string }): string[] {
  const words = ['--run', argv.run];
  if (argv.queueDir) words.push('--queue-dir', path.resolve(argv.queueDir));
  if (argv.resultsDir) words.push('--results-dir', path.resolve(argv.resultsDir));
  // A password in the Redis URL is masked (hints go to the terminal and to CI logs).
  if (argv.queue) words.push('--queue', argv.queue.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@'));
  return words;
}

/** `--run NAME` for a command that reads only the results dir (`passk report`), with `--results-dir` (absolute) when it is not the home's. */
export function resultsRefArgs(layout: { run: string; resultsDir: string }): string[] {
  const dir = path.resolve(layout.resultsDir);
  return dir === path.join(passkHome(), 'results', layout.run) ? ['--run', layout.run] : ['--run', layout.run, '--results-dir', dir];
}

/**
 * A run with no plan and no worker record in its transport does not exist there (ERR_NO_PLAN, naming the
 * queue). It matters on Redis; on the filesystem requireRun has already found the plan file.
 */
export async function requireRedisRun(layout: RunLayout, transport: Transport): Promise<void> {
  if ((await transport.store.readPlan()) || (await transport.workers.list()).length) return;
  const where = transport.where.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
  throw new PasskError('ERR_NO_PLAN', `there is no run \`${layout.run}\` in ${where}: no plan and no worker has run there. Start it with \`${passkCommand(['run', '--run', layout.run, '--queue', where])}\``);
}
