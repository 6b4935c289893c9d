/** The failed set of one BullMQ stage queue: list it (people, tests, `passk run`), and take jobs out of it (--retry-failed). */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Stage } from '../../queue/layout.js';
import { retrying, type RetryPolicy } from './conn.js';

export interface FailedJob {
  stem: string;
  /** The failure reason (a PasskError as JSON), or its raw text when it is not JSON. */
  reason: Record<string, unknown> | string;
  /** The job data, parsed; the raw text when it is not JSON. */
  value: unknown;
}

export interface FailedJobsContext {
  conn: Redis;
  policy: RetryPolicy;
  stage: Stage;
  queue: Queue;
  /** BullMQ key prefix of the stage queue: `<p>:<run>:<stage>`. */
  prefix: string;
  /** LIST where removed failed jobs are kept as history. */
  retriedKey: string;
}

function parse(text: string | null): unknown {
  try {
    return text === null ? undefined : JSON.parse(text);
  } catch {
    return text;
  }
}

/** Every failed job of the stage, read raw (a job whose data is not JSON is listed too). */
export function listFailedJobs(ctx: FailedJobsContext): Promise<FailedJob[]> {
  return retrying(ctx.policy, `list failed ${ctx.stage}`, async () => {
    const ids = await ctx.conn.zrange(`${ctx.prefix}:failed`, 0, -1);
    const out: FailedJob[] = [];
    for (const id of ids) {
      const [data, failedReason] = await ctx.conn.hmget(`${ctx.prefix}:${id}`, 'data', 'failedReason');
      const reason = parse(failedReason);
      out.push({ stem: id, reason: typeof reason === 'object' && reason !== null ? (reason as Record<string, unknown>) : String(failedReason), value: parse(data) });
    }
    return out;
  });
}

/**
 * Take a failed job out of the failed set, first keeping it ({at, stage, stem, reason, data}) in the
 * run's `retried` list as history, so nothing is lost. Returns false when the job is no longer
 * failed, or BullMQ refused to remove it (locked).
 */
export async function removeFailedJob(ctx: FailedJobsContext, stem: string): Promise<boolean> {
  const score = await retrying(ctx.policy, `check failed ${stem}`, () => ctx.conn.zscore(`${ctx.prefix}:failed`, stem));
  if (score === null) return false;
  const [data, failedReason] = await retrying(ctx.policy, `read failed ${stem}`, () => ctx.conn.hmget(`${ctx.prefix}:${stem}`, 'data', 'failedReason'));
  const entry = JSON.stringify({ at: new Date().toISOString(), stage: ctx.stage, stem, reason: failedReason, data });
  await retrying(ctx.policy, `keep ${stem} as history`, () => ctx.conn.rpush(ctx.retriedKey, entry));
  return (await retrying(ctx.policy, `remove failed ${stem}`, () => ctx.queue.remove(stem))) === 1;
}
