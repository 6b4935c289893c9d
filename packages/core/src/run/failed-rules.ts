/**
 * The rules both transports apply to failed items: which ones the plan still needs, how a failure
 * reason reads, and what a retried item looks like (attempts 0, one history line for the retry).
 */
import { parseItemStem, groupStem } from '../naming.js';
import type { Plan } from '../schemas/plan.js';
import { shardCount } from './plan-file.js';
import { appendHistory, type WorkItem } from '../schemas/queue-files.js';

/** A test of "does the plan still need this item": in the plan, and its group not combined yet. */
export function neededByPlan(plan: Pick<Plan, 'n' | 'shard_size' | 'temperatures' | 'questions'>, combinedGroups: Set<string>): (stem: string) => boolean {
  const questions = new Set(plan.questions.map((q) => q.idx));
  const shards = shardCount(plan);
  return (stem) => {
    const id = parseItemStem(stem);
    if (!id || !questions.has(id.questionIdx) || !plan.temperatures.includes(id.temperature) || id.shard >= shards) return false;
    return !combinedGroups.has(groupStem(id.questionIdx, id.temperature));
  };
}

/** Code and message of a failure reason (a PasskError as JSON, or plain text), attempts appended. */
export function reasonText(reason: Record<string, unknown> | string): { code: string; message: string } {
  if (typeof reason === 'string') return { code: 'unknown', message: reason };
  const attempts = reason.attempts !== undefined ? ` (${reason.attempts} attempts)` : '';
  return { code: String(reason.code ?? 'unknown'), message: `${String(reason.message ?? reason.reason ?? '')}${attempts}` };
}

/** The item put back by --retry-failed: attempts 0, its history plus one line for the retry. */
export function retriedItem(value: WorkItem): WorkItem {
  const line = `${new Date().toISOString()} retried by passk run --retry-failed after ${value.attempts} attempts`;
  return { ...value, attempts: 0, history: appendHistory(value.history, line) };
}
