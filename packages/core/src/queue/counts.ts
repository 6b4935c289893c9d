/** Queue depths for status displays: pending per stage, claims per stage, failed items. */
import { readdir } from 'node:fs/promises';
import { ITEM_FILE_RE } from '../naming.js';
import { parseClaimFileName } from './claim-names.js';
import { STAGES, type RunLayout, type Stage } from './layout.js';

export interface QueueCounts {
  pending: Record<Stage, number>;
  claimed: Record<Stage, number>;
  /** Items in failed/ (reason files not counted). */
  failed: number;
}

async function names(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => [] as string[]);
}

export async function queueCounts(layout: RunLayout): Promise<QueueCounts> {
  const pending = { gen: 0, eval: 0, combine: 0 } as Record<Stage, number>;
  for (const stage of STAGES) {
    pending[stage] = (await names(layout.pending(stage))).filter((n) => ITEM_FILE_RE.test(n)).length;
  }
  const claimed = { gen: 0, eval: 0, combine: 0 } as Record<Stage, number>;
  for (const name of await names(layout.claimedDir)) {
    const claim = parseClaimFileName(name);
    if (claim) claimed[claim.stage]++;
  }
  const failed = (await names(layout.failedDir)).filter((n) => n.endsWith('.json') && !n.endsWith('.reason.json')).length;
  return { pending, claimed, failed };
}
