/**
 * `vllm` backend: the `VllmBackend` class and its registry factory. It resolves the preset, starts
 * (or waits for) the engine, and hands requests to the `openai` client, resending the ones an
 * engine restart interrupted. Process management is in engine.ts, the command line in serve-args.ts.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { GeneratedSample, GenerationBackend, GenerationRequest } from '@passk/core';
import { type BackendLogger, backendError, silentLogger, sleep, throwIfAborted, unavailableError } from '../common.js';
import type { OpenAIBackend } from '../openai.js';
import type { LatencySummary } from '../metrics.js';
import { type EnginePreset, resolveEnginePreset } from '../presets.js';
import { onPath } from './availability.js';
import { createVllmClient } from './client.js';
import { VllmEngine } from './engine.js';
import { GpuTrace } from './gpu-trace.js';
import { waitHealthy } from './health.js';
import type { VllmBackendOptions } from './options.js';
import { vllmEngineEnv, vllmServeArgs } from './serve-args.js';

export class VllmBackend implements GenerationBackend {
  readonly name = 'vllm';
  readonly simulated = false;
  readonly gpu: number;
  /** The owned engine's port: `port`, else the preset's basePort (default 8100) + gpu; set by init. */
  port: number;
  /** Engine root URL (no `/v1`). */
  url: string;
  readonly logFile: string;
  private readonly opts: VllmBackendOptions;
  private readonly logger: BackendLogger;
  private readonly owned: boolean;
  private preset?: EnginePreset & { name: string };
  private client?: OpenAIBackend;
  /** The owned engine (undefined with `vllmUrl`). */
  private readonly engine?: VllmEngine;
  /** The health wait of a user-started engine. */
  private attached?: Promise<void>;
  private trace?: GpuTrace;
  private closed = false;
  private initPromise?: Promise<void>;

  constructor(options: VllmBackendOptions) {
    this.opts = options;
    this.gpu = options.gpu ?? 0;
    this.owned = options.vllmUrl === undefined;
    if (this.owned && !options.model) throw unavailableError('vllm backend: --model is required (or --vllm-url for a running engine)');
    this.port = options.port ?? 8100 + this.gpu;
    const host = options.host ?? '127.0.0.1';
    this.url = (options.vllmUrl ?? `http://${host}:${this.port}`).replace(/\/+$/, '').replace(/\/v1$/, '');
    const self = this;
    this.logFile = join(options.logDir ?? process.cwd(), `gpu${this.gpu}.vllm.log`);
    this.logger = options.logger ?? silentLogger;
    if (this.owned) {
      this.engine = new VllmEngine(options, {
        gpu: this.gpu,
        get port() {
          return self.port;
        },
        get url() {
          return self.url;
        },
        host,
        logFile: this.logFile,
        recordFile: join(options.logDir ?? process.cwd(), `gpu${this.gpu}.engine.json`),
        logger: this.logger,
        args: () => this.serveArgs(),
        env: () => vllmEngineEnv(this.preset, this.gpu),
      });
    }
  }

  /** Client-side latency metrics so far. */
  latency(): LatencySummary | undefined {
    return this.client?.latency();
  }

  /** The client's warnings (a seed-rule check, when the preset turns it on). */
  warnings(): string[] {
    return this.client?.warnings() ?? [];
  }

  /** Shards a generator keeps in flight by default (after init): the client's maxConcurrency. */
  defaultInflight(): number {
    return this.client?.defaultInflight() ?? 1;
  }

  /** The engine's process id (owned engines). */
  get pid(): number | undefined {
    return this.engine?.pid;
  }

  /** The `vllm serve` command line this backend runs. */
  serveArgs(): string[] {
    return vllmServeArgs(this.opts, this.port, this.preset);
  }

  /** Settles when the engine takes requests. */
  private get ready(): Promise<void> | undefined {
    return this.engine ? this.engine.ready : this.attached;
  }

  init(signal?: AbortSignal): Promise<void> {
    this.initPromise ??= this.doInit(signal);
    return this.initPromise;
  }

  private async doInit(signal?: AbortSignal): Promise<void> {
    this.preset = await resolveEnginePreset(this.opts.preset, this.opts.engineConfig);
    if (this.owned && this.opts.port === undefined && this.preset.basePort !== undefined) {
      this.port = this.preset.basePort + this.gpu;
      this.url = `http://${this.opts.host ?? '127.0.0.1'}:${this.port}`;
    }
    const logDir = this.opts.logDir ?? process.cwd();
    await mkdir(logDir, { recursive: true });
    if (this.engine) {
      const exe = this.opts.executable ?? 'vllm';
      if (!onPath(exe)) throw unavailableError(`vllm backend: ${exe} is not on PATH (pip install vllm), or pass --vllm-url`);
      const python = this.opts.python ?? 'python3';
      if (!onPath(python)) throw unavailableError(`vllm backend: ${python} is not on PATH; passk starts the engine through a Python launcher that stops it if the generator dies`);
      const stagger = this.gpu * (this.opts.staggerMs ?? 5000);
      if (stagger > 0) {
        this.logger.info({ gpu: this.gpu, delay_ms: stagger }, 'vllm: staggered start');
        await sleep(stagger, signal);
      }
      await this.engine.start(signal);
    } else {
      this.attached = waitHealthy(
        { url: this.url, logFile: this.logFile, opts: this.opts },
        Date.now() + (this.opts.startupTimeoutMs ?? 900_000),
        signal,
      );
      await this.attached;
    }
    this.trace = new GpuTrace(join(logDir, 'gpu_trace.csv'), this.gpu, this.opts.gpuTraceIntervalMs ?? 5000, this.logger);
    if (this.owned) this.trace.start();
    this.client = createVllmClient(this.opts, this.preset, this.url, this.owned, this.logger);
    await this.client.init(signal);
  }

  async generate(request: GenerationRequest): Promise<GeneratedSample[]> {
    if (this.closed) throw backendError('vllm: generate() after close()');
    if (!this.client) await this.init(request.signal);
    for (;;) {
      await this.ready;
      throwIfAborted(request.signal);
      const epoch = this.engine?.epoch ?? 0;
      try {
        return await this.client!.generate(request);
      } catch (error) {
        throwIfAborted(request.signal);
        // The engine died under this request (or is being restarted): wait for it and resend.
        // Same seeds, so the resent samples are the samples that were lost.
        const engineChanged = this.engine !== undefined && this.engine.changedSince(epoch);
        if (!engineChanged || this.closed) throw error;
        this.logger.warn({ gpu: this.gpu, first_sample: request.firstSample, count: request.count }, 'vllm: resending after an engine restart');
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.engine?.markStopping();
    await this.initPromise?.catch(() => undefined);
    await this.client?.close();
    await this.trace?.stop();
    await this.engine?.stop();
  }
}

/**
 * Factory for the registry: `--backend vllm --model M --gpu I [--engine-config FILE]
 * [--max-concurrency N]`, or `--backend vllm --vllm-url URL`.
 */
export function createVllmBackend(options: VllmBackendOptions): GenerationBackend {
  return new VllmBackend(options);
}
