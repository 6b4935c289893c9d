/**
 * @passk/report: `passk report` (HTML, Markdown, CSV, Vega-Lite charts rendered with vega and resvg, the
 * LiveCodeBench and human-eval exports). The statistics it draws are @passk/stats'; the CLI loads only
 * `@passk/report/command`, whose handler imports the rest when the report is written.
 */
export * from './load/combined.js';
export * from './load/run-data.js';
export * from './load/timeline.js';
export * from './charts/specs.js';
export * from './charts/render.js';
export * from './report/model.js';
export * from './report/cost.js';
export * from './report/charts.js';
export * from './report/tables.js';
export * from './report/write-report.js';
export * from './write/csv.js';
export * from './write/markdown.js';
export * from './write/html.js';
export * from './write/exports.js';
export * from './command.js';
