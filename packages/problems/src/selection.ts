/**
 * The problem-set selection flags, shared by `passk dataset check` and `passk run` (one
 * definition, so both commands select identically): the yargs options, argv → LoadOptions, and
 * the normalised form `passk run` records in plan.json (`plan.selection`) with the comparison
 * that refuses a resume under a different selection.
 */
import type { InferredOptionTypes, Options } from 'yargs';
import type { PlanSelection } from '@passk/core';
import type { LoadOptions } from './options.js';

/** yargs definitions of the selection flags; every default is stated in its description. */
export const SELECTION_FLAGS = {
  release: {
    type: 'string',
    describe:
      'LiveCodeBench release: release_v1…release_v6, release_latest (cumulative), v1…v6 (one increment), vA_vB. ' +
      'Selects the files of livecodebench / a directory / testN.jsonl, else by contest-date window; an error for demo, humaneval and non-LiveCodeBench files ' +
      '(default: every problem of a file; release_latest for livecodebench)',
  },
  'start-date': { type: 'string', describe: 'Keep problems with contest_date on or after this ISO date, inclusive (default: no bound)' },
  'end-date': { type: 'string', describe: 'Keep problems with contest_date on or before this ISO date, inclusive, whole day (default: no bound)' },
  platform: { type: 'string', describe: 'Keep these platforms, case-insensitive, comma-separated (default: every platform)' },
  difficulty: { type: 'string', describe: 'Keep these difficulties, case-insensitive, comma-separated (default: every difficulty)' },
  'exclude-errata': { type: 'boolean', default: false, describe: "Drop problems on LiveCodeBench's ERRATA list (they are flagged either way)" },
  'skip-invalid': { type: 'boolean', default: false, describe: 'Skip invalid rows with a warning and a count instead of failing' },
  'cache-dir': { type: 'string', describe: 'Where pulled datasets live (default: $PASSK_DATA_DIR, else ~/.cache/passk/datasets)' },
} as const satisfies Record<string, Options>;

/** The flags as yargs parses them (kebab-case keys; yargs adds the camelCase ones too), derived from SELECTION_FLAGS. */
export type SelectionArgs = InferredOptionTypes<typeof SELECTION_FLAGS>;

/** The LoadOptions the flags ask for (unset flags are left out, so the loader's defaults apply). */
export function selectionLoadOptions(argv: Partial<SelectionArgs>): LoadOptions {
  const text = (key: keyof SelectionArgs): string | undefined => {
    const value = argv[key];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const options: LoadOptions = {};
  const release = text('release');
  const startDate = text('start-date');
  const endDate = text('end-date');
  const platform = text('platform');
  const difficulty = text('difficulty');
  const cacheDir = text('cache-dir');
  if (release) options.release = release;
  if (startDate) options.startDate = startDate;
  if (endDate) options.endDate = endDate;
  if (platform) options.platform = platform;
  if (difficulty) options.difficulty = difficulty;
  if (cacheDir) options.cacheDir = cacheDir;
  options.excludeErrata = argv['exclude-errata'] === true;
  options.skipInvalid = argv['skip-invalid'] === true;
  return options;
}

const normList = (value: string | undefined): string | null => {
  const items = [...new Set((value ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean))].sort();
  return items.length ? items.join(',') : null;
};
const normDate = (value: string | undefined): string | null => (value ? value.trim().replace(' ', 'T') : null);

/**
 * The selection as recorded in plan.json: lower-cased release, sorted lower-case lists, `T` dates,
 * so spellings the loader treats the same (`AtCoder,leetcode` / `leetcode,atcoder`) compare equal.
 * The cache dir is where the files are, not what is selected: not recorded.
 */
export function planSelection(options: LoadOptions): PlanSelection {
  return {
    release: options.release ? options.release.trim().toLowerCase() : null,
    start_date: normDate(options.startDate),
    end_date: normDate(options.endDate),
    platform: normList(options.platform),
    difficulty: normList(options.difficulty),
    exclude_errata: options.excludeErrata === true,
    skip_invalid: options.skipInvalid === true,
  };
}

/** What a plan written before the selection was recorded selected: no flag given. */
export const NO_SELECTION: PlanSelection = planSelection({});

/**
 * The selection fields on which two plans differ, as `selection.<field>` with the old and new
 * values (a missing selection is NO_SELECTION). Empty: the selections agree.
 */
export function selectionDifferences(was: PlanSelection | undefined, now: PlanSelection | undefined): Array<{ field: string; was: unknown; now: unknown }> {
  const a = was ?? NO_SELECTION;
  const b = now ?? NO_SELECTION;
  return (Object.keys(NO_SELECTION) as Array<keyof PlanSelection>)
    .filter((key) => a[key] !== b[key])
    .map((key) => ({ field: `selection.${key}`, was: a[key], now: b[key] }));
}
