/**
 * QueueBackend on BullMQ: one BullMQ queue per stage (`gen`, `eval`, `combine`, prefix `<p>:<run>`),
 * jobs processed manually (a Worker per stage with no processor, `getNextJob`). The job id is the
 * item stem and the job data is the WorkItem / Shard / EvaluatedShard itself: completions travel with
 * the jobs. Mapping (docs/multi-machine.md):
 *   put       Queue.add(stage, value, { jobId: stem }) — a no-op while a job of that id exists;
 *             removeOnComplete (memory does not grow with the run), failed jobs kept
 *   claim     Worker.getNextJob(token, { block: false }), token `<host>-<pid>-<token>:<n>`; the data is
 *             validated against the stage schema (invalid → failed at once, reason names the field);
 *             stalls not yet counted (BullMQ's `stc`) become attempts + 1 each
 *   heartbeat Job.extendLock(token, lockDuration) every min(heartbeatMs, lockDuration/3); a refused
 *             extension (the lock expired or the job was taken back) aborts the claim's signal
 *   complete  put(next) first, then Job.moveToCompleted(null, token, false)
 *   release   Job.moveToWait(token): back to the head of wait, attempts unchanged
 *   fail      attempts + 1 and a history line written into the job data (only while we hold the
 *             lock), then Job.moveToWait(token); at maxAttempts Job.moveToFailed (no BullMQ retry)
 *   reject    Job.moveToFailed(reason = the PasskError as JSON) at once
 *   reap      the Worker's stalled-jobs check (BullMQ's moveStalledJobsToWait), also run every
 *             stalledInterval by Worker.startStalledCheckTimer()
 */
import { Queue, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { PasskError, isPasskError } from '../../errors.js';
import { assertValid, jsonSyntaxMessage } from '../../validate.js';
import { ITEM_STEM_RE } from '../../naming.js';
import { STAGE_SCHEMAS } from '../../schemas/queue-files.js';
import { ownerTag, type WorkerIdentity } from '../../queue/identity.js';
import { STAGES, type Stage } from '../../queue/layout.js';
import type { QueueCounts } from '../../queue/counts.js';
import type { WorkItem } from '../../schemas/queue-files.js';
import type { Logger } from '../../log.js';
import type { Claim, QueueBackend, ReapResult } from '../types.js';
import type { RunKeys } from './keys.js';
import { retrying, type RetryPolicy } from './conn.js';
import { listFailedJobs, removeFailedJob, type FailedJob, type FailedJobsContext } from './failed-jobs.js';
import { PasskWorker, SET_DATA, MAX_REJECTS_PER_CLAIM, STALLS_COUNTED, finishedCode, reasonJson, bump } from './jobs.js';

export interface RedisQueueOptions {
  /** This backend's own connection (closed by close()). */
  conn: Redis;
  keys: RunKeys;
  identity: WorkerIdentity;
  policy: RetryPolicy;
  logger?: Logger;
  /** BullMQ lock duration: a claim whose lock is not renewed for this long is reclaimed, ms. @default 60000 */
  lockDurationMs?: number;
  /** How often a claim renews its lock, ms (capped at lockDuration/3). @default 5000 */
  heartbeatMs?: number;
  /** Attempts after which an item goes to failed. @default 5 */
  maxAttempts?: number;
  /** Period of BullMQ's stalled-jobs check (global across workers), ms. @default lockDuration/2 */
  stalledIntervalMs?: number;
  onClose?: () => void;
}

export interface RedisClaimHandle {
  job: Job<WorkItem, null, string>;
  token: string;
}

interface StalledCheck {
  moveStalledJobsToWait(): Promise<void>;
}

export class RedisQueue implements QueueBackend {
  readonly kind = 'redis' as const;
  readonly identity: WorkerIdentity;
  readonly lockDurationMs: number;
  readonly heartbeatMs: number;
  readonly maxAttempts: number;
  readonly stalledIntervalMs: number;
  private readonly conn: Redis;
  private readonly keys: RunKeys;
  private readonly policy: RetryPolicy;
  private readonly logger?: Logger;
  private readonly queues = new Map<Stage, Queue>();
  private readonly workers = new Map<Stage, PasskWorker>();
  /** `<stem>.<stage>` moved back to wait by a stalled check of this process since the last reap(). */
  private stalled: string[] = [];
  private readonly heartbeats = new Set<NodeJS.Timeout>();
  private seq = 0;
  private closed = false;

  constructor(private readonly options: RedisQueueOptions) {
    this.conn = options.conn;
    this.keys = options.keys;
    this.identity = options.identity;
    this.policy = options.policy;
    this.logger = options.logger;
    this.lockDurationMs = options.lockDurationMs ?? 60_000;
    this.heartbeatMs = Math.max(50, Math.min(options.heartbeatMs ?? 5000, Math.floor(this.lockDurationMs / 3)));
    this.maxAttempts = options.maxAttempts ?? 5;
    this.stalledIntervalMs = options.stalledIntervalMs ?? Math.max(200, Math.floor(this.lockDurationMs / 2));
  }

  /** Name of the BullMQ queue of a stage (keys `<p>:<run>:<stage>:…`). */
  queueName(stage: Stage): string {
    return stage;
  }

  jobKey(stage: Stage, id: string): string {
    return `${this.keys.bull}:${this.queueName(stage)}:${id}`;
  }

  private queue(stage: Stage): Queue {
    let queue = this.queues.get(stage);
    if (!queue) {
      queue = new Queue(this.queueName(stage), {
        connection: this.conn,
        prefix: this.keys.bull,
        defaultJobOptions: { removeOnComplete: true, removeOnFail: false, attempts: 1 },
        streams: { events: { maxLen: 1000 } },
      });
      queue.on('error', (error) => this.logger?.debug({ err: error.message, stage }, 'BullMQ queue error'));
      this.queues.set(stage, queue);
    }
    return queue;
  }

  /** The stage's Worker (created with the others at first use, each running the periodic stalled check). */
  private worker(stage: Stage): PasskWorker {
    if (this.closed) throw new PasskError('ERR_BAD_OPTION', 'this queue backend is closed');
    if (this.workers.size === 0) {
      for (const s of STAGES) {
        const worker = new PasskWorker(this.queueName(s), null, {
          connection: this.conn,
          prefix: this.keys.bull,
          autorun: false,
          name: ownerTag(this.identity),
          lockDuration: this.lockDurationMs,
          skipLockRenewal: true,
          stalledInterval: this.stalledIntervalMs,
          maxStalledCount: this.maxAttempts,
        });
        if (typeof (worker as unknown as StalledCheck).moveStalledJobsToWait !== 'function') {
          throw new Error('bullmq: Worker.moveStalledJobsToWait is missing (passk needs bullmq 6.7)');
        }
        worker.on('error', (error) => this.logger?.debug({ err: error.message, stage: s }, 'BullMQ worker error'));
        worker.on('stalled', (jobId) => {
          this.stalled.push(`${jobId}.${s}`);
          this.logger?.warn({ item: jobId, stage: s }, 'a dead worker’s job is pending again (lock expired)');
        });
        worker.startStalledCheckTimer().catch((error) => this.logger?.debug({ err: String(error) }, 'stalled check timer failed to start'));
        this.workers.set(s, worker);
      }
    }
    return this.workers.get(stage)!;
  }

  async put(stage: Stage, value: WorkItem): Promise<void> {
    if (typeof value?.item !== 'string' || !ITEM_STEM_RE.test(value.item)) {
      throw new PasskError('ERR_SCHEMA_INVALID', `item \`${String(value?.item)}\` is not an item stem q{idx}_t{M}_{m}_s{shard}`, { field: 'item' });
    }
    const queue = this.queue(stage);
    await retrying(this.policy, `put ${value.item} into ${stage}`, () => queue.add(stage, value, { jobId: value.item }));
  }

  private nextToken(): string {
    this.seq = (this.seq + 1) % 1e9;
    return `${ownerTag(this.identity)}:${this.seq}`;
  }

  async claim<T extends WorkItem = WorkItem>(stage: Stage): Promise<Claim<T> | undefined> {
    const worker = this.worker(stage);
    for (let i = 0; i < MAX_REJECTS_PER_CLAIM; i++) {
      const token = this.nextToken();
      const job = await retrying(this.policy, `claim from ${stage}`, () => worker.getNextJob(token, { block: false }));
      if (!job) return undefined;
      const claim = await this.accept<T>(stage, worker, job, token);
      if (claim) return claim;
    }
    return undefined;
  }

  /** Validate a freshly claimed job and count its stalls; undefined when it went to failed instead. */
  private async accept<T extends WorkItem>(stage: Stage, worker: PasskWorker, job: Job<WorkItem, null, string>, token: string): Promise<Claim<T> | undefined> {
    const id = job.id!;
    const key = this.jobKey(stage, id);
    const handle: RedisClaimHandle = { job, token };
    const malformed = worker.malformed.get(job);
    if (malformed) {
      await this.moveToFailed(handle, stage, reasonJson(new PasskError('ERR_JSON_MALFORMED', `job data is ${jsonSyntaxMessage(malformed)}`, { file: key })), 'quarantined a malformed job');
      return undefined;
    }
    let value: T;
    try {
      value = assertValid<T>(STAGE_SCHEMAS[stage], job.data, { file: key });
      if (value.item !== id) throw new PasskError('ERR_SCHEMA_INVALID', `item \`${value.item}\` does not match the job id`, { file: key, field: 'item' });
    } catch (error) {
      if (!isPasskError(error)) throw error;
      await this.moveToFailed(handle, stage, reasonJson(error), 'quarantined an invalid job');
      return undefined;
    }
    if (job.stalledCounter > 0 || job.deferredFailure) {
      const counted = Number((await retrying(this.policy, 'read stalls counted', () => this.conn.hget(key, STALLS_COUNTED))) ?? 0);
      const stalls = Math.max(0, job.stalledCounter - counted);
      if (stalls > 0 || job.deferredFailure) {
        const why = `reclaimed: its worker stopped renewing the lock for ${this.lockDurationMs} ms (dead, or cut off)`;
        value = bump(value, Math.max(1, stalls), why);
        if (value.attempts >= this.maxAttempts || job.deferredFailure) {
          await this.setData(handle, stage, value, job.stalledCounter);
          await this.tooManyAttempts(handle, stage, value, why);
          return undefined;
        }
        if (!(await this.setData(handle, stage, value, job.stalledCounter))) return undefined;
        job.data = value;
      }
    }
    return this.track<T>(stage, value, handle);
  }

  private track<T extends WorkItem>(stage: Stage, value: T, handle: RedisClaimHandle): Claim<T> {
    const { job, token } = handle;
    const controller = new AbortController();
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      job
        .extendLock(token, this.lockDurationMs)
        .then((ok) => {
          if (Number(ok) === 1 || controller.signal.aborted) return;
          clearInterval(timer);
          this.heartbeats.delete(timer);
          this.logger?.warn({ item: job.id, stage }, 'claim lost (lock expired or reclaimed); abandoning the item');
          controller.abort(new PasskError('ERR_CLAIM_LOST', `claim on ${job.id} was reclaimed`));
        })
        .catch(() => {
          // Redis unreachable: try again at the next beat (the lock may still be valid)
        })
        .finally(() => {
          busy = false;
        });
    }, this.heartbeatMs);
    timer.unref();
    this.heartbeats.add(timer);
    const stopHeartbeat = () => {
      clearInterval(timer);
      this.heartbeats.delete(timer);
    };
    return { stem: job.id!, stage, value, signal: controller.signal, stopHeartbeat, handle };
  }

  private async setData(handle: RedisClaimHandle, stage: Stage, value: WorkItem, stallsCounted?: number): Promise<boolean> {
    const id = handle.job.id!;
    const key = this.jobKey(stage, id);
    const ok = await retrying(this.policy, `update ${id}`, () =>
      this.conn.eval(SET_DATA, 2, `${key}:lock`, key, handle.token, JSON.stringify(value), stallsCounted === undefined ? '' : String(stallsCounted)),
    );
    if (Number(ok) === 1) {
      handle.job.data = value;
      return true;
    }
    this.logger?.warn({ item: id, stage }, 'claim lost before its attempt could be counted; the item is pending again or with another worker');
    return false;
  }

  /** Move a claimed job to failed (no retry) with `reason` as its failedReason (JSON); a lost claim is logged, not thrown. */
  private async moveToFailed(handle: RedisClaimHandle, stage: Stage, reason: Record<string, unknown>, log: string): Promise<void> {
    const full = { ...reason, stage, at: new Date().toISOString() };
    try {
      await retrying(this.policy, `fail ${handle.job.id}`, () => handle.job.moveToFailed(new Error(JSON.stringify(full)), handle.token, false));
      this.logger?.error({ item: handle.job.id, stage, reason: full }, `${log}: moved to failed`);
    } catch (e) {
      if (finishedCode(e) === undefined) throw e;
      this.logger?.warn({ item: handle.job.id, stage, err: (e as Error).message }, `${log}, but the claim was lost first`);
    }
  }

  /** The same reason as the filesystem's `failed/<stem>.<stage>.reason.json`. */
  private tooManyAttempts(handle: RedisClaimHandle, stage: Stage, value: WorkItem, reason: string): Promise<void> {
    return this.moveToFailed(handle, stage, { code: 'ERR_TOO_MANY_ATTEMPTS', reason, attempts: value.attempts }, 'item failed too many times');
  }

  async complete(claim: Claim, next?: { stage: Stage; value: WorkItem }): Promise<void> {
    claim.stopHeartbeat();
    if (next) await this.put(next.stage, next.value);
    const { job, token } = claim.handle as RedisClaimHandle;
    try {
      await retrying(this.policy, `complete ${job.id}`, () => job.moveToCompleted(null, token, false));
    } catch (error) {
      const code = finishedCode(error);
      if (code === undefined) throw error;
      // -1: already removed (a retried call that had gone through); else the lock was lost: the item
      // is pending again or with another worker, and its second result is counted once.
      if (code !== -1) this.logger?.warn({ item: job.id, stage: claim.stage, err: (error as Error).message }, 'completed an item whose claim was lost (it will be done again; counted once)');
    }
  }

  async release(claim: Claim): Promise<void> {
    claim.stopHeartbeat();
    const { job, token } = claim.handle as RedisClaimHandle;
    try {
      await retrying(this.policy, `release ${job.id}`, () => job.moveToWait(token));
    } catch (error) {
      if (finishedCode(error) === undefined) throw error;
    }
  }

  async fail(claim: Claim, reason: string): Promise<'retry' | 'failed'> {
    claim.stopHeartbeat();
    const handle = claim.handle as RedisClaimHandle;
    const updated = bump(claim.value, 1, reason);
    if (updated.attempts >= this.maxAttempts) {
      await this.setData(handle, claim.stage, updated);
      await this.tooManyAttempts(handle, claim.stage, updated, reason);
      return 'failed';
    }
    if (!(await this.setData(handle, claim.stage, updated))) return 'retry';
    try {
      await retrying(this.policy, `requeue ${handle.job.id}`, () => handle.job.moveToWait(handle.token));
    } catch (error) {
      if (finishedCode(error) === undefined) throw error;
    }
    return 'retry';
  }

  async reject(claim: Claim, error: unknown): Promise<void> {
    claim.stopHeartbeat();
    await this.moveToFailed(claim.handle as RedisClaimHandle, claim.stage, reasonJson(error), 'rejected an item');
  }

  /**
   * Run BullMQ's stalled-jobs check now on every stage: active jobs whose lock has expired (and that
   * an earlier check already saw active) go back to wait. The check runs at most once per
   * stalledInterval across all workers (BullMQ's `stalled-check` key), so a call soon after another
   * worker's check does nothing. Returns what this process's checks (now or periodic) moved.
   * Attempts are counted, and items over maxAttempts failed, by the next claim of each item.
   */
  async reap(): Promise<ReapResult> {
    for (const stage of STAGES) {
      const worker = this.worker(stage) as unknown as StalledCheck;
      await retrying(this.policy, `stalled check of ${stage}`, () => worker.moveStalledJobsToWait());
    }
    const requeued = this.stalled;
    this.stalled = [];
    return { requeued, failed: [] };
  }

  /** A put is durable once Redis has it: nothing to do. */
  async sync(): Promise<void> {}

  async counts(): Promise<QueueCounts> {
    const pending = { gen: 0, eval: 0, combine: 0 } as Record<Stage, number>;
    const claimed = { gen: 0, eval: 0, combine: 0 } as Record<Stage, number>;
    let failed = 0;
    for (const stage of STAGES) {
      const queue = this.queue(stage);
      const c = await retrying(this.policy, `count ${stage}`, () => queue.getJobCounts('waiting', 'delayed', 'prioritized', 'active', 'failed'));
      pending[stage] = (c.waiting ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0);
      claimed[stage] = c.active ?? 0;
      failed += c.failed ?? 0;
    }
    return { pending, claimed, failed };
  }

  /** Failed jobs of a stage with their reasons and data (see failed-jobs.ts). */
  failedJobs(stage: Stage): Promise<FailedJob[]> {
    return listFailedJobs(this.failedContext(stage));
  }

  /** Take a failed job out of the failed set, kept in the run's `retried` list (see failed-jobs.ts). */
  removeFailed(stage: Stage, stem: string): Promise<boolean> {
    return removeFailedJob(this.failedContext(stage), stem);
  }

  private failedContext(stage: Stage): FailedJobsContext {
    return { conn: this.conn, policy: this.policy, stage, queue: this.queue(stage), prefix: `${this.keys.bull}:${this.queueName(stage)}`, retriedKey: this.keys.retried };
  }

  /** Stop heartbeats and close the workers, queues and this backend's connection. Claims still held
   *  are not released: their locks expire and they are reclaimed (call release() first on a clean stop). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.heartbeats) clearInterval(timer);
    this.heartbeats.clear();
    // Bounded: with Redis away, BullMQ's close could wait for a reconnect that never comes.
    const bounded = (p: Promise<unknown>) => Promise.race([p.catch(() => {}), new Promise((r) => setTimeout(r, 2000).unref())]);
    await bounded(Promise.all([...this.workers.values()].map((w) => w.close(true))));
    await bounded(Promise.all([...this.queues.values()].map((q) => q.close())));
    this.conn.disconnect();
    this.options.onClose?.();
  }
}
