/** Small finished sim runs made with the real CLI, shared by the report tests. */
import path from 'node:path';
import yargs from 'yargs';
import { reportCommand } from '@passk/report';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { runPassk, runDirs } from '../helpers/passk.js';

export const SIM = ['--backend', 'sim', '--problems', 'demo', '--end', '4', '--n', '12', '--shard-size', '6', '--gpus', '1', '--evaluators', '1', '--sim-tps', '0', '--progress-interval', '1'];

export interface Fixture {
  root: string;
  cleanup: () => Promise<void>;
  resultsDir: (run: string) => string;
  queueDir: (run: string) => string;
}

/** Run one sim sweep per entry (name → temperatures) into a fresh temp root; `cleanup()` removes it. */
export async function simRuns(runs: Record<string, string>): Promise<Fixture> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'passk-report-'));
  for (const [run, temperatures] of Object.entries(runs)) {
    const result = await runPassk(['run', ...runDirs(root, run), ...SIM, '--temperatures', temperatures]);
    if (result.code !== 0) throw new Error(`sim run ${run} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
  return { root, cleanup: () => rm(root, { recursive: true, force: true }), resultsDir: (run) => path.join(root, 'results', run), queueDir: (run) => path.join(root, 'queue', run) };
}

/** `passk report …` through yargs, in this process (the CLI registers the same CommandModule). */
export async function report(args: string[]): Promise<void> {
  await yargs(args).command(reportCommand).strict().exitProcess(false).fail((msg, err) => {
    throw err ?? new Error(msg);
  }).parseAsync();
}
