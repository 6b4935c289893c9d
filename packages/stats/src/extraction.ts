/**
 * Which extraction rule produced each sample's code, counted per (question, temperature) row and
 * summed per temperature: `none` counts the samples with no code at all (nothing extracted, or an
 * empty completion), every other key is the `extraction` name of docs/extraction.md.
 */

export type ExtractionCounts = Record<string, number>;

/** The key a sample counts under: `none` when its code is empty, else its `extraction` rule. */
export function extractionKey(sample: { code: string; extraction: string }): string {
  return sample.code.trim() === '' ? 'none' : sample.extraction;
}

export function addExtractionCounts(into: ExtractionCounts, from: ExtractionCounts | undefined): ExtractionCounts {
  for (const [k, c] of Object.entries(from ?? {})) into[k] = (into[k] ?? 0) + c;
  return into;
}

/** Samples with no code, of all counted (0 of 0 when none counted). */
export function noCode(counts: ExtractionCounts | undefined): { none: number; total: number } {
  const total = Object.values(counts ?? {}).reduce((a, b) => a + b, 0);
  return { none: counts?.none ?? 0, total };
}

/** `no code 12/400 (3.0 %); last_fenced 380, python_block 8` — for terminals and report tables. */
export function extractionText(counts: ExtractionCounts | undefined): string {
  const { none, total } = noCode(counts);
  if (!total) return 'no samples';
  const rules = Object.entries(counts ?? {})
    .filter(([k]) => k !== 'none')
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, c]) => `${k} ${c}`);
  return `no code ${none}/${total} (${((100 * none) / total).toFixed(1)} %)${rules.length ? `; ${rules.join(', ')}` : ''}`;
}
