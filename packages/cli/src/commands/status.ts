/** `passk status --run NAME [--json] [--watch]`: queue depths, progress, workers, throughput, ETA. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CommandModule } from 'yargs';
import { withRunOptions, layoutFrom, transportFrom } from '../options.js';
import { collectStatus } from '../status/collect.js';
import { statusTable } from '../status/render.js';
import { requireRedisRun, requireRun } from '../home.js';

export const statusCommand: CommandModule<object, { run: string; queueDir?: string; resultsDir?: string; queue?: string; json: boolean; watch: boolean; interval: number }> = {
  command: 'status',
  describe: 'Show a run: queue depths, finished pairs and questions, workers (heartbeat, rate), throughput, ETA',
  builder: (y) =>
    withRunOptions(y)
      .option('json', { type: 'boolean', default: false, describe: 'Print JSON (one object; one per refresh with --watch)' })
      .option('watch', { type: 'boolean', default: false, describe: 'Refresh until interrupted' })
      .option('interval', { type: 'number', default: 2, describe: 'Seconds between refreshes with --watch' }) as never,
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
