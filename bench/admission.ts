/**
 * Time-outs and other work (docs/sandbox.md, "Time-outs do not block other work"): 2 workers grade
 * 40 quick programs and 4 that sleep 2 s, all submitted at once; prints the wall time of the whole
 * set and the verdict counts. Wall time is the point here (sleepers use no CPU); run it on each
 * commit to compare. Run: node --import tsx bench/admission.ts
 */
import { createGrader } from '@passk/evaluator';
import type { Problem } from '@passk/core';

const ONE: Problem = { id: 'adm', title: 'adm', kind: 'stdin', content: '', starter_code: '', tests: [{ input: '21\n', output: '42\n' }], public_test_count: 1 };
const codes: string[] = [];
for (let i = 0; i < 44; i++) codes.push(i % 11 === 0 ? `# ${i}\nimport time\ntime.sleep(2)\nprint(int(input()) * 2)` : `# ${i}\nprint(int(input()) * 2)`);
const g = await createGrader({ workers: 2, cpuLimitSeconds: 2, wallLimitSeconds: 5, grading: 'judge', onWarning: () => {} });
try {
  await Promise.all([g.grade({ problem: ONE, code: 'print(42)' }), g.grade({ problem: ONE, code: 'print(42)' })]);
  const start = performance.now();
  const verdicts = await Promise.all(codes.map((code) => g.grade({ problem: ONE, code })));
  const wall = (performance.now() - start) / 1000;
  const counts: Record<string, number> = {};
  for (const v of verdicts) counts[v.status] = (counts[v.status] ?? 0) + 1;
  console.log(`44 programs (4 sleep 2 s), 2 workers: wall ${wall.toFixed(2)} s; ${JSON.stringify(counts)}`);
} finally {
  await g.close();
}
