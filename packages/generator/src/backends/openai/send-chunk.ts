/**
 * `openai` backend: one HTTP request for samples [first, first+n): build the body, send it, read
 * the response (streamed or not) into choices, check every choice finished, map them to samples.
 * Failures are thrown as HTTP errors for the caller's retry policy.
 */
import type { GeneratedSample, GenerationRequest } from '@passk/core';
import { type HttpClient, SseParser } from '../http-client.js';
import type { LatencyRecorder } from '../metrics.js';
import { ChoiceCollector } from './choices.js';
import type { ResolvedOpenAIOptions } from './options.js';
import { buildRequestBody } from './request-body.js';
import { checkFinished, toSamples } from './samples.js';

export interface SendChunkContext {
  /** Server root URL (no `/v1`). */
  root: string;
  http: HttpClient;
  options: ResolvedOpenAIOptions;
  model: string | undefined;
  headers: Record<string, string>;
  recorder: LatencyRecorder;
}

export async function sendChunk(
  ctx: SendChunkContext,
  request: GenerationRequest,
  first: number,
  n: number,
): Promise<GeneratedSample[]> {
  const o = ctx.options;
  const { path, body } = buildRequestBody(o, ctx.model, request, first, n);
  const url = `${ctx.root}${path}`;
  const collector = new ChoiceCollector(url, n, ctx.recorder.itl);
  const sent = performance.now();
  ctx.recorder.httpRequests++;

  if (o.stream) {
    // One timestamp per network read: events that arrive together arrived at the same time.
    let now = sent;
    const parser = new SseParser((data) => collector.event(data, now));
    await ctx.http.request(url, {
      method: 'POST',
      headers: ctx.headers,
      body: JSON.stringify(body),
      timeoutMs: o.requestTimeoutMs,
      idleTimeoutMs: o.idleTimeoutMs,
      ...(request.signal ? { signal: request.signal } : {}),
      onText: (t) => {
        now = performance.now();
        parser.push(t);
      },
    });
    parser.end();
    collector.streamEnded();
  } else {
    const res = await ctx.http.request(url, {
      method: 'POST',
      headers: ctx.headers,
      body: JSON.stringify(body),
      timeoutMs: o.requestTimeoutMs,
      ...(request.signal ? { signal: request.signal } : {}),
    });
    collector.response(res.body, performance.now());
  }

  const end = performance.now();
  checkFinished(collector.choices, url);
  return toSamples(
    collector.choices,
    collector.usage,
    { first, seedBase: request.seedBase, streamed: o.stream, sent, end },
    ctx.recorder,
  );
}
