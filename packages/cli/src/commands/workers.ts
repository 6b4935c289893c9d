/** `passk generator`, `passk evaluator`, `passk combiner`: the daemons, runnable by hand or by `passk run`. */
import os from 'node:os';
import type { CommandModule } from 'yargs';
import { runGenerator } from '@passk/generator';
import { runEvaluator } from '@passk/evaluator';
import { runCombiner } from '@passk/combiner';
import { withRunOptions, withWorkerOptions, withBackendFlags, backendConfigFlags, layoutFrom, transportFrom, positiveInt, type BackendFlagArgs } from '../options.js';
import { PasskError, planGrading } from '@passk/core';
import { requireRun } from '../home.js';
import { makeRunGrader, withLimitOptions, limitOptions, type LimitFlagArgs } from '../grader-factory.js';

type Common = { run: string; queueDir?: string; resultsDir?: string; queue?: string; parentPid?: number; maxAttempts: number; staleMs: number };

export const generatorCommand: CommandModule<object, Common & BackendFlagArgs & { gpu: number; backend?: string; model?: string }> = {
  command: 'generator',
  describe: 'Run one generator (one per GPU): claims generation work and writes shards to pending_eval/',
  builder: (y) =>
    withBackendFlags(withWorkerOptions(withRunOptions(y)))
      .option('gpu', { type: 'number', default: 0, describe: 'GPU index; the worker is named gpu<I> and logs to gpu<I>.log' })
      .option('backend', { type: 'string', describe: "Override the plan's backend (default: the plan's)" })
      .option('model', { type: 'string', describe: "Override the plan's model (default: the plan's)" }) as never,
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

export const evaluatorCommand: CommandModule<object, Common & LimitFlagArgs & { id?: number; workers: number; python?: string; dedup: boolean }> = {
  command: 'evaluator',
  describe: 'Run one evaluator (any number, start more at any time): grades shards from pending_eval/',
  builder: (y) =>
    withLimitOptions(withWorkerOptions(withRunOptions(y)))
      .option('id', { type: 'number', describe: 'Evaluator id (worker eval<J>); default: the lowest free one' })
      .option('workers', { type: 'number', default: 1, describe: 'Sandboxed Python fork servers (parallel executions) in this evaluator' })
      .option('python', { type: 'string', describe: 'Python interpreter (default: the real path behind python3, resolved once)' })
      .option('dedup', { type: 'boolean', default: true, describe: 'Grade identical programs once per question (shared verdict cache)' }) as never,
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

export const combinerCommand: CommandModule<object, Common & { moveHere: boolean }> = {
  command: 'combiner',
  describe: 'Run the combiner (one per run): writes combined files, summaries and run_summary.json',
  builder: (y) =>
    withWorkerOptions(withRunOptions(y)).option('move-here', {
      type: 'boolean',
      default: false,
      describe: 'Redis mode: take the run over when its results live on another (lost) machine; shards this disk cannot back are done again here',
    }) as never,
  handler: async (argv) => {
    const layout = layoutFrom(argv);
    requireRun(layout, argv);
    process.exitCode = await runCombiner({ transport: await transportFrom(layout, argv), layout, parentPid: argv.parentPid, moveHere: argv.moveHere });
  },
};
