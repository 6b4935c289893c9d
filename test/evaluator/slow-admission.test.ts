/**
 * Time-outs do not block other work (docs/sandbox.md; pool.ts admission): with one worker, a
 * program that sleeps stops holding the worker after SLOW_MS, and a quick program queued behind
 * it is graded beside it, on an extra server, before the sleeper ends. Real fork servers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { grader, stdinProblem } from './helpers.js';

const ONE = stdinProblem([['21\n', '42\n']], 'admission');

test('a quick program is not held up by a sleeping one (one worker)', async () => {
  const g = await grader({ workers: 1, cpuLimitSeconds: 2, wallLimitSeconds: 20 });
  try {
    const order: string[] = [];
    const sleeper = g.grade({ problem: ONE, code: 'import time\ntime.sleep(4)\nprint(int(input()) * 2)' }).then((v) => {
      order.push('sleeper');
      return v;
    });
    const quick = g.grade({ problem: ONE, code: 'print(int(input()) * 2)' }).then((v) => {
      order.push('quick');
      return v;
    });
    const [s, q] = await Promise.all([sleeper, quick]);
    assert.equal(s.status, 'passed', s.message);
    assert.equal(q.status, 'passed', q.message);
    assert.deepEqual(order, ['quick', 'sleeper']);
    assert.equal(g.stats.serverStarts, 1, 'no server was restarted');
  } finally {
    await g.close();
  }
});

test('sequential grading never starts an extra server', async () => {
  const g = await grader({ workers: 1, cpuLimitSeconds: 2, wallLimitSeconds: 20 });
  try {
    for (const code of ['import time\ntime.sleep(0.8)\nprint(42)', 'print(42)']) {
      const v = await g.grade({ problem: ONE, code });
      assert.equal(v.status, 'passed', v.message);
    }
    assert.equal(g.stats.overflowStarts, 0);
  } finally {
    await g.close();
  }
});

test('executions queued for admission when the grader closes still finish (they drain, as before)', async () => {
  const g = await grader({ workers: 1, cpuLimitSeconds: 2, wallLimitSeconds: 20 });
  const grades = [0, 1, 2].map((i) => g.grade({ problem: ONE, code: `# ${i}\nprint(int(input()) * 2)` }));
  const closed = g.close();
  const verdicts = await Promise.all(grades);
  await closed;
  assert.deepEqual(verdicts.map((v) => v.status), ['passed', 'passed', 'passed']);
});
