/**
 * The loop every stage worker runs: claim an item of `from`, process it, hand the result to `to`;
 * idle-poll when nothing is pending; exit when the run is complete or the worker must stop. On stop
 * the item in hand is released untouched; a failure counts an attempt (failed/ after maxAttempts); a
 * lost claim is abandoned (its result would only be a duplicate).
 */
import type { Stage } from '../queue/layout.js';
import type { WorkItem } from '../schemas/queue-files.js';
import type { Claim } from '../transport/types.js';
import type { WorkerRuntime } from './runtime.js';

export interface ClaimLoopOptions<In extends WorkItem, Out extends WorkItem> {
  from: Stage;
  to: Stage;
  /** What the work is called in logs ("generation", "evaluation"). */
  what: string;
  /** Poll interval when nothing is pending, ms. */
  pollMs: number;
  process(claim: Claim<In>, signal: AbortSignal): Promise<Out>;
  /** Called after the output is handed on (for the per-item log line). */
  done(claim: Claim<In>, output: Out): void;
  /** Samples in an output, for progress records. */
  samples(output: Out): number;
}

export async function runClaimLoop<In extends WorkItem, Out extends WorkItem>(runtime: WorkerRuntime, options: ClaimLoopOptions<In, Out>): Promise<void> {
  const { queue, logger, transport } = runtime;
  while (!runtime.stopping) {
    const claim = await queue.claim<In>(options.from);
    if (!claim) {
      runtime.progress({ state: 'idle', item: null });
      if (await transport.control.has('complete')) return;
      await runtime.sleep(options.pollMs);
      continue;
    }
    runtime.progress({ state: 'working', item: claim.stem });
    const signal = AbortSignal.any([claim.signal, runtime.signal]);
    try {
      const output = await options.process(claim, signal);
      if (claim.signal.aborted) logger.warn({ item: claim.stem }, `claim was lost during ${options.what}; handing the result on anyway (counted once)`);
      await queue.complete(claim, { stage: options.to, value: output });
      runtime.progress({ items: 1, samples: options.samples(output) });
      options.done(claim, output);
    } catch (error) {
      if (runtime.stopping) {
        await queue.release(claim);
        logger.info({ item: claim.stem }, 'released the item on stop');
        return;
      }
      if (claim.signal.aborted) continue;
      const outcome = await queue.fail(claim, `${options.what} failed: ${(error as Error).message}`);
      logger.error({ item: claim.stem, err: error, outcome }, `${options.what} failed`);
      await runtime.sleep(1000);
    }
  }
}
