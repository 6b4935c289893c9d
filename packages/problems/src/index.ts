/**
 * @passk/problems: problem sets for passk — LiveCodeBench releases, HumanEval, MBPP-style and
 * custom JSONL, the bundled demo set — loaded exactly (streamed, validated loudly), plus
 * `passk dataset pull|check`.
 */
export { loadProblems, streamProblems } from './load.js';
export type { LoadOptions, LoadResult, LoadStats, ExcludedErratum } from './options.js';
export {
  SELECTION_FLAGS, selectionLoadOptions, planSelection, selectionDifferences, NO_SELECTION, type SelectionArgs,
} from './selection.js';
export { newStats } from './options.js';
export { resolveSpec, releaseNotApplicable, isDatasetSpec, type ResolvedSpec, type Source } from './spec.js';
export { defaultCacheDir } from './cache.js';
export { makeFilter, type ProblemFilter } from './filters.js';
export { FORMATS, detectFormat, type RowFormat } from './detect.js';
export { LCB_INCREMENTS, parseRelease, releaseWindow, incrementForFile, type LcbIncrement } from './lcb/releases.js';
export { LCB_ERRATA, ERRATA_REASONS, errataReason, slugify } from './lcb/errata.js';
export { unpickleString } from './lcb/pickle.js';
export { decodePrivateTests, parseTestList, type LcbTestCase } from './lcb/tests.js';
export { normaliseLcbRow, type LcbRow } from './lcb/row.js';
export { customProblemSchema } from './formats/custom-schema.js';
export { DEMO_ROWS } from './demo/index.js';
export { summarise, type ProblemSummary } from './summary.js';
export { pullDataset, type PullOptions, type PullResult, type PulledFile } from './pull/index.js';
export { datasetCommand } from './commands/dataset.js';
