/**
 * The filesystem work queue (see docs/queue-protocol.md). One instance per worker process.
 * - put: tmp/ → rename into pending_<stage>/<stem>.json (+ fsync dir)
 * - claim: rename pending_<stage>/<stem>.json → claimed/<stem>.<stage>.<owner>.claim
 * - complete: durable write of the output to the next stage, then unlink the claim
 * - release / fail: rename the claim back to pending (fail bumps attempts; too many → failed/)
 * - quarantine: a malformed or schema-invalid file → failed/ with a reason file
 */
import { readdir, rename, unlink, lutimes, lstat } from 'node:fs/promises';
import path from 'node:path';
import { ITEM_FILE_RE } from '../naming.js';
import { errnoCode, PasskError, isPasskError } from '../errors.js';
import { parseValid } from '../validate.js';
import { STAGE_SCHEMAS, appendHistory, type WorkItem } from '../schemas/queue-files.js';
import type { RunLayout, Stage } from './layout.js';
import type { WorkerIdentity } from './identity.js';
import { claimFileName } from './claim-names.js';
import { failedFileName, failedReasonFileName } from './failed-names.js';
import { reap } from './reaper.js';
import { writeViaTmp, jsonText, fsyncDir } from './durable.js';
import type { Logger } from '../log.js';
import type { Claim, QueueBackend, ReapResult } from '../transport/types.js';
import { queueCounts, type QueueCounts } from './counts.js';
import { readRegularText, QUEUE_FILE_MAX_BYTES } from './safe-read.js';

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
      const mine = await lstat(claimPath).then(() => true, () => false);
      if (!mine) return undefined;
    }
    // rename() keeps the item's old mtime: touch the claim now, or a reaper would take the item's
    // age (since seeding) for a missed heartbeat. lutimes: a planted symlink's target is never touched.
    const now = new Date();
    await lutimes(claimPath, now, now).catch(() => {});
    let value: T;
    try {
      value = await readItem<T>(claimPath, stage, stem, source);
    } catch (error) {
      // Whatever the file is (symlink, FIFO, directory, huge, not JSON), it is quarantined, never thrown.
      if (errnoCode(error) === 'ENOENT') return undefined;
      await this.quarantine(claimPath, stem, stage, error);
      return undefined;
    }
    const controller = new AbortController();
    const timer = setInterval(() => {
      const now = new Date();
      lutimes(claimPath, now, now).catch((error) => {
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
    await this.quarantine(claimPath(claim), claim.stem, claim.stage, error);
  }

  /** Reclaim items of dead workers (see reaper.ts). */
  async reap(options: { staleMs?: number } = {}): Promise<ReapResult> {
    return reap(this, { staleMs: options.staleMs ?? this.staleMs });
  }

  /** fsync the pending dir of `stage` after puts made with `{ fsync: false }`. */
  async sync(stage: Stage): Promise<void> {
    await fsyncDir(this.layout.pending(stage));
  }

  /** Log an error through this queue's logger (the reaper has none of its own). */
  logError(fields: Record<string, unknown>, message: string): void {
    this.logger?.error(fields, message);
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
    const history = appendHistory(value.history, `${new Date().toISOString()} ${reason}`);
    const updated: WorkItem = { ...value, attempts: value.attempts + 1, history };
    if (updated.attempts >= this.maxAttempts) {
      await writeViaTmp(this.layout.tmpDir, this.layout.failedDir, failedFileName(value.item, stage), jsonText(updated), { fsync: this.fsync });
      await writeViaTmp(
        this.layout.tmpDir,
        this.layout.failedDir,
        failedReasonFileName(value.item, stage),
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

  /**
   * Move a bad file (of any type: a directory or FIFO too) to failed/<stem>.<stage>.json, with its
   * reason file beside it (failed-names.ts). Never throws: a step that fails is logged, and a file that
   * cannot be moved stays a claim of this worker (reclaimed, and quarantined again, after it exits).
   */
  async quarantine(file: string, stem: string, stage: Stage, error: unknown): Promise<void> {
    const name = failedFileName(stem, stage);
    const reason = quarantineReason(error);
    try {
      await writeViaTmp(this.layout.tmpDir, this.layout.failedDir, failedReasonFileName(stem, stage), jsonText({ ...reason, at: new Date().toISOString() }), {
        fsync: this.fsync,
      });
      await moveAside(file, this.layout.failedDir, name);
      if (this.fsync) await fsyncDir(this.layout.failedDir);
      this.logger?.error({ file: name, reason }, 'quarantined a malformed queue file into failed/');
    } catch (failure) {
      this.logger?.error({ file: name, reason, error: errnoCode(failure) ?? 'error' }, 'could not quarantine a malformed queue file; it stays claimed');
    }
  }
}

/** Read and validate a claimed item; any failure is thrown (PasskError, or ENOENT when it vanished). */
async function readItem<T extends WorkItem>(claimPath: string, stage: Stage, stem: string, source: string): Promise<T> {
  // Errors name the file as it was queued (the claim's name means nothing to a reader).
  const text = await readRegularText(claimPath, QUEUE_FILE_MAX_BYTES, source);
  const value = parseValid<T>(STAGE_SCHEMAS[stage], text, { file: source });
  if (value.item !== stem) {
    throw new PasskError('ERR_SCHEMA_INVALID', `item \`${value.item}\` does not match the file name`, { file: source, field: 'item' });
  }
  return value;
}

/** A reason file's content: code, message and location only (no byte of the input is ever quoted). */
export function quarantineReason(error: unknown): Record<string, unknown> {
  if (isPasskError(error)) return { code: error.code, message: error.message, file: error.file, line: error.line, field: error.field };
  const code = errnoCode(error);
  if (code !== undefined) return { code: 'ERR_FILE_REFUSED', message: `could not be read (${code})` };
  // Any other error's message may quote the input (a SyntaxError does): its class only.
  return { code: 'ERR_SCHEMA_INVALID', message: `rejected (${error instanceof Error ? error.name : 'error'})` };
}

/** rename `file` to dir/<name>; if that name is taken by a file of another type, a unique name beside it. */
async function moveAside(file: string, dir: string, name: string): Promise<void> {
  try {
    await rename(file, path.join(dir, name));
  } catch (error) {
    const code = errnoCode(error);
    if (code !== 'EISDIR' && code !== 'ENOTDIR' && code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    await rename(file, path.join(dir, `${name.replace(/\.json$/, '')}.${Date.now()}-${process.pid}.json`));
  }
}
