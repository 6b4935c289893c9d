/**
 * `vllm`: one engine per GPU. The generator for GPU i starts and owns `vllm serve MODEL` with
 * `CUDA_VISIBLE_DEVICES=i` on its own port (start staggered by GPU index), waits for `/health`
 * and a canary completion, then talks to it through the `openai` client with many requests in
 * flight and every sampling parameter explicit. If the engine dies, it is restarted (up to
 * `maxRestarts`) and the interrupted requests are sent again (same seeds, same samples). On
 * close, the engine's whole process group gets SIGTERM, then SIGKILL after `stopTimeoutMs`, and
 * close() returns only when no process of the group is left (no orphan holding GPU memory).
 * The engine's output goes to `{logDir}/gpu{i}.vllm.log`.
 *
 * With `vllmUrl` (`--vllm-url`), an engine the user started is used instead: health wait and
 * canary, no process management.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join, delimiter } from 'node:path';
import type { GeneratedSample, GenerationBackend, GenerationRequest } from '@passk/core';
import { type BackendLogger, backendError, silentLogger, sleep, throwIfAborted, unavailableError } from './common.js';
import { HttpClient } from './http-client.js';
import { OpenAIBackend } from './openai.js';
import type { LatencySummary } from './metrics.js';
import { type EnginePreset, resolveEnginePreset, vllmPresetArgs } from './presets.js';

export interface VllmBackendOptions {
  /** Model to serve (`--model`): a Hugging Face id or a local path. Required unless `vllmUrl` is set. */
  model?: string;
  /** GPU index (`--gpu`): the engine runs with `CUDA_VISIBLE_DEVICES=<gpu>`. @default 0 */
  gpu?: number;
  /**
   * Use an engine the user already runs (`--vllm-url`), e.g. `http://10.0.0.5:8000`; no process is
   * started or stopped. @default undefined (start and own an engine)
   */
  vllmUrl?: string;
  /** Port of the owned engine. @default 8100 + gpu */
  port?: number;
  /** Host the owned engine binds to. @default '127.0.0.1' */
  host?: string;
  /** The vLLM executable. @default 'vllm' (looked up on PATH) */
  executable?: string;
  /** Directory for `gpu{i}.vllm.log` and `gpu_trace.csv`. @default process.cwd() */
  logDir?: string;
  /** Engine presets file (`--engine-config FILE`, see presets.ts). @default built-in presets only */
  engineConfig?: string;
  /** Preset name. @default the file's "default", else 'balanced' */
  preset?: string;
  /** More `vllm serve` arguments, after the preset's. @default [] */
  extraArgs?: string[];
  /** `--seed` for the engine (per-request seeds are always sent; this only fixes unseeded state). @default 0 */
  engineSeed?: number;
  /** Delay before starting the engine = gpu × staggerMs (engines loading at once fight over disk and CPU). @default 5000 */
  staggerMs?: number;
  /** Give up if the engine is not healthy (and the canary answered) after this long, ms. @default 900000 (15 min) */
  startupTimeoutMs?: number;
  /** Health poll interval, ms. @default 1000 */
  healthIntervalMs?: number;
  /** Restarts after the engine dies, per generator; then generate() fails. @default 2 */
  maxRestarts?: number;
  /** SIGTERM → wait this long → SIGKILL, ms. @default 30000 */
  stopTimeoutMs?: number;
  /** HTTP requests in flight (`--max-concurrency`). @default the preset's maxConcurrency (balanced: 16) */
  maxConcurrency?: number;
  /** Largest n per HTTP request. @default the preset's maxN (balanced: 64) */
  maxN?: number;
  /** Ask vLLM for token ids (`return_token_ids`) so per-sample token counts are exact. @default true */
  exactTokenCounts?: boolean;
  /** Scrape `/metrics` into the log every this many ms; 0 = off. @default 10000 */
  metricsIntervalMs?: number;
  /** Sample `nvidia-smi` into `{logDir}/gpu_trace.csv` every this many ms, when it exists; 0 = off. @default 5000 */
  gpuTraceIntervalMs?: number;
  /** API key env var for a user-started engine (`--api-key-env`). @default 'OPENAI_API_KEY' */
  apiKeyEnv?: string;
  /** Log sink. @default silent */
  logger?: BackendLogger;
}

/** vLLM-specific fields sent with every request, so no model or endpoint default applies. */
export const VLLM_EXPLICIT_SAMPLING = {
  top_k: -1,
  min_p: 0,
  repetition_penalty: 1,
  presence_penalty: 0,
  frequency_penalty: 0,
  ignore_eos: false,
  skip_special_tokens: true,
  include_stop_str_in_output: false,
} as const;

function onPath(executable: string): boolean {
  if (executable.includes('/')) return existsSync(executable);
  return (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, executable)));
}

/** True when `vllm` is on PATH and `nvidia-smi -L` lists at least one GPU (for `--backend auto`). */
export function vllmAvailable(executable = 'vllm'): { available: boolean; gpus: number; reason: string } {
  if (!onPath(executable)) return { available: false, gpus: 0, reason: `${executable} not on PATH` };
  if (!onPath('nvidia-smi')) return { available: false, gpus: 0, reason: 'nvidia-smi not on PATH' };
  const r = spawnSync('nvidia-smi', ['-L'], { encoding: 'utf8', timeout: 10_000 });
  const gpus = r.status === 0 ? r.stdout.split('\n').filter((l) => l.startsWith('GPU ')).length : 0;
  return gpus > 0 ? { available: true, gpus, reason: `${gpus} GPU(s)` } : { available: false, gpus: 0, reason: 'no GPU listed by nvidia-smi' };
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    /* already gone */
  }
}

/** Samples nvidia-smi into a CSV (whole lines only, so several generators can share the file). */
class GpuTrace {
  private child?: ChildProcess;
  private out?: WriteStream;
  constructor(
    private readonly file: string,
    private readonly gpu: number,
    private readonly intervalMs: number,
    private readonly logger: BackendLogger,
  ) {}
  start(): void {
    if (this.intervalMs <= 0 || !onPath('nvidia-smi')) return;
    const fresh = !existsSync(this.file);
    this.out = createWriteStream(this.file, { flags: 'a' });
    if (fresh) this.out.write('timestamp,gpu,utilization_gpu_pct,memory_used_mib,memory_total_mib,power_draw_w,temperature_c\n');
    const ms = Math.max(100, this.intervalMs);
    this.child = spawn(
      'nvidia-smi',
      [
        '--query-gpu=timestamp,index,utilization.gpu,memory.used,memory.total,power.draw,temperature.gpu',
        '--format=csv,noheader,nounits',
        `-i`,
        String(this.gpu),
        '-lms',
        String(ms),
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let rest = '';
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (t: string) => {
      const lines = (rest + t).split('\n');
      rest = lines.pop()!;
      for (const l of lines) if (l.trim()) this.out?.write(l.replace(/,\s+/g, ',') + '\n');
    });
    this.child.on('error', (e) => this.logger.debug({ err: e.message }, 'nvidia-smi trace failed'));
  }
  async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null) {
      const exited = new Promise((r) => this.child!.once('exit', r));
      this.child.kill('SIGTERM');
      await Promise.race([exited, sleep(2000)]);
    }
    await new Promise<void>((r) => (this.out ? this.out.end(r) : r()));
  }
}

export class VllmBackend implements GenerationBackend {
  readonly name = 'vllm';
  readonly simulated = false;
  readonly gpu: number;
  readonly port: number;
  readonly url: string;
  readonly logFile: string;
  private readonly opts: VllmBackendOptions;
  private readonly logger: BackendLogger;
  private readonly owned: boolean;
  private preset?: EnginePreset & { name: string };
  private client?: OpenAIBackend;
  private child?: ChildProcess;
  private childExited?: Promise<void>;
  private log?: WriteStream;
  private trace?: GpuTrace;
  private restarts = 0;
  /** Incremented at every engine (re)start; a request that fails under an older epoch is resent. */
  private epoch = 0;
  private ready?: Promise<void>;
  private stopping = false;
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
    this.logFile = join(options.logDir ?? process.cwd(), `gpu${this.gpu}.vllm.log`);
    this.logger = options.logger ?? silentLogger;
  }

  /** Client-side latency metrics so far. */
  latency(): LatencySummary | undefined {
    return this.client?.latency();
  }

  /** The engine's process id (owned engines). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The `vllm serve` command line this backend runs. */
  serveArgs(): string[] {
    const p = this.preset ?? {};
    return [
      'serve',
      this.opts.model!,
      '--host',
      this.opts.host ?? '127.0.0.1',
      '--port',
      String(this.port),
      '--seed',
      String(this.opts.engineSeed ?? 0),
      ...vllmPresetArgs(p),
      ...(this.opts.extraArgs ?? []),
    ];
  }

  init(signal?: AbortSignal): Promise<void> {
    this.initPromise ??= this.doInit(signal);
    return this.initPromise;
  }

  private async doInit(signal?: AbortSignal): Promise<void> {
    this.preset = await resolveEnginePreset(this.opts.preset, this.opts.engineConfig);
    const logDir = this.opts.logDir ?? process.cwd();
    await mkdir(logDir, { recursive: true });
    if (this.owned) {
      const exe = this.opts.executable ?? 'vllm';
      if (!onPath(exe)) throw unavailableError(`vllm backend: ${exe} is not on PATH (pip install vllm), or pass --vllm-url`);
      const stagger = this.gpu * (this.opts.staggerMs ?? 5000);
      if (stagger > 0) {
        this.logger.info({ gpu: this.gpu, delay_ms: stagger }, 'vllm: staggered start');
        await sleep(stagger, signal);
      }
      this.ready = this.startEngine(signal);
      await this.ready;
    } else {
      this.ready = this.waitHealthy(Date.now() + (this.opts.startupTimeoutMs ?? 900_000), signal);
      await this.ready;
    }
    this.trace = new GpuTrace(join(logDir, 'gpu_trace.csv'), this.gpu, this.opts.gpuTraceIntervalMs ?? 5000, this.logger);
    if (this.owned) this.trace.start();
    this.client = new OpenAIBackend({
      name: 'vllm',
      baseUrl: this.url,
      ...(this.opts.model !== undefined ? { model: this.opts.model } : {}),
      endpoint: 'auto',
      maxConcurrency: this.opts.maxConcurrency ?? this.preset.maxConcurrency ?? 16,
      maxN: this.opts.maxN ?? this.preset.maxN ?? 64,
      seedFanout: 'server',
      stream: true,
      // An owned engine that dies is restarted by us: fail fast, then resend after the restart.
      retries: this.owned ? 2 : 6,
      extraBody: { ...VLLM_EXPLICIT_SAMPLING, ...(this.opts.exactTokenCounts === false ? {} : { return_token_ids: true }) },
      metricsIntervalMs: this.opts.metricsIntervalMs ?? 10_000,
      ...(this.opts.apiKeyEnv !== undefined ? { apiKeyEnv: this.opts.apiKeyEnv } : {}),
      logger: this.logger,
    });
    await this.client.init(signal);
  }

  private async startEngine(signal?: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    if (this.closed) throw backendError('vllm: backend closed');
    const exe = this.opts.executable ?? 'vllm';
    const args = this.serveArgs();
    this.log ??= createWriteStream(this.logFile, { flags: 'a' });
    this.log.write(`\n==== passk: starting ${exe} ${args.join(' ')} (CUDA_VISIBLE_DEVICES=${this.gpu}, ${new Date().toISOString()}) ====\n`);
    const env = { ...process.env, ...(this.preset?.env ?? {}), CUDA_VISIBLE_DEVICES: String(this.gpu) };
    const child = spawn(exe, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
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
    this.logger.info({ gpu: this.gpu, pid: child.pid, port: this.port, args, log: this.logFile }, 'vllm: engine starting');
    const started = Date.now();
    await this.waitHealthy(started + (this.opts.startupTimeoutMs ?? 900_000), signal, child);
    this.logger.info({ gpu: this.gpu, pid: child.pid, startup_ms: Date.now() - started }, 'vllm: engine healthy, canary answered');
  }

  private onCrash(code: number | null, sig: NodeJS.Signals | null): void {
    const pgid = this.child?.pid;
    // Whatever is left of the group (engine-core processes) goes too: it may hold GPU memory.
    if (pgid !== undefined) signalGroup(pgid, 'SIGKILL');
    if (this.closed) return;
    if (this.restarts >= (this.opts.maxRestarts ?? 2)) {
      this.logger.error({ gpu: this.gpu, code, signal: sig, restarts: this.restarts, log: this.logFile }, 'vllm: engine died; no restarts left');
      this.ready = Promise.reject(backendError(`vllm: the engine on GPU ${this.gpu} died (code ${code}, signal ${sig}); see ${this.logFile}`));
      this.ready.catch(() => undefined);
      return;
    }
    this.restarts++;
    this.logger.error({ gpu: this.gpu, code, signal: sig, restart: this.restarts, log: this.logFile }, 'vllm: engine died; restarting');
    this.ready = (async () => {
      if (pgid !== undefined) await this.waitGroupGone(pgid, this.opts.stopTimeoutMs ?? 30_000);
      await this.startEngine();
    })();
    this.ready.catch(() => undefined);
  }

  private async waitHealthy(deadline: number, signal?: AbortSignal, child?: ChildProcess): Promise<void> {
    const http = new HttpClient(2);
    const interval = this.opts.healthIntervalMs ?? 1000;
    let last = '';
    try {
      for (;;) {
        throwIfAborted(signal);
        if (child && (child.exitCode !== null || child.signalCode !== null)) {
          throw backendError(`vllm: the engine exited during startup (code ${child.exitCode}); last lines of ${this.logFile}:\n${await this.logTail()}`);
        }
        if (Date.now() > deadline) {
          if (child?.pid !== undefined) await this.killGroup(child.pid);
          throw unavailableError(`vllm: the engine at ${this.url} was not healthy in time (${last}); see ${this.logFile}`);
        }
        try {
          await http.request(`${this.url}/health`, { timeoutMs: 5000, ...(signal ? { signal } : {}) });
          await this.canary(http, signal);
          return;
        } catch (error) {
          if ((error as Error).name === 'AbortError') throw error;
          last = (error as Error).message.slice(0, 200);
        }
        await sleep(interval, signal);
      }
    } finally {
      http.close();
    }
  }

  /** /health does not prove inference works (vllm#39863): one tiny completion must answer. */
  private async canary(http: HttpClient, signal?: AbortSignal): Promise<void> {
    let model = this.opts.model;
    if (!model) {
      const res = await http.request(`${this.url}/v1/models`, { timeoutMs: 10_000, ...(signal ? { signal } : {}) });
      model = (JSON.parse(res.body) as { data: Array<{ id: string }> }).data[0]?.id;
    }
    const key = process.env[this.opts.apiKeyEnv ?? 'OPENAI_API_KEY'];
    const res = await http.request(`${this.url}/v1/completions`, {
      method: 'POST',
      headers: key ? { authorization: `Bearer ${key}` } : {},
      body: JSON.stringify({ model, prompt: 'def f():', max_tokens: 1, temperature: 0, top_p: 1, n: 1, seed: 0, stream: false }),
      timeoutMs: 60_000,
      ...(signal ? { signal } : {}),
    });
    const body = JSON.parse(res.body) as { choices?: unknown[] };
    if (!Array.isArray(body.choices) || body.choices.length !== 1) throw new Error(`canary: unexpected reply ${res.body.slice(0, 200)}`);
  }

  private async logTail(lines = 20): Promise<string> {
    try {
      const text = await readFile(this.logFile, 'utf8');
      return text.split('\n').slice(-lines - 1).join('\n');
    } catch {
      return '(no log)';
    }
  }

  async generate(request: GenerationRequest): Promise<GeneratedSample[]> {
    if (this.closed) throw backendError('vllm: generate() after close()');
    if (!this.client) await this.init(request.signal);
    for (;;) {
      await this.ready;
      throwIfAborted(request.signal);
      const epoch = this.epoch;
      try {
        return await this.client!.generate(request);
      } catch (error) {
        throwIfAborted(request.signal);
        // The engine died under this request (or is being restarted): wait for it and resend.
        // Same seeds, so the resent samples are the samples that were lost.
        const engineChanged = this.owned && (this.epoch !== epoch || this.child?.exitCode !== null || this.child?.signalCode !== null);
        if (!engineChanged || this.closed) throw error;
        this.logger.warn({ gpu: this.gpu, first_sample: request.firstSample, count: request.count }, 'vllm: resending after an engine restart');
      }
    }
  }

  private async waitGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (groupAlive(pgid)) {
      if (Date.now() > deadline) return false;
      await sleep(100);
    }
    return true;
  }

  private async killGroup(pgid: number): Promise<void> {
    signalGroup(pgid, 'SIGTERM');
    const gone = await this.waitGroupGone(pgid, this.opts.stopTimeoutMs ?? 30_000);
    if (!gone) {
      this.logger.warn({ gpu: this.gpu, pid: pgid }, 'vllm: engine ignored SIGTERM; sending SIGKILL');
      signalGroup(pgid, 'SIGKILL');
      await this.waitGroupGone(pgid, 10_000);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopping = true;
    await this.initPromise?.catch(() => undefined);
    await this.client?.close();
    await this.trace?.stop();
    const child = this.child;
    if (child?.pid !== undefined) {
      await this.killGroup(child.pid);
      await Promise.race([this.childExited, sleep(5000)]);
      this.logger.info({ gpu: this.gpu, pid: child.pid }, 'vllm: engine stopped');
    }
    await new Promise<void>((r) => (this.log ? this.log.end(r) : r()));
  }
}

/**
 * Factory for the registry: `--backend vllm --model M --gpu I [--engine-config FILE]
 * [--max-concurrency N]`, or `--backend vllm --vllm-url URL`.
 */
export function createVllmBackend(options: VllmBackendOptions): GenerationBackend {
  return new VllmBackend(options);
}
