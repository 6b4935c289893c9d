/**
 * Reclaim claims whose owner died. A claim is dead when its owner is on this host and its pid is
 * gone (reclaimed at once), or when its heartbeat (the claim's mtime) is older than staleMs (any
 * host; seen stale on two consecutive passes). The reaper first renames the dead claim to a claim of
 * its own, so of several reapers only one wins, and an item whose reaper dies mid-way is reclaimed in
 * turn; then the item goes back to its stage with attempts + 1, or to failed/ after maxAttempts.
 */
import { readdir, rename, lstat, lutimes } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from '../errors.js';
import { parseValid } from '../validate.js';
import type { WorkItem } from '../schemas/queue-files.js';
import { localOwnerGone, type WorkerIdentity } from './identity.js';
import { parseClaimFileName, claimFileName, type ParsedClaim } from './claim-names.js';
import { STAGE_SCHEMAS } from '../schemas/queue-files.js';
import type { RunLayout, Stage } from './layout.js';
import { sweepTmp } from './durable.js';
import { readRegularText, QUEUE_FILE_MAX_BYTES } from './safe-read.js';
import type { ReapResult } from '../transport/types.js';

export interface ReapOptions {
  /** Heartbeat age after which a claim on any host is dead, ms. @default 60000 */
  staleMs?: number;
  /** Age after which any temp file is deleted, ms (a dead local writer's go at once). @default 3600000 (TMP_MAX_AGE_MS) */
  tmpMaxAgeMs?: number;
  now?: number;
}


/** What the reaper needs of the queue it reaps for (FsQueue). */
export interface ReapTarget {
  readonly layout: RunLayout;
  readonly identity: WorkerIdentity;
  /** Claims seen with a stale heartbeat on the previous pass (claim name → mtime seen). */
  readonly staleSuspects: Map<string, number>;
  logError(fields: Record<string, unknown>, message: string): void;
  quarantine(file: string, stem: string, stage: Stage, error: unknown): Promise<void>;
  requeue(from: string, stage: Stage, value: WorkItem, reason: string): Promise<'retry' | 'failed'>;
}

export function claimIsDead(claim: ParsedClaim, mtimeMs: number, localHost: string, staleMs: number, now: number): { why: string; byHeartbeat: boolean } | undefined {
  if (localOwnerGone(claim, localHost)) return { why: `owner ${claim.host}-${claim.pid} is gone`, byHeartbeat: false };
  if (now - mtimeMs > staleMs) return { why: `owner ${claim.host}-${claim.pid} missed heartbeats for ${Math.round((now - mtimeMs) / 1000)} s`, byHeartbeat: true };
  return undefined;
}

export async function reap(queue: ReapTarget, options: ReapOptions = {}): Promise<ReapResult> {
  const staleMs = options.staleMs ?? 60_000;
  const now = options.now ?? Date.now();
  const { layout } = queue;
  const result: ReapResult = { requeued: [], failed: [] };
  for (const name of await readdir(layout.claimedDir)) {
    try {
      await reapOne(queue, name, staleMs, now, result);
    } catch (error) {
      // One claim never aborts the pass (a machine error here is retried at the next pass).
      queue.logError({ claim: name, error: errnoCode(error) ?? 'error' }, 'reaper: could not reclaim a claim; trying again next pass');
    }
  }
  await sweepTmp(layout.tmpDir, options.tmpMaxAgeMs, now);
  // Flags, records and name locks are written through temp names beside them: their orphans too.
  for (const dir of [layout.controlDir, layout.workersDir]) await sweepTmp(dir, options.tmpMaxAgeMs, now, true);
  return result;
}

async function reapOne(queue: ReapTarget, name: string, staleMs: number, now: number, result: ReapResult): Promise<void> {
  const { layout, identity } = queue;
  const claim = parseClaimFileName(name);
  if (!claim) return;
  if (claim.host === identity.host && claim.pid === identity.pid && claim.token === identity.token) return;
  const claimPath = path.join(layout.claimedDir, name);
  let mtimeMs: number;
  try {
    mtimeMs = (await lstat(claimPath)).mtimeMs;
  } catch {
    return;
  }
  const dead = claimIsDead(claim, mtimeMs, identity.host, staleMs, now);
  if (!dead) {
    queue.staleSuspects.delete(name);
    return;
  }
  if (dead.byHeartbeat) {
    // A stale heartbeat must be seen on two passes with the same mtime: a claim is touched right
    // after its rename, and this closes the instant between the two.
    const seen = queue.staleSuspects.get(name);
    if (seen !== mtimeMs) {
      queue.staleSuspects.set(name, mtimeMs);
      return;
    }
  }
  queue.staleSuspects.delete(name);
  // Take the dead claim over as this reaper's own claim (of several reapers one rename wins). If the
  // reaper dies before requeuing, its claim is dead in turn and the next reaper takes it: never lost.
  const privatePath = path.join(layout.claimedDir, claimFileName(claim.stem, claim.stage, identity));
  try {
    await rename(claimPath, privatePath);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return; // another reaper won, or the owner finished
    throw error;
  }
  const touched = new Date();
  await lutimes(privatePath, touched, touched).catch(() => {});
  let value: WorkItem;
  try {
    const text = await readRegularText(privatePath, QUEUE_FILE_MAX_BYTES, claimPath);
    value = parseValid<WorkItem>(STAGE_SCHEMAS[claim.stage], text, { file: claimPath });
  } catch (error) {
    // A symlink, FIFO, directory, oversized or malformed claim: quarantined, never thrown.
    if (errnoCode(error) === 'ENOENT') return;
    await queue.quarantine(privatePath, claim.stem, claim.stage, error);
    return;
  }
  const outcome = await queue.requeue(privatePath, claim.stage, value, `reclaimed: ${dead.why}`);
  (outcome === 'retry' ? result.requeued : result.failed).push(`${claim.stem}.${claim.stage}`);
}
