/**
 * @passk/evaluator: LiveCodeBench-faithful grading in warm sandboxed fork servers, deduplicated.
 * See docs/grading.md and docs/sandbox.md.
 */
export { createGrader, GRADER_VERSION, type PasskGrader } from './grader.js';
export { resolveOptions, limitsFingerprint, graderFingerprint, LIMIT_DEFAULTS, type GraderOptions, type ResolvedOptions } from './options.js';
export { createCachedGrader, problemDir, type CachedGrader, type CacheStats } from './cache.js';
export { normaliseProgram, programKey, problemFingerprint, NORMALISATION_VERSION } from './dedup.js';
export { passAtK, meanPassAtK } from './passk.js';
export { compareStdout, strippedLines, pyStrip, pySplit, type StdioComparison } from './compare/stdio.js';
export { StdoutComparer } from './compare/offload.js';
export { parseDecimal, decimalEquals, type Dec } from './compare/decimal.js';
export { parsePyJson, pyEquals, type PyValue } from './compare/pyjson.js';
export { resolvePython } from './sandbox/python.js';
export type { SandboxInfo } from './sandbox/server.js';
export type { PoolStats } from './sandbox/pool.js';
export { evaluateCommand, printSummary, EXIT_INFRA_ERRORS } from './commands/evaluate.js';
export { LIMIT_FLAGS, limitOptions, limitArgs, gradingFlag, type LimitFlagArgs } from './commands/limit-flags.js';
export * from './daemon/index.js';
