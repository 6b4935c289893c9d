/** `passk report`: read one or several runs, write report.html, report.md, results.csv, charts and exports. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildRunReport, type ReportOptions, type RunReport } from './model.js';
import { buildCharts, writeCharts, type ChartOptions } from './charts.js';
import { reportTables } from './tables.js';
import { resultsCsv } from '../write/csv.js';
import { reportMarkdown } from '../write/markdown.js';
import { reportHtml } from '../write/html.js';
import { writeExports, type ExportFiles } from '../write/exports.js';
import { pairedComparisons } from './paired.js';
import { pairedCsv } from './paired-tables.js';

export interface WriteReportOptions extends ReportOptions, ChartOptions {
  /** The run reported on. */
  resultsDir: string;
  /** Results directories of the runs to compare with (side by side, overlaid curves). @default [] */
  compareDirs?: string[];
  /** Where to write. @default resultsDir */
  outDir?: string;
  /** Write the LiveCodeBench and human-eval exports (of the main run) under `<outDir>/exports/`. @default true */
  exports?: boolean;
}

export interface WrittenReport {
  html: string;
  markdown: string;
  csv: string;
  charts: Array<{ name: string; svg: string; png: string }>;
  exports?: ExportFiles;
  reports: RunReport[];
}

export async function writeReport(options: WriteReportOptions): Promise<WrittenReport> {
  const outDir = path.resolve(options.outDir ?? options.resultsDir);
  await mkdir(outDir, { recursive: true });
  const reports = [await buildRunReport(options.resultsDir, options)];
  for (const dir of options.compareDirs ?? []) reports.push(await buildRunReport(dir, options));
  const charts = await writeCharts(buildCharts(reports, options), path.join(outDir, 'charts'));
  const tables = reportTables(reports);
  const html = path.join(outDir, 'report.html');
  const markdown = path.join(outDir, 'report.md');
  const csv = path.join(outDir, 'results.csv');
  await writeFile(html, reportHtml(reports, tables, charts));
  await writeFile(markdown, reportMarkdown(reports, tables, charts, outDir));
  await writeFile(csv, resultsCsv(reports));
  // With --compare: every per-question difference behind the paired table.
  if (reports.length > 1) await writeFile(path.join(outDir, 'paired_differences.csv'), pairedCsv(pairedComparisons(reports)));
  const exports = options.exports === false ? undefined : await writeExports(reports[0]!.data, path.join(outDir, 'exports'));
  return { html, markdown, csv, charts: charts.map((c) => ({ name: c.name, svg: c.svgFile, png: c.pngFile })), exports, reports };
}
