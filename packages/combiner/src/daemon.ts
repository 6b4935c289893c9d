/**
 * The combiner daemon (`passk combiner`), one per run (proper-lockfile singleton). It moves each
 * evaluated shard from pending_combine/ into staged/<q>_<t>/ (a rename: a second copy of the same
 * item replaces the first, so a reclaimed item finished twice counts once), and when all shards of
 * a (question, temperature) are staged it streams them into q{idx}/t{M}_{m}_combined.json, records
 * the row, writes q{idx}/summary.json once every temperature is in, and keeps run_summary.json
 * current. All state is on disk: a SIGKILLed combiner restarts where it stopped.
 */
import { readdir, mkdir, rm, access, rename } from 'node:fs/promises';
import path from 'node:path';
import {
  WorkerRuntime, parseItemStem, parseGroupStem, stemInGroup, failedFileName, failedReasonFileName, groupStem, combinedFileName, questionResultsDir, shardCount, writeViaTmp, jsonText, PasskError, localHost, workItemFor,
  readRegularText, SMALL_FILE_MAX_BYTES, checkItemAgainstPlan, combinedGroupsIn, stagedStemsIn, isPasskError, quarantineReason, fsyncDir,
  type EvaluatedShard, type Plan, type RunLayout, type PlanQuestion, type Transport, type Claim,
} from '@passk/core';
import type { ProblemMeta } from '@passk/stats';
import { writeCombined, rowFromCombined } from './combined-writer.js';
import { clearObstacle, ensureRealDir } from './obstacles.js';
import { readQuestionState, writeQuestionState, writeSummary, summaryFile, buildRunSummary, writeRunSummary } from './summaries.js';
import { ProgressLog } from './progress.js';

export interface CombinerDaemonOptions {
  transport: Transport;
  /** Local directories: staging (queue dir) and results. */
  layout: RunLayout;
  parentPid?: number;
  /** Poll interval when pending_combine/ is empty, ms. @default 300 */
  pollMs?: number;
  /** fsync at every write. @default true */
  fsync?: boolean;
  /** Lock staleness for the singleton lock, ms (proper-lockfile clamps to ≥ 2000). @default 4000 */
  lockStaleMs?: number;
  /** Redis mode: take the run over when Redis names another machine as the combiner home. @default false */
  moveHere?: boolean;
}

const exists = (file: string) => access(file).then(() => true, () => false);

export async function runCombiner(options: CombinerDaemonOptions): Promise<number> {
  const runtime = await WorkerRuntime.start({
    transport: options.transport,
    layout: options.layout,
    role: 'combiner',
    name: 'combiner',
    parentPid: options.parentPid,
    stopOn: ['stop-all'],
  });
  const { logger, layout, transport } = runtime;
  const fsync = options.fsync ?? true;
  let release: (() => Promise<void>) | undefined;
  try {
    await mkdir(layout.stagedDir, { recursive: true });
    await mkdir(layout.combinedStateDir, { recursive: true });
    await mkdir(layout.tmpDir, { recursive: true });
    // One combiner per run: the fs lock on the queue dir (waited for), or the Redis combiner home.
    const home = { host: localHost(), results_dir: path.resolve(layout.resultsDir), since: new Date().toISOString() };
    const lease = await transport.acquireCombiner({
      home,
      takeOver: options.moveHere ?? false,
      staleMs: options.lockStaleMs ?? 4000,
      onLost: (error) => {
        logger.error({ err: error }, 'combiner lock compromised; stopping');
        runtime.stop('lock compromised');
      },
      waitAgain: async () => {
        if (runtime.stopping) return false;
        logger.info('another combiner holds the lock; waiting');
        await runtime.sleep(1000, 0);
        return !runtime.stopping;
      },
    });
    if (!lease) return 0;
    release = lease.release;
    if (lease.previous) logger.warn({ previous: lease.previous, home }, 'took the run over from another combiner machine (--move-here)');
    const plan = await transport.store.readPlan();
    if (!plan) throw new PasskError('ERR_NO_PLAN', `run \`${layout.run}\` has no plan in ${transport.where}: start it with \`passk run\``);
    const combiner = new Combiner(layout, plan, fsync, runtime);
    await combiner.recover();
    const pollMs = options.pollMs ?? 300;
    while (!runtime.stopping) {
      const moved = await combiner.pass();
      if (moved > 0) await combiner.updateRunSummary();
      if (await combiner.finished()) {
        await combiner.updateRunSummary();
        await transport.control.set('complete', 'every summary is written');
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
    await runtime.close();
  }
}

class Combiner {
  private readonly questions = new Map<number, PlanQuestion>();
  private readonly metaCache = new Map<number, ProblemMeta>();
  /** Difficulty and platform from the run store (works on any machine, Redis mode included). */
  private readonly meta = async (idx: number): Promise<ProblemMeta> => {
    let hit = this.metaCache.get(idx);
    if (!hit) {
      const problem = await this.runtime.transport.store.problem(idx).catch(() => undefined);
      hit = { difficulty: problem?.difficulty ?? null, platform: problem?.platform ?? null };
      this.metaCache.set(idx, hit);
    }
    return hit;
  };
  private readonly shardsPerGroup: number;
  private startedAt: string;
  /** Samples received since this combiner started, for `passk status` throughput (run_summary.json recent_progress). */
  private readonly progress = new ProgressLog();

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
      this.startedAt = (JSON.parse(await readRegularText(this.layout.runSummaryFile, SMALL_FILE_MAX_BYTES)) as { started_at: string }).started_at;
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
        await writeSummary(this.layout, this.plan, question, state, this.fsync, this.meta);
      }
    }
    for (const group of await readdir(this.layout.stagedDir)) await this.maybeCombine(group);
    await this.reconcileMarks();
    await this.updateRunSummary();
  }

  /**
   * A staged or combined mark in the run store that this machine's disk cannot back (Redis mode: the run
   * was taken over from a lost machine, or its files were deleted) stands for samples that exist nowhere.
   * On the filesystem the files are the marks, so there is never one to reconcile.
   * Put those shards back into `gen`, then forget the marks (a crash in between only puts them again:
   * put is idempotent by item name, and a shard done twice is counted once).
   */
  private async reconcileMarks(): Promise<void> {
    const { store } = this.runtime.transport;
    const combinedHere = await combinedGroupsIn(this.layout.combinedStateDir);
    const stagedHere = await stagedStemsIn(this.layout.stagedDir);
    const stems = [...(await store.stagedStems())].filter((stem) => {
      const id = parseItemStem(stem);
      return id !== undefined && !stagedHere.has(stem) && !combinedHere.has(groupStem(id.questionIdx, id.temperature));
    });
    const groups = [...(await store.combinedGroups())].filter((group) => !combinedHere.has(group));
    if (!stems.length && !groups.length) return;
    const items = new Map<string, { q: number; t: number; s: number }>();
    for (const stem of stems) {
      const id = parseItemStem(stem)!;
      if (this.questions.has(id.questionIdx) && id.shard < this.shardsPerGroup) items.set(stem, { q: id.questionIdx, t: id.temperature, s: id.shard });
    }
    for (const group of groups) {
      const id = parseGroupStem(group);
      if (!id || !this.questions.has(id.questionIdx)) continue;
      for (let s = 0; s < this.shardsPerGroup; s++) {
        const stem = stemInGroup(group, s);
        if (!stagedHere.has(stem)) items.set(stem, { q: id.questionIdx, t: id.temperature, s });
      }
    }
    for (const { q, t, s } of items.values()) await this.runtime.queue.put('gen', workItemFor(this.plan, q, t, s));
    await store.forgetMarks(stems, groups);
    this.runtime.logger.warn(
      { staged_marks: stems.length, combined_marks: groups.length, regenerated: items.size },
      'marks in Redis that no file here backs: their shards are generated again (counted once)',
    );
  }

  /** Take every evaluated shard pending now; returns how many it consumed. */
  async pass(): Promise<number> {
    let moved = 0;
    while (!this.runtime.stopping) {
      const claim = await this.runtime.queue.claim<EvaluatedShard>('combine');
      if (!claim) break;
      await this.stage(claim);
      moved++;
    }
    return moved;
  }

  /**
   * Stage one evaluated shard: a local copy in staged/<q>_<t>/<stem>.json (same name → replaced, so a
   * shard finished twice is staged once), then the claim is completed. A crash in between only
   * stages it again.
   */
  private async stage(claim: Claim<EvaluatedShard>): Promise<void> {
    const { queue, transport, logger } = this.runtime;
    const shard = claim.value;
    try {
      this.checkAgainstPlan(shard, `${claim.stem} (${claim.stage})`);
    } catch (error) {
      await queue.reject(claim, error);
      logger.error({ item: claim.stem, err: error }, 'quarantined an evaluated shard that does not fit the plan');
      return;
    }
    const group = groupStem(shard.question_idx, shard.temperature);
    const state = await readQuestionState(this.layout, shard.question_idx);
    if (state[String(shard.temperature)]) {
      await queue.complete(claim);
      logger.warn({ item: claim.stem }, 'duplicate of an item whose group is already combined; counted once, dropped');
      return;
    }
    const groupDir = path.join(this.layout.stagedDir, group);
    // Never through a planted symlink, never onto a planted directory: those go to failed/ first.
    await ensureRealDir(this.layout, groupDir);
    await clearObstacle(this.layout, path.join(groupDir, `${claim.stem}.json`), 'file');
    await writeViaTmp(this.layout.tmpDir, groupDir, `${claim.stem}.json`, jsonText(shard), { fsync: this.fsync });
    await transport.store.markStaged(claim.stem);
    await queue.complete(claim);
    this.runtime.progress({ items: 1 });
    this.progress.add(shard.samples.length);
    await this.maybeCombine(group);
  }

  private checkAgainstPlan(shard: EvaluatedShard, file: string): void {
    checkItemAgainstPlan(this.plan, shard, file);
  }

  private async maybeCombine(group: string): Promise<void> {
    const id = parseGroupStem(group);
    if (!id) return;
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
    let row;
    try {
      row = await writeCombined({ plan: this.plan, question, temperature: id.temperature, shardFiles: files, target, fsync: this.fsync });
    } catch (error) {
      // A staged file someone replaced (a FIFO, a directory, a symlink, bad JSON): out to failed/.
      if (!isPasskError(error) || !error.file?.startsWith(groupDir)) throw error;
      await quarantineStaged(this.layout, error.file, error, this.fsync);
      this.runtime.logger.error({ group, file: error.file, reason: error.message }, 'quarantined a staged shard that cannot be read; the group waits for it');
      return;
    }
    state[String(id.temperature)] = row;
    await writeQuestionState(this.layout, id.questionIdx, state, this.fsync);
    await this.runtime.transport.store.markCombined(group);
    this.runtime.logger.info({ group, n: row.n, passed: row.passed, pass_rate: row.pass_rate }, 'combined');
    this.runtime.progress({ samples: row.n });
    if (this.plan.temperatures.every((t) => state[String(t)])) {
      await writeSummary(this.layout, this.plan, question, state, this.fsync, this.meta);
      this.runtime.logger.info({ question_idx: question.idx }, 'summary written');
    }
    await rm(groupDir, { recursive: true, force: true });
  }

  async updateRunSummary(): Promise<void> {
    const summary = await buildRunSummary(this.layout, this.plan, this.startedAt, this.meta);
    summary.recent_progress = this.progress.toJSON();
    await writeRunSummary(this.layout, summary, this.fsync);
    await this.runtime.transport.store.saveRunSummary(summary);
  }

  async finished(): Promise<boolean> {
    for (const q of this.plan.questions) if (!(await exists(summaryFile(this.layout, q.idx)))) return false;
    return true;
  }
}

/** Move an unreadable staged shard to failed/<stem>.combine.json with its reason (the run then names it). */
async function quarantineStaged(layout: RunLayout, file: string, error: unknown, fsync: boolean): Promise<void> {
  const stem = path.basename(file).replace(/\.json$/, '');
  await writeViaTmp(layout.tmpDir, layout.failedDir, failedReasonFileName(stem, 'combine'), jsonText({ ...quarantineReason(error), at: new Date().toISOString() }), { fsync });
  await rename(file, path.join(layout.failedDir, failedFileName(stem, 'combine'))).catch(() => rm(file, { recursive: true, force: true }));
  if (fsync) await fsyncDir(layout.failedDir);
}
