/** The end-of-run printout: where the results are and pass rate per temperature. */
import { readFile } from 'node:fs/promises';
import type { RunLayout, RunSummary } from '@passk/core';

export async function printResults(layout: RunLayout, say: (line: string) => void): Promise<void> {
  let summary: RunSummary;
  try {
    summary = JSON.parse(await readFile(layout.runSummaryFile, 'utf8')) as RunSummary;
  } catch {
    say(`passk: results in ${layout.resultsDir}`);
    return;
  }
  say(`passk: run ${summary.run}: ${summary.questions_done}/${summary.questions_total} questions, ${summary.samples_done} samples${summary.simulated ? ' (SIMULATED model)' : ''}`);
  say('  temperature  pass rate  (passed/n over all questions)');
  for (const row of summary.per_temperature) {
    say(`  ${String(row.temperature).padEnd(11)}  ${`${row.pass_rate.toFixed(2)}%`.padStart(9)}  (${row.passed}/${row.n})`);
  }
  say(`passk: results: ${layout.resultsDir} (q*/summary.json, q*/t*_combined.json, run_summary.json)`);
}
