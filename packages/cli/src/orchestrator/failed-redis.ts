/**
 * Failed items of a run's plan on Redis (BullMQ's failed set of each stage): list them with their
 * reasons, and retry them (`passk run … --retry-failed`), with the same rules as on the filesystem
 * (failed.ts): an item that failed too many times and is a valid item of its stage goes back into
 * its own stage with attempts 0; bad content is generated again from the plan. Every job taken out
 * of a failed set is first kept, with its reason and data, in the run's `passk:<run>:retried` list.
 */
import {
  parseItemStem, groupStem, shardCount, isValid, workItemFor, makeIdentity, STAGE_SCHEMAS,
  type Plan, type Stage, type WorkItem, type Transport, type QueueBackend,
} from '@passk/core';

const STAGES: Stage[] = ['gen', 'eval', 'combine'];

export interface RedisFailedItem {
  stem: string;
  stage: Stage;
  code: string;
  message: string;
  /** The job data when it is a valid item of its stage with the right name. */
  valid?: WorkItem;
}

interface FailedJobsQueue extends QueueBackend {
  failedJobs(stage: Stage): Promise<Array<{ stem: string; reason: Record<string, unknown> | string; value: unknown }>>;
  removeFailed(stage: Stage, stem: string): Promise<boolean>;
}

function reasonOf(reason: Record<string, unknown> | string): { code: string; message: string } {
  if (typeof reason === 'string') return { code: 'unknown', message: reason };
  const attempts = reason.attempts !== undefined ? ` (${reason.attempts} attempts)` : '';
  return { code: String(reason.code ?? 'unknown'), message: `${String(reason.message ?? reason.reason ?? '')}${attempts}` };
}

/** Open a queue handle for the orchestrator's failed-set work; closed by the caller. */
export function failedJobsQueue(transport: Transport): FailedJobsQueue {
  return transport.queue(makeIdentity('retry-failed', 'orchestrator')) as FailedJobsQueue;
}

/** Failed jobs the plan still needs (in the plan, group not combined yet). */
export async function redisPlanFailedItems(queue: FailedJobsQueue, plan: Plan, combinedGroups: Set<string>): Promise<RedisFailedItem[]> {
  const questions = new Set(plan.questions.map((q) => q.idx));
  const shards = shardCount(plan);
  const items: RedisFailedItem[] = [];
  for (const stage of STAGES) {
    for (const job of await queue.failedJobs(stage)) {
      const id = parseItemStem(job.stem);
      if (!id || !questions.has(id.questionIdx) || !plan.temperatures.includes(id.temperature) || id.shard >= shards) continue;
      if (combinedGroups.has(groupStem(id.questionIdx, id.temperature))) continue;
      const value = job.value as WorkItem | undefined;
      const valid = isValid<WorkItem>(STAGE_SCHEMAS[stage], value) && value!.item === job.stem ? value : undefined;
      items.push({ stem: job.stem, stage, ...reasonOf(job.reason), ...(valid ? { valid } : {}) });
    }
  }
  return items;
}

export function describeRedisFailedItems(items: RedisFailedItem[], where: string): string[] {
  return items.flatMap((item) => [`  ${item.stem} (${item.stage}): ${item.code}: ${item.message}`, `    reason: BullMQ failed set of stage ${item.stage} on ${where}`]);
}

/** Put every failed item back to work; returns what went where. */
export async function redisRetryFailedItems(queue: FailedJobsQueue, plan: Plan, items: RedisFailedItem[]): Promise<{ requeued: string[]; regenerated: string[] }> {
  const result = { requeued: [] as string[], regenerated: [] as string[] };
  for (const item of items) {
    if (!(await queue.removeFailed(item.stage, item.stem))) continue; // retried meanwhile, or locked
    if (item.code === 'ERR_TOO_MANY_ATTEMPTS' && item.valid) {
      const history = [...(item.valid.history ?? []), `${new Date().toISOString()} retried by passk run --retry-failed after ${item.valid.attempts} attempts`].slice(-20);
      await queue.put(item.stage, { ...item.valid, attempts: 0, history });
      result.requeued.push(`${item.stem} → ${item.stage}`);
    } else {
      const id = parseItemStem(item.stem)!;
      await queue.put('gen', workItemFor(plan, id.questionIdx, id.temperature, id.shard));
      result.regenerated.push(item.stem);
    }
  }
  return result;
}
