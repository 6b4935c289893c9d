/** The end-of-run printout: where the results are and pass rate per temperature. */
import { readRegularText, SMALL_FILE_MAX_BYTES, type RunLayout, type RunSummary } from '@passk/core';

export async function printResults(layout: RunLayout, say: (line: string) => void): Promise<void> {
  let summary: RunSummary;
  try {
    summary = JSON.parse(await readRegularText(layout.runSummaryFile, SMALL_FILE_MAX_BYTES)) as RunSummary;
  } catch {
    say(`passk: results in ${layout.resultsDir}`);
    return;
  }
  say(`passk: run ${summary.run}: ${summary.questions_done}/${summary.questions_total} questions, ${summary.samples_done} samples${summary.simulated ? ' (SIMULATED model)' : ''}`);
  say('  temperature  pass rate  (passed/n over all questions)  pass@1 mean over questions [95% bootstrap interval]');
  for (const row of summary.per_temperature as Array<(typeof summary.per_temperature)[number] & { pass_at_k?: Record<string, { value: number; low: number; high: number }> }>) {
    const p1 = row.pass_at_k?.['pass@1'];
    const ci = p1 ? `  ${p1.value.toFixed(3)} [${p1.low.toFixed(3)}, ${p1.high.toFixed(3)}]` : '';
    say(`  ${String(row.temperature).padEnd(11)}  ${`${row.pass_rate.toFixed(2)}%`.padStart(9)}  ${`(${row.passed}/${row.n})`.padEnd(30)}${ci}`);
  }
  say(`passk: results: ${layout.resultsDir} (q*/summary.json, q*/t*_combined.json, run_summary.json); \`passk report --run ${summary.run}\` draws the charts`);
}
