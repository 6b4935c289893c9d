/**
 * `passk stop --run NAME`: stop a run safely, on every machine. First the control flag
 * `stop-generators` is set — every generator, on any host, stops (local ones also get SIGTERM) — and
 * passk waits until no generator is alive anywhere (and, where nvidia-smi exists, their engines' GPU
 * memory is free). Then local orchestrators get SIGTERM (they stop their own evaluators and combiner
 * in order), and `stop-all` stops the evaluators, combiners and orchestrators of every other machine.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CommandModule, InferredOptionTypes, Options } from 'yargs';
import { pidAlive, localHost, type WorkerRecord, type RunLayout, type Transport } from '@passk/core';
import { RUN_OPTIONS, layoutFrom, transportFrom } from '../options.js';
import { requireRedisRun, requireRun, passkCommand, runRefArgs } from '../home.js';
import { engineProcesses, recordedEngineGroups, waitForGpuRelease, type GpuLogger } from '../orchestrator/gpu-release.js';

/** A record counts as alive while its pid lives (this host) or its heartbeat is fresh (other hosts). */
export function recordAlive(record: WorkerRecord, host = localHost(), staleS = 30): boolean {
  if (record.state === 'exited') return false;
  if (record.host === host) return pidAlive(record.pid);
  return (Date.now() - Date.parse(record.heartbeat_at)) / 1000 < staleS;
}

async function live(transport: Transport, roles: string[]): Promise<WorkerRecord[]> {
  return (await transport.workers.list()).filter((r) => roles.includes(r.role) && recordAlive(r));
}

async function waitNone(transport: Transport, roles: string[], timeoutMs: number): Promise<WorkerRecord[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = await live(transport, roles);
    if (!left.length || Date.now() > deadline) return left;
    await sleep(200);
  }
}

function terminateLocal(records: WorkerRecord[]): void {
  const host = localHost();
  for (const r of records) {
    if (r.host !== host) continue;
    try {
      process.kill(r.pid, 'SIGTERM');
    } catch {
      // it exited between the look and the signal (the control flag reached it first)
    }
  }
}

/** Log lines as `passk stop: …` lines. */
function sayLogger(say: (line: string) => void): GpuLogger {
  const line = (obj: object, msg: string) => say(`passk stop: ${msg}${Object.keys(obj).length ? ` ${JSON.stringify(obj)}` : ''}`);
  return { info: line, warn: line, error: line };
}

export async function stopRun(
  layout: RunLayout,
  transport: Transport,
  say: (line: string) => void,
  timeoutMs = 120_000,
  ref: Parameters<typeof runRefArgs>[0] = { run: layout.run },
): Promise<number> {
  const records = await transport.workers.list();
  if (!records.some((r) => recordAlive(r))) {
    // Exit 0: the run is stopped. No control flag is set (it would stop an evaluator started later).
    const seen = records.length ? `${records.length} worker record(s) in ${transport.where}, none alive` : `no worker has run in ${transport.where}`;
    say(`passk stop: nothing to stop: no orchestrator or worker of run ${layout.run} is running (${seen}); nothing was changed.`);
    return 0;
  }
  // 1. Every generator, on every machine, first (the flag reaches all of them; local ones also get
  //    SIGTERM). Orchestrators see a generator that stops this way exit 0 and do not restart it.
  await transport.control.set('stop-generators', 'passk stop');
  const generators = await live(transport, ['generator']);
  if (generators.length) say(`passk stop: stopping ${generators.length} generator(s) first`);
  // Noted before the stop: the local processes that may hold GPU memory for the generators.
  const engines = engineProcesses(generators.filter((g) => g.host === localHost()).map((g) => g.pid), recordedEngineGroups(layout.resultsDir));
  terminateLocal(generators);
  let left = await waitNone(transport, ['generator'], timeoutMs);
  if (left.length) {
    say(`passk stop: generators ${left.map((r) => `${r.name}@${r.host}`).join(', ')} did not stop within ${timeoutMs / 1000} s; not stopping the rest (their GPU memory may still be held)`);
    return 1;
  }
  await waitForGpuRelease(engines, sayLogger(say), { timeoutMs });
  // 2. Local orchestrators stop the rest of their own workers in order; 3. stop-all for everyone else.
  const local = (await live(transport, ['orchestrator'])).filter((o) => o.host === localHost());
  for (const o of local) say(`passk stop: asking the orchestrator (pid ${o.pid}) to stop its evaluators and combiner`);
  terminateLocal(local);
  const deadline = Date.now() + timeoutMs;
  while (local.some((o) => pidAlive(o.pid)) && Date.now() < deadline) await sleep(100);
  await transport.control.set('stop-all', 'passk stop');
  const rest = await live(transport, ['evaluator', 'combiner', 'orchestrator']);
  terminateLocal(rest);
  left = await waitNone(transport, ['evaluator', 'combiner', 'orchestrator'], timeoutMs);
  if (left.length) {
    say(`passk stop: workers ${left.map((r) => `${r.name}@${r.host}`).join(', ')} did not stop within ${timeoutMs / 1000} s`);
    return 1;
  }
  say(`passk stop: run ${layout.run} stopped. \`${passkCommand(['resume', ...runRefArgs(ref)])}\` resumes it.`);
  return 0;
}

const STOP_OPTIONS = {
  ...RUN_OPTIONS,
  timeout: { type: 'number', default: 120, describe: 'Seconds to wait for each group of workers to exit' },
} as const satisfies Record<string, Options>;

export const stopCommand: CommandModule<object, InferredOptionTypes<typeof STOP_OPTIONS>> = {
  command: 'stop',
  describe: 'Stop a run safely on every machine: generators first (GPU memory released), then evaluators, combiner, orchestrator',
  builder: (y) => y.options(STOP_OPTIONS),
  handler: async (argv) => {
    const layout = layoutFrom(argv);
    requireRun(layout, argv); // a mistyped --run fails (exit 2) naming the runs there, and creates nothing
    const transport = await transportFrom(layout, argv);
    await requireRedisRun(layout, transport).catch(async (error: unknown) => {
      await transport.close();
      throw error;
    });
    try {
      process.exitCode = await stopRun(layout, transport, (l) => process.stdout.write(`${l}\n`), argv.timeout * 1000, argv);
    } finally {
      await transport.close();
    }
  },
};
