/**
 * `openai` backend: reading a response into per-choice state. Streamed responses arrive as SSE
 * `data:` payloads (fast path for plain text chunks, JSON otherwise), others as one JSON body;
 * both fill one `ChoiceState` per choice index, plus the usage totals.
 */
import { HttpStatusError, HttpTransportError } from '../http-client.js';
import type { Histogram } from '../metrics.js';
import { parseChunkFast, type FastChoice } from '../stream-parse.js';
import type { Json } from './request-body.js';

export interface ChoiceState {
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

/** The `usage` object of a response. */
export interface Usage {
  prompt_tokens?: number;
  completion_tokens?: number;
}

/** Collects the n choices of one response; inter-token latencies go to `itl`. */
export class ChoiceCollector {
  readonly choices: ChoiceState[];
  usage: Usage | undefined;
  /** The stream's `[DONE]` arrived. */
  done = false;

  constructor(
    private readonly url: string,
    private readonly n: number,
    private readonly itl: Histogram,
  ) {
    this.choices = Array.from({ length: n }, () => ({
      parts: [],
      reasoning: [],
      chunks: 0,
      tokenIds: 0,
      hasTokenIds: false,
    }));
  }

  /** One SSE `data:` payload, received at `now`. */
  event(data: string, now: number): void {
    if (data === '[DONE]') {
      this.done = true;
      return;
    }
    const fast = parseChunkFast(data);
    if (fast) {
      this.fastChoice(fast, now);
      return;
    }
    let event: Json;
    try {
      event = JSON.parse(data) as Json;
    } catch {
      throw new HttpTransportError(`${this.url}: malformed stream event: ${data.slice(0, 200)}`, 'truncated');
    }
    if (event.error) throw new HttpStatusError(500, JSON.stringify(event.error), undefined, this.url);
    const cs = event.choices as Json[] | undefined;
    if (cs) for (const c of cs) this.choice(c, now);
    if (event.usage) this.usage = event.usage as Usage;
  }

  /** The stream ended: throws unless `[DONE]` arrived or every choice finished. */
  streamEnded(): void {
    if (!this.done && this.choices.some((c) => c.finish === undefined)) {
      throw new HttpTransportError(`${this.url}: stream ended before every choice finished`, 'truncated');
    }
  }

  /** A whole (not streamed) JSON response, received at `now`. */
  response(text: string, now: number): void {
    let parsed: Json;
    try {
      parsed = JSON.parse(text) as Json;
    } catch {
      throw new HttpTransportError(`${this.url}: malformed JSON response`, 'truncated');
    }
    for (const c of (parsed.choices as Json[] | undefined) ?? []) this.choice(c, now);
    this.usage = parsed.usage as Usage | undefined;
    for (const st of this.choices) {
      st.firstAt = undefined; // not streamed: TTFT unknown
      st.finishedAt ??= now;
    }
  }

  private state(idx: number): ChoiceState {
    const st = this.choices[idx];
    if (!st) throw new HttpTransportError(`${this.url}: choice index ${idx} outside n=${this.n}`, 'truncated');
    return st;
  }

  private addText(st: ChoiceState, text: string, now: number): void {
    st.parts.push(text);
    st.chunks++;
    if (st.lastAt !== undefined) this.itl.record(now - st.lastAt);
    st.firstAt ??= now;
    st.lastAt = now;
  }

  private choice(c: Json, now: number): void {
    const st = this.state(typeof c.index === 'number' ? c.index : 0);
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
    if (text !== undefined && text.length > 0) this.addText(st, text, now);
    else if (Array.isArray(ids) && ids.length > 0) st.chunks++;
    if (c.finish_reason !== undefined && c.finish_reason !== null) {
      st.finish = c.finish_reason as string;
      st.finishedAt = now;
    }
  }

  private fastChoice(f: FastChoice, now: number): void {
    const st = this.state(f.index);
    if (f.text.length > 0) this.addText(st, f.text, now);
    if (f.finish !== null) {
      st.finish = f.finish;
      st.finishedAt = now;
    }
  }
}
