/**
 * What the filesystem queue holds, for seeding and the end of a run: every item stem anywhere in the
 * pipeline (read in flow order, so an item moving forward is always seen), the groups already
 * combined, and the end-of-run tidy-up (duplicates of combined groups, orphan temp files).
 */
import { readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { ITEM_FILE_RE, groupOfStem } from '../../naming.js';
import { STAGES, type RunLayout } from '../../queue/layout.js';
import { parseClaimFileName } from '../../queue/claim-names.js';
import { parseFailedFileName } from '../../queue/failed-names.js';
import { sweepTmp } from '../../queue/durable.js';
import type { Inventory } from '../types.js';
import { combinedGroupsIn, stagedStemsIn } from './marks.js';

const list = (dir: string) => readdir(dir).catch(() => [] as string[]);

/**
 * Every item stem present anywhere in the pipeline, plus the groups already combined. Items in
 * failed/ count as present (a failed item is not seeded again by itself: `passk run --retry-failed`
 * puts it back), unless `includeFailed` is false.
 */
export async function itemsInPipeline(layout: RunLayout, options: { includeFailed?: boolean } = {}): Promise<Inventory> {
  const stems = new Set<string>();
  const addPending = async (dir: string) => {
    for (const n of await list(dir)) if (ITEM_FILE_RE.test(n)) stems.add(n.slice(0, -5));
  };
  const addClaims = async () => {
    for (const n of await list(layout.claimedDir)) {
      const c = parseClaimFileName(n);
      if (c) stems.add(c.stem);
    }
  };
  await addPending(layout.pending('gen'));
  await addClaims();
  await addPending(layout.pending('eval'));
  await addClaims();
  await addPending(layout.pending('combine'));
  for (const stem of await stagedStemsIn(layout.stagedDir)) stems.add(stem);
  for (const n of options.includeFailed === false ? [] : await list(layout.failedDir)) {
    const failed = parseFailedFileName(n);
    if (failed) stems.add(failed.stem);
  }
  return { stems, combinedGroups: await combinedGroupsIn(layout.combinedStateDir) };
}

/**
 * After the run is complete, pending items of groups that are already combined can only be
 * duplicates (an item reclaimed while its first copy was finishing): remove them. Returns the count.
 */
export async function dropFinishedDuplicates(layout: RunLayout): Promise<number> {
  const combinedGroups = await combinedGroupsIn(layout.combinedStateDir);
  let dropped = 0;
  for (const stage of STAGES) {
    for (const name of await list(layout.pending(stage))) {
      const group = ITEM_FILE_RE.test(name) ? groupOfStem(name.slice(0, -5)) : undefined;
      if (group && combinedGroups.has(group)) {
        await unlink(path.join(layout.pending(stage), name)).catch(() => {});
        dropped++;
      }
    }
  }
  return dropped;
}

/** End of a complete run: duplicates dropped, then temp files of writers SIGKILLed since the last reap (nothing reads them). */
export async function tidyUp(layout: RunLayout): Promise<number> {
  const dropped = await dropFinishedDuplicates(layout);
  await sweepTmp(layout.tmpDir);
  return dropped;
}
