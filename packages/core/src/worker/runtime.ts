/**
 * What every daemon shares: its name, its log, its worker record, signals, the parent watch (a
 * worker started by `passk run` stops when that orchestrator dies, so nothing is orphaned), the
 * control-flag watch, periodic reclaiming of dead workers' items, and abortable sleeps. Everything
 * shared with other processes goes through the run's Transport (filesystem or Redis).
 */
import path from 'node:path';
import { createLogger, type Logger } from '../log.js';
import type { RunLayout } from '../queue/layout.js';
import { makeIdentity, pidAlive, type WorkerIdentity } from '../queue/identity.js';
import type { ControlFlag } from './control.js';
import type { WorkerRecord } from './record.js';
import type { QueueBackend, Transport } from '../transport/types.js';

export interface WorkerRuntimeOptions {
  transport: Transport;
  /** Local directories: logs go to layout.resultsDir. */
  layout: RunLayout;
  role: WorkerIdentity['role'];
  /** Fixed name (gpu0, combiner) or a prefix for an automatic one (`{ prefix: 'eval' }`). */
  name: string | { prefix: string };
  /** Stop when this pid (the orchestrator) is gone. */
  parentPid?: number;
  /** Control flags that make this worker stop. @default ['stop-all', 'complete'] */
  stopOn?: ControlFlag[];
  /** Heartbeat of the worker record, ms. @default 5000 */
  heartbeatMs?: number;
  /** How often to reclaim dead workers' items, ms. @default 10000 */
  reapEveryMs?: number;
  /** How long to wait for a fixed name held by a live process on its way out, ms.
   *  @default 20000 when parentPid is set (a restarted worker whose predecessor is still exiting), else 0 */
  nameWaitMs?: number;
}

export class WorkerRuntime {
  readonly layout: RunLayout;
  readonly transport: Transport;
  readonly identity: WorkerIdentity;
  readonly logger: Logger;
  readonly queue: QueueBackend;
  /** Aborted when the worker must stop (signal, control flag, parent death). */
  readonly signal: AbortSignal;
  stopReason = '';
  private readonly controller = new AbortController();
  private readonly options: WorkerRuntimeOptions;
  private readonly record: WorkerRecord;
  private readonly timers: NodeJS.Timeout[] = [];
  private unwatch?: () => Promise<void>;
  private readonly startedMs = Date.now();

  private constructor(options: WorkerRuntimeOptions, identity: WorkerIdentity, logger: Logger) {
    this.options = options;
    this.layout = options.layout;
    this.transport = options.transport;
    this.identity = identity;
    this.logger = logger;
    this.signal = this.controller.signal;
    this.queue = options.transport.queue(identity, logger);
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
    const identity = makeIdentity('pending', options.role);
    const waitMs = options.nameWaitMs ?? (options.parentPid ? 20_000 : 0);
    identity.name = await options.transport.workers.acquire(options.name, identity, waitMs);
    const logger = createLogger({ name: identity.name, file: path.join(options.layout.resultsDir, `${identity.name}.log`) });
    const runtime = new WorkerRuntime(options, identity, logger);
    await runtime.begin();
    return runtime;
  }

  private async begin(): Promise<void> {
    const { logger, identity } = this;
    logger.info(
      { role: identity.role, pid: identity.pid, host: identity.host, token: identity.token, parent_pid: this.options.parentPid, transport: this.transport.kind, where: this.transport.where },
      'worker started',
    );
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
    this.timers.push(setInterval(() => void this.reapNow(), this.options.reapEveryMs ?? 10_000));
    const stopOn = this.options.stopOn ?? ['stop-all', 'complete'];
    if (stopOn.length) {
      this.unwatch = await this.transport.control.watch(stopOn, (flag) => this.stop(`control flag ${flag} is set`));
    }
    await this.writeRecord();
    await this.reapNow();
    this.announce(`started: ${identity.role} of run ${this.options.layout.run} (pid ${identity.pid}, queue ${this.transport.where}); log ${this.logFile()}`);
  }

  private logFile(): string {
    return path.join(this.options.layout.resultsDir, `${this.identity.name}.log`);
  }

  /** A daemon started by hand (not by an orchestrator) says on stdout when it starts and exits, one line each. */
  private announce(text: string): void {
    if (this.options.parentPid || this.identity.role === 'orchestrator') return;
    process.stdout.write(`passk ${this.identity.name}: ${text}\n`);
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
      const result = await this.queue.reap();
      if (result.requeued.length || result.failed.length) this.logger.warn(result, 'reclaimed items of dead workers');
    } catch (error) {
      this.logger.warn({ err: error }, 'reclaim pass failed; will retry');
    }
  }

  /** Record progress for status displays. */
  progress(update: { state?: WorkerRecord['state']; item?: string | null; items?: number; samples?: number; note?: string; launches?: string[] }): void {
    // Leaving 'starting' is written at once, not at the next heartbeat (up to 5 s later): until then
    // `passk status` would show a working worker as still starting.
    const leftStarting = this.record.state === 'starting' && update.state !== undefined && update.state !== 'starting';
    if (update.state && this.record.state !== 'stopping') this.record.state = update.state;
    if (update.item !== undefined) this.record.current_item = update.item ?? undefined;
    if (update.items) this.record.items_done += update.items;
    if (update.samples) this.record.samples_done += update.samples;
    if (update.note !== undefined) this.record.note = update.note;
    if (update.launches !== undefined) this.record.launches = update.launches;
    if (leftStarting) void this.writeRecord().catch(() => {});
  }

  async writeRecord(): Promise<void> {
    this.record.heartbeat_at = new Date().toISOString();
    const elapsed = (Date.now() - this.startedMs) / 1000;
    this.record.samples_per_s = elapsed > 0 ? Math.round((this.record.samples_done / elapsed) * 100) / 100 : 0;
    await this.transport.workers.write({ ...this.record });
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
    await this.unwatch?.().catch(() => {});
    this.record.state = 'exited';
    this.record.current_item = undefined;
    await this.writeRecord().catch(() => {});
    await this.transport.workers.release(this.identity.name, this.identity).catch(() => {});
    await this.queue.close().catch(() => {});
    this.logger.info({ reason: this.stopReason, items_done: this.record.items_done, samples_done: this.record.samples_done }, 'worker exited');
    this.announce(`exited (${this.stopReason || 'done'}): ${this.record.items_done} item(s), ${this.record.samples_done} sample(s); log ${this.logFile()}`);
    await this.transport.close().catch(() => {});
  }
}
