/**
 * The llama backend's context sequences and how one request's samples use them: a pool of sequences, and
 * `runWorkers`, which runs a request's samples on at most pool-size worker loops so the abort listeners on
 * a shard's signal stay bounded (one per request, not one per sample).
 */
import { setMaxListeners } from 'node:events';
import type { LlamaContextSequence } from 'node-llama-cpp';
import { abortError } from './common.js';

export class SequencePool {
  private free: LlamaContextSequence[];
  private waiters: Array<(seq: LlamaContextSequence) => void> = [];
  /** Sequences in the pool: the most samples of one request that can run at once. */
  readonly size: number;
  constructor(sequences: LlamaContextSequence[]) {
    this.free = [...sequences];
    this.size = sequences.length;
  }
  async take(signal?: AbortSignal): Promise<LlamaContextSequence> {
    const seq = this.free.pop();
    if (seq) return seq;
    return new Promise((resolve, reject) => {
      const give = (s: LlamaContextSequence) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(s);
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(give);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(abortError(signal));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(give);
    });
  }
  give(seq: LlamaContextSequence): void {
    const next = this.waiters.shift();
    if (next) next(seq);
    else this.free.push(seq);
  }
}

/**
 * `count` samples by at most pool-size worker loops, each pulling the next sample index, so the abort
 * listeners stay bounded whatever the count: the request's signal gets one (a linked inner signal), and
 * the inner signal one per worker waiting for a sequence plus one per generation in flight (not one per
 * sample, which set off MaxListenersExceededWarning once per item).
 */
export async function runWorkers<T>(pool: SequencePool, count: number, outer: AbortSignal | undefined, one: (j: number, signal: AbortSignal) => Promise<T>): Promise<T[]> {
  const inner = new AbortController();
  const workers = Math.max(1, Math.min(count, pool.size));
  setMaxListeners(2 * workers + 2, inner.signal);
  const forward = () => inner.abort(outer?.reason);
  if (outer?.aborted) forward();
  else outer?.addEventListener('abort', forward, { once: true });
  const samples: T[] = new Array(count);
  let next = 0;
  const loop = async () => {
    while (next < count) {
      const j = next++;
      samples[j] = await one(j, inner.signal);
    }
  };
  try {
    await Promise.all(Array.from({ length: workers }, loop));
  } finally {
    outer?.removeEventListener('abort', forward);
    if (!inner.signal.aborted) inner.abort();
  }
  return samples;
}

