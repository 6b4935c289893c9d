/**
 * The combiner's marks as the filesystem keeps them, one reader each: staged/<group>/<stem>.json (an
 * item staged) and combined/q{idx}.json (a group combined: one key per temperature). Used by the fs
 * RunStore, by seeding's inventory and by the combiner's reconciliation.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { groupStem, parseItemFile } from '../../naming.js';
import { readRegularText, SMALL_FILE_MAX_BYTES } from '../../queue/safe-read.js';

const list = (dir: string) => readdir(dir).catch(() => [] as string[]);

/** Stems of the items staged under `stagedDir` (staged/<group>/<stem>.json). */
export async function stagedStemsIn(stagedDir: string): Promise<Set<string>> {
  const stems = new Set<string>();
  for (const group of await list(stagedDir)) {
    for (const name of await list(path.join(stagedDir, group))) if (parseItemFile(name)) stems.add(name.slice(0, -5));
  }
  return stems;
}

/** The question index of a combined-state file name (`q{idx}.json`), or undefined. */
export function combinedStateIdx(name: string): number | undefined {
  const m = /^q(\d+)\.json$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** Groups combined according to `combinedStateDir` (a torn state file counts as none: the combiner rewrites it). */
export async function combinedGroupsIn(combinedStateDir: string): Promise<Set<string>> {
  const groups = new Set<string>();
  for (const name of await list(combinedStateDir)) {
    const idx = combinedStateIdx(name);
    if (idx === undefined) continue;
    try {
      const state = JSON.parse(await readRegularText(path.join(combinedStateDir, name), SMALL_FILE_MAX_BYTES)) as Record<string, unknown>;
      for (const t of Object.keys(state)) groups.add(groupStem(idx, Number(t)));
    } catch {
      // a torn state file is rewritten by the combiner; readers stay conservative
    }
  }
  return groups;
}
