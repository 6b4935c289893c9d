/**
 * The Redis transport (`--queue redis://host:port/db`): BullMQ queues for the stages, plain keys for
 * the run's shared state, a hash + pub/sub for control flags, expiring keys for worker names. Nothing
 * depends on a shared filesystem. See docs/multi-machine.md.
 */
import type { WorkerIdentity } from '../../queue/identity.js';
import type { Logger } from '../../log.js';
import { PasskError } from '../../errors.js';
import { isValidRunName } from '../../queue/layout.js';
import type { Transport } from '../types.js';
import { parseRedisUrl } from './url.js';
import { assertNoEviction } from './check.js';
import { connect, waitReachable, type RetryPolicy } from './conn.js';
import { runKeys } from './keys.js';
import { RedisQueue } from './queue.js';
import { RedisRunStore } from './store.js';
import { RedisControl } from './control.js';
import { RedisRegistry } from './registry.js';
import { RedisFailedItems, failedQueueIdentity } from './failed.js';

export { parseRedisUrl, maskRedisUrl, type RedisLocation } from './url.js';
export { assertNoEviction, evictionMessage, readEvictionPolicy } from './check.js';
export { runKeys, type RunKeys } from './keys.js';
export { RedisQueue, type RedisQueueOptions, type RedisClaimHandle } from './queue.js';
export { RedisRunStore } from './store.js';
export { RedisControl } from './control.js';
export { RedisRegistry } from './registry.js';
export { isConnectionError, retrying } from './conn.js';

export interface RedisTransportOptions {
  /** `redis://[user:password@]host:port/db` (or `rediss://` for TLS). */
  url: string;
  /** Run name: every key of the run is under `<prefix>:<run>:`. */
  run: string;
  /** Key prefix. @default 'passk' */
  prefix?: string;
  /** BullMQ lock duration: a claim not renewed for this long is reclaimed (the fs `--stale-ms`), ms. @default 60000 */
  lockDurationMs?: number;
  /** Claim lock renewal period, ms (capped at lockDurationMs/3). @default 5000 */
  heartbeatMs?: number;
  /** Attempts after which an item goes to failed. @default 5 */
  maxAttempts?: number;
  /** Period of BullMQ's stalled-jobs check, ms. @default lockDurationMs/2 */
  stalledIntervalMs?: number;
  /** Give up connecting at open after this long (ERR_BACKEND_UNAVAILABLE), ms. @default 10000 */
  connectTimeoutMs?: number;
  /** How long an operation keeps retrying while Redis is unreachable before it throws ERR_BACKEND_UNAVAILABLE, ms. @default 120000 */
  retryForMs?: number;
  /** Worker-name lock TTL: a killed worker's name frees itself after this long, ms. @default 15000 */
  nameTtlMs?: number;
  /** Poll period of ControlChannel.watch (besides pub/sub), ms. @default 1000 */
  controlPollMs?: number;
  /** This machine's copy of the plan (beside its results). @default none kept */
  localPlanFile?: string;
  logger?: Logger;
}

export interface RedisTransport extends Transport {
  readonly kind: 'redis';
  queue(identity: WorkerIdentity, logger?: Logger): RedisQueue;
  store: RedisRunStore;
  control: RedisControl;
  workers: RedisRegistry;
}

/**
 * Connect (bounded by connectTimeoutMs), refuse a Redis whose maxmemory-policy is not noeviction
 * (ERR_REDIS_CONFIG), and return the run's transport. close() closes every connection it opened,
 * including those of the queues it handed out.
 */
export async function openRedisTransport(options: RedisTransportOptions): Promise<RedisTransport> {
  const location = parseRedisUrl(options.url);
  if (!isValidRunName(options.run)) throw new PasskError('ERR_BAD_OPTION', `Expected a run name of [A-Za-z0-9._-] (at most 100), got \`${options.run}\``);
  const prefix = options.prefix ?? 'passk';
  if (!/^[A-Za-z0-9._-]+(?::[A-Za-z0-9._-]+)*$/.test(prefix)) throw new PasskError('ERR_BAD_OPTION', `Expected a Redis key prefix of [A-Za-z0-9._-] words separated by ':', got \`${prefix}\``);
  const logger = options.logger;
  const keys = runKeys(prefix, options.run);
  const policy: RetryPolicy = { retryForMs: options.retryForMs ?? 120_000, where: location.where, logger };
  const conn = connect(location, `passk:${options.run}:main`, logger);
  try {
    await waitReachable(conn, location.where, options.connectTimeoutMs ?? 10_000);
    await assertNoEviction(conn, location.where);
  } catch (error) {
    conn.disconnect();
    throw error;
  }
  const queues = new Set<RedisQueue>();
  const store = new RedisRunStore(conn, keys, policy, undefined, { run: options.run, planFile: options.localPlanFile });
  const control = new RedisControl({
    conn,
    subscriber: () => connect(location, `passk:${options.run}:control`, logger),
    key: keys.control,
    policy,
    pollMs: options.controlPollMs,
  });
  const workers = new RedisRegistry({ conn, keys, policy, nameTtlMs: options.nameTtlMs });
  let closed = false;
  const transport: RedisTransport = {
    kind: 'redis',
    where: location.where,
    queue(identity: WorkerIdentity, queueLogger?: Logger): RedisQueue {
      const queue: RedisQueue = new RedisQueue({
        conn: connect(location, `passk:${options.run}:${identity.name}`, queueLogger ?? logger),
        keys,
        identity,
        policy: { ...policy, logger: queueLogger ?? logger },
        logger: queueLogger ?? logger,
        lockDurationMs: options.lockDurationMs,
        heartbeatMs: options.heartbeatMs,
        maxAttempts: options.maxAttempts,
        stalledIntervalMs: options.stalledIntervalMs,
        onClose: () => queues.delete(queue),
      });
      queues.add(queue);
      return queue;
    },
    store,
    control,
    workers,
    failed: new RedisFailedItems(() => transport.queue(failedQueueIdentity()), location.where),
    /** Only the combiner's marks: an item in flight on a resume may be generated again (counted once all the same). */
    inventory: async () => ({ stems: await store.stagedStems(), combinedGroups: await store.combinedGroups() }),
    /** BullMQ keeps nothing to tidy up. */
    tidyUp: async () => 0,
    /** The registry name `combiner` is global; the machine holding the results is recorded as the run's home. */
    acquireCombiner: async (lease) => {
      const previous = await store.claimCombinerHome(lease.home, lease.takeOver);
      return { release: async () => {}, ...(previous ? { previous } : {}) };
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      for (const queue of [...queues]) await queue.close().catch(() => {});
      await control.close();
      await workers.close();
      await store.close();
      conn.disconnect();
    },
  };
  return transport;
}
