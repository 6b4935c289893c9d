/** `passk status --run NAME [--json] [--watch]`: queue depths, progress, workers, throughput, ETA. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CommandModule, InferredOptionTypes, Options } from 'yargs';
import { RUN_OPTIONS, layoutFrom, transportFrom } from '../options.js';
import { collectStatus } from '../status/collect.js';
import { statusTable } from '../status/render.js';
import { requireRedisRun, requireRun } from '../home.js';

const STATUS_OPTIONS = {
  ...RUN_OPTIONS,
  json: { type: 'boolean', default: false, describe: 'Print JSON (one object; one per refresh with --watch)' },
  watch: { type: 'boolean', default: false, describe: 'Refresh until interrupted' },
  interval: { type: 'number', default: 2, describe: 'Seconds between refreshes with --watch' },
} as const satisfies Record<string, Options>;

export const statusCommand: CommandModule<object, InferredOptionTypes<typeof STATUS_OPTIONS>> = {
  command: 'status',
  describe: 'Show a run: queue depths, finished pairs and questions, workers (heartbeat, rate), throughput, ETA',
  builder: (y) => y.options(STATUS_OPTIONS),
  handler: async (argv) => {
    const layout = layoutFrom(argv);
    requireRun(layout, argv);
    const transport = await transportFrom(layout, argv);
    await requireRedisRun(layout, transport).catch(async (error: unknown) => {
      await transport.close();
      throw error;
    });
    for (;;) {
      const status = await collectStatus(layout, transport, argv);
      if (argv.json) process.stdout.write(`${JSON.stringify(status)}\n`);
      else if (argv.watch && process.stdout.isTTY) process.stdout.write(`\x1b[2J\x1b[H${statusTable(status)}\n`);
      else process.stdout.write(`${statusTable(status, { timestamp: argv.watch })}\n`); // --watch into a file or pipe: each table timestamped
      if (!argv.watch) return transport.close();
      await sleep(argv.interval * 1000);
    }
  },
};
