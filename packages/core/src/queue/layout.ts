/**
 * Where a run keeps its files. The results dir holds what users read; the queue dir holds this
 * machine's working state in every mode (temp files, the combiner's staging and state, quarantined
 * files, the verdict cache) and, for the filesystem transport only, the queue itself (pending
 * dirs, claims, control flags, worker records). Both default under the repository's queue/ and
 * results/ (see docs/queue-protocol.md).
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

/** What every mode keeps on this machine: results, plan copy, problems, logs, cache, the combiner's staging. */
export interface LocalLayout {
  run: string;
  queueDir: string;
  resultsDir: string;
  failedDir: string;
  tmpDir: string;
  stagedDir: string;
  combinedStateDir: string;
  cacheDir: string;
  problemsDir: string;
  planFile: string;
  runSummaryFile: string;
}

/** The filesystem queue's own dirs: created and used by the fs transport only. */
export interface FsQueueDirs {
  pending(stage: Stage): string;
  claimedDir: string;
  controlDir: string;
  workersDir: string;
}

export type RunLayout = LocalLayout & FsQueueDirs;

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

/** Create the fs queue's own dirs (the fs transport, on open). */
export async function ensureFsQueueDirs(layout: FsQueueDirs): Promise<void> {
  for (const dir of [...STAGES.map((stage) => layout.pending(stage)), layout.claimedDir, layout.controlDir, layout.workersDir]) await mkdir(dir, { recursive: true });
}

/** Create what every mode keeps on this machine (never the fs queue's dirs: see ensureFsQueueDirs). */
export async function ensureLocalDirs(layout: LocalLayout): Promise<void> {
  const dirs = [
    layout.failedDir,
    layout.tmpDir,
    layout.stagedDir,
    layout.combinedStateDir,
    layout.cacheDir,
    layout.resultsDir,
    layout.problemsDir,
  ];
  for (const dir of dirs) await mkdir(dir, { recursive: true });
}

/** Both: the local dirs and the fs queue's (the fs transport, tests). */
export async function ensureLayout(layout: RunLayout): Promise<void> {
  await ensureLocalDirs(layout);
  await ensureFsQueueDirs(layout);
}

export function questionResultsDir(layout: Pick<LocalLayout, 'resultsDir'>, questionIdx: number): string {
  return path.join(layout.resultsDir, `q${questionIdx}`);
}
