/**
 * LiveCodeBench releases (docs livecodebench.md §1): one JSONL file per increment, every release
 * cumulative from May 2023. Tags: `release_vN` / `release_latest` (cumulative), `vN` (one
 * increment), `vA_vB` (increments A..B).
 */
import { PasskError } from '@passk/core';

export interface LcbIncrement {
  /** 1-based increment number: v1 … v6. */
  version: number;
  file: string;
  rows: number;
  /** Last contest month of the increment, `YYYY-MM`. */
  lastMonth: string;
}

export const LCB_INCREMENTS: readonly LcbIncrement[] = [
  { version: 1, file: 'test.jsonl', rows: 400, lastMonth: '2024-03' },
  { version: 2, file: 'test2.jsonl', rows: 111, lastMonth: '2024-05' },
  { version: 3, file: 'test3.jsonl', rows: 101, lastMonth: '2024-07' },
  { version: 4, file: 'test4.jsonl', rows: 101, lastMonth: '2024-09' },
  { version: 5, file: 'test5.jsonl', rows: 167, lastMonth: '2025-01' },
  { version: 6, file: 'test6.jsonl', rows: 175, lastMonth: '2025-04' },
];

export const LATEST_VERSION = LCB_INCREMENTS.length;
export const LCB_FIRST_MONTH = '2023-05';

/**
 * The increments a release tag selects, in release order.
 * @throws PasskError ERR_DATASET_UNKNOWN for an unknown tag.
 */
export function parseRelease(tag: string): LcbIncrement[] {
  const t = tag.trim().toLowerCase();
  const range = (a: number, b: number): LcbIncrement[] | undefined =>
    a >= 1 && b <= LATEST_VERSION && a <= b ? LCB_INCREMENTS.slice(a - 1, b) : undefined;
  let selected: LcbIncrement[] | undefined;
  let m: RegExpExecArray | null;
  if (t === 'release_latest' || t === 'latest') selected = range(1, LATEST_VERSION);
  else if ((m = /^release_v(\d+)$/.exec(t))) selected = range(1, Number(m[1]));
  else if ((m = /^v(\d+)$/.exec(t))) selected = range(Number(m[1]), Number(m[1]));
  else if ((m = /^v(\d+)_v(\d+)$/.exec(t))) selected = range(Number(m[1]), Number(m[2]));
  if (!selected) {
    throw new PasskError(
      'ERR_DATASET_UNKNOWN',
      `unknown LiveCodeBench release \`${tag}\` (expected release_v1…release_v${LATEST_VERSION}, release_latest, v1…v${LATEST_VERSION} or vA_vB with A ≤ B)`,
    );
  }
  return selected;
}

/** The increment whose file is named `name` (`test6.jsonl` → v6), if any. */
export function incrementForFile(name: string): LcbIncrement | undefined {
  return LCB_INCREMENTS.find((inc) => inc.file === name);
}

/**
 * The release window a contest date falls in: the first increment whose last contest month is
 * not before the date's month (`v1` … `v6`), `before v1` or `after v6`. Windows are by month,
 * so this is approximate at boundaries (v6 holds some January 2025 problems, window v5).
 */
export function releaseWindow(contestDate: string | undefined): string {
  if (!contestDate || !/^\d{4}-\d{2}/.test(contestDate)) return 'unknown';
  const month = contestDate.slice(0, 7);
  if (month < LCB_FIRST_MONTH) return 'before v1';
  const inc = LCB_INCREMENTS.find((i) => month <= i.lastMonth);
  return inc ? `v${inc.version}` : `after v${LATEST_VERSION}`;
}
