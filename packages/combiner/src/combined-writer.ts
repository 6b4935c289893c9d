/**
 * Streams the shards of one (question, temperature) into `q{idx}/t{M}_{m}_combined.json` without
 * holding more than one shard in memory, and returns the per-temperature row for summary.json.
 * The file is written to a hidden temp name beside the target, fsynced, renamed, and the directory
 * fsynced: it appears complete or not at all.
 */
import { open, rename, mkdir, unlink, readdir } from 'node:fs/promises';
import path from 'node:path';
import { addSample, emptySketch, extractionKey, pruned, type LatencySketches } from '@passk/stats';
import { parseValid, provenanceOf, readRegularText, QUEUE_FILE_MAX_BYTES, SMALL_FILE_MAX_BYTES, evaluatedShardSchema, fsyncDir, tmpName, deadLocalWriter, type EvaluatedShard, type TemperatureResult, type Plan, type PlanQuestion } from '@passk/core';

export interface CombineInput {
  plan: Plan;
  question: PlanQuestion;
  temperature: number;
  /** Staged shard files, one per shard index. */
  shardFiles: string[];
  target: string;
  fsync: boolean;
}

export async function writeCombined(input: CombineInput): Promise<TemperatureResult> {
  const { plan, question, temperature, target } = input;
  await mkdir(path.dirname(target), { recursive: true });
  await removeDeadTemps(target);
  const tmp = path.join(path.dirname(target), `.${tmpName(path.basename(target))}`);
  const handle = await open(tmp, 'w');
  const row: TemperatureResult = { temperature, n: 0, passed: 0, pass_rate: 0, gen_tps: 0, completion_tokens: 0, gen_wall_s: 0, verdicts: {}, cached: 0 };
  let simCorrect = 0;
  let simulated = false;
  const warnings = new Set<string>();
  const extraction: Record<string, number> = {};
  const latency: Required<LatencySketches> = { ttft_ms: emptySketch(), tpot_ms: emptySketch(), itl_ms: emptySketch(), e2el_ms: emptySketch() };
  try {
    const header = {
      question_idx: question.idx,
      question_id: question.id,
      question_title: question.title,
      temperature,
      backend: plan.backend,
      model: plan.model,
      // Labelled as summary.json and run_summary.json are (the plan's flag), plus what it means.
      simulated: plan.simulated,
      ...(plan.simulated ? { simulation_note: simulationNote(plan) } : {}),
      // passk version and commit, extraction rule, grading mode, grader version, interpreter.
      provenance: provenanceOf(plan),
    };
    await handle.write(`${JSON.stringify(header).slice(0, -1)},"samples":[\n`);
    let first = true;
    const sorted = [...input.shardFiles].sort((a, b) => shardIndex(a) - shardIndex(b));
    for (const file of sorted) {
      const shard = parseValid<EvaluatedShard>(evaluatedShardSchema, await readRegularText(file, QUEUE_FILE_MAX_BYTES), { file });
      row.completion_tokens += shard.gen.completion_tokens;
      row.gen_wall_s += shard.gen.wall_s;
      row.cached += shard.eval.cached;
      simulated ||= shard.gen.simulated;
      for (const w of shard.gen.warnings ?? []) warnings.add(w);
      const lines: string[] = [];
      for (const sample of shard.samples) {
        row.n++;
        if (sample.verdict.passed) row.passed++;
        row.verdicts[sample.verdict.status] = (row.verdicts[sample.verdict.status] ?? 0) + 1;
        if (sample.sim_intended === 'passed') simCorrect++;
        const how = extractionKey(sample);
        extraction[how] = (extraction[how] ?? 0) + 1;
        addSample(latency, sample);
        lines.push((first ? '' : ',\n') + JSON.stringify(sample));
        first = false;
      }
      await handle.write(lines.join(''));
    }
    row.pass_rate = row.n ? Math.round((10000 * row.passed) / row.n) / 100 : 0;
    row.gen_tps = row.gen_wall_s > 0 ? Math.round(row.completion_tokens / row.gen_wall_s) : 0;
    row.gen_wall_s = Math.round(row.gen_wall_s * 1000) / 1000;
    if (simulated) row.sim_intended_correct = simCorrect;
    if (warnings.size) row.warnings = [...warnings];
    row.extraction = extraction;
    const sketches = pruned(latency);
    if (sketches) row.latency = sketches as TemperatureResult['latency'];
    const { temperature: _t, ...tail } = row;
    await handle.write(`\n],${JSON.stringify(tail).slice(1)}\n`);
    if (input.fsync) await handle.sync();
  } catch (error) {
    await handle.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw error;
  }
  await handle.close();
  await rename(tmp, target);
  if (input.fsync) await fsyncDir(path.dirname(target));
  return row;
}

/**
 * What a simulated plan's numbers mean, in the words `passk run` prints. A plan is simulated for the
 * sim backend and for passk's tiny random model (the only other case, see `passk run`).
 */
export function simulationNote(plan: Pick<Plan, 'backend' | 'model' | 'simulated'>): string | undefined {
  if (!plan.simulated) return undefined;
  if (plan.backend === 'sim') return 'SIMULATED backend: completions come from a synthetic model; the numbers test the pipeline, not a model.';
  return `TINY RANDOM MODEL (${plan.model}): its output is noise; this run demonstrates the pipeline, not a model.`;
}

export function shardIndex(file: string): number {
  const match = /_s(\d+)\.json$/.exec(file);
  return match ? Number(match[1]) : -1;
}

/** Read back the row of an existing combined file (recovery after a crash between two writes). */
export async function rowFromCombined(file: string): Promise<TemperatureResult> {
  const data = JSON.parse(await readRegularText(file, SMALL_FILE_MAX_BYTES)) as TemperatureResult & { samples?: unknown };
  const { samples: _samples, ...rest } = data;
  const row: TemperatureResult = {
    temperature: rest.temperature,
    n: rest.n,
    passed: rest.passed,
    pass_rate: rest.pass_rate,
    gen_tps: rest.gen_tps,
    completion_tokens: rest.completion_tokens,
    gen_wall_s: rest.gen_wall_s,
    verdicts: rest.verdicts,
    cached: rest.cached,
  };
  if (rest.sim_intended_correct !== undefined) row.sim_intended_correct = rest.sim_intended_correct;
  if (rest.warnings?.length) row.warnings = rest.warnings;
  if (rest.extraction) row.extraction = rest.extraction;
  if (rest.latency) row.latency = rest.latency;
  return row;
}

/**
 * A combiner SIGKILLed while writing leaves `.<tmpName(target)>` behind; the next write of the same
 * target removes those whose writer is gone (the queue's own temp-name grammar and orphan test).
 */
async function removeDeadTemps(target: string): Promise<void> {
  const prefix = `.${path.basename(target)}.`;
  for (const name of await readdir(path.dirname(target)).catch(() => [] as string[])) {
    if (name.startsWith(prefix) && deadLocalWriter(name)) await unlink(path.join(path.dirname(target), name)).catch(() => {});
  }
}
