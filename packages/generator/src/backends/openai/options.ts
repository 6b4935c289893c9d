/** `openai` backend options: the public option type, its defaults, and the server root URL. */
import type { BackendLogger } from '../common.js';

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
  /**
   * On the first generate(), check with three tiny requests (the request's own prompt, up to 16
   * tokens, temperature ≥ 1) that the server honours the seed rule: the same seed gives the same
   * sample, and (with seedFanout 'server') child i of an `n` request equals a request seeded
   * seed + i. A violation is logged as a warning and recorded in every shard's `gen.warnings`.
   * @default true (the vllm backend: false, vLLM seeds that way)
   */
  seedCheck?: boolean;
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

/** The tuning options with every default applied (identity, model, key and logger are kept apart). */
export type ResolvedOpenAIOptions = Required<
  Omit<OpenAIBackendOptions, 'model' | 'apiKey' | 'logger' | 'name' | 'simulated' | 'baseUrl'>
>;

/** Apply the documented defaults (and the lower bounds on concurrency, n and retries). */
export function resolveOpenAIOptions(options: OpenAIBackendOptions): ResolvedOpenAIOptions {
  return {
    endpoint: options.endpoint ?? 'auto',
    apiKeyEnv: options.apiKeyEnv ?? 'OPENAI_API_KEY',
    maxConcurrency: Math.max(1, options.maxConcurrency ?? 16),
    maxN: Math.max(1, options.maxN ?? 64),
    seedFanout: options.seedFanout ?? 'server',
    seedCheck: options.seedCheck ?? true,
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
}

/** The API key: `apiKey`, else the variable `apiKeyEnv`; empty counts as none. */
export function resolveApiKey(options: OpenAIBackendOptions, apiKeyEnv: string): string | undefined {
  const key = options.apiKey ?? process.env[apiKeyEnv];
  return key && key.length > 0 ? key : undefined;
}

/** The server root: `baseUrl` without trailing slashes or `/v1`. */
export function rootUrl(baseUrl: string): string {
  let u = baseUrl.trim().replace(/\/+$/, '');
  if (u.endsWith('/v1')) u = u.slice(0, -3);
  return u;
}
