/**
 * What every daemon shares: its name lock, its log, its worker record, signals, the parent watch
 * (a worker started by `passk run` stops when that orchestrator dies, so nothing is orphaned),
 * the control-file watch, periodic reaping of dead workers' claims, and abortable sleeps.
 */
import path from 'node:path';
import { writeFile, rename } from 'node:fs/promises';
import chokidar, { type FSWatcher } from 'chokidar';
import { createLogger, type Logger } from '../log.js';
import { isPasskError } from '../errors.js';
import { FsQueue } from '../queue/fs-queue.js';
import { ensureLayout, type RunLayout } from '../queue/layout.js';
import { makeIdentity, pidAlive, type WorkerIdentity } from '../queue/identity.js';
import { reap } from '../queue/reaper.js';
import { acquireName, autoName, releaseName } from './name-lock.js';
import { hasControl, type ControlFlag } from './control.js';
import type { WorkerRecord } from './record.js';

export interface WorkerRuntimeOptions {
  layout: RunLayout;
  role: WorkerIdentity['role'];
  /** Fixed name (gpu0, combiner) or a prefix for an automatic one (`{ prefix: 'eval' }`). */
  name: string | { prefix: string };
  /** Stop when this pid (the orchestrator) is gone. */
  parentPid?: number;
  /** Control flags that make this worker stop. @default ['stop-all', 'complete'] */
  stopOn?: ControlFlag[];
  /** Heartbeat for claims and the worker record, ms. @default 5000 */
  heartbeatMs?: number;
  /** How often to reap dead workers' claims, ms. @default 10000 */
  reapEveryMs?: number;
  /** Heartbeat age that marks a claim dead, ms. @default 60000 */
  staleMs?: number;
  /** Attempts before an item goes to failed/. @default 5 */
  maxAttempts?: number;
  /** fsync at hand-offs. @default true */
  fsync?: boolean;
  /** How long to wait for a fixed name held by a live process that is on its way out, ms.
   *  @default 20000 when parentPid is set (a restarted worker whose predecessor is still exiting), else 0 */
  nameWaitMs?: number;
}

export class WorkerRuntime {
  readonly layout: RunLayout;
  readonly identity: WorkerIdentity;
  readonly logger: Logger;
  readonly queue: FsQueue;
  /** Aborted when the worker must stop (signal, control file, parent death). */
  readonly signal: AbortSignal;
  stopReason = '';
  private readonly controller = new AbortController();
  private readonly options: WorkerRuntimeOptions;
  private readonly record: WorkerRecord;
  private readonly timers: NodeJS.Timeout[] = [];
  private watcher?: FSWatcher;
  private readonly startedMs = Date.now();

  private constructor(options: WorkerRuntimeOptions, identity: WorkerIdentity, logger: Logger) {
    this.options = options;
    this.layout = options.layout;
    this.identity = identity;
    this.logger = logger;
    this.signal = this.controller.signal;
    this.queue = new FsQueue({
      layout: options.layout,
      identity,
      logger,
      heartbeatMs: options.heartbeatMs,
      maxAttempts: options.maxAttempts,
      fsync: options.fsync,
    });
    const now = new Date().toISOString();
    this.record = {
      name: identity.name,
      role: identity.role,
      host: identity.host,
      pid: identity.pid,
      token: identity.token,
      parent_pid: options.parentPid,
      started_at: now,
      heartbeat_at: now,
      state: 'starting',
      items_done: 0,
      samples_done: 0,
      samples_per_s: 0,
    };
  }

  static async start(options: WorkerRuntimeOptions): Promise<WorkerRuntime> {
    await ensureLayout(options.layout);
    const identity = makeIdentity('pending', options.role);
    if (typeof options.name === 'string') {
      const deadline = Date.now() + (options.nameWaitMs ?? (options.parentPid ? 20_000 : 0));
      for (;;) {
        try {
          await acquireName(options.layout.workersDir, options.name, identity);
          break;
        } catch (error) {
          if (!isPasskError(error, 'ERR_LOCKED') || Date.now() >= deadline) throw error;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      identity.name = options.name;
    } else {
      identity.name = await autoName(options.layout.workersDir, options.name.prefix, identity);
    }
    const logger = createLogger({ name: identity.name, file: path.join(options.layout.resultsDir, `${identity.name}.log`) });
    const runtime = new WorkerRuntime(options, identity, logger);
    await runtime.begin();
    return runtime;
  }

  private async begin(): Promise<void> {
    const { logger, identity } = this;
    logger.info({ role: identity.role, pid: identity.pid, host: identity.host, token: identity.token, parent_pid: this.options.parentPid }, 'worker started');
    for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => this.stop(`received ${sig}`));
    const heartbeatMs = this.options.heartbeatMs ?? 5000;
    this.timers.push(setInterval(() => void this.writeRecord().catch(() => {}), heartbeatMs));
    if (this.options.parentPid) {
      const parent = this.options.parentPid;
      this.timers.push(
        setInterval(() => {
          if (!pidAlive(parent) || process.ppid !== parent) this.stop(`orchestrator (pid ${parent}) is gone`);
        }, 500),
      );
    }
    const reapEvery = this.options.reapEveryMs ?? 10_000;
    this.timers.push(setInterval(() => void this.reapNow(), reapEvery));
    const stopOn = this.options.stopOn ?? ['stop-all', 'complete'];
    for (const flag of stopOn) if (await hasControl(this.layout.controlDir, flag)) this.stop(`control/${flag} is set`);
    this.watcher = chokidar.watch(this.layout.controlDir, { ignoreInitial: true, depth: 0 });
    this.watcher.on('add', (file) => {
      const flag = path.basename(file) as ControlFlag;
      if (stopOn.includes(flag)) this.stop(`control/${flag} is set`);
    });
    this.watcher.on('error', (error) => logger.warn({ err: error }, 'control watcher error; stop signals still work'));
    await this.writeRecord();
    await this.reapNow();
  }

  get stopping(): boolean {
    return this.signal.aborted;
  }

  stop(reason: string): void {
    if (this.signal.aborted) return;
    this.stopReason = reason;
    this.logger.info({ reason }, 'stopping');
    this.record.state = 'stopping';
    this.controller.abort(new Error(reason));
  }

  async reapNow(): Promise<void> {
    try {
      const result = await reap(this.queue, { staleMs: this.options.staleMs });
      if (result.requeued.length || result.failed.length) this.logger.warn(result, 'reclaimed items of dead workers');
    } catch (error) {
      this.logger.warn({ err: error }, 'reaper pass failed; will retry');
    }
  }

  /** Record progress for status displays. */
  progress(update: { state?: WorkerRecord['state']; item?: string | null; items?: number; samples?: number; note?: string }): void {
    if (update.state && this.record.state !== 'stopping') this.record.state = update.state;
    if (update.item !== undefined) this.record.current_item = update.item ?? undefined;
    if (update.items) this.record.items_done += update.items;
    if (update.samples) this.record.samples_done += update.samples;
    if (update.note !== undefined) this.record.note = update.note;
  }

  async writeRecord(): Promise<void> {
    this.record.heartbeat_at = new Date().toISOString();
    const elapsed = (Date.now() - this.startedMs) / 1000;
    this.record.samples_per_s = elapsed > 0 ? Math.round((this.record.samples_done / elapsed) * 100) / 100 : 0;
    const file = path.join(this.layout.workersDir, `${this.identity.name}.json`);
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(this.record));
    await rename(tmp, file);
  }

  /** Sleep `ms` (± jitter), waking early when the worker must stop. */
  sleep(ms: number, jitter = 0.25): Promise<void> {
    const delay = ms * (1 - jitter + Math.random() * 2 * jitter);
    return new Promise((resolve) => {
      if (this.signal.aborted) return resolve();
      const signal = this.signal;
      const timer = setTimeout(done, delay);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await this.watcher?.close().catch(() => {});
    this.record.state = 'exited';
    this.record.current_item = undefined;
    await this.writeRecord().catch(() => {});
    await releaseName(this.layout.workersDir, this.identity.name, this.identity);
    this.logger.info({ reason: this.stopReason, items_done: this.record.items_done, samples_done: this.record.samples_done }, 'worker exited');
  }
}

/** An AbortSignal that fires when any of `signals` fires. */
export function anySignal(signals: AbortSignal[]): AbortSignal {
  return AbortSignal.any(signals);
}
