/**
 * Starvation-aware wall limits (docs/grading.md, "Wall limits under load"; passk_starvation.py):
 * a CPU-bound program starved by busy loops pinned to its CPU is judged as on an idle machine, in
 * lcb mode (per-test wall limit) and judge mode (wall backstop); a program that sleeps past the
 * wall limit still fails. Real fork servers, real Python, real burner processes.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { grader, stdinProblem, humanEvalProblem } from './helpers.js';

const BURNERS = 3;
const CPU = 0;
const burners: ChildProcess[] = [];

before(async () => {
  for (let i = 0; i < BURNERS; i++) {
    // Each in its own session: with CFS autogroup the scheduler shares a CPU between sessions, and the
    // sandboxed child (setsid) would otherwise get half of it against all burners together.
    const b = spawn('taskset', ['-c', String(CPU), '/usr/bin/python3', '-c', 'print("up", flush=True)\nwhile True: pass'], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    burners.push(b);
    await once(b.stdout!, 'data'); // running: busy from here on
  }
});
after(() => {
  for (const b of burners) b.kill('SIGKILL');
});

const ONE = stdinProblem([['21\n', '42\n']], 'starved');
// 0.5 s of CPU on a CPU shared with 3 busy loops: >= 2 s of wall time, twice the 1 s wall limit.
const CPU_BOUND = `import os, time\nos.sched_setaffinity(0, {${CPU}})\nt = time.process_time()\nwhile time.process_time() - t < 0.5:\n    pass\nprint(int(input()) * 2)`;
const SLEEPER = `import os, time\nos.sched_setaffinity(0, {${CPU}})\ntime.sleep(2)\nprint(int(input()) * 2)`;

for (const grading of ['lcb', 'judge'] as const) {
  test(`${grading}: a starved CPU-bound program passes; a sleeping one is still time_limit`, async () => {
    const g = await grader({ grading, workers: 1, cpuLimitSeconds: 2, wallLimitSeconds: 1 });
    try {
      const starved = await g.grade({ problem: ONE, code: CPU_BOUND });
      assert.equal(starved.status, 'passed', starved.message);
      assert.ok(starved.wall_ms > 1000, `the program was not starved (wall ${starved.wall_ms} ms): the test proves nothing`);
      const sleeper = await g.grade({ problem: ONE, code: SLEEPER });
      assert.equal(sleeper.status, 'time_limit', sleeper.message);
    } finally {
      await g.close();
    }
  });
}

test('human-eval: a starved completion (CPU in the candidate, a grandchild) passes; a sleeping one is time_limit', async () => {
  const g = await grader({ workers: 1, cpuLimitSeconds: 2, wallLimitSeconds: 1 });
  const problem = humanEvalProblem('def f(x):\n', 'def check(candidate):\n    assert candidate(2) == 4\n', 'f', 'HumanEval/starved');
  const body = (wait: string): string => `    import os, time\n    os.sched_setaffinity(0, {${CPU}})\n${wait}    return 2 * x\n`;
  try {
    const starved = await g.grade({ problem, code: body('    t = time.process_time()\n    while time.process_time() - t < 0.5:\n        pass\n') });
    assert.equal(starved.status, 'passed', starved.message);
    assert.ok(starved.wall_ms > 1000, `the program was not starved (wall ${starved.wall_ms} ms): the test proves nothing`);
    const sleeper = await g.grade({ problem, code: body('    time.sleep(2)\n') });
    assert.equal(sleeper.status, 'time_limit', sleeper.message);
  } finally {
    await g.close();
  }
});
