/**
 * `passk dataset check FILE`: load and validate every row, print counts by platform, difficulty,
 * test type and release window, and the ids of the problems on LiveCodeBench's ERRATA list (loaded
 * and flagged, or dropped by --exclude-errata). Returns the exit code: 0 when every row is valid (or skipped
 * under --skip-invalid), 1 on the first invalid row (the message names file, line and field).
 */
import { isPasskError, formatPasskError, exitStatusOf } from '@passk/core';
import { streamProblems } from '../load.js';
import { newStats, type ExcludedErratum, type LoadOptions } from '../options.js';
import { summarise, type ProblemSummary } from '../summary.js';

export interface CheckIo {
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
}

function table(title: string, counts: Record<string, number>): string {
  const rows = Object.entries(counts).sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }));
  if (rows.length === 0) return '';
  const width = Math.max(...rows.map(([k]) => k.length));
  return `${title}:\n${rows.map(([k, n]) => `  ${k.padEnd(width)}  ${n}`).join('\n')}\n`;
}

function errataList(title: string, items: readonly ExcludedErratum[]): string {
  if (items.length === 0) return '';
  const width = Math.max(...items.map((e) => e.id.length));
  return `${title}:\n${items.map((e) => `  ${e.id.padEnd(width)}  ${e.reason}`).join('\n')}\n`;
}

export function formatSummary(spec: string, s: ProblemSummary, skipped: number, errataExcluded: readonly ExcludedErratum[] = []): string {
  return (
    `${spec}: ${s.total} problem(s), ${s.tests.public} public + ${s.tests.private} private test(s)` +
    `${s.errata ? `, ${s.errata} on the ERRATA list` : ''}${errataExcluded.length ? `, ${errataExcluded.length} on the ERRATA list excluded` : ''}${skipped ? `, ${skipped} invalid row(s) skipped` : ''}\n` +
    (s.dates ? `contest dates: ${s.dates.first.slice(0, 10)} … ${s.dates.last.slice(0, 10)}\n` : '') +
    table('platform', s.byPlatform) +
    table('difficulty', s.byDifficulty) +
    table('test type', s.byTestType) +
    table('release window', s.byReleaseWindow) +
    errataList('ERRATA (loaded, flagged in results; --exclude-errata drops them)', s.errataProblems) +
    errataList(`ERRATA excluded (${errataExcluded.length})`, errataExcluded)
  );
}

export async function runCheck(spec: string, options: LoadOptions & { json?: boolean }, io: CheckIo): Promise<number> {
  const stats = newStats();
  const summary = summarise();
  try {
    for await (const p of streamProblems(spec, { ...options, onWarning: (w) => io.err.write(`warning: ${w}\n`) }, stats)) summary.add(p);
  } catch (error) {
    if (!isPasskError(error)) throw error;
    io.err.write(`${formatPasskError(error)}\n`); // docs/errors.md: one format, the code's exit status
    return exitStatusOf(error.code);
  }
  const { add: _add, ...plain } = summary;
  io.out.write(
    options.json
      ? `${JSON.stringify({ spec, ...plain, skipped: stats.skipped, errataExcluded: stats.errataExcluded }, null, 2)}\n`
      : formatSummary(spec, summary, stats.skipped, stats.errataExcluded),
  );
  return 0;
}
