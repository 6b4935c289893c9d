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
  /** Make the puts of `stage` made with `{ fsync: false }` durable (fs: fsync the pending dir; redis: nothing to do). */
  sync(stage: Stage): Promise<void>;
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
  /** Where the plan lives, for messages: plan.json, or the Redis URL and run. */
  readonly planWhere: string;
  /** Keep a copy of the plan beside this machine's results (fs: plan.json is the plan itself; redis: written when missing or `replace`). */
  copyPlanHere(plan: Plan, replace: boolean): Promise<void>;
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

/** What is somewhere in the pipeline: item stems (any stage) and the groups already combined. */
export interface Inventory {
  stems: Set<string>;
  combinedGroups: Set<string>;
}

/** A failed item the plan still needs, wherever the transport keeps it. */
export interface FailedItem {
  stem: string;
  stage: Stage;
  code: string;
  message: string;
  /** Where its reason can be read: failed/<stem>.<stage>.reason.json, or the stage's failed set. */
  reasonAt: string;
}

export interface FailedRetry {
  /** Put back into their own stage, attempts reset; `to` names the stage as this transport does (pending_gen, gen). */
  requeued: Array<{ stem: string; stage: Stage; to: string }>;
  /** Generated again from the plan (their content could not be trusted). */
  regenerated: string[];
}

/** Failed items: listed with their reasons, retried (`passk run --retry-failed`). */
export interface FailedItems {
  /** Where failed items are, for messages: the failed/ dir, or "BullMQ's failed sets". */
  readonly where: string;
  /** Where retried items are kept as history, for messages. */
  readonly historyWhere: string;
  /** Failed items the plan still needs (in the plan, group not combined), and how many other failed entries there are. */
  list(plan: Plan, combinedGroups: Set<string>): Promise<{ items: FailedItem[]; others: number }>;
  /** Put each item back to work (see docs/queue-protocol.md); their failed entries are kept as history. */
  retry(plan: Plan, items: FailedItem[]): Promise<FailedRetry>;
}

/** The combiner singleton held by this process. */
export interface CombinerLease {
  release(): Promise<void>;
  /** The previous home when the run was taken over from another machine. */
  previous?: CombinerHome;
}

export interface CombinerLeaseOptions {
  home: CombinerHome;
  /** Take the run over when another home is recorded (redis `--move-here`). */
  takeOver: boolean;
  /** Staleness of the fs lock, ms (proper-lockfile clamps to ≥ 2000). */
  staleMs: number;
  /** The lease was lost (fs: lock compromised). */
  onLost(error: unknown): void;
  /** Called while another combiner holds the singleton: wait a while, then true to try again, false to give up. */
  waitAgain(): Promise<boolean>;
}

export interface Transport {
  readonly kind: 'fs' | 'redis';
  /** Human-readable location: the queue dir, or the Redis URL (password masked). */
  readonly where: string;
  queue(identity: WorkerIdentity, logger?: Logger): QueueBackend;
  store: RunStore;
  control: ControlChannel;
  workers: WorkerRegistry;
  failed: FailedItems;
  /**
   * Item stems somewhere in the pipeline and the groups already combined (seeding adds the rest). Items
   * in failed/ count unless `includeFailed` is false. Redis sees only the combiner's marks.
   */
  inventory(options?: { includeFailed?: boolean }): Promise<Inventory>;
  /** End of a complete run: drop duplicates of combined groups and orphan temp files; returns the items dropped. */
  tidyUp(): Promise<number>;
  /** Become the run's one combiner: undefined when told to give up while waiting. Throws ERR_COMBINER_ELSEWHERE (redis) unless takeOver. */
  acquireCombiner(options: CombinerLeaseOptions): Promise<CombinerLease | undefined>;
  close(): Promise<void>;
}
