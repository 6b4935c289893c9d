/** `openai` backend: HTTP headers and the JSON body of one request, per endpoint (completions or chat). */
import type { GenerationRequest } from '@passk/core';
import type { ResolvedOpenAIOptions } from './options.js';

export type Json = Record<string, unknown>;

/** Headers of every request: accept both JSON and SSE, the extra headers, the bearer key if any. */
export function requestHeaders(extra: Record<string, string>, apiKey: string | undefined): Record<string, string> {
  const h: Record<string, string> = { accept: 'application/json, text/event-stream', ...extra };
  if (apiKey) h.authorization = `Bearer ${apiKey}`;
  return h;
}

/**
 * The endpoint path and body for samples [first, first+n): `n` children with `seed = seedBase + first`
 * and every sampling parameter explicit; `extraBody` first, so explicit fields win.
 */
export function buildRequestBody(
  o: ResolvedOpenAIOptions,
  model: string | undefined,
  request: GenerationRequest,
  first: number,
  n: number,
): { path: string; body: Json } {
  const chat = o.endpoint === 'chat' || (o.endpoint === 'auto' && request.prompt.mode === 'chat');
  const body: Json = { ...o.extraBody, model };
  if (chat) {
    body.messages = request.prompt.messages;
    body[o.chatMaxTokensField] = request.maxTokens;
  } else {
    body.prompt = request.prompt.text;
    body.max_tokens = request.maxTokens;
  }
  body.n = n;
  body.seed = request.seedBase + first;
  body.temperature = request.temperature;
  body.top_p = request.topP;
  if (request.stop.length > 0) body.stop = request.stop;
  if (o.stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  } else body.stream = false;
  return { path: chat ? '/v1/chat/completions' : '/v1/completions', body };
}
