/**
 * Extending a run: a larger --n, more temperatures or more questions on an existing run is purely additive
 * (sample i always has seed seed_base + i), so the plan is rewritten and only the new work is queued. A
 * (question, temperature) already combined with the old n is reopened: its samples go back to staged/ as the
 * old shards they were, so the combiner combines old and new shards into one file again; the summaries the
 * extension makes untrue are removed (the combiner writes them again). Filesystem runs only; every other
 * change to a plan stays ERR_PLAN_MISMATCH.
 */
import path from 'node:path';
import { mkdir, readFile, unlink } from 'node:fs/promises';
import {
  PasskError, writeResultFile, itemStem, groupStem, shardCount, workItemFor, combinedFileName, questionResultsDir,
  type Plan, type Problem, type RunLayout, type EvaluatedShard, type EvaluatedSample, type Transport,
} from '@passk/core';
import { readQuestionState, writeQuestionState, summaryFile } from '@passk/combiner';

/** The plan fields an extension may change (each only by growing). */
const EXTENSIBLE = new Set(['n', 'temperatures', 'questions']);

/** Why `next` is not a pure extension of `prev` (empty: it is). `diffs` are planDifferences' field names. */
export function extensionRefusals(prev: Plan, next: Plan, diffs: string[], transport: Transport): string[] {
  const out: string[] = [];
  if (diffs.some((d) => !EXTENSIBLE.has(d))) return ['only --n, --temperatures and the questions can grow on an existing run'];
  if (!transport.extensible) out.push('a run on Redis (--queue) cannot be extended yet');
  if (next.n < prev.n) out.push(`--n can only grow (was ${prev.n}, now ${next.n})`);
  if (next.n > prev.n && prev.n % prev.shard_size !== 0) out.push(`--n can grow only when the old n (${prev.n}) is a multiple of the shard size (${prev.shard_size})`);
  if (next.shard_size !== prev.shard_size) out.push(`the shard size would change (was ${prev.shard_size}, now ${next.shard_size}); pass --shard-size ${prev.shard_size}`);
  const lost = prev.temperatures.filter((t) => !next.temperatures.includes(t));
  if (lost.length) out.push(`temperatures can only be added (${lost.join(', ')} would be dropped)`);
  const byIdx = new Map(next.questions.map((q) => [q.idx, q.id]));
  const gone = prev.questions.filter((q) => byIdx.get(q.idx) !== q.id);
  if (gone.length) out.push(`questions can only be added (${gone.length} of the run's questions would be dropped or changed, e.g. index ${gone[0]!.idx})`);
  return out;
}

/** Put a combined group's samples back into staged/ as the old plan's shards. */
async function reopenGroup(layout: RunLayout, prev: Plan, idx: number, temperature: number): Promise<void> {
  const file = path.join(questionResultsDir(layout, idx), combinedFileName(temperature));
  const combined = JSON.parse(await readFile(file, 'utf8')) as { samples: EvaluatedSample[]; backend: string; model: string; simulated: boolean };
  const dir = path.join(layout.stagedDir, groupStem(idx, temperature));
  await mkdir(dir, { recursive: true });
  const now = new Date().toISOString();
  for (let s = 0; s < shardCount(prev); s++) {
    const item = workItemFor(prev, idx, temperature, s);
    const samples = combined.samples.slice(item.first_sample, item.first_sample + item.count);
    if (samples.length !== item.count) throw new PasskError('ERR_SCHEMA_INVALID', `${samples.length} samples where shard ${s} needs ${item.count}`, { file, field: 'samples' });
    const tokens = samples.reduce((sum, x) => sum + (x.completion_tokens ?? 0), 0);
    const reasons: Record<string, number> = {};
    for (const x of samples) reasons[x.finish_reason] = (reasons[x.finish_reason] ?? 0) + 1;
    const shard: EvaluatedShard = {
      ...item,
      gen: { generator: 'reopened', backend: combined.backend, model: combined.model, simulated: combined.simulated, started_at: now, finished_at: now, wall_s: 0, prompt_tokens: samples.reduce((sum, x) => sum + (x.prompt_tokens ?? 0), 0), completion_tokens: tokens, gen_tps: 0, finish_reasons: reasons },
      eval: { evaluator: 'reopened', started_at: now, finished_at: now, wall_s: 0, cached: 0 },
      samples,
    };
    await writeResultFile(path.join(dir, `${itemStem({ questionIdx: idx, temperature, shard: s })}.json`), `${JSON.stringify(shard)}\n`);
  }
  // Its samples are staged now; the combiner would otherwise take the old file back as the group's result.
  await unlink(file);
}

/**
 * Apply an extension on disk before the combiner starts: reopen the groups a larger n touches, remove the
 * summaries of questions that gain work, and mark run_summary.json unfinished. Then write the new plan.
 */
export async function applyExtension(transport: Transport, layout: RunLayout, prev: Plan, next: Plan, selected: Array<{ idx: number; problem: Problem }>): Promise<void> {
  for (const q of prev.questions) {
    const state = await readQuestionState(layout, q.idx);
    let changed = false;
    if (next.n > prev.n) {
      for (const t of prev.temperatures) {
        if (!state[String(t)]) continue;
        await reopenGroup(layout, prev, q.idx, t);
        delete state[String(t)];
        changed = true;
      }
    }
    if (changed) await writeQuestionState(layout, q.idx, state, true);
    if (changed || next.temperatures.length > prev.temperatures.length) await unlink(summaryFile(layout, q.idx)).catch(() => {});
  }
  const summary = await transport.store.readRunSummary();
  if (summary?.finished) await writeResultFile(layout.runSummaryFile, `${JSON.stringify({ ...summary, finished: false }, null, 2)}\n`);
  await transport.store.savePlan({ ...next, created_at: prev.created_at }, selected);
}
