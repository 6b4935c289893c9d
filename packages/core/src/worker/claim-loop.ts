/**
 * The loop every stage worker runs: claim an item of `from`, process it, hand the result to `to`;
 * idle-poll when nothing is pending; exit when the run is complete or the worker must stop. On stop
 * the item in hand is released untouched; a failure counts an attempt (failed/ after maxAttempts); a
 * lost claim is abandoned (its result would only be a duplicate).
 *
 * With `inflight: N` the worker runs N such loops ("lanes") at once, so it holds up to N claims:
 * a generator keeps its engine full across shard boundaries. Every claim is its own claim in the
 * transport (heartbeated, reclaimed when this worker dies, released on stop), so holding several
 * changes nothing for crash safety. If one lane hits an unexpected error, the worker stops: the
 * other lanes release their claims, and the error is thrown once all lanes have ended.
 */
import type { Stage } from '../queue/layout.js';
import { isPasskError } from '../errors.js';
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
  /** Items claimed and processed at once. @default 1 */
  inflight?: number;
  /**
   * Check a claimed item before work starts (e.g. against the plan); an ERR_PLAN_MISMATCH or
   * ERR_SCHEMA_INVALID quarantines the item at once (the transport's reject: failed/ with the error
   * as its reason); any other error is the worker's own failure (thrown, like an error of `process`).
   */
  check?(claim: Claim<In>): void | Promise<void>;
  process(claim: Claim<In>, signal: AbortSignal): Promise<Out>;
  /** Called after the output is handed on (for the per-item log line). */
  done(claim: Claim<In>, output: Out): void;
  /** Samples in an output, for progress records. */
  samples(output: Out): number;
}

export async function runClaimLoop<In extends WorkItem, Out extends WorkItem>(runtime: WorkerRuntime, options: ClaimLoopOptions<In, Out>): Promise<void> {
  const { queue, logger, transport } = runtime;
  const lanes = Math.max(1, Math.floor(options.inflight ?? 1));
  const held = new Set<string>();
  const show = () => runtime.progress(held.size ? { state: 'working', item: [...held].join(',') } : { state: 'idle', item: null });
  // One claim attempt at a time in this process: two lanes racing for the same file would both
  // see it as theirs (the claim file name is per worker, not per lane).
  let claiming: Promise<unknown> = Promise.resolve();
  const claimNext = (): Promise<Claim<In> | undefined> => {
    const next = claiming.then(() => queue.claim<In>(options.from));
    claiming = next.catch(() => undefined);
    return next;
  };

  const lane = async (): Promise<void> => {
    while (!runtime.stopping) {
      const claim = await claimNext();
      if (claim && held.has(claim.stem)) {
        // Never expected (claims are serialised); the other lane owns the claim file: leave it be.
        claim.stopHeartbeat();
        logger.warn({ item: claim.stem }, 'claimed an item this worker already holds; ignoring the second claim');
        continue;
      }
      if (!claim) {
        show();
        if (await transport.control.has('complete')) return;
        await runtime.sleep(options.pollMs);
        continue;
      }
      if (options.check && !(await accepted(runtime, options, claim))) continue;
      held.add(claim.stem);
      show();
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
      } finally {
        held.delete(claim.stem);
        show();
      }
    }
  };

  if (lanes === 1) return lane();
  logger.info({ inflight: lanes }, `${options.what}: up to ${lanes} items in flight`);
  let first: unknown;
  await Promise.all(
    Array.from({ length: lanes }, () =>
      lane().catch((error: unknown) => {
        if (first === undefined) {
          first = error;
          runtime.stop(`${options.what} loop failed: ${(error as Error).message}`);
        }
      }),
    ),
  );
  if (first !== undefined) throw first;
}

/** Run the item check; a failing item is quarantined (never worked on, never an exception out). */
async function accepted<In extends WorkItem, Out extends WorkItem>(runtime: WorkerRuntime, options: ClaimLoopOptions<In, Out>, claim: Claim<In>): Promise<boolean> {
  try {
    await options.check!(claim);
    return true;
  } catch (error) {
    if (!isPasskError(error, 'ERR_PLAN_MISMATCH') && !isPasskError(error, 'ERR_SCHEMA_INVALID')) {
      await runtime.queue.release(claim);
      throw error;
    }
    await runtime.queue.reject(claim, error);
    runtime.logger.error({ item: claim.stem, stage: claim.stage, reason: error.message }, `quarantined an item that does not fit the plan (no ${options.what})`);
    return false;
  }
}
