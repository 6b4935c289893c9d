/** `passk generator`, `passk evaluator`, `passk combiner`: the daemons, runnable by hand or by `passk run`. */
import os from 'node:os';
import type { CommandModule, InferredOptionTypes, Options } from 'yargs';
import { runGenerator } from '@passk/generator';
import { runEvaluator } from '@passk/evaluator';
import { runCombiner } from '@passk/combiner';
import { RUN_OPTIONS, WORKER_OPTIONS, BACKEND_FLAGS, backendConfigFlags, layoutFrom, transportFrom, positiveInt } from '../options.js';
import { PasskError, planGrading } from '@passk/core';
import { requireRun } from '../home.js';
import { makeRunGrader, LIMIT_FLAGS, limitOptions } from '../grader-factory.js';

const GENERATOR_OPTIONS = {
  ...RUN_OPTIONS,
  ...WORKER_OPTIONS,
  ...BACKEND_FLAGS,
  gpu: { type: 'number', default: 0, describe: 'GPU index; the worker is named gpu<I> and logs to gpu<I>.log' },
  backend: { type: 'string', describe: "Override the plan's backend (default: the plan's)" },
  model: { type: 'string', describe: "Override the plan's model (default: the plan's)" },
} as const satisfies Record<string, Options>;

const EVALUATOR_OPTIONS = {
  ...RUN_OPTIONS,
  ...WORKER_OPTIONS,
  ...LIMIT_FLAGS,
  id: { type: 'number', describe: 'Evaluator id (worker eval<J>); default: the lowest free one' },
  workers: { type: 'number', default: 1, describe: 'Sandboxed Python fork servers (parallel executions) in this evaluator' },
  python: { type: 'string', describe: 'Python interpreter (default: the real path behind python3, resolved once)' },
  dedup: { type: 'boolean', default: true, describe: 'Grade identical programs once per question (shared verdict cache)' },
} as const satisfies Record<string, Options>;

const COMBINER_OPTIONS = {
  ...RUN_OPTIONS,
  ...WORKER_OPTIONS,
  'move-here': {
    type: 'boolean',
    default: false,
    describe: 'Redis mode: take the run over when its results live on another (lost) machine; shards this disk cannot back are done again here',
  },
} as const satisfies Record<string, Options>;

export const generatorCommand: CommandModule<object, InferredOptionTypes<typeof GENERATOR_OPTIONS>> = {
  command: 'generator',
  describe: 'Run one generator (one per GPU): claims generation work and writes shards to pending_eval/',
  builder: (y) => y.options(GENERATOR_OPTIONS),
  handler: async (argv) => {
    const layout = layoutFrom(argv);
    requireRun(layout, argv);
    process.exitCode = await runGenerator({
      transport: await transportFrom(layout, argv),
      layout,
      gpu: argv.gpu,
      parentPid: argv.parentPid,
      ...(argv.inflight !== undefined ? { inflight: positiveInt(argv.inflight, '--inflight') } : {}),
      strictExtraction: argv.strictExtraction,
      backend: {
        ...(argv.backend ? { backend: argv.backend } : {}),
        ...(argv.model ? { model: argv.model } : {}),
        ...backendConfigFlags(argv),
      },
    });
  },
};

export const evaluatorCommand: CommandModule<object, InferredOptionTypes<typeof EVALUATOR_OPTIONS>> = {
  command: 'evaluator',
  describe: 'Run one evaluator (any number, start more at any time): grades shards from pending_eval/',
  builder: (y) => y.options(EVALUATOR_OPTIONS),
  handler: async (argv) => {
    limitOptions(argv); // a bad limit (--cpu-limit 0) is ERR_BAD_OPTION before the worker starts
    const layout = layoutFrom(argv);
    requireRun(layout, argv);
    const workers = Math.max(1, Math.min(argv.workers, os.availableParallelism()));
    const transport = await transportFrom(layout, argv);
    const plan = await transport.store.readPlan();
    // The run's grading mode; a different --grading would mix two modes' verdicts in one run.
    const grading = plan ? planGrading(plan) : argv.grading;
    if (plan && argv.grading !== undefined && argv.grading !== grading) {
      throw new PasskError('ERR_PLAN_MISMATCH', `run \`${layout.run}\` is graded with --grading ${grading} (its plan); got --grading ${argv.grading}`);
    }
    process.exitCode = await runEvaluator({
      transport,
      layout,
      id: argv.id,
      parentPid: argv.parentPid,
      concurrency: workers,
      makeGrader: ({ runtime }) => makeRunGrader(layout, { ...argv, ...(grading ? { grading } : {}), workers, dedup: argv.dedup }, runtime.logger),
    });
  },
};

export const combinerCommand: CommandModule<object, InferredOptionTypes<typeof COMBINER_OPTIONS>> = {
  command: 'combiner',
  describe: 'Run the combiner (one per run): writes combined files, summaries and run_summary.json',
  builder: (y) => y.options(COMBINER_OPTIONS),
  handler: async (argv) => {
    const layout = layoutFrom(argv);
    requireRun(layout, argv);
    process.exitCode = await runCombiner({ transport: await transportFrom(layout, argv), layout, parentPid: argv.parentPid, moveHere: argv.moveHere });
  },
};
