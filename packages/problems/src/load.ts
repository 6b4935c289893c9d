/**
 * loadProblems / streamProblems: resolve the spec, stream every source row by row (each row is
 * parsed, normalised, validated against the core Problem schema, then dropped), check ids are
 * unique across the whole load, apply filters. Problems come in file order, files in release order.
 * ERRATA exclusion runs last, so "excluded N" counts only problems the other filters kept.
 */
import { assertValid, isPasskError, jsonSyntaxMessage, PasskError, problemSchema, type Problem } from '@passk/core';
import { checkGradable } from './gradable.js';
import { DEMO_ROWS } from './demo/index.js';
import { detectFormat, UNKNOWN_FORMAT_MESSAGE, type RowFormat } from './detect.js';
import { makeFilter } from './filters.js';
import { readJsonlLines, type JsonlLine } from './jsonl.js';
import { releaseWindow } from './lcb/releases.js';
import { newStats, type LoadOptions, type LoadResult, type LoadStats } from './options.js';
import { releaseNotApplicable, resolveSpec, type Source } from './spec.js';

/** Errors a row can be skipped for under `skipInvalid`. */
const ROW_ERRORS = new Set(['ERR_PROBLEM_INVALID', 'ERR_PICKLE_UNSUPPORTED']);

interface RawRow {
  line: number;
  value: unknown;
  parseError?: Error;
}

async function* jsonRows(lines: AsyncIterable<JsonlLine>): AsyncGenerator<RawRow> {
  for await (const { line, text } of lines) {
    try {
      yield { line, value: JSON.parse(text) };
    } catch (error) {
      yield { line, value: undefined, parseError: error as Error };
    }
  }
}

async function* demoRows(): AsyncGenerator<RawRow> {
  let line = 0;
  for (const row of DEMO_ROWS) yield { line: ++line, value: { ...row } };
}

function validProblem(problem: Problem, where: { file?: string; line?: number }): Problem {
  try {
    return assertValid<Problem>(problemSchema, problem, where);
  } catch (error) {
    if (isPasskError(error, 'ERR_SCHEMA_INVALID')) {
      throw new PasskError('ERR_PROBLEM_INVALID', error.message.slice(error.message.indexOf(': ') + 2), { ...where, field: error.field });
    }
    throw error;
  }
}

/**
 * Stream the problems of `spec` one at a time; `stats` collects skipped rows and warnings.
 * Memory stays bounded by the largest row, whatever the file size.
 */
export async function* streamProblems(spec: string, options: LoadOptions = {}, stats: LoadStats = newStats()): AsyncGenerator<Problem> {
  const warn = (message: string): void => {
    stats.warnings.push(message);
    options.onWarning?.(message);
  };
  // ERRATA are dropped after every other filter (below), so the count names only problems that
  // would otherwise have been loaded.
  const filter = makeFilter({ ...options, excludeErrata: false });
  const resolved = resolveSpec(spec, options);
  const windows = resolved.windowFilter ? new Set(resolved.windowFilter.map((inc) => `v${inc.version}`)) : undefined;
  if (windows) warn(`${spec}: --release ${options.release} on a file not named testN.jsonl selects by contest-date window (approximate at month boundaries)`);
  const seen = new Map<string, string>();

  for (const source of resolved.sources) {
    const file = source.type === 'file' ? source.file : 'demo';
    const rows = source.type === 'file' ? jsonRows(readJsonlLines(source.file)) : demoRows();
    let format: RowFormat | undefined;
    for await (const row of rows) {
      const where = source.type === 'file' ? { file, line: row.line } : { line: row.line };
      let problem: Problem;
      try {
        problem = normaliseRow(row, where, source, format, seen);
        format ??= detectFormat(row.value as Record<string, unknown>);
      } catch (error) {
        if (options.skipInvalid && isPasskError(error) && ROW_ERRORS.has(error.code)) {
          stats.skipped += 1;
          warn(`skipped: ${error.message}`);
          continue;
        }
        throw error;
      }
      if (windows && format && format.name !== 'livecodebench') {
        throw releaseNotApplicable(options.release!, `\`${file}\``, `its rows are ${format.name}, which has no LiveCodeBench releases`);
      }
      if (!filter(problem) || (windows && !windows.has(releaseWindow(problem.contest_date)))) {
        stats.filtered += 1;
        continue;
      }
      if (problem.errata && options.excludeErrata) {
        stats.filtered += 1;
        stats.errataExcluded.push({ id: problem.id, title: problem.title, reason: problem.errata });
        continue;
      }
      yield problem;
    }
  }
  const excluded = stats.errataExcluded;
  if (excluded.length) warn(`excluded ${excluded.length} problem(s) on LiveCodeBench's ERRATA list: ${excluded.map((e) => e.id).join(', ')}`);
  if (stats.skipped) warn(`skipped ${stats.skipped} invalid row(s)`);
}

function normaliseRow(
  row: RawRow,
  where: { file?: string; line: number },
  source: Source,
  format: RowFormat | undefined,
  seen: Map<string, string>,
): Problem {
  if (row.parseError) {
    throw new PasskError('ERR_PROBLEM_INVALID', jsonSyntaxMessage(row.parseError), { ...where, field: '(line)' });
  }
  const value = row.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PasskError('ERR_PROBLEM_INVALID', 'expected a JSON object', { ...where, field: '(line)' });
  }
  const raw = value as Record<string, unknown>;
  const fmt = format ?? detectFormat(raw);
  if (!fmt) throw new PasskError('ERR_PROBLEM_INVALID', UNKNOWN_FORMAT_MESSAGE, { ...where, field: '(line)' });
  const dataset = source.type === 'demo' ? 'demo' : (source.dataset ?? fmt.name);
  const problem = validProblem(fmt.normalise(raw, where, dataset), where);
  checkGradable(problem, where);
  const first = seen.get(problem.id);
  if (first !== undefined) {
    throw new PasskError('ERR_PROBLEM_INVALID', `duplicate id \`${problem.id}\` (first seen at ${first})`, { ...where, field: fmt.idField });
  }
  seen.set(problem.id, [where.file, `line ${where.line}`].filter(Boolean).join(', '));
  return problem;
}

/** Load every problem of `spec` (a file path or a dataset spec) into memory. */
export async function loadProblems(spec: string, options: LoadOptions = {}): Promise<LoadResult> {
  const stats = newStats();
  const problems: Problem[] = [];
  for await (const problem of streamProblems(spec, options, stats)) problems.push(problem);
  return { problems, skipped: stats.skipped, warnings: stats.warnings, filtered: stats.filtered, errataExcluded: stats.errataExcluded };
}
