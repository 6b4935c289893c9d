/**
 * Starts workers as separate OS processes (`passk generator|evaluator|combiner … --parent-pid <me>`),
 * each in its own process group (so only the orchestrator gets a terminal's SIGINT),
 * restarts a crashed one with exponential backoff (up to maxRestarts; the count resets after a worker
 * has stayed up for 5 minutes), and stops them in the safe order: generators first (and their GPU
 * memory released, where nvidia-smi exists), then evaluators and the combiner.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pidAlive, readRegularTailSync, type ControlChannel, type Logger, type RunLayout } from '@passk/core';
import { engineProcesses, recordedEngineGroups, waitForGpuRelease } from './gpu-release.js';

export interface WorkerSpec {
  name: string;
  role: 'generator' | 'evaluator' | 'combiner';
  args: string[];
  /** Delay before the first start, ms (generators are staggered). */
  delayMs?: number;
}

interface Managed {
  spec: WorkerSpec;
  child?: ChildProcess;
  restarts: number;
  startedAt: number;
  exited: boolean;
  gaveUp: boolean;
  /** Exited and waiting out its restart backoff: not done, it will run again. */
  restartPending: boolean;
  exitCode?: number | null;
}

export interface SupervisorOptions {
  layout: RunLayout;
  /** The run's control flags (stop-generators is set here first when stopping). */
  control: ControlChannel;
  logger: Logger;
  /** Path of the CLI entry (dist/main.js). */
  cliMain: string;
  /** Restarts of one crashed worker before giving up. @default 3 */
  maxRestarts?: number;
  /** First restart delay, ms; doubles each time, capped at 30 s. @default 1000 */
  backoffMs?: number;
  /** How long to wait for a worker to exit after SIGTERM before SIGKILL, ms. @default 60000 */
  stopTimeoutMs?: number;
  /** How long to wait for the stopped generators' GPU memory to be released, ms. @default 120000 */
  gpuReleaseTimeoutMs?: number;
}

/** The stages of a stop, in order: generators exit, their GPU memory is released, evaluators and combiner exit. */
export type StopStage = 'generators' | 'gpu-memory' | 'evaluators';

const HEALTHY_AFTER_MS = 5 * 60_000;
const MAX_BACKOFF_MS = 30_000;

export class Supervisor {
  private readonly workers = new Map<string, Managed>();
  private stopping = false;
  readonly restartsTotal = { count: 0 };
  /** Every engine process seen below a generator during this run (see noteEngines). */
  private readonly enginePids = new Set<number>();
  private engineTimer?: NodeJS.Timeout;
  /** The stop's stage while stopAll runs (what a second Ctrl-C reports); undefined before. */
  private stage?: StopStage;
  private releasing: number[] = [];
  private reason = '';

  constructor(private readonly options: SupervisorOptions) {}

  /**
   * Note the processes below the generators (their engines) now. Called every 2 s, so an engine
   * that exits just before a stop (a generator stopping by itself at run end, a crash) is still
   * waited for: the driver may hold its memory for a while after it is gone. A noted pid that is
   * alive but no longer below a generator was reused by another process and is forgotten.
   */
  private noteEngines(): number[] {
    const generators = [...this.workers.values()].filter((m) => m.spec.role === 'generator' && m.child?.pid && !m.exited).map((m) => m.child!.pid!);
    const now = engineProcesses(generators, recordedEngineGroups(this.options.layout.resultsDir));
    const current = new Set(now);
    for (const pid of [...this.enginePids]) if (!current.has(pid) && pidAlive(pid)) this.enginePids.delete(pid);
    for (const pid of now) this.enginePids.add(pid);
    return [...this.enginePids];
  }

  add(spec: WorkerSpec): void {
    this.engineTimer ??= setInterval(() => this.noteEngines(), 2000).unref();
    const managed: Managed = { spec, restarts: 0, startedAt: 0, exited: false, gaveUp: false, restartPending: false };
    this.workers.set(spec.name, managed);
    setTimeout(() => this.launch(managed), spec.delayMs ?? 0).unref();
  }

  list(): Array<{ name: string; role: string; pid?: number; restarts: number; alive: boolean; gaveUp: boolean }> {
    return [...this.workers.values()].map((m) => ({
      name: m.spec.name,
      role: m.spec.role,
      pid: m.child?.pid,
      restarts: m.restarts,
      alive: !!m.child && m.child.exitCode === null && m.child.signalCode === null,
      gaveUp: m.gaveUp,
    }));
  }

  private launch(managed: Managed): void {
    if (this.stopping) return;
    const { layout, logger, cliMain } = this.options;
    const out = openSync(path.join(layout.resultsDir, `${managed.spec.name}.stderr.log`), 'a');
    // detached: each worker leads its own process group, so a terminal's Ctrl-C (SIGINT to the
    // foreground group) reaches only the orchestrator, which stops the workers in the safe order.
    // If the orchestrator dies, the workers still stop by themselves (--parent-pid).
    const child = spawn(process.execPath, [cliMain, managed.spec.role, ...managed.spec.args, '--parent-pid', String(process.pid)], {
      stdio: ['ignore', out, out],
      env: process.env,
      detached: true,
    });
    closeSync(out);
    managed.child = child;
    managed.restartPending = false;
    managed.startedAt = Date.now();
    managed.exited = false;
    logger.info({ worker: managed.spec.name, pid: child.pid, restarts: managed.restarts }, 'worker started');
    child.on('exit', (code, signal) => this.onExit(managed, code, signal));
    child.on('error', (error) => logger.error({ worker: managed.spec.name, err: error }, 'worker failed to start'));
  }

  private onExit(managed: Managed, code: number | null, signal: NodeJS.Signals | null): void {
    managed.exited = true;
    managed.exitCode = code;
    const { logger } = this.options;
    if (this.stopping || code === 0) {
      logger.info({ worker: managed.spec.name, code, signal }, 'worker exited');
      return;
    }
    if (Date.now() - managed.startedAt > HEALTHY_AFTER_MS) managed.restarts = 0;
    const max = this.options.maxRestarts ?? 3;
    if (managed.restarts >= max) {
      managed.gaveUp = true;
      logger.error({ worker: managed.spec.name, code, signal, restarts: managed.restarts }, `worker crashed ${max} times; not restarting it (see ${managed.spec.name}.log and ${managed.spec.name}.stderr.log)`);
      return;
    }
    const delay = Math.min(MAX_BACKOFF_MS, (this.options.backoffMs ?? 1000) * 2 ** Math.min(managed.restarts, 20));
    managed.restarts++;
    this.restartsTotal.count++;
    // One human line on the terminal (core/log-line.ts): which worker, how it ended, when it comes back, its last error.
    const how = signal ? `killed by ${signal}` : `exit code ${code}`;
    logger.warn(
      { worker: managed.spec.name, code, signal, restart_in_ms: delay, restarts: managed.restarts, last_error: lastError(this.options.layout.resultsDir, managed.spec.name) },
      `worker crashed; restarting ${managed.spec.name} (${how}), restart ${managed.restarts} of ${max} in ${delay} ms`,
    );
    managed.restartPending = true;
    setTimeout(() => {
      managed.restartPending = false;
      this.launch(managed);
    }, delay).unref();
  }

  private async terminate(role: WorkerSpec['role'][]): Promise<void> {
    const targets = [...this.workers.values()].filter((m) => role.includes(m.spec.role) && m.child && !m.exited);
    for (const m of targets) m.child!.kill('SIGTERM');
    const deadline = Date.now() + (this.options.stopTimeoutMs ?? 60_000);
    while (targets.some((m) => !m.exited) && Date.now() < deadline) await sleep(50);
    for (const m of targets.filter((t) => !t.exited)) {
      this.options.logger.warn({ worker: m.spec.name }, 'worker did not exit after SIGTERM; sending SIGKILL to its process group');
      try {
        process.kill(-m.child!.pid!, 'SIGKILL');
      } catch {
        m.child!.kill('SIGKILL');
      }
    }
    while (targets.some((m) => !m.exited)) await sleep(50);
  }

  /** The safe order: generators, (GPU memory free), then evaluators and the combiner. */
  async stopAll(reason: string): Promise<void> {
    this.stopping = true;
    this.reason = reason;
    for (const m of this.workers.values()) m.restartPending = false; // launch() starts nothing once stopping
    const { logger } = this.options;
    logger.info({ reason }, 'stopping workers: generators first');
    await this.options.control.set('stop-generators', reason).catch(() => {});
    // Noted before the stop: the processes that may hold GPU memory for the generators (engines).
    const engines = this.noteEngines();
    if (this.engineTimer) clearInterval(this.engineTimer);
    this.stage = 'generators';
    await this.terminate(['generator']);
    this.stage = 'gpu-memory';
    this.releasing = engines;
    await waitForGpuRelease(engines, logger, { timeoutMs: this.options.gpuReleaseTimeoutMs });
    logger.info('generators stopped; stopping evaluators and the combiner');
    this.stage = 'evaluators';
    await this.terminate(['evaluator', 'combiner']);
  }

  /**
   * What a stop waits for now: its stage (the generators' stage until stopAll has begun), the live
   * workers of that stage (for 'gpu-memory', the engine pids whose memory is awaited), and the live
   * workers of the stages after it.
   */
  /** Why the workers are being stopped (stopAll has begun), else undefined. */
  get stopReason(): string | undefined {
    return this.stopping ? this.reason : undefined;
  }

  stopProgress(): { stage: StopStage; now: Array<{ name: string; pid: number }>; then: Array<{ name: string; pid: number }> } {
    const stage = this.stage ?? 'generators';
    const live = (roles: WorkerSpec['role'][]) =>
      [...this.workers.values()].filter((m) => roles.includes(m.spec.role) && m.child?.pid && !m.exited).map((m) => ({ name: m.spec.name, pid: m.child!.pid! }));
    const later = live(['evaluator', 'combiner']);
    if (stage === 'generators') return { stage, now: live(['generator']), then: later };
    if (stage === 'gpu-memory') return { stage, now: this.releasing.filter(pidAlive).map((pid) => ({ name: 'engine', pid })), then: later };
    return { stage, now: later, then: [] };
  }

  /**
   * When generation cannot go on: every generator started here has crashed maxRestarts times (given
   * up), generation work is left, and no generator elsewhere is alive. Returns the message to print
   * (with each generator's last error), else undefined.
   */
  generationLost(status: { queue: { pending: { gen: number }; claimed: { gen: number } }; workers: Array<{ role: string; alive: boolean }> }): string | undefined {
    const generators = [...this.workers.values()].filter((m) => m.spec.role === 'generator');
    if (!generators.length || !generators.every((m) => m.gaveUp)) return undefined;
    const left = status.queue.pending.gen + status.queue.claimed.gen;
    if (left === 0 || status.workers.some((w) => w.role === 'generator' && w.alive)) return undefined;
    const why = generators.map((m) => `${m.spec.name}: ${lastError(this.options.layout.resultsDir, m.spec.name)}`).join('; ');
    const max = this.options.maxRestarts ?? 3;
    const message = `passk: every generator (${generators.map((m) => m.spec.name).join(', ')}) failed again after ${max} restarts and is not restarted, with ${left} generation item(s) left; stopping. Last errors: ${why}. Fix the cause and run the same command again to resume.`;
    this.options.logger.error({ generators: generators.map((m) => m.spec.name), items_left: left }, 'every generator gave up');
    return message;
  }

  /** True when workers were started here and every one has exited for good (no restart pending) or been given up on. */
  allExited(): boolean {
    return this.workers.size > 0 && [...this.workers.values()].every((m) => (m.exited && !m.restartPending) || m.gaveUp);
  }
}

/** A worker's last logged fatal error (its message's first line), else the last line of its stderr log. */
export function lastError(resultsDir: string, name: string): string {
  const tail = (file: string): string[] => {
    // The tail only, and never through a symlink or from a FIFO (the orchestrator must not block).
    const text = readRegularTailSync(path.join(resultsDir, file), 65_536);
    return text === undefined ? [] : text.split('\n').filter(Boolean);
  };
  for (const line of tail(`${name}.log`).reverse()) {
    try {
      const entry = JSON.parse(line) as { level?: number; err?: { message?: string }; msg?: string };
      if ((entry.level ?? 0) >= 60) return (entry.err?.message ?? entry.msg ?? '').split('\n')[0]!.replace(/:$/, '').slice(0, 300);
    } catch {
      // not a log line
    }
  }
  return tail(`${name}.stderr.log`).at(-1)?.slice(0, 300) ?? `no error logged (see ${name}.log)`;
}

