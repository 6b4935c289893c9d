/**
 * Reclaim claims whose owner died. A claim is dead when its owner is on this host and its pid is
 * gone (reclaimed at once), or when its heartbeat (the claim's mtime) is older than staleMs (any
 * host; seen stale on two consecutive passes). The reaper first renames the dead claim to a claim of
 * its own, so of several reapers only one wins, and an item whose reaper dies mid-way is reclaimed in
 * turn; then the item goes back to its stage with attempts + 1, or to failed/ after maxAttempts.
 */
import { readdir, rename, readFile, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode, isPasskError } from '../errors.js';
import { parseValid } from '../validate.js';
import type { WorkItem } from '../schemas/queue-files.js';
import { parseClaimFileName, claimFileName, pidAlive, type ParsedClaim } from './identity.js';
import { STAGE_SCHEMAS, type FsQueue } from './fs-queue.js';
import { sweepTmp } from './durable.js';
import type { ReapResult } from '../transport/types.js';

export interface ReapOptions {
  /** Heartbeat age after which a claim on any host is dead, ms. @default 60000 */
  staleMs?: number;
  /** Age after which any temp file is deleted, ms (a dead local writer's go at once). @default 3600000 (TMP_MAX_AGE_MS) */
  tmpMaxAgeMs?: number;
  now?: number;
}


export function claimIsDead(claim: ParsedClaim, mtimeMs: number, localHost: string, staleMs: number, now: number): { why: string; byHeartbeat: boolean } | undefined {
  if (claim.host === localHost && !pidAlive(claim.pid)) return { why: `owner ${claim.host}-${claim.pid} is gone`, byHeartbeat: false };
  if (now - mtimeMs > staleMs) return { why: `owner ${claim.host}-${claim.pid} missed heartbeats for ${Math.round((now - mtimeMs) / 1000)} s`, byHeartbeat: true };
  return undefined;
}

export async function reap(queue: FsQueue, options: ReapOptions = {}): Promise<ReapResult> {
  const staleMs = options.staleMs ?? 60_000;
  const now = options.now ?? Date.now();
  const { layout, identity } = queue;
  const result: ReapResult = { requeued: [], failed: [] };
  for (const name of await readdir(layout.claimedDir)) {
    const claim = parseClaimFileName(name);
    if (!claim) continue;
    if (claim.host === identity.host && claim.pid === identity.pid && claim.token === identity.token) continue;
    const claimPath = path.join(layout.claimedDir, name);
    let mtimeMs: number;
    try {
      mtimeMs = (await stat(claimPath)).mtimeMs;
    } catch {
      continue;
    }
    const dead = claimIsDead(claim, mtimeMs, identity.host, staleMs, now);
    if (!dead) {
      queue.staleSuspects.delete(name);
      continue;
    }
    if (dead.byHeartbeat) {
      // A stale heartbeat must be seen on two passes with the same mtime: a claim is touched right
      // after its rename, and this closes the instant between the two.
      const seen = queue.staleSuspects.get(name);
      if (seen !== mtimeMs) {
        queue.staleSuspects.set(name, mtimeMs);
        continue;
      }
    }
    queue.staleSuspects.delete(name);
    const why = dead.why;
    // Take the dead claim over as this reaper's own claim (of several reapers one rename wins). If the
    // reaper dies before requeuing, its claim is dead in turn and the next reaper takes it: never lost.
    const privatePath = path.join(layout.claimedDir, claimFileName(claim.stem, claim.stage, identity));
    try {
      await rename(claimPath, privatePath);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') continue; // another reaper won, or the owner finished
      throw error;
    }
    const touched = new Date();
    await utimes(privatePath, touched, touched).catch(() => {});
    let value: WorkItem;
    try {
      value = parseValid<WorkItem>(STAGE_SCHEMAS[claim.stage], await readFile(privatePath, 'utf8'), { file: claimPath });
    } catch (error) {
      if (!isPasskError(error)) throw error;
      await queue.quarantine(privatePath, `${claim.stem}.${claim.stage}.json`, error);
      continue;
    }
    const outcome = await queue.requeue(privatePath, claim.stage, value, `reclaimed: ${why}`);
    (outcome === 'retry' ? result.requeued : result.failed).push(`${claim.stem}.${claim.stage}`);
  }
  await sweepTmp(layout.tmpDir, options.tmpMaxAgeMs, now);
  return result;
}
