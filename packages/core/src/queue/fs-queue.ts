/**
 * The filesystem work queue (see docs/queue-protocol.md). One instance per worker process.
 * - put: tmp/ → rename into pending_<stage>/<stem>.json (+ fsync dir)
 * - claim: rename pending_<stage>/<stem>.json → claimed/<stem>.<stage>.<owner>.claim
 * - complete: durable write of the output to the next stage, then unlink the claim
 * - release / fail: rename the claim back to pending (fail bumps attempts; too many → failed/)
 * - quarantine: a malformed or schema-invalid file → failed/ with a reason file
 */
import { readdir, rename, readFile, unlink, utimes, stat } from 'node:fs/promises';
import path from 'node:path';
import { ITEM_FILE_RE } from '../naming.js';
import { errnoCode, PasskError, isPasskError } from '../errors.js';
import { parseValid } from '../validate.js';
import { workItemSchema, shardSchema, evaluatedShardSchema, type WorkItem } from '../schemas/queue-files.js';
import type { RunLayout, Stage } from './layout.js';
import { claimFileName, type WorkerIdentity } from './identity.js';
import { writeViaTmp, jsonText, fsyncDir } from './durable.js';
import type { Logger } from '../log.js';
import type { Claim, QueueBackend, ReapResult } from '../transport/types.js';
import { queueCounts, type QueueCounts } from './counts.js';

export const STAGE_SCHEMAS: Record<Stage, object> = {
  gen: workItemSchema,
  eval: shardSchema,
  combine: evaluatedShardSchema,
};

export interface FsQueueOptions {
  layout: RunLayout;
  identity: WorkerIdentity;
  logger?: Logger;
  /** How often a worker touches its claim, ms. @default 5000 */
  heartbeatMs?: number;
  /** Attempts after which an item goes to failed/. @default 5 */
  maxAttempts?: number;
  /** fsync files and directories at hand-offs. @default true */
  fsync?: boolean;
  /** Heartbeat age after which the reaper reclaims a claim, ms. @default 60000 */
  staleMs?: number;
}

function claimPath(claim: Claim): string {
  return claim.handle as string;
}

/** A claim on the filesystem: `handle` (and `path`) is the claim file. */
export interface FsClaim<T extends WorkItem = WorkItem> extends Claim<T> {
  /** Absolute path of the claim file. */
  path: string;
}

/** Keep `history` short so a flapping item does not grow without bound. */
const HISTORY_LIMIT = 20;

export class FsQueue implements QueueBackend {
  readonly kind = 'fs' as const;
  readonly layout: RunLayout;
  readonly identity: WorkerIdentity;
  readonly heartbeatMs: number;
  readonly maxAttempts: number;
  readonly fsync: boolean;
  readonly staleMs: number;
  private readonly logger?: Logger;
  private readonly listings = new Map<Stage, string[]>();
  private readonly warnedUnknown = new Set<string>();
  /** Claims seen with a stale heartbeat on the previous reaper pass (claim name → mtime seen). */
  readonly staleSuspects = new Map<string, number>();

  constructor(options: FsQueueOptions) {
    this.layout = options.layout;
    this.identity = options.identity;
    this.logger = options.logger;
    this.heartbeatMs = options.heartbeatMs ?? 5000;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.fsync = options.fsync ?? true;
    this.staleMs = options.staleMs ?? 60_000;
  }

  /** Hand an item to a stage. Replaces a file of the same stem (idempotent by name). */
  async put(stage: Stage, value: WorkItem, options: { fsync?: boolean } = {}): Promise<void> {
    await writeViaTmp(this.layout.tmpDir, this.layout.pending(stage), `${value.item}.json`, jsonText(value), {
      fsync: options.fsync ?? this.fsync,
    });
  }

  /** Item files currently pending in a stage (strict grammar; temp/claim/unknown files never count). */
  async listPending(stage: Stage): Promise<string[]> {
    const dir = this.layout.pending(stage);
    const names = await readdir(dir);
    const items: string[] = [];
    for (const name of names) {
      if (ITEM_FILE_RE.test(name)) items.push(name);
      else if (!this.warnedUnknown.has(name)) {
        this.warnedUnknown.add(name);
        this.logger?.warn({ dir, file: name }, 'ignoring a file that is not a queue item (see docs/queue-protocol.md)');
      }
    }
    return items;
  }

  /**
   * Claim one pending item of `stage`, or return undefined when none is left. Scans from a random
   * offset; a lost rename race moves on to the next candidate. Malformed files are quarantined.
   */
  async claim<T extends WorkItem = WorkItem>(stage: Stage): Promise<FsClaim<T> | undefined> {
    for (let refresh = 0; refresh < 2; refresh++) {
      let candidates = this.listings.get(stage);
      if (!candidates || candidates.length === 0 || refresh > 0) {
        const listed = await this.listPending(stage);
        const offset = listed.length ? Math.floor(Math.random() * listed.length) : 0;
        candidates = [...listed.slice(offset), ...listed.slice(0, offset)];
      }
      while (candidates.length > 0) {
        const name = candidates.shift()!;
        this.listings.set(stage, candidates);
        const claim = await this.tryClaim<T>(stage, name);
        if (claim) return claim;
      }
      this.listings.set(stage, []);
    }
    return undefined;
  }

  private async tryClaim<T extends WorkItem>(stage: Stage, name: string): Promise<FsClaim<T> | undefined> {
    const stem = name.slice(0, -'.json'.length);
    const source = path.join(this.layout.pending(stage), name);
    const claimPath = path.join(this.layout.claimedDir, claimFileName(stem, stage, this.identity));
    try {
      await rename(source, claimPath);
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') throw error;
      // Lost the race — unless (NFS) the rename happened and only the reply was lost.
      const mine = await stat(claimPath).then(() => true, () => false);
      if (!mine) return undefined;
    }
    // rename() keeps the item's old mtime: touch the claim now, or a reaper would take the item's
    // age (since seeding) for a missed heartbeat.
    const now = new Date();
    await utimes(claimPath, now, now).catch(() => {});
    let value: T;
    try {
      const text = await readFile(claimPath, 'utf8');
      value = parseValid<T>(STAGE_SCHEMAS[stage], text, { file: source });
      if (value.item !== stem) {
        throw new PasskError('ERR_SCHEMA_INVALID', `item \`${value.item}\` does not match the file name`, { file: source, field: 'item' });
      }
    } catch (error) {
      if (!isPasskError(error)) throw error;
      await this.quarantine(claimPath, `${stem}.${stage}.json`, error);
      return undefined;
    }
    const controller = new AbortController();
    const timer = setInterval(() => {
      const now = new Date();
      utimes(claimPath, now, now).catch((error) => {
        if (errnoCode(error) === 'ENOENT' && !controller.signal.aborted) {
          this.logger?.warn({ item: stem, stage }, 'claim lost (reaped by another worker); abandoning the item');
          controller.abort(new PasskError('ERR_CLAIM_LOST', `claim on ${stem} was reclaimed`));
        }
      });
    }, this.heartbeatMs);
    timer.unref();
    return { stem, stage, path: claimPath, handle: claimPath, value, signal: controller.signal, stopHeartbeat: () => clearInterval(timer) };
  }

  /** Finish a claim: durably hand `output` to `next` (if any), then drop the claim. */
  async complete(claim: Claim, next?: { stage: Stage; value: WorkItem }): Promise<void> {
    claim.stopHeartbeat();
    if (next) await this.put(next.stage, next.value);
    await unlink(claimPath(claim)).catch((error) => {
      if (errnoCode(error) !== 'ENOENT') throw error;
    });
  }

  /** Give an item back untouched (clean shutdown): it is pending again at once. */
  async release(claim: Claim): Promise<void> {
    claim.stopHeartbeat();
    await rename(claimPath(claim), path.join(this.layout.pending(claim.stage), `${claim.stem}.json`)).catch((error) => {
      if (errnoCode(error) !== 'ENOENT') throw error;
    });
  }

  /** The worker failed on this item: count an attempt; after maxAttempts it goes to failed/. */
  async fail(claim: Claim, reason: string): Promise<'retry' | 'failed'> {
    claim.stopHeartbeat();
    return this.requeue(claimPath(claim), claim.stage, claim.value, reason);
  }

  /** Quarantine a claimed item at once (e.g. outside the plan): failed/ with the error as reason. */
  async reject(claim: Claim, error: unknown): Promise<void> {
    claim.stopHeartbeat();
    await this.quarantine(claimPath(claim), `${claim.stem}.${claim.stage}.json`, error);
  }

  /** Reclaim items of dead workers (see reaper.ts). */
  async reap(options: { staleMs?: number } = {}): Promise<ReapResult> {
    const { reap } = await import('./reaper.js');
    return reap(this, { staleMs: options.staleMs ?? this.staleMs });
  }

  counts(): Promise<QueueCounts> {
    return queueCounts(this.layout);
  }

  async close(): Promise<void> {}

  /**
   * Put an item whose worker died or failed back into its stage with attempts + 1, or into failed/
   * when attempts reach maxAttempts. `from` is a file this process owns (a claim or a reaped claim).
   */
  async requeue(from: string, stage: Stage, value: WorkItem, reason: string): Promise<'retry' | 'failed'> {
    const history = [...(value.history ?? []), `${new Date().toISOString()} ${reason}`].slice(-HISTORY_LIMIT);
    const updated: WorkItem = { ...value, attempts: value.attempts + 1, history };
    if (updated.attempts >= this.maxAttempts) {
      const base = `${value.item}.${stage}`;
      await writeViaTmp(this.layout.tmpDir, this.layout.failedDir, `${base}.json`, jsonText(updated), { fsync: this.fsync });
      await writeViaTmp(
        this.layout.tmpDir,
        this.layout.failedDir,
        `${base}.reason.json`,
        jsonText({ code: 'ERR_TOO_MANY_ATTEMPTS', reason, attempts: updated.attempts, stage, at: new Date().toISOString() }),
        { fsync: this.fsync },
      );
      await unlink(from).catch(() => {});
      this.logger?.error({ item: value.item, stage, attempts: updated.attempts, reason }, 'item moved to failed/ after too many attempts');
      return 'failed';
    }
    await this.put(stage, updated);
    await unlink(from).catch(() => {});
    return 'retry';
  }

  /** Move a bad file to failed/ as `name`, with `name` minus .json plus `.reason.json` beside it. */
  async quarantine(file: string, name: string, error: unknown): Promise<void> {
    const base = name.replace(/\.json$/, '');
    const reason = isPasskError(error)
      ? { code: error.code, message: error.message, file: error.file, line: error.line, field: error.field }
      : { code: 'ERR_SCHEMA_INVALID', message: String(error) };
    await writeViaTmp(this.layout.tmpDir, this.layout.failedDir, `${base}.reason.json`, jsonText({ ...reason, at: new Date().toISOString() }), {
      fsync: this.fsync,
    });
    await rename(file, path.join(this.layout.failedDir, `${base}.json`));
    if (this.fsync) await fsyncDir(this.layout.failedDir);
    this.logger?.error({ file: name, reason }, 'quarantined a malformed queue file into failed/');
  }
}
