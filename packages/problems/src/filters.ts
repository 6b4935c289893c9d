/** Date, platform, difficulty and ERRATA filters (LiveCodeBench's compute_scores semantics). */
import { PasskError, type Problem } from '@passk/core';
import type { LoadOptions } from './options.js';

const DATE_RE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/;

function checkDate(value: string | undefined, option: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!DATE_RE.test(value) || Number.isNaN(Date.parse(value.slice(0, 10)))) {
    throw new PasskError('ERR_BAD_OPTION', `--${option} must be an ISO date (YYYY-MM-DD[THH:MM[:SS]]), got \`${value}\``);
  }
  return value.replace(' ', 'T');
}

function list(value: string | undefined): Set<string> | undefined {
  if (!value) return undefined;
  return new Set(value.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean));
}

export type ProblemFilter = (problem: Problem) => boolean;

/**
 * Build the filter. Dates are inclusive: a bare date compares with the contest date's day, a
 * datetime with the full timestamp. Problems without a contest date fail any date bound.
 */
export function makeFilter(options: LoadOptions): ProblemFilter {
  const start = checkDate(options.startDate, 'start-date');
  const end = checkDate(options.endDate, 'end-date');
  const platforms = list(options.platform);
  const difficulties = list(options.difficulty);
  const cmp = (date: string, bound: string): number => {
    const full = date.length === 10 ? `${date}T00:00:00` : date.replace(' ', 'T');
    const d = full.slice(0, bound.length);
    return d < bound ? -1 : d > bound ? 1 : 0;
  };
  return (p) => {
    if (options.excludeErrata && p.errata) return false;
    if (platforms && !platforms.has((p.platform ?? '').toLowerCase())) return false;
    if (difficulties && !difficulties.has((p.difficulty ?? '').toLowerCase())) return false;
    if (start || end) {
      if (!p.contest_date) return false;
      if (start && cmp(p.contest_date, start) < 0) return false;
      if (end && cmp(p.contest_date, end) > 0) return false;
    }
    return true;
  };
}
