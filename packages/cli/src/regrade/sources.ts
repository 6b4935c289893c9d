/**
 * The generated samples of a finished or stopped run, one shard at a time, for `passk regrade`.
 * A group (question, temperature) that was combined is read from its `q{idx}/t{M}_{m}_combined.json`
 * (the verdicts dropped, cut back into the plan's shards); a group that was not is looked for shard
 * by shard in the run's queue dir, where a stopped run leaves its samples: `staged/`,
 * `pending_combine/`, claims, `pending_eval/`, then `failed/` (evaluated shards lose their verdicts).
 * Every shard is checked against the source plan (and the schema) before it is used; a shard found
 * nowhere, or only in files that fail those checks, is missing: never invented.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import {
  PasskError, isPasskError, assertValid, checkItemAgainstPlan, combinedFileName, errnoCode, groupStem, itemStem, parseClaimFileName, questionResultsDir,
  readRegularText, jsonSyntaxMessage, shardCount, shardSchema, evaluatedShardSchema, workItemFor, QUEUE_FILE_MAX_BYTES,
  type Plan, type RunLayout, type Shard, type ShardSample, type EvaluatedShard, type GenerationInfo,
} from '@passk/core';

/** A shard of the source run as it goes into the regrade's pending_eval/. */
export interface SourceShard {
  stem: string;
  shard: Shard;
  /** Where it was read: `combined`, `staged`, `pending_combine`, `claimed`, `pending_eval`, `failed`. */
  from: string;
}

/** A shard of the source plan that no file of the source run holds (with why, when a file was refused). */
export interface MissingShard {
  stem: string;
  reason: string;
}

interface CombinedFile {
  samples: Array<ShardSample & { verdict?: unknown }>;
  completion_tokens?: number;
  gen_wall_s?: number;
  warnings?: string[];
}

const withoutVerdict = ({ verdict: _verdict, ...sample }: ShardSample & { verdict?: unknown }): ShardSample => sample;

/** The item as the regrade queues it: attempts reset, one history line naming the source. */
function fresh(shard: Shard, source: string, from: string): Shard {
  return { ...shard, attempts: 0, history: [`regrade of run ${source} (${from})`] };
}

/**
 * Cut a combined file back into the plan's shards. Generation time per shard is the group's
 * `gen_wall_s` shared by completion tokens, so the regrade's `gen_tps` is the source's.
 */
export function shardsFromCombined(plan: Plan, questionIdx: number, temperature: number, combined: CombinedFile, file: string): Shard[] {
  if (combined === null || typeof combined !== 'object' || !Array.isArray(combined.samples)) throw new PasskError('ERR_SCHEMA_INVALID', 'field samples: must be an array', { file, field: 'samples' });
  if (combined.samples.length !== plan.n) throw new PasskError('ERR_SCHEMA_INVALID', `field samples: ${combined.samples.length} samples, the plan's n is ${plan.n}`, { file, field: 'samples' });
  const byIndex = new Map<number, ShardSample>();
  for (const sample of combined.samples) {
    if (byIndex.has(sample.index)) throw new PasskError('ERR_SCHEMA_INVALID', `field samples: index ${sample.index} appears twice`, { file, field: 'samples' });
    byIndex.set(sample.index, withoutVerdict(sample));
  }
  const groupTokens = combined.samples.reduce((sum, s) => sum + (s.completion_tokens ?? 0), 0);
  const groupWall = combined.gen_wall_s ?? 0;
  const shards: Shard[] = [];
  for (let s = 0; s < shardCount(plan); s++) {
    const item = workItemFor(plan, questionIdx, temperature, s);
    const samples: ShardSample[] = [];
    for (let i = item.first_sample; i < item.first_sample + item.count; i++) {
      const sample = byIndex.get(i);
      if (!sample) throw new PasskError('ERR_SCHEMA_INVALID', `field samples: sample ${i} of the plan's ${plan.n} is not in the file`, { file, field: 'samples' });
      samples.push(sample);
    }
    const tokens = samples.reduce((sum, x) => sum + x.completion_tokens, 0);
    const wall = groupTokens > 0 ? (groupWall * tokens) / groupTokens : groupWall / shardCount(plan);
    const finish: Record<string, number> = {};
    for (const x of samples) finish[x.finish_reason] = (finish[x.finish_reason] ?? 0) + 1;
    const now = new Date().toISOString();
    const gen: GenerationInfo = {
      generator: `regrade:${plan.run}`,
      backend: plan.backend,
      model: plan.model,
      simulated: plan.simulated,
      started_at: now,
      finished_at: now,
      wall_s: Math.round(wall * 1e6) / 1e6,
      prompt_tokens: samples.reduce((sum, x) => sum + x.prompt_tokens, 0),
      completion_tokens: tokens,
      gen_tps: wall > 0 ? Math.round(tokens / wall) : 0,
      finish_reasons: finish,
      ...(plan.strict_extraction !== undefined ? { strict_extraction: plan.strict_extraction } : {}),
      ...(s === 0 && combined.warnings?.length ? { warnings: combined.warnings } : {}),
    };
    const shard: Shard = { ...item, gen, samples };
    assertValid(shardSchema, shard, { file });
    shards.push(shard);
  }
  return shards;
}

/** A queue file's content as a generated shard of the plan (an evaluated one loses `eval` and its verdicts). */
function shardFromQueueFile(plan: Plan, value: unknown, file: string): Shard {
  const evaluated = value !== null && typeof value === 'object' && 'eval' in value;
  if (evaluated) {
    assertValid(evaluatedShardSchema, value, { file });
    const { eval: _eval, samples, ...rest } = value as EvaluatedShard;
    value = { ...rest, samples: samples.map(withoutVerdict) };
  }
  assertValid(shardSchema, value, { file });
  const shard = value as Shard;
  checkItemAgainstPlan(plan, shard, file);
  shard.samples.forEach((sample, i) => {
    if (sample.index !== shard.first_sample + i) throw new PasskError('ERR_PLAN_MISMATCH', `sample ${i} has index ${sample.index}, the plan says ${shard.first_sample + i}`, { file, field: 'samples' });
  });
  return shard;
}

/** Why a file was not used: a PasskError's code and message (which names the file), else the file and the message. */
function why(file: string, error: unknown): string {
  if (isPasskError(error)) return `${error.code}: ${error.file ? '' : `${file}: `}${error.message}`;
  return `${file}: ${(error as Error).message}`;
}

const list = (dir: string) => readdir(dir).catch(() => [] as string[]);

/** The candidate files of one shard stem in a stopped run's queue dir, in the order they are tried. */
function candidates(layout: RunLayout, stem: string, claims: Map<string, string[]>, group: string): Array<{ file: string; from: string }> {
  return [
    { file: path.join(layout.stagedDir, group, `${stem}.json`), from: 'staged' },
    { file: path.join(layout.pending('combine'), `${stem}.json`), from: 'pending_combine' },
    ...(claims.get(stem) ?? []).map((name) => ({ file: path.join(layout.claimedDir, name), from: 'claimed' })),
    { file: path.join(layout.pending('eval'), `${stem}.json`), from: 'pending_eval' },
    { file: path.join(layout.failedDir, `${stem}.combine.json`), from: 'failed' },
    { file: path.join(layout.failedDir, `${stem}.eval.json`), from: 'failed' },
  ];
}

async function readJson(file: string): Promise<unknown> {
  const text = await readRegularText(file, QUEUE_FILE_MAX_BYTES);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new PasskError('ERR_JSON_MALFORMED', jsonSyntaxMessage(error), { file });
  }
}

/** Claims of the eval and combine stages, by stem (a SIGKILLed worker leaves its item under its claim name). */
async function claimsByStem(layout: RunLayout): Promise<Map<string, string[]>> {
  const claims = new Map<string, string[]>();
  for (const name of await list(layout.claimedDir)) {
    const claim = parseClaimFileName(name);
    if (!claim || claim.stage === 'gen') continue;
    claims.set(claim.stem, [...(claims.get(claim.stem) ?? []), name]);
  }
  return claims;
}

/**
 * Every shard of the source plan that is not in `skip` (stems) or in a group of `skipGroups`: yielded
 * when found, recorded in `missing` otherwise. One combined file (or one shard) in memory at a time.
 */
export async function* sourceShards(layout: RunLayout, plan: Plan, skip: { stems: Set<string>; groups: Set<string> }, missing: MissingShard[]): AsyncGenerator<SourceShard> {
  const claims = await claimsByStem(layout);
  const shards = shardCount(plan);
  for (const question of plan.questions) {
    for (const temperature of plan.temperatures) {
      const group = groupStem(question.idx, temperature);
      if (skip.groups.has(group)) continue;
      const wanted = Array.from({ length: shards }, (_, s) => itemStem({ questionIdx: question.idx, temperature, shard: s })).filter((stem) => !skip.stems.has(stem));
      if (!wanted.length) continue;
      const combined = await fromCombined(layout, plan, question.idx, temperature);
      if (combined.shards) {
        for (const shard of combined.shards) if (wanted.includes(shard.item)) yield { stem: shard.item, shard: fresh(shard, plan.run, 'combined'), from: 'combined' };
        continue;
      }
      for (const stem of wanted) {
        const found = await fromQueue(layout, plan, stem, claims, group);
        if (found.shard) yield { stem, shard: fresh(found.shard, plan.run, found.from), from: found.from };
        else missing.push({ stem, reason: combined.refused ? `${found.reason}; combined file refused: ${combined.refused}` : found.reason });
      }
    }
  }
}

async function fromCombined(layout: RunLayout, plan: Plan, questionIdx: number, temperature: number): Promise<{ shards?: Shard[]; refused?: string }> {
  const file = path.join(questionResultsDir(layout, questionIdx), combinedFileName(temperature));
  try {
    return { shards: shardsFromCombined(plan, questionIdx, temperature, (await readJson(file)) as CombinedFile, file) };
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return {};
    // A combined file that cannot be used: the queue dir may still hold the shards.
    return { refused: why(file, error) };
  }
}

async function fromQueue(layout: RunLayout, plan: Plan, stem: string, claims: Map<string, string[]>, group: string): Promise<{ shard?: Shard; from: string; reason: string }> {
  const refused: string[] = [];
  for (const { file, from } of candidates(layout, stem, claims, group)) {
    try {
      return { shard: shardFromQueueFile(plan, await readJson(file), file), from, reason: '' };
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') refused.push(why(file, error));
    }
  }
  return { from: '', reason: refused.length ? `refused: ${refused.join('; ')}` : 'never generated (no combined file, no shard in the queue dir)' };
}
