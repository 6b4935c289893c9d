/**
 * `vllm` backend: the owned engine process. Before each start it kills a leftover engine of its
 * GPU named by the engine record and checks that the port is free (engine-record.ts). It spawns
 * `vllm serve` through the launcher (launcher.ts: the engine dies with the generator, however the
 * generator dies) in its own process group with its output appended to the log file, records the
 * group in `gpu{i}.engine.json`, waits for health and the canary, restarts it when it dies (up to
 * `maxRestarts`), and stops the whole group on stop() (SIGTERM, then SIGKILL after
 * `stopTimeoutMs`), returning only when no process of the group is left.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import os from 'node:os';
import { type BackendLogger, backendError, throwIfAborted } from '../common.js';
import { killLeftoverEngine, removeEngineRecord, requirePortFree, writeEngineRecord } from './engine-record.js';
import { waitHealthy } from './health.js';
import { launcherCommand } from './launcher.js';
import type { VllmBackendOptions } from './options.js';
import { killGroup, signalGroup, waitGroupGone } from './process-group.js';

export interface EngineSetup {
  gpu: number;
  port: number;
  /** Engine root URL (no `/v1`). */
  url: string;
  /** Host the engine binds to (for the free-port check). */
  host: string;
  logFile: string;
  /** The engine record (`gpu{i}.engine.json`). */
  recordFile: string;
  logger: BackendLogger;
  /** The `vllm serve` arguments, read at every (re)start. */
  args: () => string[];
  /** The engine's environment, read at every (re)start. */
  env: () => NodeJS.ProcessEnv;
}

export class VllmEngine {
  /** Incremented at every engine (re)start; a request that fails under an older epoch is resent. */
  epoch = 0;
  /** Settles when the engine serves (again, after a restart); rejects when it died for good. */
  ready?: Promise<void>;
  private child?: ChildProcess;
  private childExited?: Promise<void>;
  private log?: WriteStream;
  private restarts = 0;
  private stopping = false;

  constructor(
    private readonly opts: VllmBackendOptions,
    private readonly setup: EngineSetup,
  ) {}

  /** The engine's process id. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** True when the engine was (re)started since `epoch`, or its process is not running. */
  changedSince(epoch: number): boolean {
    return this.epoch !== epoch || this.child?.exitCode !== null || this.child?.signalCode !== null;
  }

  /** Start the engine; resolves when it is healthy and the canary answered. */
  start(signal?: AbortSignal): Promise<void> {
    this.ready = this.startEngine(signal);
    return this.ready;
  }

  private async startEngine(signal?: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    if (this.stopping) throw backendError('vllm: backend closed');
    const { gpu, port, host, logFile, recordFile, logger } = this.setup;
    const stopTimeoutMs = this.opts.stopTimeoutMs ?? 30_000;
    await killLeftoverEngine(recordFile, stopTimeoutMs, logger);
    await requirePortFree(host, port, gpu, this.opts.portWaitMs ?? 5000);
    throwIfAborted(signal);
    const exe = this.opts.executable ?? 'vllm';
    const args = this.setup.args();
    this.log ??= createWriteStream(logFile, { flags: 'a' });
    this.log.write(`\n==== passk: starting ${exe} ${args.join(' ')} (CUDA_VISIBLE_DEVICES=${gpu}, ${new Date().toISOString()}) ====\n`);
    const env = this.setup.env();
    const launch = launcherCommand(this.opts.python ?? 'python3', exe, args, process.pid, stopTimeoutMs);
    const child = spawn(launch.command, launch.args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    // Written synchronously: nothing may run between the spawn and the exit listener below.
    if (child.pid !== undefined) {
      writeEngineRecord(recordFile, { gpu, host: os.hostname(), port, pgid: child.pid, generator_pid: process.pid, started_at: new Date().toISOString() });
    }
    this.epoch++;
    child.stdout!.pipe(this.log, { end: false });
    child.stderr!.pipe(this.log, { end: false });
    this.childExited = new Promise<void>((resolve) => {
      child.once('exit', (code, sig) => {
        this.log?.write(`==== passk: engine exited (code ${code}, signal ${sig}) ====\n`);
        resolve();
        if (!this.stopping) this.onCrash(code, sig);
      });
      child.once('error', (error) => {
        this.log?.write(`==== passk: failed to start engine: ${error.message} ====\n`);
        resolve();
      });
    });
    logger.info({ gpu, pid: child.pid, port, args, log: logFile, record: recordFile }, 'vllm: engine starting');
    const started = Date.now();
    await waitHealthy(
      { url: this.setup.url, logFile, opts: this.opts },
      started + (this.opts.startupTimeoutMs ?? 900_000),
      signal,
      { child, killGroup: (pgid) => this.killGroup(pgid) },
    );
    logger.info({ gpu, pid: child.pid, startup_ms: Date.now() - started }, 'vllm: engine healthy, canary answered');
  }

  private onCrash(code: number | null, sig: NodeJS.Signals | null): void {
    const { gpu, logFile, logger } = this.setup;
    const pgid = this.child?.pid;
    // Whatever is left of the group (engine-core processes) goes too: it may hold GPU memory.
    if (pgid !== undefined) signalGroup(pgid, 'SIGKILL');
    if (this.stopping) return;
    if (this.restarts >= (this.opts.maxRestarts ?? 2)) {
      logger.error({ gpu, code, signal: sig, restarts: this.restarts, log: logFile }, 'vllm: engine died; no restarts left');
      this.ready = Promise.reject(backendError(`vllm: the engine on GPU ${gpu} died (code ${code}, signal ${sig}); see ${logFile}`));
      this.ready.catch(() => undefined);
      return;
    }
    this.restarts++;
    logger.error({ gpu, code, signal: sig, restart: this.restarts, log: logFile }, 'vllm: engine died; restarting');
    this.ready = (async () => {
      if (pgid !== undefined) await waitGroupGone(pgid, this.opts.stopTimeoutMs ?? 30_000);
      await this.startEngine();
    })();
    this.ready.catch(() => undefined);
  }

  private killGroup(pgid: number): Promise<void> {
    return killGroup(pgid, this.opts.stopTimeoutMs ?? 30_000, () =>
      this.setup.logger.warn({ gpu: this.setup.gpu, pid: pgid }, 'vllm: engine ignored SIGTERM; sending SIGKILL'),
    );
  }

  /** From now on a dying engine is not restarted and no engine is started. */
  markStopping(): void {
    this.stopping = true;
  }

  /** Stop the engine's whole process group and wait until none of it is left; close the log. */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (child?.pid !== undefined) {
      await this.killGroup(child.pid);
      // (A timer that is cleared: a pending one would keep the generator alive 5 s after close.)
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.childExited, new Promise<void>((r) => (timer = setTimeout(r, 5000)))]);
      clearTimeout(timer);
      await removeEngineRecord(this.setup.recordFile, child.pid).catch(() => undefined);
      this.setup.logger.info({ gpu: this.setup.gpu, pid: child.pid }, 'vllm: engine stopped');
    }
    await new Promise<void>((r) => (this.log ? this.log.end(r) : r()));
  }
}
