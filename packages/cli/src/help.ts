/**
 * `--help` that reads well: one notation for defaults (every "(default: …)" or "[default: …]" written in a
 * description becomes yargs' own `[default: …]` column), `passk run`'s options in groups, and single-letter
 * long flags shown as the README spells them (`--n`, `--k`, not `-n`).
 */
import type { Argv } from 'yargs';
import { BACKEND_FLAGS } from './options.js';

/** yargs' usage instance (untyped in its .d.ts, so reached through a cast: a true boundary): the descriptions given so far. */
type WithUsage = { getInternalMethods(): { getUsageInstance(): { getDescriptions(): Record<string, string | undefined> } } };

const DEFAULT_IN_TEXT = /\s*[([]default: ([^)\]]+)[)\]]\s*$/;

/** Move a default stated in a description into the `[default: …]` column (options with no value default only). */
export function unifyDefaults<T>(y: Argv<T>): Argv<T> {
  const descriptions = (y as unknown as WithUsage).getInternalMethods().getUsageInstance().getDescriptions();
  for (const [key, text] of Object.entries(descriptions)) {
    const m = text ? DEFAULT_IN_TEXT.exec(text) : null;
    if (!m || !text) continue;
    y.describe(key, text.slice(0, m.index));
    y.default(key, undefined, m[1]!.trim());
  }
  return y;
}

export const RUN_GROUPS: Array<[string, string[]]> = [
  // Every backend flag but --strict-extraction (a sampling matter), in their declaration's order.
  ['Backend:', ['backend', 'model', 'gpus', ...Object.keys(BACKEND_FLAGS).filter((key) => key !== 'strict-extraction')]],
  ['Problem selection:', ['problems', 'start', 'end', 'release', 'start-date', 'end-date', 'platform', 'difficulty', 'exclude-errata', 'skip-invalid', 'cache-dir']],
  ['Sampling:', ['n', 'temperatures', 'max-tokens', 'top-p', 'seed', 'stop', 'strict-extraction']],
  ['Grading limits:', ['evaluators', 'eval-workers', 'python', 'dedup', 'cpu-limit', 'wall-limit', 'memory-mb', 'output-limit-mb']],
  ['Queue and restarts:', ['run', 'home', 'queue-dir', 'results-dir', 'queue', 'shard-size', 'combiner', 'max-restarts', 'restart-backoff-ms', 'max-attempts', 'stale-ms', 'retry-failed']],
  ['Output:', ['progress-interval', 'metrics-port', 'metrics-host']],
];

export function groupRunOptions<T>(y: Argv<T>): Argv<T> {
  for (const [title, keys] of RUN_GROUPS) y.group(keys, title);
  return y;
}

/** Help text with `-n` / `-k` shown as `--n` / `--k` (yargs prints one-letter keys with one dash), columns kept. */
export function longSingleLetters(help: string): string {
  return help.replace(/^ {2}-([A-Za-z]) {2}( *)/gm, (_, letter: string, pad: string) => `      --${letter}${pad.length >= 3 ? pad.slice(3) : ' '}`);
}
