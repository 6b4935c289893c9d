/**
 * What `passk evaluate` tells its user: the default results file (`<samples>_results.jsonl` beside
 * the input, as human-eval's evaluate_functional_correctness writes it), which k were dropped and
 * why, what graded (grading mode, grader version, interpreter), and the readable summary table for
 * stderr (`--json` gives the machine form on stdout instead).
 */
import path from 'node:path';
import { count, passkVersion, probeInterpreter, gradingOf, type GradingMode, type InterpreterInfo } from '@passk/core';
import { GRADER_VERSION } from '../grader.js';
import type { EvaluateSummary } from './run-evaluate.js';

/** human-eval's rule: the results file is the samples path with `_results.jsonl` appended. */
export function defaultOutFile(samples: string): string {
  return `${samples}_results.jsonl`;
}

export interface DroppedK {
  k: number;
  reason: string;
}

/** The k of `ks` that pass@k leaves out (some problem has fewer graded samples than k), each with its reason. */
export function droppedKs(counts: ReadonlyArray<{ id: string; n: number }>, ks: readonly number[]): DroppedK[] {
  const graded = counts.filter((c) => c.n > 0);
  if (!graded.length) return ks.map((k) => ({ k, reason: 'no problem has a graded sample' }));
  const out: DroppedK[] = [];
  for (const k of ks) {
    const short = graded.filter((c) => c.n < k);
    if (!short.length) continue;
    const least = short.reduce((a, b) => (b.n < a.n ? b : a));
    out.push({ k, reason: `${short.length} of ${count(graded.length, 'problem')} ${short.length === 1 ? 'has' : 'have'} fewer than ${k} graded samples (smallest n = ${least.n}, ${least.id}); pass@k needs n >= k for every problem` });
  }
  return out;
}

export interface EvaluateProvenance {
  passk_version: string;
  passk_commit: string;
  grading: GradingMode;
  grader_version: string;
  interpreter: InterpreterInfo | null;
}

export async function evaluateProvenance(python: string, options: { grading?: unknown }): Promise<EvaluateProvenance> {
  const v = passkVersion();
  return { passk_version: v.version, passk_commit: v.commit, grading: gradingOf(options), grader_version: GRADER_VERSION, interpreter: await probeInterpreter(python) };
}

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;

/** The readable summary (stderr without --json). */
export function summaryTable(s: EvaluateSummary): string[] {
  const lines = [`passk evaluate: ${count(s.samples, 'sample')} of ${count(s.problems, 'problem')} graded in ${s.seconds.toFixed(1)} s (${count(s.graded, 'program')} run, the rest from dedup)`];
  lines.push(`  results: ${path.resolve(s.out)}`); // absolute: the user may open it from anywhere
  for (const [key, value] of Object.entries(s.passAtK)) lines.push(`  ${key.padEnd(10)} ${pct(value).padStart(9)}`);
  for (const d of s.ksDropped) lines.push(`  ${`pass@${d.k}`.padEnd(10)} ${'dropped'.padStart(9)}: ${d.reason}`);
  const verdicts = Object.entries(s.statuses).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  lines.push(`  verdicts: ${verdicts.map(([k, c]) => `${k} ${c}`).join(', ') || 'none'}`);
  const p = s.provenance;
  const py = p.interpreter ? `python ${p.interpreter.version} ${p.interpreter.path}${Object.entries(p.interpreter.packages).map(([k, v]) => `, ${k} ${v ?? 'not installed'}`).join('')}` : 'python unknown';
  lines.push(`  grading ${p.grading} (grader ${p.grader_version}) · ${py} · sandbox ${s.sandbox.level} · passk ${p.passk_version} (${p.passk_commit.slice(0, 12)})`);
  return lines;
}
