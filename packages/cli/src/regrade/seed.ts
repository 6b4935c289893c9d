/**
 * Seeding a regrade: every generated shard of the source run that the regrade has not got yet goes
 * straight into the regrade's pending_eval/ (as a generator would hand it on), so the usual
 * evaluators and combiner finish the job, crash-safe and resumable. What the source never generated
 * is returned as missing and written to `regrade_missing.json` in the regrade's results dir.
 */
import path from 'node:path';
import { unlink } from 'node:fs/promises';
import { fsyncDir, groupStem, jsonText, parseItemStem, shardCount, writeResultFile, type Plan, type QueueBackend, type RunLayout, type Transport } from '@passk/core';
import { sourceShards, type MissingShard } from './sources.js';

export interface SeedResult {
  /** Shards put into pending_eval/ now. */
  queued: number;
  /** Where the queued shards came from: combined, staged, pending_eval, … → count. */
  from: Record<string, number>;
  missing: MissingShard[];
  /** Groups (q{idx}_t{M}_{m}) the regrade can complete: none of their shards is missing. */
  completable: Set<string>;
}

export const MISSING_FILE = 'regrade_missing.json';

/** Queue what the regrade has not got; stops early (what is queued stays queued) when `signal` aborts. */
export async function seedRegrade(transport: Transport, queue: QueueBackend, layout: RunLayout, source: RunLayout, plan: Plan, signal?: AbortSignal): Promise<SeedResult> {
  const { stems, combinedGroups } = await transport.inventory();
  const missing: MissingShard[] = [];
  const from: Record<string, number> = {};
  let queued = 0;
  for await (const found of sourceShards(source, plan, { stems, groups: combinedGroups }, missing)) {
    await queue.put('eval', found.shard, { fsync: false });
    from[found.from] = (from[found.from] ?? 0) + 1;
    queued++;
    if (signal?.aborted) break;
  }
  if (queued) await fsyncDir(layout.pending('eval'));
  // Stopped part way: the missing list is partial, so it is not written (the next run redoes it).
  if (signal?.aborted) return { queued, from, missing, completable: new Set() };
  const incomplete = new Set(missing.map((m) => groupOf(m.stem)));
  const completable = new Set<string>();
  for (const q of plan.questions) for (const t of plan.temperatures) if (!incomplete.has(groupStem(q.idx, t))) completable.add(groupStem(q.idx, t));
  await writeMissing(layout, plan, missing);
  return { queued, from, missing, completable };
}

function groupOf(stem: string): string {
  const id = parseItemStem(stem)!;
  return groupStem(id.questionIdx, id.temperature);
}

/** `regrade_missing.json`: what the source never generated (removed once nothing is missing). */
async function writeMissing(layout: RunLayout, plan: Plan, missing: MissingShard[]): Promise<void> {
  const file = path.join(layout.resultsDir, MISSING_FILE);
  if (!missing.length) {
    await unlink(file).catch(() => {});
    return;
  }
  const samples = missing.reduce((sum, m) => sum + shardSize(plan, m.stem), 0);
  const body = { source: plan.regraded_from?.run ?? null, shards: missing.length, samples, missing: missing.map((m) => ({ item: m.stem, samples: shardSize(plan, m.stem), reason: m.reason })) };
  await writeResultFile(file, jsonText(body));
}

function shardSize(plan: Plan, stem: string): number {
  const shard = parseItemStem(stem)!.shard;
  return shard < shardCount(plan) ? Math.min(plan.shard_size, plan.n - shard * plan.shard_size) : 0;
}

/** One line naming the missing shards (the first few; the file has them all). */
export function missingMessage(plan: Plan, missing: MissingShard[], layout: RunLayout): string {
  const samples = missing.reduce((sum, m) => sum + shardSize(plan, m.stem), 0);
  const shown = missing.slice(0, 10).map((m) => `${m.stem} (${m.reason})`).join(', ');
  const more = missing.length > 10 ? `, and ${missing.length - 10} more` : '';
  const groups = new Set(missing.map((m) => groupOf(m.stem))).size;
  return `run \`${plan.regraded_from?.run ?? '?'}\` never generated ${missing.length} shard(s) (${samples} samples) of ${groups} (question, temperature) group(s): ${shown}${more}. Every other group is regraded; these groups have no row (nothing is invented). List: ${path.join(layout.resultsDir, MISSING_FILE)}. Finish the source run (the same \`passk run\` resumes it), then run the same \`passk regrade\` again`;
}
