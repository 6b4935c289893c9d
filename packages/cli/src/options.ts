/** Options shared by several commands, each with its default, and their eager validation. */
import type { Argv } from 'yargs';
import { PasskError, runLayout, isValidRunName, type RunLayout } from '@passk/core';

export const SEED_TEMPERATURES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.4, 1.5, 1.7, 2.0];

export function withRunOptions<T>(y: Argv<T>) {
  return y
    .option('run', { type: 'string', default: 'default', describe: 'Run name: queue under queue/NAME, results under results/NAME' })
    .option('queue-dir', { type: 'string', describe: 'Queue directory (default: queue/<run>)' })
    .option('results-dir', { type: 'string', describe: 'Results directory (default: results/<run>)' });
}

export function layoutFrom(argv: { run: string; queueDir?: string; resultsDir?: string }): RunLayout {
  if (!isValidRunName(argv.run)) {
    throw new PasskError('ERR_BAD_OPTION', `Expected \`--run\` to be a name of letters, digits, '.', '_' or '-' (not starting with '.' or '-'), got \`${argv.run}\``);
  }
  return runLayout({ run: argv.run, queueDir: argv.queueDir, resultsDir: argv.resultsDir });
}

export function withWorkerOptions<T>(y: Argv<T>) {
  return y
    .option('parent-pid', { type: 'number', describe: 'Stop when this process (the orchestrator) exits; set by `passk run`' })
    .option('max-attempts', { type: 'number', default: 5, describe: 'Attempts after which an item goes to failed/' })
    .option('stale-ms', { type: 'number', default: 60_000, describe: 'Heartbeat age after which another worker reclaims a claim (any host)' });
}

export function parseNumberList(text: string, flag: string): number[] {
  const values = String(text)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (!values.length || values.some((v) => !Number.isFinite(v) || v < 0)) {
    throw new PasskError('ERR_BAD_OPTION', `Expected \`${flag}\` to be a comma-separated list of numbers ≥ 0, got \`${text}\``);
  }
  if (new Set(values).size !== values.length) throw new PasskError('ERR_BAD_OPTION', `\`${flag}\` lists a value twice: \`${text}\``);
  return values;
}

export function positiveInt(value: unknown, flag: string, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new PasskError('ERR_BAD_OPTION', `Expected \`${flag}\` to be an integer from ${min} and up, got \`${value}\``);
  return n;
}
