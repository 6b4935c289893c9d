/**
 * @passk/stats: the pass@k statistics (unbiased estimator, Wilson and bootstrap intervals, per-temperature
 * aggregates) and the summary fields built from them. Pure and dependency-free, so every worker (evaluator,
 * combiner) loads it without the charting stack of @passk/report.
 */
export * from './passk.js';
export * from './binomial.js';
export * from './bootstrap.js';
export * from './aggregate.js';
export * from './enrich.js';
export * from './latency.js';
export * from './extraction.js';
export * from './row-extras.js';
export * from './paired.js';
