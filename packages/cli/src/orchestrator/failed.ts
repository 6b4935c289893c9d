/**
 * Failed items of a run's plan (filesystem queue; Redis in failed-redis.ts): list them with their reasons, and retry them
 * (`passk run … --retry-failed`). An item of the plan in `failed/` is never seeded again by itself
 * (it would fail again for the same reason, forever); the run ends with exit 1 and names it. On
 * --retry-failed each one goes back to work and its files are kept in `failed/retried/` as history:
 *
 * - failed after too many attempts (ERR_TOO_MANY_ATTEMPTS, the content is a valid item of its
 *   stage): back into its own pending dir, attempts 0, history kept plus one line for the retry;
 * - quarantined (bad content: not JSON, a schema violation, not matching the plan): the content
 *   cannot be trusted, so the item is generated again from the plan (seeding puts a fresh work item
 *   into pending_gen/ once the bad file is out of failed/).
 */
import { readdir, rename, mkdir } from 'node:fs/promises';
import path from 'node:path';
import {
  parseItemStem, groupStem, shardCount, parseValid, writeViaTmp, jsonText, fsyncDir, errnoCode, STAGE_SCHEMAS,
  readRegularText, isPasskError, SMALL_FILE_MAX_BYTES, QUEUE_FILE_MAX_BYTES,
  type Plan, type RunLayout, type Stage, type WorkItem, type Transport, type Logger,
} from '@passk/core';
import { itemsInPipeline } from './plan.js';
import { failedJobsQueue, redisPlanFailedItems, redisRetryFailedItems, describeRedisFailedItems } from './failed-redis.js';

export interface FailedItem {
  stem: string;
  stage: Stage;
  /** failed/<stem>.<stage>.json */
  file: string;
  /** failed/<stem>.<stage>.reason.json (may be missing if a person removed it). */
  reasonFile: string;
  code: string;
  message: string;
}

const FAILED_RE = /^(q\d+_t\d+_\d+_s\d+)\.(gen|eval|combine)\.json$/;
/** Where retried items' files are kept. */
export const RETRIED_DIR = 'retried';

async function readReason(file: string): Promise<{ code: string; message: string }> {
  try {
    const reason = JSON.parse(await readRegularText(file, SMALL_FILE_MAX_BYTES)) as Record<string, unknown>;
    const message = String(reason.message ?? reason.reason ?? '');
    const attempts = reason.attempts !== undefined ? ` (${reason.attempts} attempts)` : '';
    return { code: String(reason.code ?? 'unknown'), message: `${message}${attempts}` };
  } catch (error) {
    // Never the parser's message: it quotes the file's bytes.
    const why = isPasskError(error) ? error.message : error instanceof SyntaxError ? 'not valid JSON' : (errnoCode(error) ?? 'error');
    return { code: 'unknown', message: errnoCode(error) === 'ENOENT' ? 'no reason file' : `unreadable reason file (${why})` };
  }
}

/**
 * Items in failed/ that the plan still needs (question, temperature and shard of the plan, group not
 * combined yet), and how many other files failed/ holds (outside the plan, or of groups already done).
 */
export async function planFailedItems(layout: RunLayout, plan: Plan, combinedGroups: Set<string>): Promise<{ items: FailedItem[]; others: number }> {
  const questions = new Set(plan.questions.map((q) => q.idx));
  const shards = shardCount(plan);
  const items: FailedItem[] = [];
  let others = 0;
  const names = (await readdir(layout.failedDir).catch(() => [] as string[])).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  for (const name of names) {
    const m = FAILED_RE.exec(name);
    if (!m) continue;
    const [, stem, stage] = m as unknown as [string, string, Stage];
    const id = parseItemStem(stem)!;
    const inPlan = questions.has(id.questionIdx) && plan.temperatures.includes(id.temperature) && id.shard < shards;
    if (!inPlan || combinedGroups.has(groupStem(id.questionIdx, id.temperature))) {
      others++;
      continue;
    }
    const reasonFile = path.join(layout.failedDir, `${stem}.${stage}.reason.json`);
    items.push({ stem, stage, file: path.join(layout.failedDir, name), reasonFile, ...(await readReason(reasonFile)) });
  }
  return { items, others };
}

/** Lines naming each failed item, its reason and its reason file. */
export function describeFailedItems(items: FailedItem[]): string[] {
  return items.flatMap((item) => [`  ${item.stem} (${item.stage}): ${item.code}: ${item.message}`, `    reason: ${item.reasonFile}`]);
}

export interface RetryResult {
  /** Put back into their own pending dir (attempts reset). */
  requeued: Array<{ stem: string; stage: Stage }>;
  /** Left for seeding to generate again from the plan. */
  regenerated: string[];
  /** Where their files went. */
  historyDir: string;
}

/**
 * Put every failed item of the plan back to work (see the module comment). `inPipeline` are the
 * stems present elsewhere in the pipeline (pending, claimed, staged): such an item is not put back
 * twice, only its failed files are moved to the history. Crash-safe in this order: the item is
 * handed to its stage first, then the reason file and the item file move to failed/retried/.
 */
export async function retryFailedItems(layout: RunLayout, items: FailedItem[], inPipeline: Set<string>): Promise<RetryResult> {
  const historyDir = path.join(layout.failedDir, RETRIED_DIR);
  const result: RetryResult = { requeued: [], regenerated: [], historyDir };
  if (!items.length) return result;
  await mkdir(historyDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  for (const item of items) {
    if (!inPipeline.has(item.stem)) {
      const back = item.code === 'ERR_TOO_MANY_ATTEMPTS' ? await readValid(item) : undefined;
      if (back) {
        const history = [...(back.history ?? []), `${new Date().toISOString()} retried by passk run --retry-failed after ${back.attempts} attempts`].slice(-20);
        await writeViaTmp(layout.tmpDir, layout.pending(item.stage), `${item.stem}.json`, jsonText({ ...back, attempts: 0, history }));
        result.requeued.push({ stem: item.stem, stage: item.stage });
      } else {
        result.regenerated.push(item.stem);
      }
    }
    const base = `${item.stem}.${item.stage}.${stamp}`;
    await rename(item.reasonFile, path.join(historyDir, `${base}.reason.json`)).catch((error) => {
      if (errnoCode(error) !== 'ENOENT') throw error;
    });
    await rename(item.file, path.join(historyDir, `${base}.json`));
  }
  await fsyncDir(historyDir);
  await fsyncDir(layout.failedDir);
  return result;
}

/** The failed file's content, when it is a valid item of its stage with the right name. */
async function readValid(item: FailedItem): Promise<WorkItem | undefined> {
  try {
    const value = parseValid<WorkItem>(STAGE_SCHEMAS[item.stage], await readRegularText(item.file, QUEUE_FILE_MAX_BYTES), { file: item.file });
    return value.item === item.stem ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The command that retries: this one, plus --retry-failed. */
export function retryCommand(args: string[], quote: (word: string) => string): string {
  const rest = args.filter((a) => a !== '--retry-failed' && a !== '--retry-failed=true');
  return ['passk', ...rest.map(quote), '--retry-failed'].join(' ');
}

export interface FailedContext {
  transport: Transport;
  layout: RunLayout;
  plan: Plan;
  logger: Logger;
  say: (line: string) => void;
  /** This command's arguments (for the retry hint). */
  args: string[];
  quote: (word: string) => string;
}

/**
 * Before seeding: with --retry-failed put the plan's failed items back to work; without it, say
 * which ones are in failed/ and will stay there.
 */
export async function failedAtStart(ctx: FailedContext, retry: boolean): Promise<void> {
  const { transport, layout, plan, logger, say } = ctx;
  if (transport.kind !== 'fs') return redisFailedAtStart(ctx, retry);
  const { items } = await planFailedItems(layout, plan, await transport.store.combinedGroups());
  if (!items.length) {
    if (retry) say('passk: --retry-failed: no item of the plan is in failed/');
    return;
  }
  if (!retry) {
    say(`passk: ${items.length} item(s) of the plan are in ${layout.failedDir} and are not retried; the run cannot finish without them (add --retry-failed to retry):`);
    for (const line of describeFailedItems(items)) say(line);
    return;
  }
  const r = await retryFailedItems(layout, items, (await itemsInPipeline(layout, { includeFailed: false })).stems);
  logger.info({ requeued: r.requeued, regenerated: r.regenerated, history: r.historyDir }, 'retrying failed items');
  const stages = r.requeued.map((x) => `${x.stem} → pending_${x.stage}`);
  say(
    `passk: --retry-failed: ${items.length} failed item(s) of the plan back to work` +
      `${stages.length ? `; attempts reset: ${stages.join(', ')}` : ''}` +
      `${r.regenerated.length ? `; generated again (their content was bad): ${r.regenerated.join(', ')}` : ''}` +
      `. Their failed and reason files are kept in ${r.historyDir}`,
  );
}

/** When only failed items are left: name them and their reasons, and say how to retry. */
export async function failedAtEnd(ctx: FailedContext, failedCount: number): Promise<void> {
  const { transport, layout, plan, logger, say } = ctx;
  const hint = retryCommand(ctx.args, ctx.quote);
  if (transport.kind !== 'fs') {
    const queue = failedJobsQueue(transport);
    try {
      const items = await redisPlanFailedItems(queue, plan, await transport.store.combinedGroups());
      logger.info({ failed: items.map((i) => ({ item: i.stem, stage: i.stage, code: i.code })) }, 'only failed items left');
      say(`passk: nothing is left to do but ${Math.max(items.length, failedCount)} failed item(s); the run cannot finish without them:`);
      for (const line of describeRedisFailedItems(items, transport.where)) say(line);
      say('passk: fix the cause if there is one, then retry them (each is kept in the run\'s `retried` list in Redis):');
      say(`  ${hint}`);
    } finally {
      await queue.close();
    }
    return;
  }
  const { items, others } = await planFailedItems(layout, plan, await transport.store.combinedGroups());
  logger.info({ failed: items.map((i) => ({ item: i.stem, stage: i.stage, code: i.code, reason: i.reasonFile })) }, 'only failed items left');
  say(`passk: nothing is left to do but ${items.length} failed item(s) of the plan; the run cannot finish without them:`);
  for (const line of describeFailedItems(items)) say(line);
  if (others) say(`passk: (${others} other file(s) in ${layout.failedDir} are not needed by the plan and are left alone)`);
  say(`passk: fix the cause if there is one, then retry them (their files are kept in ${path.join(layout.failedDir, RETRIED_DIR)}):`);
  say(`  ${hint}`);
}

async function redisFailedAtStart(ctx: FailedContext, retry: boolean): Promise<void> {
  const { transport, plan, logger, say } = ctx;
  const queue = failedJobsQueue(transport);
  try {
    const items = await redisPlanFailedItems(queue, plan, await transport.store.combinedGroups());
    if (!items.length) {
      if (retry) say('passk: --retry-failed: no item of the plan is in a failed set');
      return;
    }
    if (!retry) {
      say(`passk: ${items.length} item(s) of the plan are in BullMQ's failed sets and are not retried; the run cannot finish without them (add --retry-failed to retry):`);
      for (const line of describeRedisFailedItems(items, transport.where)) say(line);
      return;
    }
    const r = await redisRetryFailedItems(queue, plan, items);
    logger.info(r, 'retrying failed items');
    say(
      `passk: --retry-failed: ${r.requeued.length + r.regenerated.length} failed item(s) of the plan back to work` +
        `${r.requeued.length ? `; attempts reset: ${r.requeued.join(', ')}` : ''}` +
        `${r.regenerated.length ? `; generated again (their content was bad): ${r.regenerated.join(', ')}` : ''}` +
        ". Each failed job is kept in the run's `retried` list in Redis",
    );
  } finally {
    await queue.close();
  }
}
