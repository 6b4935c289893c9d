/** Options and results of loading a problem set. */
import type { Problem } from '@passk/core';

export interface LoadOptions {
  /**
   * LiveCodeBench release tag: `release_v1`…`release_v6`, `release_latest` (cumulative), `v1`…`v6`
   * (one increment) or `vA_vB`. For `livecodebench` specs and directories it selects files; for a
   * single file named `testN.jsonl` it selects by file name, else by the contest-date window
   * (approximate, with a warning). An error (ERR_BAD_OPTION) with `demo`, `humaneval`, a file of
   * non-LiveCodeBench rows, or a spec naming a different release (`livecodebench:v6` + `v5`).
   * @default 'release_latest' for `livecodebench`, every problem for files
   */
  release?: string;
  /** Keep problems whose `contest_date` is on or after this ISO date (inclusive). @default no bound */
  startDate?: string;
  /** Keep problems whose `contest_date` is on or before this ISO date (inclusive, whole day). @default no bound */
  endDate?: string;
  /** Keep only these platforms (case-insensitive, comma-separated list allowed). @default every platform */
  platform?: string;
  /** Keep only these difficulties (case-insensitive, comma-separated list allowed). @default every difficulty */
  difficulty?: string;
  /**
   * Drop problems on LiveCodeBench's ERRATA list (they are flagged with `errata` either way). Applied
   * after the other filters: only problems they keep are counted as excluded. @default false
   */
  excludeErrata?: boolean;
  /** Skip invalid rows with a warning and count them instead of failing. @default false */
  skipInvalid?: boolean;
  /** Where pulled datasets live. @default `$PASSK_DATA_DIR`, else `~/.cache/passk/datasets` */
  cacheDir?: string;
  /** Called once per warning (also collected in `warnings`). @default none */
  onWarning?: (message: string) => void;
}

/** A problem dropped by `excludeErrata`. */
export interface ExcludedErratum {
  id: string;
  title: string;
  reason: string;
}

export interface LoadResult {
  problems: Problem[];
  /** Invalid rows skipped under `skipInvalid`. */
  skipped: number;
  warnings: string[];
  /** Problems dropped by release/date/platform/difficulty/errata filters. */
  filtered: number;
  /** Problems dropped by `excludeErrata` (that every other filter kept), in load order. */
  errataExcluded: ExcludedErratum[];
}

/** Counters filled while streaming (the streaming counterpart of LoadResult). */
export interface LoadStats {
  skipped: number;
  warnings: string[];
  /** Problems dropped by release/date/platform/difficulty/errata filters. */
  filtered: number;
  /** Problems dropped by `excludeErrata` (that every other filter kept), in load order. */
  errataExcluded: ExcludedErratum[];
}

export function newStats(): LoadStats {
  return { skipped: 0, warnings: [], filtered: 0, errataExcluded: [] };
}
