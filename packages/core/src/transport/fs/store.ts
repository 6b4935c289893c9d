/** RunStore on the filesystem: plan.json and problems/ in the results dir; marks from the queue dir. */
import { readRegularText, SMALL_FILE_MAX_BYTES } from '../../queue/safe-read.js';
import type { RunLayout } from '../../queue/layout.js';
import { readPlan } from '../../run/plan-file.js';
import { ProblemStore, storeProblem } from '../../run/problem-store.js';
import { writeResultFile, fsyncDir } from '../../queue/durable.js';
import { combinedGroupsIn, stagedStemsIn } from './marks.js';
import type { RunStore, CombinerHome } from '../types.js';
import type { Plan } from '../../schemas/plan.js';
import type { Problem } from '../../schemas/problem.js';
import type { RunSummary } from '../../schemas/results.js';

export class FsRunStore implements RunStore {
  private readonly problems: ProblemStore;
  constructor(private readonly layout: RunLayout) {
    this.problems = new ProblemStore(layout);
  }

  get planWhere(): string {
    return this.layout.planFile;
  }

  /** plan.json in the results dir is the plan itself: nothing to copy. */
  async copyPlanHere(): Promise<void> {}

  readPlan(): Promise<Plan | undefined> {
    return readPlan(this.layout);
  }

  async savePlan(plan: Plan, problems: Array<{ idx: number; problem: Problem }>): Promise<void> {
    for (const { idx, problem } of problems) await storeProblem(this.layout, idx, problem);
    await fsyncDir(this.layout.problemsDir);
    await writeResultFile(this.layout.planFile, `${JSON.stringify(plan, null, 2)}\n`);
  }

  problem(idx: number): Promise<Problem> {
    return this.problems.get(idx);
  }

  /** One home on the filesystem: the queue dir (the combiner is a proper-lockfile singleton there). */
  async claimCombinerHome(): Promise<CombinerHome | undefined> {
    return undefined;
  }

  /** The files are the marks on the filesystem: nothing to forget. */
  async forgetMarks(): Promise<void> {}

  /** The staged file itself is the mark on the filesystem. */
  async markStaged(): Promise<void> {}

  /** combined/q{idx}.json (written by the combiner) is the mark on the filesystem. */
  async markCombined(): Promise<void> {}

  combinedGroups(): Promise<Set<string>> {
    return combinedGroupsIn(this.layout.combinedStateDir);
  }

  stagedStems(): Promise<Set<string>> {
    return stagedStemsIn(this.layout.stagedDir);
  }

  /** run_summary.json is written by the combiner into the results dir: nothing more to do. */
  async saveRunSummary(): Promise<void> {}

  async readRunSummary(): Promise<RunSummary | undefined> {
    try {
      return JSON.parse(await readRegularText(this.layout.runSummaryFile, SMALL_FILE_MAX_BYTES)) as RunSummary;
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {}
}
