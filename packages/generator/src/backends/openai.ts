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
// The modules, one job each (under ./openai/): options.ts (options and defaults), request-body.ts
// (headers and body per endpoint), chunking.ts (n-chunking, seed fan-out, n halving), retry.ts
// (backoff policy), send-chunk.ts (one HTTP request), choices.ts (response → per-choice state),
// samples.ts (choices → GeneratedSample), backend.ts (the class and its factory).
export type { OpenAIBackendOptions } from './openai/options.js';
export { apportion } from './openai/samples.js';
export { OpenAIBackend, createOpenAIBackend } from './openai/backend.js';
