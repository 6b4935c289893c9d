/**
 * `openai` backend: n-chunking and seed fan-out. Samples [first, first+count) are cut into chunks
 * of at most the current n limit, each one HTTP request (run under the concurrency limit, with
 * retries). A 400/422 on a chunk with n > 1 halves the limit for the rest of the run and splits the
 * chunk. With `seedFanout: 'client'` the limit is 1: one request per sample, seed = seedBase + i.
 */
import type { GeneratedSample, GenerationRequest } from '@passk/core';
import { Semaphore, backendError, throwIfAborted } from '../common.js';
import { HttpStatusError, HttpTransportError } from '../http-client.js';
import type { ResolvedOpenAIOptions } from './options.js';
import { type RetryContext, withRetries } from './retry.js';

/** One HTTP request for samples [first, first+n). */
export type SendChunk = (request: GenerationRequest, first: number, n: number) => Promise<GeneratedSample[]>;

export class ChunkScheduler {
  private nLimit: number;
  private readonly slots: Semaphore;

  constructor(
    o: Pick<ResolvedOpenAIOptions, 'seedFanout' | 'maxN' | 'maxConcurrency'>,
    private readonly retry: RetryContext,
    private readonly send: SendChunk,
  ) {
    this.slots = new Semaphore(o.maxConcurrency);
    this.nLimit = o.seedFanout === 'client' ? 1 : o.maxN;
  }

  /** The current largest n per HTTP request (after any server rejections). */
  get maxN(): number {
    return this.nLimit;
  }

  /** All samples of `request`, sorted by index. */
  async run(request: GenerationRequest): Promise<GeneratedSample[]> {
    const parts: Array<Promise<GeneratedSample[]>> = [];
    const end = request.firstSample + request.count;
    for (let a = request.firstSample; a < end; a += this.nLimit) {
      parts.push(this.runChunk(request, a, Math.min(this.nLimit, end - a)));
    }
    const results = await Promise.all(parts);
    return results.flat().sort((x, y) => x.index - y.index);
  }

  private async runChunk(request: GenerationRequest, first: number, n: number): Promise<GeneratedSample[]> {
    const { signal } = request;
    const name = this.retry.backend;
    try {
      return await withRetries(this.retry, `${name} samples ${first}..${first + n - 1}`, signal, async () => {
        await this.slots.acquire(signal);
        try {
          return await this.send(request, first, n);
        } finally {
          this.slots.release();
        }
      });
    } catch (error) {
      throwIfAborted(signal);
      if (error instanceof HttpStatusError && (error.status === 400 || error.status === 422) && n > 1) {
        const half = Math.ceil(n / 2);
        this.nLimit = Math.min(this.nLimit, half);
        this.retry.logger.warn(
          { backend: name, n, new_max_n: this.nLimit, err: error.body.slice(0, 300) },
          `${name}: server rejected n=${n}; splitting the chunk`,
        );
        const [a, b] = await Promise.all([
          this.runChunk(request, first, half),
          this.runChunk(request, first + half, n - half),
        ]);
        return [...a, ...b];
      }
      if (error instanceof HttpStatusError || error instanceof HttpTransportError) {
        throw backendError(`${name}: samples ${first}..${first + n - 1} failed: ${error.message}`, error);
      }
      throw error;
    }
  }
}
