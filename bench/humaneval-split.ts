/**
 * What HumanEval's checker/candidate split costs (docs/sandbox.md, "HumanEval: checker and
 * candidate"): the 164 canonical solutions, `rounds` times, sequentially on one fork server; prints
 * wall and child CPU (checker + candidate) per sample and the load average. Compare commits by
 * running it on each. Run: node --import tsx bench/humaneval-split.ts [rounds]
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadProblems } from '@passk/problems';
import { createGrader } from '@passk/evaluator';

const rounds = Number(process.argv[2] ?? 2);
const HUMANEVAL = fileURLToPath(new URL('../../shared/datasets/HumanEval.jsonl.gz', import.meta.url));
const { problems } = await loadProblems(HUMANEVAL);
const g = await createGrader({ workers: 1, cpuLimitSeconds: 3, onWarning: () => {} });
try {
  await g.grade({ problem: problems[0]!, code: problems[0]!.reference_solution! });
  const start = performance.now();
  let cpu = 0;
  let passed = 0;
  for (let r = 0; r < rounds; r++) {
    for (const p of problems) {
      const v = await g.grade({ problem: p, code: p.reference_solution! });
      cpu += v.cpu_ms;
      passed += v.passed ? 1 : 0;
    }
  }
  const n = problems.length * rounds;
  const wall = (performance.now() - start) / n;
  console.log(`${n} samples, ${passed} passed: wall ${wall.toFixed(2)} ms, child CPU ${(cpu / n).toFixed(2)} ms per sample; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
} finally {
  await g.close();
}
