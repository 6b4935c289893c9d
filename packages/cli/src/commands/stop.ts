/**
 * `passk stop --run NAME`: stop a run safely. If its orchestrator is alive, SIGTERM it and wait: it
 * stops generators first, waits for them (and their GPU memory), then the rest. Without an
 * orchestrator (daemons started by hand), do the same order here from the worker records, and set
 * the control files so that daemons on other hosts stop too.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CommandModule } from 'yargs';
import { setControl, pidAlive, localHost, type WorkerRecord, type RunLayout } from '@passk/core';
import { withRunOptions, layoutFrom } from '../options.js';
import { waitForGpuRelease } from '../orchestrator/supervisor.js';
import { silentLogger } from '@passk/core';

async function liveWorkers(layout: RunLayout): Promise<WorkerRecord[]> {
  const host = localHost();
  const out: WorkerRecord[] = [];
  for (const name of await readdir(layout.workersDir).catch(() => [] as string[])) {
    if (!name.endsWith('.json')) continue;
    try {
      const record = JSON.parse(await readFile(path.join(layout.workersDir, name), 'utf8')) as WorkerRecord;
      if (record.state !== 'exited' && record.host === host && pidAlive(record.pid)) out.push(record);
    } catch {
      // torn record: skip
    }
  }
  return out;
}

async function waitGone(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!pids.some(pidAlive)) return [];
    await sleep(100);
  }
  return pids.filter(pidAlive);
}

export async function stopRun(layout: RunLayout, say: (line: string) => void, timeoutMs = 120_000): Promise<number> {
  const workers = await liveWorkers(layout);
  const orchestrator = workers.find((w) => w.role === 'orchestrator');
  if (orchestrator) {
    say(`passk stop: asking the orchestrator (pid ${orchestrator.pid}) to stop the run in the safe order`);
    process.kill(orchestrator.pid, 'SIGTERM');
    const left = await waitGone([orchestrator.pid], timeoutMs);
    if (left.length) {
      say(`passk stop: the orchestrator did not exit within ${timeoutMs / 1000} s`);
      return 1;
    }
  }
  await setControl(layout.controlDir, 'stop-generators', 'passk stop');
  const generators = (await liveWorkers(layout)).filter((w) => w.role === 'generator');
  for (const w of generators) process.kill(w.pid, 'SIGTERM');
  if (generators.length) say(`passk stop: stopping ${generators.length} generator(s) first`);
  let left = await waitGone(generators.map((w) => w.pid), timeoutMs);
  if (left.length) {
    say(`passk stop: generators ${left.join(', ')} did not exit within ${timeoutMs / 1000} s; not stopping the rest (their GPU memory may still be held)`);
    return 1;
  }
  await waitForGpuRelease(generators.map((w) => w.pid), silentLogger());
  await setControl(layout.controlDir, 'stop-all', 'passk stop');
  const rest = (await liveWorkers(layout)).filter((w) => w.role !== 'generator');
  for (const w of rest) process.kill(w.pid, 'SIGTERM');
  left = await waitGone(rest.map((w) => w.pid), timeoutMs);
  if (left.length) {
    say(`passk stop: workers ${left.join(', ')} did not exit within ${timeoutMs / 1000} s`);
    return 1;
  }
  say(`passk stop: run ${layout.run} stopped. \`passk run\` with the same options resumes it.`);
  return 0;
}

export const stopCommand: CommandModule<object, { run: string; queueDir?: string; resultsDir?: string; timeout: number }> = {
  command: 'stop',
  describe: 'Stop a run safely: generators first (GPU memory released), then evaluators, combiner, orchestrator',
  builder: (y) => withRunOptions(y).option('timeout', { type: 'number', default: 120, describe: 'Seconds to wait for each group of workers to exit' }) as never,
  handler: async (argv) => {
    process.exitCode = await stopRun(layoutFrom(argv), (l) => process.stdout.write(`${l}\n`), argv.timeout * 1000);
  },
};
