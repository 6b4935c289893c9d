/**
 * The plan of a regrade: the source run's plan (same questions, n, temperatures, seed, shard size,
 * backend, model, extraction rule), another run name, the regrade's grading mode, and
 * `regraded_from` naming the source, its grading mode and grader version. Its problems are the
 * source's own stored copies (the tests the source was graded against). Running the same regrade
 * again resumes it; another mode or another source into the same run is refused (ERR_PLAN_MISMATCH).
 */
import path from 'node:path';
import {
  PasskError, ProblemStore, ensureLayout, planDifferences, planGrading, readPlan, storeProblem,
  type Plan, type PlanDifference, type Provenance, type RegradedFrom, type RunLayout, type Transport,
} from '@passk/core';

export type GradingMode = 'lcb' | 'judge' | 'human-eval';

/** The source run's plan; ERR_NO_PLAN naming what was looked for when the run does not exist. */
export async function readSourcePlan(source: RunLayout): Promise<Plan> {
  const plan = await readPlan(source);
  if (!plan) {
    throw new PasskError('ERR_NO_PLAN', `run \`${source.run}\` does not exist: no ${source.planFile} (queue dir ${source.queueDir}); name a run \`passk run\` started, or give its --results-dir`, {
      file: source.planFile,
    });
  }
  return plan;
}

/** The grader version the source recorded at plan time (its provenance), or null (a plan from before provenance). */
export function sourceGraderVersion(plan: Plan): string | null {
  return plan.provenance?.grader_version ?? null;
}

/** NEW's plan from the source's: another name, the regrade's mode and provenance (this passk, this grader), `regraded_from`. */
export function regradePlan(source: Plan, run: string, grading: GradingMode, from: RegradedFrom, provenance: Provenance): Plan {
  const { regraded_from: _previous, ...rest } = source;
  return { ...rest, run, created_at: new Date().toISOString(), grading, strict_extraction: source.strict_extraction ?? false, provenance, regraded_from: from };
}

/**
 * Write NEW's plan and problems, or check that an existing plan is the same regrade (same source,
 * same mode, same identity fields). Problems are copied one at a time (memory stays flat).
 */
export async function createOrResumeRegrade(transport: Transport, layout: RunLayout, source: RunLayout, plan: Plan): Promise<{ plan: Plan; resumed: boolean }> {
  await ensureLayout(layout);
  const existing = await transport.store.readPlan();
  if (existing) {
    const diffs = planDifferences(existing, plan).map((f) => `${f}: was ${show(existing, f)}, now ${show(plan, f)}`);
    const was = existing.regraded_from;
    if (!was) diffs.unshift(`regraded_from: run \`${layout.run}\` is not a regrade (it was planned by \`passk run\`)`);
    else if (was.run !== plan.regraded_from!.run || path.resolve(was.results_dir) !== path.resolve(plan.regraded_from!.results_dir)) {
      diffs.unshift(`regraded_from: was ${was.run} (${was.results_dir}), now ${plan.regraded_from!.run} (${plan.regraded_from!.results_dir})`);
    }
    if (diffs.length) {
      throw new PasskError('ERR_PLAN_MISMATCH', `run \`${layout.run}\` exists with a different plan (${diffs.join('; ')}). Use another --out-run, or the same options to resume.`, { file: layout.planFile });
    }
    return { plan: existing, resumed: true };
  }
  const problems = new ProblemStore(source, 1);
  for (const question of plan.questions) await storeProblem(layout, question.idx, await problems.get(question.idx));
  await transport.store.savePlan(plan, []);
  return { plan, resumed: false };
}

function show(plan: Plan, field: PlanDifference): string {
  if (field === 'grading') return JSON.stringify(planGrading(plan));
  return JSON.stringify(plan[field] ?? '…');
}
