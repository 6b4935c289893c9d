/**
 * `openai` backend: finished choices → `GeneratedSample`s (finish reasons, per-sample token counts,
 * the think block, client-side latencies recorded).
 */
import type { FinishReason, GeneratedSample } from '@passk/core';
import { HttpStatusError, HttpTransportError } from '../http-client.js';
import type { LatencyRecorder } from '../metrics.js';
import type { ChoiceState, Usage } from './choices.js';

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

export function mapFinish(reason: string | null | undefined): FinishReason | undefined {
  if (reason === 'length') return 'length';
  if (reason === 'stop' || reason === 'eos' || reason === 'end_turn' || reason === 'stop_sequence') return 'stop';
  return undefined;
}

/** Throws (retryably) unless every choice finished with a known reason. */
export function checkFinished(choices: ChoiceState[], url: string): void {
  for (const [i, st] of choices.entries()) {
    if (st.finish === undefined || st.finish === null) {
      throw new HttpTransportError(`${url}: choice ${i} has no finish_reason`, 'truncated');
    }
    if (mapFinish(st.finish) === undefined) {
      // e.g. vLLM's "abort": the engine dropped the sequence. Retry the chunk.
      throw new HttpStatusError(503, `choice ${i} finished with "${st.finish}"`, undefined, url);
    }
  }
}

/**
 * Per-sample completion tokens: exact with token ids (vLLM `return_token_ids`) or n = 1;
 * otherwise the usage total is apportioned over the choices by streamed chunk counts (each
 * chunk is one token on vLLM/SGLang) or, when not streamed, by text length.
 */
export function completionTokenCounts(choices: ChoiceState[], usage: Usage | undefined, streamed: boolean): number[] {
  const total = usage?.completion_tokens;
  if (choices.every((c) => c.hasTokenIds)) return choices.map((c) => c.tokenIds);
  if (choices.length === 1 && typeof total === 'number') return [total];
  const weights = choices.map((c) => (streamed ? c.chunks : c.parts.join('').length));
  return typeof total === 'number' ? apportion(weights, total) : weights;
}

/** Where the choices of one HTTP request belong, and when it ran (`performance.now()` times). */
export interface ChunkInfo {
  /** Sample index of choice 0. */
  first: number;
  seedBase: number;
  /** The response was streamed (token counts may be apportioned by chunk counts). */
  streamed: boolean;
  /** When the request was sent. */
  sent: number;
  /** When the response was complete. */
  end: number;
}

/** The samples first, first+1, … of finished `choices`, each recorded in `recorder`. */
export function toSamples(
  choices: ChoiceState[],
  usage: Usage | undefined,
  { first, seedBase, streamed, sent, end }: ChunkInfo,
  recorder: LatencyRecorder,
): GeneratedSample[] {
  const counts = completionTokenCounts(choices, usage, streamed);
  const promptTokens = usage?.prompt_tokens ?? 0;
  return choices.map((st, j) => {
    const index = first + j;
    let text = st.parts.join('');
    if (st.reasoning.length > 0) text = `<think>\n${st.reasoning.join('')}\n</think>\n${text}`;
    const e2e = (st.finishedAt ?? end) - sent;
    const ttft = st.firstAt !== undefined ? st.firstAt - sent : undefined;
    const finish = mapFinish(st.finish)!;
    const sample: GeneratedSample = {
      index,
      seed: seedBase + index,
      output: text,
      finish_reason: finish,
      prompt_tokens: promptTokens,
      completion_tokens: counts[j] ?? 0,
      e2e_ms: e2e,
    };
    if (ttft !== undefined) sample.ttft_ms = ttft;
    recorder.sample({
      ...(ttft !== undefined ? { ttftMs: ttft } : {}),
      e2eMs: e2e,
      outputTokens: sample.completion_tokens,
      promptTokens,
      finishReason: finish,
    });
    return sample;
  });
}
