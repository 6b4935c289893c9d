/** RunStore on plain keys (see keys.ts): plan, problems, the combiner's marks, the run summary. */
import { existsSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { writeResultFile } from '../../queue/durable.js';
import { parseValid } from '../../validate.js';
import { PasskError } from '../../errors.js';
import { planSchema, type Plan } from '../../schemas/plan.js';
import { problemSchema, type Problem } from '../../schemas/problem.js';
import type { RunSummary } from '../../schemas/results.js';
import type { RunStore, CombinerHome } from '../types.js';
import type { RunKeys } from './keys.js';
import { retrying, type RetryPolicy } from './conn.js';

/** Problems written per round trip in savePlan. */
const BATCH = 100;

export class RedisRunStore implements RunStore {
  private readonly problems = new Map<number, Problem>();

  constructor(
    private readonly conn: Redis,
    private readonly keys: RunKeys,
    private readonly policy: RetryPolicy,
    private readonly cacheSize = 64,
    /** The run's name, and this machine's copy of the plan (beside its results, for people; none when undefined). */
    private readonly local: { run?: string; planFile?: string } = {},
  ) {}

  get planWhere(): string {
    return `${this.policy.where} (run ${this.local.run ?? this.keys.bull})`;
  }

  /** The plan lives in Redis; keep a copy beside this machine's results (joining or taking a run over: when missing). */
  async copyPlanHere(plan: Plan, replace: boolean): Promise<void> {
    const file = this.local.planFile;
    if (!file || (!replace && existsSync(file))) return;
    await writeResultFile(file, `${JSON.stringify(plan, null, 2)}\n`);
  }

  async readPlan(): Promise<Plan | undefined> {
    const text = await retrying(this.policy, 'read the plan', () => this.conn.get(this.keys.plan));
    return text === null ? undefined : parseValid<Plan>(planSchema, text, { file: this.keys.plan });
  }

  /** Problems first, the plan last: a plan in Redis means its problems are there. */
  async savePlan(plan: Plan, problems: Array<{ idx: number; problem: Problem }>): Promise<void> {
    for (let i = 0; i < problems.length; i += BATCH) {
      const batch = problems.slice(i, i + BATCH);
      await retrying(this.policy, 'save the problems', async () => {
        const multi = this.conn.multi();
        for (const { idx, problem } of batch) multi.set(this.keys.problem(idx), JSON.stringify(problem));
        await multi.exec();
      });
    }
    await retrying(this.policy, 'save the plan', () => this.conn.set(this.keys.plan, JSON.stringify(plan)));
  }

  async problem(idx: number): Promise<Problem> {
    const hit = this.problems.get(idx);
    if (hit) return hit;
    const key = this.keys.problem(idx);
    const text = await retrying(this.policy, 'read a problem', () => this.conn.get(key));
    if (text === null) throw new PasskError('ERR_PROBLEM_NOT_FOUND', `question ${idx} is not in this run's problems`, { file: key });
    const problem = parseValid<Problem>(problemSchema, text, { file: key });
    this.problems.set(idx, problem);
    if (this.problems.size > this.cacheSize) this.problems.delete(this.problems.keys().next().value!);
    return problem;
  }

  async markStaged(stem: string): Promise<void> {
    await retrying(this.policy, 'mark an item staged', () => this.conn.sadd(this.keys.staged, stem));
  }

  async markCombined(group: string): Promise<void> {
    await retrying(this.policy, 'mark a group combined', () => this.conn.sadd(this.keys.combined, group));
  }

  async combinedGroups(): Promise<Set<string>> {
    return new Set(await retrying(this.policy, 'read the combined groups', () => this.conn.smembers(this.keys.combined)));
  }

  async stagedStems(): Promise<Set<string>> {
    return new Set(await retrying(this.policy, 'read the staged items', () => this.conn.smembers(this.keys.staged)));
  }

  async claimCombinerHome(home: CombinerHome, takeOver: boolean): Promise<CombinerHome | undefined> {
    const key = this.keys.combinerHome;
    const text = JSON.stringify(home);
    if ((await retrying(this.policy, 'record the combiner home', () => this.conn.set(key, text, 'NX'))) === 'OK') return undefined;
    const raw = await retrying(this.policy, 'read the combiner home', () => this.conn.get(key));
    let current: CombinerHome | undefined;
    try {
      current = raw === null ? undefined : (JSON.parse(raw) as CombinerHome);
    } catch {
      current = undefined; // unreadable: treated as no home
    }
    if (current && current.host === home.host && current.results_dir === home.results_dir) return undefined;
    if (current && !takeOver) {
      throw new PasskError(
        'ERR_COMBINER_ELSEWHERE',
        `run's combiner results are on ${current.host} in ${current.results_dir} (since ${current.since}); run \`passk combiner\` there, ` +
          'or take the run over on this machine with `passk combiner --move-here` (the marks its disk cannot back are forgotten and those shards are done again here)',
        { file: key },
      );
    }
    await retrying(this.policy, 'record the combiner home', () => this.conn.set(key, text));
    return current;
  }

  async forgetMarks(stems: string[], groups: string[]): Promise<void> {
    for (let i = 0; i < stems.length; i += BATCH) {
      const part = stems.slice(i, i + BATCH);
      await retrying(this.policy, 'forget staged marks', () => this.conn.srem(this.keys.staged, ...part));
    }
    for (let i = 0; i < groups.length; i += BATCH) {
      const part = groups.slice(i, i + BATCH);
      await retrying(this.policy, 'forget combined marks', () => this.conn.srem(this.keys.combined, ...part));
    }
  }

  async saveRunSummary(summary: RunSummary): Promise<void> {
    await retrying(this.policy, 'save the run summary', () => this.conn.set(this.keys.summary, JSON.stringify(summary)));
  }

  async readRunSummary(): Promise<RunSummary | undefined> {
    const text = await retrying(this.policy, 'read the run summary', () => this.conn.get(this.keys.summary));
    if (text === null) return undefined;
    try {
      return JSON.parse(text) as RunSummary;
    } catch {
      return undefined;
    }
  }

  /** The connection belongs to the transport. */
  async close(): Promise<void> {}
}
