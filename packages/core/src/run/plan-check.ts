/**
 * Does a queue item belong to the run's plan? Every stage checks what it claims before working on
 * it: the stem must match the content, and question, temperature, shard, first sample, count and
 * seed base must be exactly what the plan gives that shard (workItemFor). An item that disagrees
 * (say `count: 3000` where the plan says 100) would otherwise be generated, graded and combined into
 * a summary with the wrong n; it is quarantined instead (ERR_PLAN_MISMATCH, the field named).
 */
import { PasskError } from '../errors.js';
import { itemStem } from '../naming.js';
import type { Plan } from '../schemas/plan.js';
import type { WorkItem } from '../schemas/queue-files.js';
import { shardCount, workItemFor } from './plan-file.js';

type PlanShape = Pick<Plan, 'n' | 'shard_size' | 'seed' | 'temperatures' | 'questions'>;

function mismatch(file: string, field: string, message: string): PasskError {
  return new PasskError('ERR_PLAN_MISMATCH', `${message} (the item does not fit the run's plan)`, { file, field });
}

/** Throw ERR_PLAN_MISMATCH naming the first field of `item` that disagrees with the plan. */
export function checkItemAgainstPlan(plan: PlanShape, item: WorkItem, file: string): void {
  if (!plan.questions.some((q) => q.idx === item.question_idx)) throw mismatch(file, 'question_idx', `question ${item.question_idx} is not in the plan`);
  if (!plan.temperatures.includes(item.temperature)) throw mismatch(file, 'temperature', `temperature ${item.temperature} is not in the plan`);
  const shards = shardCount(plan);
  if (item.shard >= shards) throw mismatch(file, 'shard', `shard ${item.shard} is beyond the plan's ${shards}`);
  const expected = workItemFor(plan, item.question_idx, item.temperature, item.shard);
  if (item.item !== itemStem({ questionIdx: item.question_idx, temperature: item.temperature, shard: item.shard })) {
    throw mismatch(file, 'item', `item \`${item.item}\` does not match its question, temperature and shard`);
  }
  if (item.first_sample !== expected.first_sample) throw mismatch(file, 'first_sample', `first_sample ${item.first_sample}, the plan says ${expected.first_sample}`);
  if (item.count !== expected.count) throw mismatch(file, 'count', `count ${item.count}, the plan says ${expected.count}`);
  if (item.seed_base !== expected.seed_base) throw mismatch(file, 'seed_base', `seed_base ${item.seed_base}, the plan says ${expected.seed_base}`);
  const samples = (item as { samples?: unknown[] }).samples;
  if (samples !== undefined && samples.length !== item.count) throw mismatch(file, 'samples', `${samples.length} samples for count ${item.count}`);
}
