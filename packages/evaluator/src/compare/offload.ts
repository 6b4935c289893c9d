/**
 * Where the stdout comparison runs. It is linear (compare/stdio.ts), but a 32 MB output still
 * costs seconds of CPU on a loaded machine, and the evaluator's event loop must keep turning
 * meanwhile (fork-server responses, hang timers, the claim's heartbeat). Small outputs (the usual
 * case) are compared inline; big ones in one worker thread per grader, started on first use.
 * The verdict is the same either way: the same function runs in both places.
 */
import { Worker } from 'node:worker_threads';
import { compareStdout, type StdioComparison } from './stdio.js';
import type { CompareRequest } from './stdio-worker.js';

/** Outputs up to this many characters (prediction + expected) are compared inline (≈ tens of ms at worst). */
export const INLINE_CHARS = 1 << 20;

type Waiter = { resolve: (r: StdioComparison) => void; reject: (e: Error) => void };

export class StdoutComparer {
  private worker: Worker | null = null;
  private readonly waiting = new Map<number, Waiter>();
  private next = 0;

  constructor(private readonly inlineChars = INLINE_CHARS) {}

  compare(prediction: string, expected: string): Promise<StdioComparison> {
    if (prediction === expected) return Promise.resolve({ equal: true, message: '' }); // the same lines: equal, at memcmp's speed
    if (prediction.length + expected.length <= this.inlineChars) return Promise.resolve(compareStdout(prediction, expected));
    const worker = this.start();
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, prediction, expected } satisfies CompareRequest);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./stdio-worker.js', import.meta.url)); // dist/compare/ (built code only)
    worker.unref();
    worker.on('message', (m: { id: number; result: StdioComparison }) => {
      this.waiting.get(m.id)?.resolve(m.result);
      this.waiting.delete(m.id);
      if (this.waiting.size === 0) worker.unref();
    });
    const fail = (error: Error): void => {
      if (this.worker === worker) this.worker = null;
      for (const w of this.waiting.values()) w.reject(error);
      this.waiting.clear();
    };
    worker.on('error', (e) => fail(e));
    worker.on('exit', (code) => fail(new Error(`the stdout comparison worker exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }
}
