/** Helpers of the BullMQ queue backend: job-level scripts, error classification, attempts. */
import { Worker, type Job, type JobJson } from 'bullmq';
import { isPasskError } from '../../errors.js';
import { appendHistory, type WorkItem } from '../../schemas/queue-files.js';

/** Field of the job hash holding how many of BullMQ's stalls (`stc`) are already in `attempts`. */
export const STALLS_COUNTED = 'passk_stc';
/** Invalid jobs skipped (moved to failed) in one claim() before it returns undefined. */
export const MAX_REJECTS_PER_CLAIM = 50;

/** Write the job data (and the stalls counted) only while `token` holds the job's lock. */
export const SET_DATA = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
redis.call('HSET', KEYS[2], 'data', ARGV[2])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[2], '${STALLS_COUNTED}', ARGV[3]) end
return 1`;

/** BullMQ's "finished" errors (missing job, missing lock, wrong state, lock mismatch) carry a negative code. */
export function finishedCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' && code < 0 ? code : undefined;
}

export function reasonJson(error: unknown): Record<string, unknown> {
  return isPasskError(error) ? error.toJSON() : { code: 'ERR_SCHEMA_INVALID', message: String((error as Error)?.message ?? error) };
}

/** A Worker that turns a job whose data is not JSON into a flagged job instead of throwing inside getNextJob. */
export class PasskWorker extends Worker<WorkItem, null, string> {
  readonly malformed = new WeakMap<object, Error>();

  protected override createJob(data: JobJson, jobId: string): Job<WorkItem, null, string> {
    try {
      return super.createJob(data, jobId);
    } catch (error) {
      const job = super.createJob({ ...data, data: '{}' }, jobId);
      this.malformed.set(job, error as Error);
      return job;
    }
  }
}

/** attempts + n, with n lines of history (bounded). */
export function bump<T extends WorkItem>(value: T, n: number, reason: string): T {
  const at = new Date().toISOString();
  const lines = Array.from({ length: n }, () => `${at} ${reason}`);
  const history = appendHistory(value.history, ...lines);
  return { ...value, attempts: value.attempts + n, history };
}
