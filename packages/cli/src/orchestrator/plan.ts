/**
 * Plan a run: load the problems, write plan.json and one problems/q{idx}.json per question, and seed
 * pending_gen/ with every (question, temperature, shard) item that is not already somewhere in the
 * pipeline. Running the same command again resumes: the plan must match, and seeding adds only what
 * is missing (it looks at the stages in flow order, so an item moving forward is always seen).
 */
import {
  PasskError, planDifferences, type PlanDifference, planGrading, extractionRule, itemStem, shardCount, groupStem, workItemFor,
  ensureLocalDirs,
  type Plan, type PlanSelection, type Provenance, type Problem, type RunLayout, type Transport, type QueueBackend,
} from '@passk/core';
import { selectionDifferences } from '@passk/problems';
import { extensionRefusals, applyExtension } from './extend.js';
import { passkCommand } from '../home.js';

export interface PlanRequest {
  run: string;
  problemsSpec: string;
  problems: Problem[];
  /** The selection flags the problems were loaded with (recorded in plan.json, compared on resume). @default not recorded */
  selection?: PlanSelection;
  /** First question index (inclusive). @default 0 */
  start: number;
  /** Last question index (exclusive). @default all */
  end?: number;
  n: number;
  shardSize: number;
  temperatures: number[];
  seed: number;
  topP: number;
  maxTokens: number;
  stop: string[];
  backend: string;
  model: string;
  simulated: boolean;
  /** `--strict-extraction`. @default true with grading lcb, else false (resuming: the plan's) */
  strictExtraction?: boolean;
  /** `--grading`. @default 'lcb' (resuming: the plan's) */
  grading?: 'lcb' | 'judge' | 'human-eval';
  /** Recorded in plan.json (not compared on resume). @default not recorded */
  provenance?: Provenance;
  /** The words naming this run on a command line (runRefArgs), for the pasteable hints of a refusal. @default ['--run', run] */
  ref?: string[];
  /**
   * The growth flags given on this `passk run` command line, as typed (`--n 16`, `--temperatures …`,
   * `--end 40`): a refusal then shows the `passk resume` that extends the run by them, the other plan
   * flags taken from the plan. @default none
   */
  growth?: string[];
}

export function buildPlan(request: PlanRequest): { plan: Plan; selected: Array<{ idx: number; problem: Problem }> } {
  const end = Math.min(request.end ?? request.problems.length, request.problems.length);
  if (request.start < 0 || request.start >= end) {
    throw new PasskError('ERR_BAD_OPTION', `Expected \`--start\` (${request.start}) < \`--end\` (${end}) within the ${request.problems.length} problems of ${request.problemsSpec}`);
  }
  const selected = request.problems.slice(request.start, end).map((problem, i) => ({ idx: request.start + i, problem }));
  const grading = request.grading ?? 'lcb';
  const strict = request.strictExtraction ?? grading === 'lcb';
  const plan: Plan = {
    version: 1,
    run: request.run,
    created_at: new Date().toISOString(),
    problems: request.problemsSpec,
    questions: selected.map(({ idx, problem }) => ({ idx, id: problem.id, title: problem.title, ...(problem.errata ? { errata: problem.errata } : {}) })),
    n: request.n,
    shard_size: Math.min(request.shardSize, request.n),
    temperatures: request.temperatures,
    seed: request.seed,
    top_p: request.topP,
    max_tokens: request.maxTokens,
    stop: request.stop,
    backend: request.backend,
    model: request.model,
    simulated: request.simulated,
    strict_extraction: strict,
    grading,
    ...(request.selection ? { selection: request.selection } : {}),
    // Recorded with the mode and rule the plan resolved (not the flags as given: absent flags take defaults).
    ...(request.provenance ? { provenance: { ...request.provenance, grading, extraction_rule: extractionRule(strict) } } : {}),
  };
  return { plan, selected };
}

/** Write a new plan, or check that an existing one matches; returns the plan in force. */
export async function createOrResumePlan(transport: Transport, layout: RunLayout, request: PlanRequest): Promise<{ plan: Plan; resumed: boolean; extended?: string[] }> {
  await ensureLocalDirs(layout);
  const existing = await transport.store.readPlan();
  // A regrade generates nothing: `passk run` on it would generate samples its source never had.
  if (existing?.regraded_from) throw new PasskError('ERR_PLAN_MISMATCH', `run \`${layout.run}\` is a regrade of run \`${existing.regraded_from.run}\` (it generates nothing): resume it with \`${passkCommand(['regrade', '--run', existing.regraded_from.run, '--out-run', layout.run])}\``, { file: layout.planFile });
  // Not given: the run's own (the same command resumes; an older plan reads as judge). Given: compared.
  if (existing) {
    request = { ...request, grading: request.grading ?? planGrading(existing) };
    if (request.strictExtraction === undefined && request.grading === planGrading(existing)) request = { ...request, strictExtraction: existing.strict_extraction ?? false };
  }
  const { plan, selected } = buildPlan(request);
  if (existing) {
    const field = (p: Plan, f: PlanDifference) => JSON.stringify(p[f] ?? '…');
    // `selection` is reported per flag (selection.release: was "v5", now "v6"); a plan written
    // before selections were recorded counts as one with no flags.
    const diffs = planDifferences(existing, plan).flatMap((f) =>
      f === 'selection' ? selectionDifferences(existing.selection, plan.selection).map((d) => `${d.field}: was ${JSON.stringify(d.was)}, now ${JSON.stringify(d.now)}`) : [`${f}: was ${field(existing, f)}, now ${field(plan, f)}`],
    );
    const fields = planDifferences(existing, plan);
    if (diffs.length && !extensionRefusals(existing, plan, fields).length) {
      // A larger n, more temperatures or questions: purely additive (seed rule seed_base + i).
      await applyExtension(transport, layout, existing, plan, selected);
      return { plan: { ...plan, created_at: existing.created_at }, resumed: true, extended: diffs };
    }
    if (diffs.length) {
      const why = extensionRefusals(existing, plan, fields);
      const ref = request.ref ?? ['--run', layout.run];
      const extend = request.growth?.length ? ` To extend it by ${request.growth.filter((w) => w.startsWith('--')).join(', ')} alone: \`${passkCommand(['resume', ...ref, ...request.growth])}\` (resume takes every plan flag not given from the plan).` : '';
      throw new PasskError('ERR_PLAN_MISMATCH', `run \`${layout.run}\` exists with a different plan (${diffs.join('; ')}). Use another --run name, or \`${passkCommand(['resume', ...ref])}\` to resume it with its plan.${extend} Not an extension: ${why.join('; ')}.`, {
        file: transport.store.planWhere,
      });
    }
    // This machine may be joining (or taking over) the run: give its results a copy too.
    await transport.store.copyPlanHere(existing, false);
    return { plan: existing, resumed: true };
  }
  await transport.store.savePlan(plan, selected);
  // Where the plan lives elsewhere (Redis), keep a copy beside this machine's results for people.
  await transport.store.copyPlanHere(plan, true);
  return { plan, resumed: false };
}

/**
 * Put every missing work item into the generation stage. Returns how many were added. On the
 * filesystem every stage is looked at; on Redis only the combiner's marks (staged items, combined
 * groups) are, so on a resume an item in flight may be generated again — counted once all the same.
 */
export async function seedWorkItems(transport: Transport, queue: QueueBackend, plan: Plan): Promise<number> {
  const { stems, combinedGroups } = await transport.inventory();
  const shards = shardCount(plan);
  let added = 0;
  for (const question of plan.questions) {
    for (const temperature of plan.temperatures) {
      if (combinedGroups.has(groupStem(question.idx, temperature))) continue;
      for (let shard = 0; shard < shards; shard++) {
        const item = itemStem({ questionIdx: question.idx, temperature, shard });
        if (stems.has(item)) continue;
        await queue.put('gen', workItemFor(plan, question.idx, temperature, shard), { fsync: false });
        added++;
      }
    }
  }
  if (added) await queue.sync('gen');
  return added;
}
