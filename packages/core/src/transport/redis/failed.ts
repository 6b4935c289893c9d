/**
 * Failed items on Redis (BullMQ's failed set of each stage): listed with their reasons, and retried
 * (`passk run … --retry-failed`) with the rules of the filesystem (failed-rules.ts): an item that
 * failed too many times and is a valid item of its stage goes back into its own stage with attempts
 * 0; bad content is generated again from the plan. Every job taken out of a failed set is first
 * kept, with its reason and data, in the run's `passk:<run>:retried` list.
 */
import { isValid } from '../../validate.js';
import { parseItemStem } from '../../naming.js';
import { makeIdentity } from '../../queue/identity.js';
import { STAGES } from '../../queue/layout.js';
import { STAGE_SCHEMAS } from '../../schemas/queue-files.js';
import { workItemFor } from '../../run/plan-file.js';
import { neededByPlan, reasonText, retriedItem } from '../../run/failed-rules.js';
import type { WorkItem } from '../../schemas/queue-files.js';
import type { Plan } from '../../schemas/plan.js';
import type { FailedItem, FailedItems, FailedRetry } from '../types.js';
import type { RedisQueue } from './queue.js';

export class RedisFailedItems implements FailedItems {
  readonly where = "BullMQ's failed sets";
  readonly historyWhere = "the run's `retried` list in Redis";

  /** `openQueue` hands out a queue handle for one call; closed after it. */
  constructor(
    private readonly openQueue: () => RedisQueue,
    private readonly url: string,
  ) {}

  private async withQueue<T>(work: (queue: RedisQueue) => Promise<T>): Promise<T> {
    const queue = this.openQueue();
    try {
      return await work(queue);
    } finally {
      await queue.close();
    }
  }

  list(plan: Plan, combinedGroups: Set<string>): Promise<{ items: FailedItem[]; others: number }> {
    const needed = neededByPlan(plan, combinedGroups);
    return this.withQueue(async (queue) => {
      const items: FailedItem[] = [];
      let others = 0;
      for (const stage of STAGES) {
        for (const job of await queue.failedJobs(stage)) {
          if (!needed(job.stem)) others++;
          else items.push({ stem: job.stem, stage, reasonAt: `BullMQ failed set of stage ${stage} on ${this.url}`, ...reasonText(job.reason) });
        }
      }
      return { items, others };
    });
  }

  /** A job no longer failed (retried meanwhile) or locked is skipped. */
  retry(plan: Plan, items: FailedItem[]): Promise<FailedRetry> {
    return this.withQueue(async (queue) => {
      const result: FailedRetry = { requeued: [], regenerated: [] };
      const failed = new Map<string, unknown>();
      for (const stage of new Set(items.map((i) => i.stage))) for (const job of await queue.failedJobs(stage)) failed.set(`${job.stem}.${stage}`, job.value);
      for (const item of items) {
        const value = failed.get(`${item.stem}.${item.stage}`) as WorkItem | undefined;
        const valid = isValid<WorkItem>(STAGE_SCHEMAS[item.stage], value) && value!.item === item.stem ? value : undefined;
        if (!(await queue.removeFailed(item.stage, item.stem))) continue;
        if (item.code === 'ERR_TOO_MANY_ATTEMPTS' && valid) {
          await queue.put(item.stage, retriedItem(valid));
          result.requeued.push({ stem: item.stem, stage: item.stage, to: item.stage });
        } else {
          const id = parseItemStem(item.stem)!;
          await queue.put('gen', workItemFor(plan, id.questionIdx, id.temperature, id.shard));
          result.regenerated.push(item.stem);
        }
      }
      return result;
    });
  }
}

/** The identity of the queue handle failed-set work uses. */
export const failedQueueIdentity = () => makeIdentity('retry-failed', 'orchestrator');
