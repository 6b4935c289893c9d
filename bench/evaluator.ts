/**
 * Evaluator benchmark (docs/benchmarks.md, "Evaluator"). Run: node --import tsx bench/evaluator.ts [runs]
 *  1. HumanEval canonical solutions × 10 made distinct (1,640 programs), no dedup, K = 2 servers.
 *  2. A LiveCodeBench-style stdin problem with 30 tests: per-test and per-sample cost.
 *  3. A low-temperature-like set (many duplicates) with dedup on.
 */
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Problem } from '@passk/core';
import { loadProblems } from '@passk/problems';
import { createGrader, createCachedGrader } from '@passk/evaluator';

const runs = Number(process.argv[2] ?? 3);
const HUMANEVAL = fileURLToPath(new URL('../../shared/datasets/HumanEval.jsonl.gz', import.meta.url));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const quiet = { onWarning: () => {} };
console.log(`machine: ${availableParallelism()} cores, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}, node ${process.version}`);

if (existsSync(HUMANEVAL)) {
  const { problems } = await loadProblems(HUMANEVAL);
  const g = await createGrader({ workers: 2, cpuLimitSeconds: 3, ...quiet });
  console.log(`python: ${g.python}, sandbox: ${g.sandbox.level}`);
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    const vs = await Promise.all(problems.flatMap((p) => Array.from({ length: 10 }, (_, i) => g.grade({ problem: p, code: `${p.reference_solution!}\n# run ${r} copy ${i}\n` }))));
    const s = (performance.now() - t) / 1000;
    times.push(s);
    console.log(`humaneval 1640 distinct programs: ${s.toFixed(2)} s = ${(vs.length / s).toFixed(0)} programs/s, passed ${vs.filter((v) => v.passed).length}/${vs.length}`);
  }
  console.log(`humaneval median: ${median(times).toFixed(2)} s = ${(1640 / median(times)).toFixed(0)} programs/s (peer harness: 29.7 s = 55/s)`);
  await g.close();
}

{
  const tests = Array.from({ length: 30 }, (_, i) => ({ input: `${i + 1}\n${Array.from({ length: 50 }, (_, j) => j * i).join(' ')}\n`, output: `${(i * 49 * 50) / 2}\n` }));
  const problem: Problem = { id: 'bench-stdin', title: 'sum', kind: 'stdin', content: '', starter_code: '', tests, public_test_count: 3 };
  const code = 'import sys\ninput()\nprint(sum(map(int, sys.stdin.readline().split())))';
  const g = await createGrader({ workers: 1, ...quiet });
  await g.grade({ problem, code });
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let r = 0; r < 20; r++) {
    const v = await g.grade({ problem, code: `${code}\n# ${r}` });
    if (!v.passed) throw new Error(JSON.stringify(v));
    walls.push(v.wall_ms);
    cpus.push(v.cpu_ms);
  }
  const w = median(walls);
  console.log(`stdin problem, 30 tests, 1 server, sequential: ${w.toFixed(1)} ms per sample, ${(w / 30).toFixed(2)} ms per test wall, of which the child's CPU ${(median(cpus) / 30).toFixed(2)} ms (fork, limits, preamble, program, exit)`);
  const g2 = await createGrader({ workers: 2, ...quiet });
  const t = performance.now();
  await Promise.all(Array.from({ length: 40 }, (_, r) => g2.grade({ problem, code: `${code}\n# p${r}` })));
  const s = (performance.now() - t) / 1000;
  console.log(`stdin problem, 30 tests, 2 servers: ${(40 / s).toFixed(1)} samples/s = ${((40 * 30) / s).toFixed(0)} tests/s`);
  await g.close();
  await g2.close();
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
