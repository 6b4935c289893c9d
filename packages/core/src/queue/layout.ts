/**
 * Where a run keeps its files. The queue dir holds everything in flight; the results dir holds
 * what users read. Both default under the repository's queue/ and results/ (see docs/queue-protocol.md).
 */
import path from 'node:path';
import { mkdir } from 'node:fs/promises';

export type Stage = 'gen' | 'eval' | 'combine';

/** The stages in flow order. */
export const STAGES: readonly Stage[] = ['gen', 'eval', 'combine'];
/** Pattern (no anchors) of a stage name in file names: `gen|eval|combine`. */
export const STAGE_PATTERN = STAGES.join('|');

export const STAGE_DIRS: Record<Stage, string> = {
  gen: 'pending_gen',
  eval: 'pending_eval',
  combine: 'pending_combine',
};

export interface RunLayout {
  run: string;
  queueDir: string;
  resultsDir: string;
  pending(stage: Stage): string;
  claimedDir: string;
  failedDir: string;
  tmpDir: string;
  controlDir: string;
  workersDir: string;
  stagedDir: string;
  combinedStateDir: string;
  cacheDir: string;
  problemsDir: string;
  planFile: string;
  runSummaryFile: string;
}

export interface LayoutOptions {
  run: string;
  /** @default `<root>/queue/<run>` */
  queueDir?: string;
  /** @default `<root>/results/<run>` */
  resultsDir?: string;
  /** Base for the defaults. @default process.cwd() */
  root?: string;
}

const RUN_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function isValidRunName(run: string): boolean {
  return RUN_NAME_RE.test(run);
}

export function runLayout(options: LayoutOptions): RunLayout {
  const root = options.root ?? process.cwd();
  const queueDir = path.resolve(options.queueDir ?? path.join(root, 'queue', options.run));
  const resultsDir = path.resolve(options.resultsDir ?? path.join(root, 'results', options.run));
  return {
    run: options.run,
    queueDir,
    resultsDir,
    pending: (stage) => path.join(queueDir, STAGE_DIRS[stage]),
    claimedDir: path.join(queueDir, 'claimed'),
    failedDir: path.join(queueDir, 'failed'),
    tmpDir: path.join(queueDir, 'tmp'),
    controlDir: path.join(queueDir, 'control'),
    workersDir: path.join(queueDir, 'workers'),
    stagedDir: path.join(queueDir, 'staged'),
    combinedStateDir: path.join(queueDir, 'combined'),
    cacheDir: path.join(queueDir, 'verdict_cache'),
    problemsDir: path.join(resultsDir, 'problems'),
    planFile: path.join(resultsDir, 'plan.json'),
    runSummaryFile: path.join(resultsDir, 'run_summary.json'),
  };
}

export async function ensureLayout(layout: RunLayout): Promise<void> {
  const dirs = [
    layout.pending('gen'),
    layout.pending('eval'),
    layout.pending('combine'),
    layout.claimedDir,
    layout.failedDir,
    layout.tmpDir,
    layout.controlDir,
    layout.workersDir,
    layout.stagedDir,
    layout.combinedStateDir,
    layout.cacheDir,
    layout.resultsDir,
    layout.problemsDir,
  ];
  for (const dir of dirs) await mkdir(dir, { recursive: true });
}

export function questionResultsDir(layout: RunLayout, questionIdx: number): string {
  return path.join(layout.resultsDir, `q${questionIdx}`);
}
