/**
 * The transport of a run: everything daemons share, behind small interfaces with two
 * implementations — the filesystem (default: queue dirs, files, chokidar) and Redis (BullMQ queues
 * plus a few keys; `--queue redis://host:port/db`). A daemon sees only these interfaces, so it runs
 * unchanged on either, and in Redis mode nothing depends on a shared filesystem.
 */
import type { Stage } from '../queue/layout.js';
import type { QueueCounts } from '../queue/counts.js';
import type { WorkerIdentity } from '../queue/identity.js';
import type { WorkItem } from '../schemas/queue-files.js';
import type { Plan } from '../schemas/plan.js';
import type { Problem } from '../schemas/problem.js';
import type { RunSummary } from '../schemas/results.js';
import type { WorkerRecord } from '../worker/record.js';
import type { ControlFlag } from '../worker/control.js';
import type { Logger } from '../log.js';

/** A claimed item. The claim is lost (signal aborted) if another worker reclaims it. */
export interface Claim<T extends WorkItem = WorkItem> {
  stem: string;
  stage: Stage;
  value: T;
  /** Aborted when the claim is lost (reaped / lock expired). */
  signal: AbortSignal;
  stopHeartbeat(): void;
  /** Backend-private handle (fs: the claim file path; redis: the job and its lock token). */
  readonly handle: unknown;
}

export interface ReapResult {
  requeued: string[];
  failed: string[];
}

/** The work queue: one instance per worker process. */
export interface QueueBackend {
  readonly kind: 'fs' | 'redis';
  /** Hand an item to a stage; idempotent by item name (a second put of the same stem replaces or is ignored). */
  put(stage: Stage, value: WorkItem, options?: { fsync?: boolean }): Promise<void>;
  /** Claim one pending item of `stage`, or undefined when none is pending now. Malformed items are quarantined. */
  claim<T extends WorkItem = WorkItem>(stage: Stage): Promise<Claim<T> | undefined>;
  /** Durably hand `next` on (if any), then drop the claim. */
  complete(claim: Claim, next?: { stage: Stage; value: WorkItem }): Promise<void>;
  /** Give the item back untouched (clean stop). */
  release(claim: Claim): Promise<void>;
  /** Count a failed attempt: back to pending, or to failed after maxAttempts. */
  fail(claim: Claim, reason: string): Promise<'retry' | 'failed'>;
  /** Quarantine a claimed item at once (invalid for this run): failed, with the error as reason. */
  reject(claim: Claim, error: unknown): Promise<void>;
  /** Reclaim items of dead workers (fs: the reaper; redis: BullMQ's stalled check). */
  reap(): Promise<ReapResult>;
  counts(): Promise<QueueCounts>;
  close(): Promise<void>;
}

/** Where a run's combiner keeps its results (Redis mode: one machine). */
export interface CombinerHome {
  host: string;
  results_dir: string;
  /** ISO time the home was recorded. */
  since: string;
}

/** The run's shared state: plan, problems, progress marks, run summary. */
export interface RunStore {
  readPlan(): Promise<Plan | undefined>;
  /** Write the plan and the problems (a new run). */
  savePlan(plan: Plan, problems: Array<{ idx: number; problem: Problem }>): Promise<void>;
  problem(idx: number): Promise<Problem>;
  /** The combiner staged this item / combined this group (used by seeding on resume and by status). */
  markStaged(stem: string): Promise<void>;
  markCombined(group: string): Promise<void>;
  combinedGroups(): Promise<Set<string>>;
  stagedStems(): Promise<Set<string>>;
  /**
   * Record this combiner's machine as the run's combiner home (where the results and the staged
   * shards live). Throws ERR_COMBINER_ELSEWHERE when another home is recorded, unless `takeOver`;
   * returns the previous home when it was another one. The filesystem has a single home (the queue
   * dir), so there it records nothing.
   */
  claimCombinerHome(home: CombinerHome, takeOver: boolean): Promise<CombinerHome | undefined>;
  /** Forget staged/combined marks (a combiner taking a run over drops marks its disk cannot back). */
  forgetMarks(stems: string[], groups: string[]): Promise<void>;
  saveRunSummary(summary: RunSummary): Promise<void>;
  readRunSummary(): Promise<RunSummary | undefined>;
  close(): Promise<void>;
}

/** Stop/complete flags every worker watches. */
export interface ControlChannel {
  set(flag: ControlFlag, reason?: string): Promise<void>;
  clear(flag: ControlFlag): Promise<void>;
  has(flag: ControlFlag): Promise<boolean>;
  /** Call `onSet(flag)` when one of `flags` becomes set; returns a function that stops watching. */
  watch(flags: ControlFlag[], onSet: (flag: ControlFlag) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Worker names and records. */
export interface WorkerRegistry {
  /** Take a fixed name, or the lowest free `<prefix>N`; waits up to `waitMs` for a fixed name held by a dying worker. */
  acquire(name: string | { prefix: string }, identity: WorkerIdentity, waitMs?: number): Promise<string>;
  release(name: string, identity: WorkerIdentity): Promise<void>;
  write(record: WorkerRecord): Promise<void>;
  list(): Promise<WorkerRecord[]>;
  close(): Promise<void>;
}

export interface Transport {
  readonly kind: 'fs' | 'redis';
  /** Human-readable location: the queue dir, or the Redis URL (password masked). */
  readonly where: string;
  queue(identity: WorkerIdentity, logger?: Logger): QueueBackend;
  store: RunStore;
  control: ControlChannel;
  workers: WorkerRegistry;
  close(): Promise<void>;
}
