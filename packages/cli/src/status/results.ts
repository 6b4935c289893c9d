/**
 * The end-of-run printout: what produced the numbers, pass rate and pass@1 / pass@10 / pass@100 (where
 * n allows) per temperature with their intervals, the best temperature for each k, how each
 * temperature's code was extracted (and a warning when most samples had none), and where the files are.
 */
import { provenanceLine, readRegularText, temperatureLabel, SMALL_FILE_MAX_BYTES, type RunLayout, type RunSummary } from '@passk/core';
import { extractionByTemperature, extractionLines, extractionWarnings } from './extraction.js';
import { passkCommand, resultsRefArgs } from '../home.js';

/** The k the table shows, of those the summary has (k ≤ the smallest n). */
export const TABLE_KS: readonly number[] = [1, 10, 100];

interface Estimate {
  value: number;
  low: number;
  high: number;
}
type Row = RunSummary['per_temperature'][number] & { pass_at_k?: Record<string, Estimate> };
type Summary = RunSummary & { ks?: number[]; best_temperature?: Record<string, Estimate & { temperature: number; questions: number }> };

const estimate = (e: Estimate | undefined) => (e ? `${e.value.toFixed(3)} [${e.low.toFixed(3)}, ${e.high.toFixed(3)}]` : '—');

export function resultsTable(summary: Summary): string[] {
  const ks = TABLE_KS.filter((k) => (Array.isArray(summary.ks) ? summary.ks : [1]).includes(k));
  const lines: string[] = [];
  const head = ['temperature', 'pass rate (passed/n)'.padEnd(24), ...ks.map((k) => `pass@${k} [95% CI]`.padEnd(22))];
  lines.push(`  ${head.join('  ').trimEnd()}`);
  for (const row of summary.per_temperature as Row[]) {
    const rate = `${row.pass_rate.toFixed(2)}% (${row.passed}/${row.n})`;
    const cells = [temperatureLabel(row.temperature).padEnd(11), rate.padEnd(24), ...ks.map((k) => estimate(row.pass_at_k?.[`pass@${k}`]).padEnd(22))];
    lines.push(`  ${cells.join('  ').trimEnd()}`);
  }
  const best: string[] = [];
  for (const k of ks) {
    const b = summary.best_temperature?.[`pass@${k}`];
    if (b) best.push(`pass@${k} at T=${temperatureLabel(b.temperature)} (${b.value.toFixed(3)})`);
  }
  // Naming a "best" temperature among rates that are all 0 would suggest a difference that is not there.
  const allZero = (summary.per_temperature as Row[]).every((row) => row.passed === 0);
  if (best.length && allZero) lines.push('  best temperature: none (no sample passed at any temperature)');
  else if (best.length) lines.push(`  best temperature: ${best.join(', ')}`);
  const omitted = TABLE_KS.filter((k) => !ks.includes(k));
  if (omitted.length) lines.push(`  (${omitted.map((k) => `pass@${k}`).join(', ')} not shown: k > n = ${summary.n})`);
  return lines;
}

export async function printResults(layout: RunLayout, say: (line: string) => void): Promise<void> {
  let summary: Summary;
  try {
    summary = JSON.parse(await readRegularText(layout.runSummaryFile, SMALL_FILE_MAX_BYTES)) as Summary;
  } catch {
    say(`passk: results in ${layout.resultsDir}`);
    return;
  }
  say(`passk: run ${summary.run}: ${summary.questions_done}/${summary.questions_total} questions, ${summary.samples_done} samples${summary.simulated ? ' (SIMULATED model)' : ''}`);
  try {
    if (summary.provenance) say(`  ${provenanceLine(summary.provenance)}`);
    for (const line of resultsTable(summary)) say(line);
  } catch (error) {
    // A run_summary.json edited by hand (or from another version) must not end the run with a stack trace.
    say(`passk: ${layout.runSummaryFile} has fields of an unexpected shape (${(error as Error).message}); the table is left out`);
  }
  const extraction = extractionByTemperature(summary);
  if (extraction.length) {
    say('  extraction:');
    for (const line of extractionLines(extraction)) say(`    ${line}`);
  }
  for (const line of extractionWarnings(extraction)) say(`passk: ${line}`);
  say(`passk: results: ${layout.resultsDir} (q*/summary.json, q*/t*_combined.json, run_summary.json); \`${passkCommand(['report', ...resultsRefArgs(layout)])}\` draws the charts`);
}
