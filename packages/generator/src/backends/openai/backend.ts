/**
 * `openai` backend: the `OpenAIBackend` class (model discovery, metrics scraping, generate, close)
 * and its registry factory. Request building, chunking, retries and response mapping live in the
 * sibling modules.
 */
import type { GeneratedSample, GenerationBackend, GenerationRequest } from '@passk/core';
import { type BackendLogger, backendError, silentLogger, throwIfAborted, unavailableError } from '../common.js';
import { HttpClient, HttpStatusError } from '../http-client.js';
import { LatencyRecorder, type LatencySummary, parsePrometheus, pickEngineMetrics } from '../metrics.js';
import { ChunkScheduler } from './chunking.js';
import {
  type OpenAIBackendOptions,
  type ResolvedOpenAIOptions,
  resolveApiKey,
  resolveOpenAIOptions,
  rootUrl,
} from './options.js';
import { requestHeaders } from './request-body.js';
import { type RetryContext, withRetries } from './retry.js';
import { type SendChunkContext, sendChunk } from './send-chunk.js';
import { checkSeedRule } from './seed-check.js';

export class OpenAIBackend implements GenerationBackend {
  readonly name: string;
  readonly simulated: boolean;
  readonly root: string;
  model: string | undefined;
  private readonly o: ResolvedOpenAIOptions;
  private readonly apiKey: string | undefined;
  private readonly logger: BackendLogger;
  private readonly http: HttpClient;
  private readonly retry: RetryContext;
  private readonly chunks: ChunkScheduler;
  private readonly recorder = new LatencyRecorder();
  private metricsTimer?: NodeJS.Timeout;
  private seedChecked?: Promise<void>;
  private readonly warningList: string[] = [];
  private closed = false;
  private initPromise?: Promise<void>;

  constructor(options: OpenAIBackendOptions) {
    if (!options.baseUrl) throw unavailableError('openai backend: --openai-url is required');
    this.name = options.name ?? 'openai';
    this.simulated = options.simulated ?? false;
    this.root = rootUrl(options.baseUrl);
    this.model = options.model;
    this.o = resolveOpenAIOptions(options);
    this.apiKey = resolveApiKey(options, this.o.apiKeyEnv);
    this.logger = options.logger ?? silentLogger;
    this.http = new HttpClient(Math.max(this.o.maxConcurrency + 4, 8));
    this.retry = {
      policy: this.o,
      backend: this.name,
      logger: this.logger,
      onRetry: () => {
        this.recorder.httpRetries++;
      },
    };
    this.chunks = new ChunkScheduler(this.o, this.retry, (request, first, n) =>
      sendChunk(this.sendContext(), request, first, n),
    );
  }

  /** Latency and token totals so far (client-side, `vllm bench serve` definitions). */
  latency(): LatencySummary {
    return this.recorder.summary();
  }

  /** Warnings so far (e.g. the server does not honour the seed rule); recorded in each shard's gen. */
  warnings(): string[] {
    return [...this.warningList];
  }

  /** Shards a generator keeps in flight by default: one per HTTP request slot (maxConcurrency). */
  defaultInflight(): number {
    return this.o.maxConcurrency;
  }

  /** The current largest n per HTTP request (after any server rejections). */
  get maxNPerRequest(): number {
    return this.chunks.maxN;
  }

  private headers(): Record<string, string> {
    return requestHeaders(this.o.headers, this.apiKey);
  }

  private sendContext(): SendChunkContext {
    return {
      root: this.root,
      http: this.http,
      options: this.o,
      model: this.model,
      headers: this.headers(),
      recorder: this.recorder,
    };
  }

  init(signal?: AbortSignal): Promise<void> {
    this.initPromise ??= this.doInit(signal);
    return this.initPromise;
  }

  private async doInit(signal?: AbortSignal): Promise<void> {
    if (this.model === undefined) {
      this.model = await withRetries(this.retry, 'GET /v1/models', signal, async () => {
        const res = await this.http.request(`${this.root}/v1/models`, {
          headers: this.headers(),
          timeoutMs: 30_000,
          ...(signal ? { signal } : {}),
        });
        const body = JSON.parse(res.body) as { data?: Array<{ id?: string }> };
        const id = body.data?.[0]?.id;
        if (!id) throw backendError(`${this.name}: ${this.root}/v1/models lists no model; pass --model`);
        return id;
      }).catch((cause: unknown) => {
        if (cause instanceof Error && cause.name === 'AbortError') throw cause;
        throw unavailableError(`${this.name}: cannot reach ${this.root} (${(cause as Error).message})`, cause);
      });
    }
    this.logger.info(
      {
        backend: this.name,
        url: this.root,
        model: this.model,
        max_concurrency: this.o.maxConcurrency,
        max_n: this.chunks.maxN,
        seed_fanout: this.o.seedFanout,
        stream: this.o.stream,
        api_key_env: this.apiKey ? this.o.apiKeyEnv : undefined,
      },
      `${this.name}: server ready`,
    );
    if (this.o.metricsIntervalMs > 0) this.startMetricsScrape();
  }

  /** Scrape `/metrics` once; undefined when the server has none. */
  async scrapeMetrics(signal?: AbortSignal): Promise<Record<string, number> | undefined> {
    try {
      const res = await this.http.request(`${this.root}/metrics`, {
        headers: this.headers(),
        timeoutMs: 10_000,
        ...(signal ? { signal } : {}),
      });
      return pickEngineMetrics(parsePrometheus(res.body));
    } catch (error) {
      if (error instanceof HttpStatusError && error.status === 404) return undefined;
      throw error;
    }
  }

  private startMetricsScrape(): void {
    const tick = async () => {
      try {
        const m = await this.scrapeMetrics();
        if (m === undefined) {
          this.logger.info({ backend: this.name }, `${this.name}: no /metrics endpoint; engine metrics not logged`);
          return;
        }
        this.logger.info({ backend: this.name, engine_metrics: m }, 'engine metrics');
      } catch (error) {
        this.logger.debug({ backend: this.name, err: (error as Error).message }, 'metrics scrape failed');
      }
      if (!this.closed) this.metricsTimer = setTimeout(tick, this.o.metricsIntervalMs).unref();
    };
    this.metricsTimer = setTimeout(tick, 0).unref();
  }

  async generate(request: GenerationRequest): Promise<GeneratedSample[]> {
    if (this.closed) throw backendError(`${this.name}: generate() after close()`);
    if (this.model === undefined) await this.init(request.signal);
    throwIfAborted(request.signal);
    if (this.o.seedCheck) {
      this.seedChecked ??= this.checkSeeds(request);
      await this.seedChecked.catch((error: unknown) => {
        this.seedChecked = undefined; // aborted: the next request checks again
        throw error;
      });
    }
    return this.chunks.run(request);
  }

  private async checkSeeds(request: GenerationRequest): Promise<void> {
    const probeContext = { ...this.sendContext(), recorder: new LatencyRecorder() };
    const send = (r: GenerationRequest, first: number, n: number) =>
      withRetries(this.retry, `${this.name} seed check`, r.signal, () => sendChunk(probeContext, r, first, n));
    const warnings = await checkSeedRule(this.name, this.root, request, this.o.seedFanout, this.chunks.maxN, send, this.logger);
    for (const warning of warnings) {
      this.warningList.push(warning);
      this.logger.warn({ backend: this.name, url: this.root, warning }, `${this.name}: SEED RULE WARNING: ${warning}`);
    }
    if (!warnings.length) this.logger.info({ backend: this.name, url: this.root, seed_fanout: this.o.seedFanout }, `${this.name}: the server honours the seed rule (checked)`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.metricsTimer) clearTimeout(this.metricsTimer);
    this.logger.info({ backend: this.name, latency: this.recorder.summary() }, `${this.name}: closed`);
    this.http.close();
  }
}

/** Factory for the registry: `--backend openai --openai-url URL [--model M] [--api-key-env VAR] [--max-concurrency N]`. */
export function createOpenAIBackend(options: OpenAIBackendOptions): GenerationBackend {
  return new OpenAIBackend(options);
}
