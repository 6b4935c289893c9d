/**
 * `passk run`: the orchestrator, in the foreground. Plans (or resumes) the run, starts G generators
 * (staggered), E evaluators and the combiner as separate processes, restarts crashed workers, shows
 * progress, and exits 0 once every summary is written. SIGINT/SIGTERM (or `passk stop`) stop the
 * workers in the safe order. If the orchestrator itself is SIGKILLed its workers notice within a
 * second and stop cleanly; running the same command again resumes. The orchestrator itself, with its loop, is
 * orchestrator/orchestrate.ts; its options are declared in orchestrator/run-args.ts; this module declares the command.
 */
import type { Argv, CommandModule, InferredOptionTypes } from 'yargs';
import { limitArgs } from '../grader-factory.js';
import { orchestrate } from '../orchestrator/orchestrate.js';
import { unifyDefaults, groupRunOptions } from '../help.js';
import { RUN_FLAGS, type RunArgs } from '../orchestrator/run-args.js';

export type { RunArgs };
type RunFlagTypes = InferredOptionTypes<typeof RUN_FLAGS>;
export { orchestrate, shellQuote, statusHint } from '../orchestrator/orchestrate.js';

/** `passk resume --run NAME`: `passk run` on an existing run, every plan flag not given taken from its plan.json. */
export const resumeCommand: CommandModule<object, RunFlagTypes> = {
  command: 'resume',
  describe: 'Resume (or extend: a larger --n, more --temperatures or questions) an existing run by name, its plan taken from plan.json',
  builder: (y) => runBuilder(y),
  handler: async (argv) => {
    limitArgs(argv);
    process.exitCode = await orchestrate({ ...argv, resume: true });
  },
};

export const runCommand: CommandModule<object, RunFlagTypes> = {
  command: 'run',
  describe: 'Plan (or resume) a sweep and run it to the end: generators, evaluators and the combiner as separate processes',
  builder: (y) => runBuilder(y),
  handler: async (argv) => {
    limitArgs(argv); // the evaluators' limit flags, checked before anything starts (ERR_BAD_OPTION)
    process.exitCode = await orchestrate(argv);
  },
};

function runBuilder(y: Argv) {
  return groupRunOptions(unifyDefaults(y.options(RUN_FLAGS)));
}
