/**
 * The llama backend's context sequences and how one request's samples use them: a pool of sequences, and
 * `runWorkers`, which runs a request's samples on at most pool-size worker loops so the abort listeners on
 * a shard's signal stay bounded (one per request, not one per sample).
 */
import { setMaxListeners } from 'node:events';
import type { LlamaContextSequence } from 'node-llama-cpp';
import { Semaphore } from './common.js';

/** The context's sequences, one per sample in flight: the common Semaphore counts the free ones (FIFO waiters). */
export class SequencePool {
  private readonly free: LlamaContextSequence[];
  private readonly slots: Semaphore;
  /** Sequences in the pool: the most samples of one request that can run at once. */
  readonly size: number;
  constructor(sequences: LlamaContextSequence[]) {
    this.free = [...sequences];
    this.size = sequences.length;
    this.slots = new Semaphore(sequences.length);
  }
  async take(signal?: AbortSignal): Promise<LlamaContextSequence> {
    await this.slots.acquire(signal); // a slot acquired is a sequence in `free`
    return this.free.pop()!;
  }
  give(seq: LlamaContextSequence): void {
    this.free.push(seq);
    this.slots.release();
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

