/**
 * Failed items on the filesystem: failed/<stem>.<stage>.json beside its reason file
 * failed/<stem>.<stage>.reason.json. Listed with their reasons, and retried (`passk run
 * --retry-failed`): an item that failed too many times and is a valid item of its stage goes back into
 * its own pending dir with attempts 0; bad content is generated again from the plan (seeding puts a
 * fresh work item into pending_gen/ once the bad file is out of failed/). Their files are kept in
 * failed/retried/ as history. A reason file is read bounded and never quoted (FIFOs, symlinks).
 */
import { readdir, rename, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode, isPasskError } from '../../errors.js';
import { parseValid } from '../../validate.js';
import type { RunLayout } from '../../queue/layout.js';
import { STAGE_SCHEMAS } from '../../schemas/queue-files.js';
import { writeViaTmp, jsonText, fsyncDir } from '../../queue/durable.js';
import { readRegularText, SMALL_FILE_MAX_BYTES, QUEUE_FILE_MAX_BYTES } from '../../queue/safe-read.js';
import { neededByPlan, reasonText, retriedItem } from '../../run/failed-rules.js';
import type { WorkItem } from '../../schemas/queue-files.js';
import type { Plan } from '../../schemas/plan.js';
import type { Stage } from '../../queue/layout.js';
import type { FailedItem, FailedItems, FailedRetry } from '../types.js';
import { itemsInPipeline } from './inventory.js';
import { parseFailedFileName, failedFileName, failedReasonFileName, retriedFileNames } from '../../queue/failed-names.js';

/** Where retried items' files are kept, inside failed/. */
export const RETRIED_DIR = 'retried';

async function readReason(file: string): Promise<{ code: string; message: string }> {
  try {
    return reasonText(JSON.parse(await readRegularText(file, SMALL_FILE_MAX_BYTES)) as Record<string, unknown>);
  } catch (error) {
    // Never the parser's message: it quotes the file's bytes.
    const why = isPasskError(error) ? error.message : error instanceof SyntaxError ? 'not valid JSON' : (errnoCode(error) ?? 'error');
    return { code: 'unknown', message: errnoCode(error) === 'ENOENT' ? 'no reason file' : `unreadable reason file (${why})` };
  }
}

/** The failed file's content, when it is a valid item of its stage with the right name. */
async function readValid(file: string, stem: string, stage: Stage): Promise<WorkItem | undefined> {
  try {
    const value = parseValid<WorkItem>(STAGE_SCHEMAS[stage], await readRegularText(file, QUEUE_FILE_MAX_BYTES), { file });
    return value.item === stem ? value : undefined;
  } catch {
    return undefined;
  }
}

export class FsFailedItems implements FailedItems {
  constructor(private readonly layout: RunLayout) {}

  get where(): string {
    return this.layout.failedDir;
  }

  get historyWhere(): string {
    return path.join(this.layout.failedDir, RETRIED_DIR);
  }

  async list(plan: Plan, combinedGroups: Set<string>): Promise<{ items: FailedItem[]; others: number }> {
    const needed = neededByPlan(plan, combinedGroups);
    const items: FailedItem[] = [];
    let others = 0;
    const names = (await readdir(this.layout.failedDir).catch(() => [] as string[])).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    for (const name of names) {
      const parsed = parseFailedFileName(name);
      if (!parsed) continue;
      const { stem, stage } = parsed;
      if (!needed(stem)) {
        others++;
        continue;
      }
      const reasonAt = path.join(this.layout.failedDir, failedReasonFileName(stem, stage));
      items.push({ stem, stage, reasonAt, ...(await readReason(reasonAt)) });
    }
    return { items, others };
  }

  /**
   * An item present elsewhere in the pipeline (pending, claimed, staged) is not put back twice, only
   * its failed files are moved to the history. Crash-safe in this order: the item is handed to its
   * stage first, then the reason file and the item file move to failed/retried/.
   */
  async retry(_plan: Plan, items: FailedItem[]): Promise<FailedRetry> {
    const { layout } = this;
    const result: FailedRetry = { requeued: [], regenerated: [] };
    if (!items.length) return result;
    const inPipeline = (await itemsInPipeline(layout, { includeFailed: false })).stems;
    const historyDir = this.historyWhere;
    await mkdir(historyDir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    for (const item of items) {
      const file = path.join(layout.failedDir, failedFileName(item.stem, item.stage));
      if (!inPipeline.has(item.stem)) {
        const back = item.code === 'ERR_TOO_MANY_ATTEMPTS' ? await readValid(file, item.stem, item.stage) : undefined;
        if (back) {
          await writeViaTmp(layout.tmpDir, layout.pending(item.stage), `${item.stem}.json`, jsonText(retriedItem(back)));
          result.requeued.push({ stem: item.stem, stage: item.stage, to: `pending_${item.stage}` });
        } else {
          result.regenerated.push(item.stem);
        }
      }
      const kept = retriedFileNames(item.stem, item.stage, stamp);
      await rename(item.reasonAt, path.join(historyDir, kept.reason)).catch((error) => {
        if (errnoCode(error) !== 'ENOENT') throw error;
      });
      await rename(file, path.join(historyDir, kept.file));
    }
    await fsyncDir(historyDir);
    await fsyncDir(layout.failedDir);
    return result;
  }
}
