/**
 * Same verdicts under full CPU load (issue 12), for what judge semantics and HumanEval's
 * checker/candidate split add: threads the exit waits for, numpy, the FastIO-style real streams,
 * a candidate process near the CPU limit. (infra.test.ts covers the plain stdin/functional rows.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { Verdict } from '@passk/core';
import { grader, stdinProblem, humanEvalProblem } from './helpers.js';

const SUM = stdinProblem([
  ['3\n1 2 3\n', '6\n'],
  ['2\n-5 5\n', '0\n'],
]);
const ADD = humanEvalProblem('def add(a, b):\n    """Return a + b."""\n', 'def check(candidate):\n    assert candidate(1, 2) == 3\n    assert candidate(2, 2) == 4\n', 'add', 'HumanEval/load');
const BURN = 'import time\nwhile time.process_time() < 0.6:\n    pass\n';
const THREAD = 'import sys, threading\nthreading.stack_size(1 << 24)\ndef main():\n    input()\n    print(sum(map(int, input().split())))\nthreading.Thread(target=main).start()';

const samples = [
  { problem: SUM, code: THREAD },
  { problem: SUM, code: `${BURN}${THREAD}` },
  { problem: SUM, code: 'import threading\ndef main():\n    import time\n    while time.process_time() < 0.5:\n        pass\n    input()\n    print(sum(map(int, input().split())))\nthreading.Thread(target=main).start()' },
  { problem: SUM, code: 'import numpy as np\ninput()\nprint(np.array(input().split(), dtype=np.int64).sum())' },
  { problem: SUM, code: 'import os\nos.read(0, 0)\ninput()\nos.write(1, (str(sum(map(int, input().split()))) + "\\n").encode())' },
  { problem: SUM, code: 'input()\nprint(sum(map(int, input().split())) + 1)' },
  { problem: ADD, code: '    return a + b\n' },
  { problem: ADD, code: `    import time\n    while time.process_time() < 0.3:\n        pass\n    return a + b\n` },
  { problem: ADD, code: '    return a * b\n' },
  { problem: ADD, code: '    while True:\n        pass\n' },
];

test('judge semantics and HumanEval: identical verdicts with both cores saturated by another process', async () => {
  const g = await grader({ workers: 2, wallLimitSeconds: 8, memoryMb: 1024 });
  try {
    const run = async () => Promise.all(samples.map((s) => g.grade(s)));
    const shape = (vs: Verdict[]) => vs.map((v) => [v.status, v.failed_test, v.tests_run]);
    const idle = await run();
    assert.deepEqual(idle.map((v) => v.status), ['passed', 'passed', 'passed', 'passed', 'passed', 'wrong_answer', 'passed', 'passed', 'wrong_answer', 'time_limit'], JSON.stringify(idle));
    const burners = [0, 1, 2].map(() => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore', detached: true }));
    try {
      const loaded = await run();
      assert.deepEqual(shape(loaded), shape(idle));
    } finally {
      burners.forEach((b) => b.kill('SIGKILL'));
    }
    assert.equal(g.stats.infraErrors, 0);
  } finally {
    await g.close();
  }
});
