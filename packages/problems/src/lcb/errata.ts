/**
 * LiveCodeBench's ERRATA.md (docs livecodebench.md §8) as data.
 *
 * Matching rule: a problem is on the list when its `question_id` equals an entry (AtCoder ids such
 * as `abc311_c`), or, for LeetCode problems (or rows without a platform), when the slug of its
 * title equals an entry. slug = title lower-cased, every run of characters other than a–z and
 * 0–9 replaced by `-`, leading and trailing `-` removed ("Find the Peaks" → `find-the-peaks`).
 */

export const ERRATA_REASONS = {
  multiple_outputs: 'several valid outputs, but only one is graded as correct',
  interactive: 'interactive problem (unsolvable here)',
  bad_tests: 'bad tests',
} as const;

export const LCB_ERRATA: Readonly<Record<string, string>> = {
  abc311_c: ERRATA_REASONS.multiple_outputs,
  abc326_d: ERRATA_REASONS.multiple_outputs,
  abc327_b: ERRATA_REASONS.multiple_outputs,
  abc333_e: ERRATA_REASONS.multiple_outputs,
  abc343_e: ERRATA_REASONS.multiple_outputs,
  abc362_c: ERRATA_REASONS.multiple_outputs,
  'find-words-containing-character': ERRATA_REASONS.multiple_outputs,
  'find-the-peaks': ERRATA_REASONS.multiple_outputs,
  'generate-binary-strings-without-adjacent-zeros': ERRATA_REASONS.multiple_outputs,
  arc185_c: ERRATA_REASONS.multiple_outputs,
  abc343_a: ERRATA_REASONS.multiple_outputs,
  abc337_e: ERRATA_REASONS.interactive,
  abc355_e: ERRATA_REASONS.interactive,
  abc350_c: ERRATA_REASONS.bad_tests,
  'apply-operations-to-make-string-empty': ERRATA_REASONS.bad_tests,
  'most-frequent-ids': ERRATA_REASONS.bad_tests,
  arc189_a: ERRATA_REASONS.bad_tests,
};

export function slugify(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The ERRATA reason for a problem, or undefined. See the module comment for the rule. */
export function errataReason(id: string, title: string, platform?: string): string | undefined {
  const byId = Object.hasOwn(LCB_ERRATA, id) ? LCB_ERRATA[id] : undefined;
  if (byId) return byId;
  if (platform !== undefined && platform.toLowerCase() !== 'leetcode') return undefined;
  const slug = slugify(title);
  return Object.hasOwn(LCB_ERRATA, slug) ? LCB_ERRATA[slug] : undefined;
}
