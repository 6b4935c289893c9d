/**
 * The combiner daemon (`passk combiner`), one per run (proper-lockfile singleton). It moves each
 * evaluated shard from pending_combine/ into staged/<q>_<t>/ (a rename: a second copy of the same
 * item replaces the first, so a reclaimed item finished twice counts once), and when all shards of
 * a (question, temperature) are staged it streams them into q{idx}/t{M}_{m}_combined.json, records
 * the row, writes q{idx}/summary.json once every temperature is in, and keeps run_summary.json
 * current. All state is on disk: a SIGKILLed combiner restarts where it stopped.
 */
import { readdir, readFile, rename, mkdir, rm, access, unlink } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import {
  WorkerRuntime, readPlan, parseValid, evaluatedShardSchema, parseItemStem, groupStem, combinedFileName, questionResultsDir,
  shardCount, setControl, fsyncDir, PasskError, isPasskError,
  type EvaluatedShard, type Plan, type RunLayout, type PlanQuestion,
} from '@passk/core';
import { writeCombined, rowFromCombined } from './combined-writer.js';
import { readQuestionState, writeQuestionState, writeSummary, summaryFile, buildRunSummary, writeRunSummary } from './summaries.js';

export interface CombinerDaemonOptions {
  layout: RunLayout;
  parentPid?: number;
  /** Poll interval when pending_combine/ is empty, ms. @default 300 */
  pollMs?: number;
  /** fsync at every write. @default true */
  fsync?: boolean;
  /** Lock staleness for the singleton lock, ms (proper-lockfile clamps to ≥ 2000). @default 4000 */
  lockStaleMs?: number;
}

const exists = (file: string) => access(file).then(() => true, () => false);

export async function runCombiner(options: CombinerDaemonOptions): Promise<number> {
  const runtime = await WorkerRuntime.start({ layout: options.layout, role: 'combiner', name: 'combiner', parentPid: options.parentPid, stopOn: ['stop-all'] });
  const { logger, layout, queue } = runtime;
  const fsync = options.fsync ?? true;
  let release: (() => Promise<void>) | undefined;
  try {
    const stale = options.lockStaleMs ?? 4000;
    for (;;) {
      try {
        release = await lockfile.lock(layout.queueDir, {
          lockfilePath: path.join(layout.queueDir, 'combiner.lock'),
          realpath: false,
          stale,
          update: Math.max(1000, Math.floor(stale / 4)),
          onCompromised: (error) => {
            logger.error({ err: error }, 'combiner lock compromised; stopping');
            runtime.stop('lock compromised');
          },
        });
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== 'ELOCKED') throw error;
        if (runtime.stopping) return 0;
        logger.info('another combiner holds the lock; waiting');
        await runtime.sleep(1000, 0);
        if (runtime.stopping) return 0;
      }
    }
    const plan = await readPlan(layout);
    if (!plan) throw new PasskError('ERR_BAD_OPTION', `no plan.json in ${layout.resultsDir}`);
    const combiner = new Combiner(layout, plan, fsync, runtime);
    await combiner.recover();
    const pollMs = options.pollMs ?? 300;
    while (!runtime.stopping) {
      const moved = await combiner.pass();
      if (moved > 0) await combiner.updateRunSummary();
      if (await combiner.finished()) {
        await combiner.updateRunSummary();
        await setControl(layout.controlDir, 'complete', 'every summary is written');
        logger.info('run complete: every summary is written');
        break;
      }
      runtime.progress({ state: moved ? 'working' : 'idle' });
      if (!moved) await runtime.sleep(pollMs);
    }
    return 0;
  } catch (error) {
    logger.fatal({ err: error }, 'combiner failed');
    return 1;
  } finally {
    await release?.().catch(() => {});
    void queue;
    await runtime.close();
  }
}

class Combiner {
  private readonly questions = new Map<number, PlanQuestion>();
  private readonly shardsPerGroup: number;
  private startedAt: string;

  constructor(
    private readonly layout: RunLayout,
    private readonly plan: Plan,
    private readonly fsync: boolean,
    private readonly runtime: WorkerRuntime,
  ) {
    for (const q of plan.questions) this.questions.set(q.idx, q);
    this.shardsPerGroup = shardCount(plan);
    this.startedAt = plan.created_at;
  }

  /** Finish what a killed combiner left half done. */
  async recover(): Promise<void> {
    try {
      this.startedAt = (JSON.parse(await readFile(this.layout.runSummaryFile, 'utf8')) as { started_at: string }).started_at;
    } catch {
      // first start
    }
    for (const question of this.plan.questions) {
      const state = await readQuestionState(this.layout, question.idx);
      let changed = false;
      for (const t of this.plan.temperatures) {
        const target = path.join(questionResultsDir(this.layout, question.idx), combinedFileName(t));
        if (!state[String(t)] && (await exists(target))) {
          state[String(t)] = await rowFromCombined(target);
          changed = true;
        }
      }
      if (changed) await writeQuestionState(this.layout, question.idx, state, this.fsync);
      if (this.plan.temperatures.every((t) => state[String(t)]) && !(await exists(summaryFile(this.layout, question.idx)))) {
        await writeSummary(this.layout, this.plan, question, state, this.fsync);
      }
    }
    for (const group of await readdir(this.layout.stagedDir)) await this.maybeCombine(group);
    await this.updateRunSummary();
  }

  /** One pass over pending_combine/; returns how many files it consumed. */
  async pass(): Promise<number> {
    const names = await this.runtime.queue.listPending('combine');
    let moved = 0;
    for (const name of names) {
      if (this.runtime.stopping) break;
      if (await this.stage(name)) moved++;
    }
    return moved;
  }

  private async stage(name: string): Promise<boolean> {
    const file = path.join(this.layout.pending('combine'), name);
    const stem = name.slice(0, -'.json'.length);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return false;
    }
    try {
      const shard = parseValid<EvaluatedShard>(evaluatedShardSchema, text, { file });
      this.checkAgainstPlan(shard, file);
    } catch (error) {
      if (!isPasskError(error)) throw error;
      await this.runtime.queue.quarantine(file, `${stem}.combine.json`, error);
      return true;
    }
    const id = parseItemStem(stem)!;
    const group = groupStem(id.questionIdx, id.temperature);
    const state = await readQuestionState(this.layout, id.questionIdx);
    if (state[String(id.temperature)]) {
      await unlink(file).catch(() => {});
      this.runtime.logger.warn({ item: stem }, 'duplicate of an item whose group is already combined; counted once, dropped');
      return true;
    }
    const groupDir = path.join(this.layout.stagedDir, group);
    await mkdir(groupDir, { recursive: true });
    await rename(file, path.join(groupDir, name));
    if (this.fsync) await fsyncDir(groupDir);
    this.runtime.progress({ items: 1 });
    await this.maybeCombine(group);
    return true;
  }

  private checkAgainstPlan(shard: EvaluatedShard, file: string): void {
    if (!this.questions.has(shard.question_idx)) {
      throw new PasskError('ERR_SCHEMA_INVALID', `question ${shard.question_idx} is not in the plan`, { file, field: 'question_idx' });
    }
    if (!this.plan.temperatures.includes(shard.temperature)) {
      throw new PasskError('ERR_SCHEMA_INVALID', `temperature ${shard.temperature} is not in the plan`, { file, field: 'temperature' });
    }
    if (shard.shard >= this.shardsPerGroup) throw new PasskError('ERR_SCHEMA_INVALID', `shard ${shard.shard} is beyond the plan's ${this.shardsPerGroup}`, { file, field: 'shard' });
    if (shard.samples.length !== shard.count) {
      throw new PasskError('ERR_SCHEMA_INVALID', `${shard.samples.length} samples for count ${shard.count}`, { file, field: 'samples' });
    }
  }

  private async maybeCombine(group: string): Promise<void> {
    const match = /^q(\d+)_t(\d+_\d+)$/.exec(group);
    if (!match) return;
    const id = parseItemStem(`${group}_s0`)!;
    const question = this.questions.get(id.questionIdx);
    const groupDir = path.join(this.layout.stagedDir, group);
    const files = (await readdir(groupDir).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).map((n) => path.join(groupDir, n));
    const state = await readQuestionState(this.layout, id.questionIdx);
    if (!question || state[String(id.temperature)]) {
      await rm(groupDir, { recursive: true, force: true });
      return;
    }
    if (files.length < this.shardsPerGroup) return;
    const target = path.join(questionResultsDir(this.layout, id.questionIdx), combinedFileName(id.temperature));
    const row = await writeCombined({ plan: this.plan, question, temperature: id.temperature, shardFiles: files, target, fsync: this.fsync });
    state[String(id.temperature)] = row;
    await writeQuestionState(this.layout, id.questionIdx, state, this.fsync);
    this.runtime.logger.info({ group, n: row.n, passed: row.passed, pass_rate: row.pass_rate }, 'combined');
    this.runtime.progress({ samples: row.n });
    if (this.plan.temperatures.every((t) => state[String(t)])) {
      await writeSummary(this.layout, this.plan, question, state, this.fsync);
      this.runtime.logger.info({ question_idx: question.idx }, 'summary written');
    }
    await rm(groupDir, { recursive: true, force: true });
  }

  async updateRunSummary(): Promise<void> {
    await writeRunSummary(this.layout, await buildRunSummary(this.layout, this.plan, this.startedAt), this.fsync);
  }

  async finished(): Promise<boolean> {
    for (const q of this.plan.questions) if (!(await exists(summaryFile(this.layout, q.idx)))) return false;
    return true;
  }
}
