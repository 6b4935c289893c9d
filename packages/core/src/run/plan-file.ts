/** Reading and comparing plan.json. */
import { gradingOf, type GradingMode } from '../provenance.js';
import { readRegularText } from '../queue/safe-read.js';
import { parseValid } from '../validate.js';
import { planSchema, PLAN_IDENTITY_FIELDS, type Plan } from '../schemas/plan.js';
import { errnoCode } from '../errors.js';
import type { RunLayout } from '../queue/layout.js';
import type { WorkItem } from '../schemas/queue-files.js';
import { itemStem } from '../naming.js';

/** Cap on plan.json (a plan lists its questions: a few hundred bytes each). */
export const PLAN_MAX_BYTES = 64 * 1024 * 1024;

export async function readPlan(layout: RunLayout): Promise<Plan | undefined> {
  let text: string;
  try {
    text = await readRegularText(layout.planFile, PLAN_MAX_BYTES);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  return parseValid<Plan>(planSchema, text, { file: layout.planFile });
}

/** Names of the identity fields on which two plans differ (empty: the second resumes the first). */
/** The plan's grading mode; a plan written before the modes existed was graded as `judge` is now. */
/** The plan's grading mode; older plans (no `grading`) read as `judge`, what passk did before the modes. */
export function planGrading(p: Pick<Plan, 'grading'>): GradingMode {
  return gradingOf(p);
}

/** A plan field two plans can differ in (planDifferences). */
export type PlanDifference = (typeof PLAN_IDENTITY_FIELDS)[number] | 'questions';

export function planDifferences(a: Plan, b: Plan): PlanDifference[] {
  // Fields added later read as their default in older plans.
  const value = (p: Plan, field: (typeof PLAN_IDENTITY_FIELDS)[number]) =>
    field === 'strict_extraction' ? (p.strict_extraction ?? false) : field === 'grading' ? planGrading(p) : p[field];
  const diffs: PlanDifference[] = PLAN_IDENTITY_FIELDS.filter((field) => JSON.stringify(value(a, field)) !== JSON.stringify(value(b, field)));
  const ids = (p: Plan) => JSON.stringify(p.questions.map((q) => [q.idx, q.id]));
  if (ids(a) !== ids(b)) diffs.push('questions');
  return diffs;
}

/** The generation work item of one shard of the plan (what seeding and re-seeding put into `gen`). */
export function workItemFor(plan: Pick<Plan, 'n' | 'shard_size' | 'seed'>, questionIdx: number, temperature: number, shard: number): WorkItem {
  const first = shard * plan.shard_size;
  return {
    version: 1,
    item: itemStem({ questionIdx, temperature, shard }),
    question_idx: questionIdx,
    temperature,
    shard,
    first_sample: first,
    count: Math.min(plan.shard_size, plan.n - first),
    seed_base: plan.seed,
    attempts: 0,
  };
}

/** Number of shards of one (question, temperature). */
export function shardCount(plan: Pick<Plan, 'n' | 'shard_size'>): number {
  return Math.ceil(plan.n / plan.shard_size);
}
