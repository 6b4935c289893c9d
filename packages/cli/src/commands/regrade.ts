/**
 * `passk regrade --run NAME [--grading lcb|judge] [--out-run NEW]`: grade a finished (or stopped)
 * run's samples again, without generating, into a new run (default `NAME-regrade-<mode>`) whose
 * summaries and report are complete; `passk report --run NEW --compare NAME` shows the two side by
 * side. The work is regrade/run.ts; this module declares the command (docs/regrade.md).
 */
import type { CommandModule, InferredOptionTypes } from 'yargs';
import { regrade } from '../regrade/run.js';
import { REGRADE_OPTIONS } from '../regrade/args.js';

export const regradeCommand: CommandModule<object, InferredOptionTypes<typeof REGRADE_OPTIONS>> = {
  command: 'regrade',
  describe: "Grade a finished (or stopped) run's samples again, e.g. with the other --grading mode or a newer grader, into a new run; nothing is generated",
  builder: (y) => y.options(REGRADE_OPTIONS),
  handler: async (argv) => {
    process.exitCode = await regrade(argv);
  },
};
