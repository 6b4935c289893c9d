/**
 * `passk regrade --run NAME [--grading lcb|judge] [--out-run NEW]`: grade a finished (or stopped)
 * run's samples again, without generating, into a new run (default `NAME-regrade-<mode>`) whose
 * summaries and report are complete; `passk report --run NEW --compare NAME` shows the two side by
 * side. The work is regrade/run.ts; this module declares the command (docs/regrade.md).
 */
import os from 'node:os';
import type { CommandModule } from 'yargs';
import { withLimitOptions } from '../grader-factory.js';
import { regrade, type RegradeArgs } from '../regrade/run.js';

export const regradeCommand: CommandModule<object, RegradeArgs> = {
  command: 'regrade',
  describe: "Grade a finished (or stopped) run's samples again, e.g. with the other --grading mode or a newer grader, into a new run; nothing is generated",
  builder: (y) =>
    withLimitOptions(y)
      .option('run', { type: 'string', demandOption: true, describe: 'The run whose samples are graded again (results/NAME, queue/NAME)' })
      .option('queue-dir', { type: 'string', describe: "The source run's queue directory (default: queue/<run>)" })
      .option('results-dir', { type: 'string', describe: "The source run's results directory (default: results/<run>)" })
      .option('grading', { type: 'string', describe: "The mode the samples are graded with now: lcb (lcb_runner's verdicts) or judge (a real process per test); HumanEval problems are always human-eval (docs/grading.md) [default: the source run's mode]" })
      .option('out-run', { type: 'string', describe: 'The new run (default: <run>-regrade-<mode>); running the same regrade again resumes it' })
      .option('out-queue-dir', { type: 'string', describe: "The new run's queue directory (default: queue/<out-run>)" })
      .option('out-results-dir', { type: 'string', describe: "The new run's results directory (default: results/<out-run>)" })
      .option('evaluators', { type: 'number', default: Math.max(1, os.availableParallelism() - 1), describe: 'Evaluator processes to start' })
      .option('eval-workers', { type: 'number', default: 1, describe: 'Sandboxed fork servers per evaluator' })
      .option('python', { type: 'string', describe: 'Python interpreter for evaluators (default: resolved from python3)' })
      .option('dedup', { type: 'boolean', default: true, describe: 'Grade identical programs once per question (the new run has its own verdict cache)' })
      .option('max-restarts', { type: 'number', default: 3, describe: 'Restarts of a crashed worker before giving up' })
      .option('restart-backoff-ms', { type: 'number', default: 1000, describe: 'First restart delay of a crashed worker, ms (doubles per restart)' })
      .option('max-attempts', { type: 'number', default: 5, describe: 'Attempts after which an item goes to failed/' })
      .option('stale-ms', { type: 'number', default: 60_000, describe: 'Heartbeat age after which a claim is reclaimed' })
      .option('progress-interval', { type: 'number', default: 10, describe: 'Seconds between progress lines' }) as never,
  handler: async (argv) => {
    process.exitCode = await regrade(argv);
  },
};
