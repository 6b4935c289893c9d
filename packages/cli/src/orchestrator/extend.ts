/**
 * Extending a run: a larger --n, more temperatures or more questions on an existing run is purely additive
 * (sample i always has seed seed_base + i), so the plan is rewritten and only the new work is queued. A
 * (question, temperature) already combined with the old n is reopened: its samples go back to staged/ as the
 * old shards they were (and the run store's combined mark is forgotten, so seeding queues the new shards), so
 * the combiner combines old and new shards into one file again; the summaries the extension makes untrue are
 * removed (the combiner writes them again). The same on either transport: the reopening happens on the disk
 * holding the run's combined results (on Redis, the combiner home). Every other change to a plan stays
 * ERR_PLAN_MISMATCH.
 *
 * Crash safety: the new plan is written last, so a killed extension is done again by the same command. Each
 * step is idempotent and ordered so a repeat finds what it needs: staged shards before the combined mark is
 * forgotten, the mark before the combined file goes, the summary before the question's state forgets the group.
 */
import path from 'node:path';
import { access, mkdir, readFile, readdir, unlink } from 'node:fs/promises';
import {
  PasskError, writeResultFile, itemStem, groupStem, shardCount, workItemFor, combinedFileName, questionResultsDir, combinedGroupsIn, localHost, errnoCode,
  type Plan, type Problem, type RunLayout, type EvaluatedShard, type EvaluatedSample, type Transport,
} from '@passk/core';
import { readQuestionState, writeQuestionState, summaryFile } from '@passk/combiner';

const exists = (file: string) => access(file).then(() => true, () => false);

/** The plan fields an extension may change (each only by growing). */
const EXTENSIBLE = new Set(['n', 'temperatures', 'questions']);

/** Why `next` is not a pure extension of `prev` (empty: it is). `diffs` are planDifferences' field names. */
export function extensionRefusals(prev: Plan, next: Plan, diffs: string[]): string[] {
  const out: string[] = [];
  if (diffs.some((d) => !EXTENSIBLE.has(d))) return ['only --n, --temperatures and the questions can grow on an existing run'];
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

/**
 * The combined results must be on this machine's disk. The run store's combined marks name the groups
 * combined anywhere: when some are combined (a combiner home is recorded), this machine must be that home
 * (ERR_COMBINER_ELSEWHERE names the other one), and each mark must have its group here.
 */
async function requireResultsHere(transport: Transport, layout: RunLayout): Promise<void> {
  const marks = await transport.store.combinedGroups();
  if (!marks.size) return;
  await transport.store.claimCombinerHome({ host: localHost(), results_dir: path.resolve(layout.resultsDir), since: new Date().toISOString() }, false);
  const here = await combinedGroupsIn(layout.combinedStateDir);
  const missing = [...marks].filter((g) => !here.has(g));
  if (missing.length) {
    throw new PasskError('ERR_COMBINER_ELSEWHERE', `run \`${layout.run}\` cannot be extended here: ${missing.length} of its combined groups (e.g. ${missing[0]}) are recorded in ${transport.where} but not in ${layout.combinedStateDir}; extend it on the machine that holds its results, or first take the run over on this one with \`passk combiner --move-here\` (and this command's --run and --queue; what is missing here is generated again)`, { file: layout.combinedStateDir });
  }
}

/** The old plan's shards of one group, with their samples cut from the combined file. */
function shardsOf(prev: Plan, idx: number, temperature: number, file: string, combined: { samples: EvaluatedSample[]; backend: string; model: string; simulated: boolean }): EvaluatedShard[] {
  const now = new Date().toISOString();
  const out: EvaluatedShard[] = [];
  for (let s = 0; s < shardCount(prev); s++) {
    const item = workItemFor(prev, idx, temperature, s);
    const samples = combined.samples.slice(item.first_sample, item.first_sample + item.count);
    if (samples.length !== item.count) throw new PasskError('ERR_SCHEMA_INVALID', `${samples.length} samples where shard ${s} needs ${item.count}`, { file, field: 'samples' });
    const tokens = samples.reduce((sum, x) => sum + (x.completion_tokens ?? 0), 0);
    const reasons: Record<string, number> = {};
    for (const x of samples) reasons[x.finish_reason] = (reasons[x.finish_reason] ?? 0) + 1;
    out.push({
      ...item,
      gen: { generator: 'reopened', backend: combined.backend, model: combined.model, simulated: combined.simulated, started_at: now, finished_at: now, wall_s: 0, prompt_tokens: samples.reduce((sum, x) => sum + (x.prompt_tokens ?? 0), 0), completion_tokens: tokens, gen_tps: 0, finish_reasons: reasons },
      eval: { evaluator: 'reopened', started_at: now, finished_at: now, wall_s: 0, cached: 0 },
      samples,
    });
  }
  return out;
}

/**
 * Put a combined group's samples back into staged/ as the old plan's shards (marked staged), forget its
 * combined mark, then remove its combined file. A repeat after a crash that already removed the file finds
 * every shard staged and only forgets the mark again.
 */
async function reopenGroup(transport: Transport, layout: RunLayout, prev: Plan, idx: number, temperature: number): Promise<void> {
  const group = groupStem(idx, temperature);
  const file = path.join(questionResultsDir(layout, idx), combinedFileName(temperature));
  const dir = path.join(layout.stagedDir, group);
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw error;
  }
  if (text === undefined) {
    const staged = new Set(await readdir(dir).catch(() => [] as string[]));
    const absent = Array.from({ length: shardCount(prev) }, (_, s) => `${itemStem({ questionIdx: idx, temperature, shard: s })}.json`).filter((n) => !staged.has(n));
    if (absent.length) throw new PasskError('ERR_SCHEMA_INVALID', `group ${group} is recorded as combined but ${file} is missing and ${absent.length} of its shards are not staged (e.g. ${absent[0]})`, { file });
  } else {
    await mkdir(dir, { recursive: true });
    for (const shard of shardsOf(prev, idx, temperature, file, JSON.parse(text))) {
      await writeResultFile(path.join(dir, `${shard.item}.json`), `${JSON.stringify(shard)}\n`);
      await transport.store.markStaged(shard.item);
    }
  }
  await transport.store.forgetMarks([], [group]);
  // Its samples are staged now; the combiner would otherwise take the old file back as the group's result.
  await unlink(file).catch((error: unknown) => {
    if (errnoCode(error) !== 'ENOENT') throw error;
  });
}

/**
 * Apply an extension before the combiner starts, on the disk holding the run's results: reopen the groups a
 * larger n touches, remove the summaries of questions that gain work, and mark the run summary unfinished (the
 * local file and the run store's copy). Then write the new plan (its local copy first).
 */
export async function applyExtension(transport: Transport, layout: RunLayout, prev: Plan, next: Plan, selected: Array<{ idx: number; problem: Problem }>): Promise<void> {
  await requireResultsHere(transport, layout);
  for (const q of prev.questions) {
    const state = await readQuestionState(layout, q.idx);
    // Combined: in the question's state, or only its file (a combiner killed before it recorded the row,
    // which its restart would take back as the group's result, at the old n).
    const reopen: number[] = [];
    if (next.n > prev.n) {
      for (const t of prev.temperatures) if (state[String(t)] || (await exists(path.join(questionResultsDir(layout, q.idx), combinedFileName(t))))) reopen.push(t);
    }
    for (const t of reopen) await reopenGroup(transport, layout, prev, q.idx, t);
    if (reopen.length || next.temperatures.length > prev.temperatures.length) await unlink(summaryFile(layout, q.idx)).catch(() => {});
    if (!reopen.length) continue;
    for (const t of reopen) delete state[String(t)];
    await writeQuestionState(layout, q.idx, state, true);
  }
  const summary = await transport.store.readRunSummary();
  if (summary?.finished) {
    const open = { ...summary, finished: false };
    await writeResultFile(layout.runSummaryFile, `${JSON.stringify(open, null, 2)}\n`);
    await transport.store.saveRunSummary(open);
  }
  const plan = { ...next, created_at: prev.created_at };
  // Where the plan lives elsewhere (Redis), the copy beside the results follows it: before the plan itself,
  // so a crash in between leaves the old plan in force and the same command writes both again.
  await transport.store.copyPlanHere(plan, true);
  await transport.store.savePlan(plan, selected);
}
