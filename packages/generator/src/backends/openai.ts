/**
 * `openai`: any OpenAI-compatible server (vLLM, SGLang, llama.cpp's server, Ollama, hosted APIs)
 * over `/v1/completions` or `/v1/chat/completions`.
 *
 * A request for samples [first, first+count) is cut into chunks of at most `maxN`; a chunk
 * [a, a+m) is one HTTP request with `n: m` and `seed: seedBase + a`. vLLM gives child i of an `n`
 * request the seed `seed + i`, so sample i always gets seed `seedBase + i` however the samples are
 * chunked. Servers that do not seed children that way need `seedFanout: 'client'` (n = 1 per
 * HTTP request, seed = seedBase + i exactly).
 *
 * Every sampling parameter is sent explicitly (servers' defaults differ per endpoint and model).
 * Failures: 408/409/425/429/5xx, dropped connections, truncated streams and timeouts are retried
 * with exponential backoff (honouring Retry-After); a 400 on a chunk with n > 1 halves n for the
 * rest of the run (servers cap n: llama.cpp at its slot count, hosted APIs at 128).
 */
import type { GeneratedSample, GenerationBackend, GenerationRequest, FinishReason } from '@passk/core';
import {
  type BackendLogger,
  Semaphore,
  backendError,
  silentLogger,
  sleep,
  throwIfAborted,
  unavailableError,
} from './common.js';
import { HttpClient, HttpStatusError, HttpTransportError, SseParser, isRetryable } from './http-client.js';
import { parseChunkFast, type FastChoice } from './stream-parse.js';
import { LatencyRecorder, type LatencySummary, parsePrometheus, pickEngineMetrics } from './metrics.js';

export interface OpenAIBackendOptions {
  /**
   * Server base URL (`--openai-url`), with or without the `/v1` suffix, e.g.
   * `http://127.0.0.1:8000` or `https://api.example.com/v1`. Required.
   */
  baseUrl: string;
  /** Model name sent in every request (`--model`). @default the first id of `GET /v1/models` */
  model?: string;
  /**
   * Which endpoint to use. `'auto'` follows the prompt: chat prompts go to `/v1/chat/completions`
   * (the server applies the chat template), completion prompts to `/v1/completions`.
   * @default 'auto'
   */
  endpoint?: 'auto' | 'completions' | 'chat';
  /** Environment variable holding the API key (`--api-key-env`); unset or empty = no key sent. @default 'OPENAI_API_KEY' */
  apiKeyEnv?: string;
  /** The API key itself (overrides `apiKeyEnv`; for programmatic use). @default undefined */
  apiKey?: string;
  /** HTTP requests in flight at once, across all generate() calls (`--max-concurrency`). @default 16 */
  maxConcurrency?: number;
  /** Largest `n` per HTTP request; lowered automatically when the server rejects it. @default 64 */
  maxN?: number;
  /**
   * `'server'`: one HTTP request per chunk with `n` and `seed = seedBase + first` (vLLM seeds child
   * i with seed + i). `'client'`: one HTTP request per sample, `n = 1`, `seed = seedBase + i`, for
   * servers that do not fan seeds out like vLLM. @default 'server'
   */
  seedFanout?: 'server' | 'client';
  /** Stream responses (needed for TTFT/ITL; completions reach the caller as they finish). @default true */
  stream?: boolean;
  /** Field carrying max tokens on the chat endpoint. @default 'max_tokens' */
  chatMaxTokensField?: 'max_tokens' | 'max_completion_tokens';
  /** Whole-request timeout per HTTP request, ms. @default 1800000 (30 min) */
  requestTimeoutMs?: number;
  /** Streaming: give up on a request after this long without a byte, ms. @default 300000 (5 min) */
  idleTimeoutMs?: number;
  /** Retries per HTTP request after the first attempt. @default 6 */
  retries?: number;
  /** First backoff delay, ms; doubles per retry, with jitter. @default 500 */
  retryBaseMs?: number;
  /** Longest backoff delay, ms. @default 30000 */
  retryMaxMs?: number;
  /** Extra JSON fields merged into every request body (e.g. `{"top_k": 20}`); explicit fields win. @default {} */
  extraBody?: Record<string, unknown>;
  /** Extra HTTP headers. @default {} */
  headers?: Record<string, string>;
  /** Scrape `GET /metrics` (Prometheus) into the log every this many ms; 0 = off. @default 0 */
  metricsIntervalMs?: number;
  /** Name reported by the backend. @default 'openai' */
  name?: string;
  /** Mark outputs as synthetic (e.g. a test server). @default false */
  simulated?: boolean;
  /** Log sink. @default silent */
  logger?: BackendLogger;
}

interface ChoiceState {
  parts: string[];
  reasoning: string[];
  chunks: number;
  tokenIds: number;
  hasTokenIds: boolean;
  firstAt?: number;
  lastAt?: number;
  finish?: string | null;
  finishedAt?: number;
}

interface ChunkResult {
  samples: GeneratedSample[];
}

type Json = Record<string, unknown>;

function rootUrl(baseUrl: string): string {
  let u = baseUrl.trim().replace(/\/+$/, '');
  if (u.endsWith('/v1')) u = u.slice(0, -3);
  return u;
}

/** Split `total` over items proportionally to `weights` (largest remainder), keeping integers. */
export function apportion(weights: number[], total: number): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (weights.length === 0) return [];
  if (sum <= 0) {
    const base = Math.floor(total / weights.length);
    return weights.map((_, i) => base + (i < total - base * weights.length ? 1 : 0));
  }
  const exact = weights.map((w) => (w * total) / sum);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0]);
  for (let k = 0; left > 0 && k < order.length; k++, left--) out[order[k]![1]]!++;
  return out;
}

function mapFinish(reason: string | null | undefined): FinishReason | undefined {
  if (reason === 'length') return 'length';
  if (reason === 'stop' || reason === 'eos' || reason === 'end_turn' || reason === 'stop_sequence') return 'stop';
  return undefined;
}

export class OpenAIBackend implements GenerationBackend {
  readonly name: string;
  readonly simulated: boolean;
  readonly root: string;
  model: string | undefined;
  private readonly o: Required<
    Omit<OpenAIBackendOptions, 'model' | 'apiKey' | 'logger' | 'name' | 'simulated' | 'baseUrl'>
  >;
  private readonly apiKey: string | undefined;
  private readonly logger: BackendLogger;
  private readonly http: HttpClient;
  private readonly slots: Semaphore;
  private nLimit: number;
  private readonly recorder = new LatencyRecorder();
  private metricsTimer?: NodeJS.Timeout;
  private closed = false;
  private initPromise?: Promise<void>;

  constructor(options: OpenAIBackendOptions) {
    if (!options.baseUrl) throw unavailableError('openai backend: --openai-url is required');
    this.name = options.name ?? 'openai';
    this.simulated = options.simulated ?? false;
    this.root = rootUrl(options.baseUrl);
    this.model = options.model;
    this.o = {
      endpoint: options.endpoint ?? 'auto',
      apiKeyEnv: options.apiKeyEnv ?? 'OPENAI_API_KEY',
      maxConcurrency: Math.max(1, options.maxConcurrency ?? 16),
      maxN: Math.max(1, options.maxN ?? 64),
      seedFanout: options.seedFanout ?? 'server',
      stream: options.stream ?? true,
      chatMaxTokensField: options.chatMaxTokensField ?? 'max_tokens',
      requestTimeoutMs: options.requestTimeoutMs ?? 1_800_000,
      idleTimeoutMs: options.idleTimeoutMs ?? 300_000,
      retries: Math.max(0, options.retries ?? 6),
      retryBaseMs: options.retryBaseMs ?? 500,
      retryMaxMs: options.retryMaxMs ?? 30_000,
      extraBody: options.extraBody ?? {},
      headers: options.headers ?? {},
      metricsIntervalMs: options.metricsIntervalMs ?? 0,
    };
    const key = options.apiKey ?? process.env[this.o.apiKeyEnv];
    this.apiKey = key && key.length > 0 ? key : undefined;
    this.logger = options.logger ?? silentLogger;
    this.http = new HttpClient(Math.max(this.o.maxConcurrency + 4, 8));
    this.slots = new Semaphore(this.o.maxConcurrency);
    this.nLimit = this.o.seedFanout === 'client' ? 1 : this.o.maxN;
  }

  /** Latency and token totals so far (client-side, `vllm bench serve` definitions). */
  latency(): LatencySummary {
    return this.recorder.summary();
  }

  /** The current largest n per HTTP request (after any server rejections). */
  get maxNPerRequest(): number {
    return this.nLimit;
  }

  private headers(): Record<string, string> {
    const h: Record<string, string> = { accept: 'application/json, text/event-stream', ...this.o.headers };
    if (this.apiKey) h.authorization = `Bearer ${this.apiKey}`;
    return h;
  }

  init(signal?: AbortSignal): Promise<void> {
    this.initPromise ??= this.doInit(signal);
    return this.initPromise;
  }

  private async doInit(signal?: AbortSignal): Promise<void> {
    if (this.model === undefined) {
      this.model = await this.withRetries('GET /v1/models', signal, async () => {
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
        max_n: this.nLimit,
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

  private async withRetries<T>(what: string, signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        throwIfAborted(signal);
        if (!isRetryable(error) || attempt >= this.o.retries) throw error;
        const backoff = Math.min(this.o.retryMaxMs, this.o.retryBaseMs * 2 ** attempt) * (0.5 + Math.random() * 0.5);
        const retryAfter = error instanceof HttpStatusError ? error.retryAfterMs : undefined;
        const delay = retryAfter !== undefined ? Math.min(this.o.retryMaxMs, retryAfter) : backoff;
        this.recorder.httpRetries++;
        this.logger.warn(
          { backend: this.name, attempt: attempt + 1, delay_ms: Math.round(delay), err: (error as Error).message.slice(0, 300) },
          `${what}: retrying`,
        );
        await sleep(delay, signal);
      }
    }
  }

  async generate(request: GenerationRequest): Promise<GeneratedSample[]> {
    if (this.closed) throw backendError(`${this.name}: generate() after close()`);
    if (this.model === undefined) await this.init(request.signal);
    throwIfAborted(request.signal);
    const parts: Array<Promise<GeneratedSample[]>> = [];
    const end = request.firstSample + request.count;
    for (let a = request.firstSample; a < end; a += this.nLimit) {
      parts.push(this.runChunk(request, a, Math.min(this.nLimit, end - a)));
    }
    const results = await Promise.all(parts);
    return results.flat().sort((x, y) => x.index - y.index);
  }

  private body(request: GenerationRequest, first: number, n: number): { path: string; body: Json } {
    const chat =
      this.o.endpoint === 'chat' || (this.o.endpoint === 'auto' && request.prompt.mode === 'chat');
    const body: Json = { ...this.o.extraBody, model: this.model };
    if (chat) {
      body.messages = request.prompt.messages;
      body[this.o.chatMaxTokensField] = request.maxTokens;
    } else {
      body.prompt = request.prompt.text;
      body.max_tokens = request.maxTokens;
    }
    body.n = n;
    body.seed = request.seedBase + first;
    body.temperature = request.temperature;
    body.top_p = request.topP;
    if (request.stop.length > 0) body.stop = request.stop;
    if (this.o.stream) {
      body.stream = true;
      body.stream_options = { include_usage: true };
    } else body.stream = false;
    return { path: chat ? '/v1/chat/completions' : '/v1/completions', body };
  }

  private async runChunk(request: GenerationRequest, first: number, n: number): Promise<GeneratedSample[]> {
    const { signal } = request;
    try {
      return await this.withRetries(`${this.name} samples ${first}..${first + n - 1}`, signal, async () => {
        await this.slots.acquire(signal);
        try {
          return (await this.once(request, first, n)).samples;
        } finally {
          this.slots.release();
        }
      });
    } catch (error) {
      throwIfAborted(signal);
      if (error instanceof HttpStatusError && (error.status === 400 || error.status === 422) && n > 1) {
        const half = Math.ceil(n / 2);
        this.nLimit = Math.min(this.nLimit, half);
        this.logger.warn(
          { backend: this.name, n, new_max_n: this.nLimit, err: error.body.slice(0, 300) },
          `${this.name}: server rejected n=${n}; splitting the chunk`,
        );
        const [a, b] = await Promise.all([
          this.runChunk(request, first, half),
          this.runChunk(request, first + half, n - half),
        ]);
        return [...a, ...b];
      }
      if (error instanceof HttpStatusError || error instanceof HttpTransportError) {
        throw backendError(`${this.name}: samples ${first}..${first + n - 1} failed: ${error.message}`, error);
      }
      throw error;
    }
  }

  private async once(request: GenerationRequest, first: number, n: number): Promise<ChunkResult> {
    const { path, body } = this.body(request, first, n);
    const url = `${this.root}${path}`;
    const choices: ChoiceState[] = Array.from({ length: n }, () => ({
      parts: [],
      reasoning: [],
      chunks: 0,
      tokenIds: 0,
      hasTokenIds: false,
    }));
    let usage: { prompt_tokens?: number; completion_tokens?: number } | undefined;
    let done = false;
    const itl = this.recorder.itl;
    const sent = performance.now();
    this.recorder.httpRequests++;

    const onChoice = (c: Json, now: number) => {
      const idx = typeof c.index === 'number' ? c.index : 0;
      const st = choices[idx];
      if (!st) throw new HttpTransportError(`${url}: choice index ${idx} outside n=${n}`, 'truncated');
      let text: string | undefined;
      if (typeof c.text === 'string') text = c.text;
      else {
        const delta = (c.delta ?? c.message) as Json | undefined;
        if (delta) {
          if (typeof delta.content === 'string') text = delta.content;
          const r = delta.reasoning_content ?? delta.reasoning;
          if (typeof r === 'string' && r.length > 0) {
            st.reasoning.push(r);
            st.firstAt ??= now;
          }
        }
      }
      const ids = c.token_ids;
      if (Array.isArray(ids)) {
        st.hasTokenIds = true;
        st.tokenIds += ids.length;
      }
      if (text !== undefined && text.length > 0) {
        st.parts.push(text);
        st.chunks++;
        if (st.lastAt !== undefined) itl.record(now - st.lastAt);
        st.firstAt ??= now;
        st.lastAt = now;
      } else if (Array.isArray(ids) && ids.length > 0) st.chunks++;
      if (c.finish_reason !== undefined && c.finish_reason !== null) {
        st.finish = c.finish_reason as string;
        st.finishedAt = now;
      }
    };

    const onFast = (f: FastChoice, now: number) => {
      const st = choices[f.index];
      if (!st) throw new HttpTransportError(`${url}: choice index ${f.index} outside n=${n}`, 'truncated');
      if (f.text.length > 0) {
        st.parts.push(f.text);
        st.chunks++;
        if (st.lastAt !== undefined) itl.record(now - st.lastAt);
        st.firstAt ??= now;
        st.lastAt = now;
      }
      if (f.finish !== null) {
        st.finish = f.finish;
        st.finishedAt = now;
      }
    };

    if (this.o.stream) {
      // One timestamp per network read: events that arrive together arrived at the same time.
      let now = sent;
      const parser = new SseParser((data) => {
        if (data === '[DONE]') {
          done = true;
          return;
        }
        const fast = parseChunkFast(data);
        if (fast) {
          onFast(fast, now);
          return;
        }
        let event: Json;
        try {
          event = JSON.parse(data) as Json;
        } catch {
          throw new HttpTransportError(`${url}: malformed stream event: ${data.slice(0, 200)}`, 'truncated');
        }
        if (event.error) throw new HttpStatusError(500, JSON.stringify(event.error), undefined, url);
        const cs = event.choices as Json[] | undefined;
        if (cs) for (const c of cs) onChoice(c, now);
        if (event.usage) usage = event.usage as typeof usage;
      });
      await this.http.request(url, {
        method: 'POST',
        headers: this.headers(),
        body: JSON.stringify(body),
        timeoutMs: this.o.requestTimeoutMs,
        idleTimeoutMs: this.o.idleTimeoutMs,
        ...(request.signal ? { signal: request.signal } : {}),
        onText: (t) => {
          now = performance.now();
          parser.push(t);
        },
      });
      parser.end();
      if (!done && choices.some((c) => c.finish === undefined)) {
        throw new HttpTransportError(`${url}: stream ended before every choice finished`, 'truncated');
      }
    } else {
      const res = await this.http.request(url, {
        method: 'POST',
        headers: this.headers(),
        body: JSON.stringify(body),
        timeoutMs: this.o.requestTimeoutMs,
        ...(request.signal ? { signal: request.signal } : {}),
      });
      const now = performance.now();
      let parsed: Json;
      try {
        parsed = JSON.parse(res.body) as Json;
      } catch {
        throw new HttpTransportError(`${url}: malformed JSON response`, 'truncated');
      }
      for (const c of (parsed.choices as Json[] | undefined) ?? []) onChoice(c, now);
      usage = parsed.usage as typeof usage;
      for (const st of choices) {
        st.firstAt = undefined; // not streamed: TTFT unknown
        st.finishedAt ??= now;
      }
    }

    const end = performance.now();
    for (const [i, st] of choices.entries()) {
      if (st.finish === undefined || st.finish === null) {
        throw new HttpTransportError(`${url}: choice ${i} has no finish_reason`, 'truncated');
      }
      if (mapFinish(st.finish) === undefined) {
        // e.g. vLLM's "abort": the engine dropped the sequence. Retry the chunk.
        throw new HttpStatusError(503, `choice ${i} finished with "${st.finish}"`, undefined, url);
      }
    }

    // Per-sample completion tokens: exact with token ids (vLLM `return_token_ids`) or n = 1;
    // otherwise the usage total is apportioned over the choices by streamed chunk counts (each
    // chunk is one token on vLLM/SGLang) or, when not streamed, by text length.
    let counts: number[];
    const total = usage?.completion_tokens;
    if (choices.every((c) => c.hasTokenIds)) counts = choices.map((c) => c.tokenIds);
    else if (n === 1 && typeof total === 'number') counts = [total];
    else {
      const weights = choices.map((c) => (this.o.stream ? c.chunks : c.parts.join('').length));
      counts = typeof total === 'number' ? apportion(weights, total) : weights;
    }
    const promptTokens = usage?.prompt_tokens ?? 0;

    const samples: GeneratedSample[] = choices.map((st, j) => {
      const index = first + j;
      let text = st.parts.join('');
      if (st.reasoning.length > 0) text = `<think>\n${st.reasoning.join('')}\n</think>\n${text}`;
      const e2e = (st.finishedAt ?? end) - sent;
      const ttft = st.firstAt !== undefined ? st.firstAt - sent : undefined;
      const finish = mapFinish(st.finish)!;
      const sample: GeneratedSample = {
        index,
        seed: request.seedBase + index,
        text,
        finish_reason: finish,
        prompt_tokens: promptTokens,
        completion_tokens: counts[j] ?? 0,
        e2e_ms: e2e,
      };
      if (ttft !== undefined) sample.ttft_ms = ttft;
      this.recorder.sample({
        ...(ttft !== undefined ? { ttftMs: ttft } : {}),
        e2eMs: e2e,
        outputTokens: sample.completion_tokens,
        promptTokens,
        finishReason: finish,
      });
      return sample;
    });
    return { samples };
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
