/** Counts over a problem set (what `passk dataset check` prints). */
import type { Problem } from '@passk/core';
import { releaseWindow } from './lcb/releases.js';

export interface ProblemSummary {
  total: number;
  byPlatform: Record<string, number>;
  byDifficulty: Record<string, number>;
  /** stdin / functional / humaneval */
  byTestType: Record<string, number>;
  /** Release window of the contest date (`v1`…`v6`, `after v6`, `unknown`). */
  byReleaseWindow: Record<string, number>;
  errata: number;
  /** The loaded problems on LiveCodeBench's ERRATA list, in load order. */
  errataProblems: Array<{ id: string; title: string; reason: string }>;
  tests: { public: number; private: number };
  /** Earliest and latest contest date, when any. */
  dates?: { first: string; last: string };
}

const bump = (counts: Record<string, number>, key: string): void => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/** An incremental summariser, so `check` can count while streaming. */
export function summarise(problems: Iterable<Problem> = []): ProblemSummary & { add(p: Problem): void } {
  const s: ProblemSummary = {
    total: 0,
    byPlatform: {},
    byDifficulty: {},
    byTestType: {},
    byReleaseWindow: {},
    errata: 0,
    errataProblems: [],
    tests: { public: 0, private: 0 },
  };
  const add = (p: Problem): void => {
    s.total += 1;
    bump(s.byPlatform, p.platform ?? '(none)');
    bump(s.byDifficulty, p.difficulty ?? '(none)');
    bump(s.byTestType, p.kind);
    bump(s.byReleaseWindow, releaseWindow(p.contest_date));
    if (p.errata) {
      s.errata += 1;
      s.errataProblems.push({ id: p.id, title: p.title, reason: p.errata });
    }
    s.tests.public += p.public_test_count;
    s.tests.private += p.tests.length - p.public_test_count;
    if (p.contest_date) {
      if (!s.dates) s.dates = { first: p.contest_date, last: p.contest_date };
      else {
        if (p.contest_date < s.dates.first) s.dates.first = p.contest_date;
        if (p.contest_date > s.dates.last) s.dates.last = p.contest_date;
      }
    }
  };
  for (const p of problems) add(p);
  return Object.assign(s, { add });
}
