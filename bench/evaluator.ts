/**
 * Evaluator benchmark (docs/benchmarks.md, "Evaluator"). Run: node --import tsx bench/evaluator.ts [runs]
 * Every measurement interleaves the two compile paths, A = `serverCompile: false` (every child
 * compiles its program, the path before 2026-11-22) and B = `serverCompile: true` (the default),
 * on the same programs with the same limits, reports medians, and fails if any verdict differs.
 *  1. HumanEval canonical solutions × 10 made distinct (1,640 programs), no dedup, K = 2 servers.
 *  2. A LiveCodeBench-style stdin problem with 30 tests: per-test and per-sample cost.
 *  3. A low-temperature-like set (many duplicates) with dedup on (B only).
 *  4. The peer's method on the same 1,640 programs (bench/peer_humaneval.py: Manager + forked Process
 *     per program, 4 threads), and the machine's floor (every program exec'd in one process), with the
 *     interpreter passk grades with, so the comparison is on this machine, today.
 */
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Problem, Verdict } from '@passk/core';
import { loadProblems } from '@passk/problems';
import { createGrader, createCachedGrader, type PasskGrader } from '@passk/evaluator';

const runs = Number(process.argv[2] ?? 3);
const HUMANEVAL = fileURLToPath(new URL('../../shared/datasets/HumanEval.jsonl.gz', import.meta.url));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const quiet = { onWarning: () => {} };
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const PATHS = { A: { serverCompile: false }, B: { serverCompile: true } } as const;
type Path = keyof typeof PATHS;
const key = (v: Verdict) => `${v.status}/${v.failed_test}/${v.tests_run}`;

function sameVerdicts(what: string, a: Verdict[], b: Verdict[]): void {
  const diff = a.map((v, i) => (key(v) === key(b[i]!) ? null : `${i}: A ${key(v)} ${v.message} | B ${key(b[i]!)} ${b[i]!.message}`)).filter(Boolean);
  if (diff.length) throw new Error(`${what}: ${diff.length} verdicts differ between the paths:\n${diff.slice(0, 10).join('\n')}`);
}

console.log(`machine: ${availableParallelism()} cores, load ${load()}, node ${process.version}`);

if (existsSync(HUMANEVAL)) {
  const { problems } = await loadProblems(HUMANEVAL);
  const graders: Record<Path, PasskGrader> = {
    A: await createGrader({ workers: 2, cpuLimitSeconds: 3, ...PATHS.A, ...quiet }),
    B: await createGrader({ workers: 2, cpuLimitSeconds: 3, ...PATHS.B, ...quiet }),
  };
  console.log(`python: ${graders.B.python}, sandbox: ${graders.B.sandbox.level}`);
  const times: Record<Path, number[]> = { A: [], B: [] };
  for (let r = 0; r < runs; r++) {
    const verdicts: Partial<Record<Path, Verdict[]>> = {};
    for (const path of (r % 2 ? ['B', 'A'] : ['A', 'B']) as Path[]) {
      const t = performance.now();
      const vs = await Promise.all(problems.flatMap((p) => Array.from({ length: 10 }, (_, i) => graders[path].grade({ problem: p, code: `${p.reference_solution!}\n# run ${r} copy ${i}\n` }))));
      const s = (performance.now() - t) / 1000;
      times[path].push(s);
      verdicts[path] = vs;
      console.log(`humaneval run ${r} path ${path}: 1640 distinct programs in ${s.toFixed(2)} s = ${(vs.length / s).toFixed(0)} programs/s, passed ${vs.filter((v) => v.passed).length}/${vs.length}, load ${load()}`);
    }
    sameVerdicts(`humaneval run ${r}`, verdicts.A!, verdicts.B!);
  }
  for (const path of ['A', 'B'] as Path[]) {
    console.log(`humaneval median, path ${path}: ${median(times[path]).toFixed(2)} s = ${(1640 / median(times[path])).toFixed(0)} programs/s; verdicts identical between the paths`);
  }
  const python = graders.B.python;
  await Promise.all([graders.A.close(), graders.B.close()]);
  const peer = spawnSync(python, [fileURLToPath(new URL('./peer_humaneval.py', import.meta.url)), HUMANEVAL, '10', String(runs)], { encoding: 'utf8' });
  if (peer.status !== 0) throw new Error(`bench/peer_humaneval.py failed: ${peer.stderr}`);
  const result = JSON.parse(peer.stdout) as { programs: number; floor_cpu_s: number; peer_walls_s: number[]; peer_passed: number[] };
  const peerWall = median(result.peer_walls_s);
  console.log(`peer method (Manager + Process per program, 4 threads), same 1640 programs: runs ${result.peer_walls_s.map((w) => w.toFixed(2)).join(' / ')} s, median ${peerWall.toFixed(2)} s = ${(1640 / peerWall).toFixed(0)} programs/s, passed ${result.peer_passed.join('/')}; passk B is ${(peerWall / median(times.B)).toFixed(1)}x`);
  console.log(`machine floor: the 1640 programs exec'd in one process took ${result.floor_cpu_s.toFixed(2)} s of CPU (sandbox.md's machine: 2.13 s), load ${load()}`);
}

{
  const tests = Array.from({ length: 30 }, (_, i) => ({ input: `${i + 1}\n${Array.from({ length: 50 }, (_, j) => j * i).join(' ')}\n`, output: `${(i * 49 * 50) / 2}\n` }));
  const problem: Problem = { id: 'bench-stdin', title: 'sum', kind: 'stdin', content: '', starter_code: '', tests, public_test_count: 3 };
  const code = 'import sys\ninput()\nprint(sum(map(int, sys.stdin.readline().split())))';
  const one: Record<Path, PasskGrader> = { A: await createGrader({ workers: 1, ...PATHS.A, ...quiet }), B: await createGrader({ workers: 1, ...PATHS.B, ...quiet }) };
  const walls: Record<Path, number[]> = { A: [], B: [] };
  const cpus: Record<Path, number[]> = { A: [], B: [] };
  for (const path of ['A', 'B'] as Path[]) await one[path].grade({ problem, code });
  for (let r = 0; r < 40; r++) {
    for (const path of (r % 2 ? ['B', 'A'] : ['A', 'B']) as Path[]) {
      const v = await one[path].grade({ problem, code: `${code}\n# ${r}` });
      if (!v.passed) throw new Error(JSON.stringify(v));
      walls[path].push(v.wall_ms);
      cpus[path].push(v.cpu_ms);
    }
  }
  for (const path of ['A', 'B'] as Path[]) {
    const w = median(walls[path]);
    console.log(`stdin problem, 30 tests, 1 server, sequential, path ${path}: ${w.toFixed(1)} ms per sample, ${(w / 30).toFixed(2)} ms per test wall, of which the child's CPU ${(median(cpus[path]) / 30).toFixed(2)} ms (fork, limits, program, exit; B: + the server's compile, once per sample)`);
  }
  const two: Record<Path, PasskGrader> = { A: await createGrader({ workers: 2, ...PATHS.A, ...quiet }), B: await createGrader({ workers: 2, ...PATHS.B, ...quiet }) };
  const rates: Record<Path, number[]> = { A: [], B: [] };
  for (let r = 0; r < 4; r++) {
    const verdicts: Partial<Record<Path, Verdict[]>> = {};
    for (const path of (r % 2 ? ['B', 'A'] : ['A', 'B']) as Path[]) {
      const t = performance.now();
      verdicts[path] = await Promise.all(Array.from({ length: 40 }, (_, i) => two[path].grade({ problem, code: `${code}\n# p${r} ${i}` })));
      rates[path].push(40 / ((performance.now() - t) / 1000));
    }
    sameVerdicts(`stdin run ${r}`, verdicts.A!, verdicts.B!);
  }
  for (const path of ['A', 'B'] as Path[]) {
    const s = median(rates[path]);
    console.log(`stdin problem, 30 tests, 2 servers, path ${path}: ${s.toFixed(1)} samples/s = ${(s * 30).toFixed(0)} tests/s (median of 4)`);
  }
  await Promise.all([one.A.close(), one.B.close(), two.A.close(), two.B.close()]);
}

if (existsSync(HUMANEVAL)) {
  const { problems } = await loadProblems(HUMANEVAL);
  // 164 problems × 50 samples; at low temperature ~90 % repeat one of a few programs.
  const samples = problems.flatMap((p) => Array.from({ length: 50 }, (_, i) => ({ problem: p, code: i % 10 === 0 ? `${p.reference_solution!}\n# variant ${i}\n` : p.reference_solution! })));
  const g = createCachedGrader(await createGrader({ workers: 2, cpuLimitSeconds: 3, ...quiet }), null);
  const t = performance.now();
  const vs = await Promise.all(samples.map((s) => g.grade(s)));
  const s = (performance.now() - t) / 1000;
  console.log(`low-temperature set, dedup on: ${samples.length} samples (${vs.filter((v) => !v.cached).length} distinct) in ${s.toFixed(2)} s = ${(samples.length / s).toFixed(0)} samples/s`);
  await g.close();
}
console.log(`load at the end: ${load()}`);
