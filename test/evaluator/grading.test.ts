/**
 * The grading table: programs × expected verdicts, covering LiveCodeBench's rules and every
 * documented difference (docs/grading.md names these rows). Real fork servers, real Python.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Problem, VerdictStatus } from '@passk/core';
import { grader, stdinProblem, functionalProblem, humanEvalProblem, DOUBLE, DOUBLE_OK } from './helpers.js';

const g = await grader();
after(() => g.close());

interface Row {
  name: string;
  problem: Problem;
  code: string;
  status: VerdictStatus;
  failed?: number | null;
  tests_run?: number;
  message?: RegExp;
}

const LINES = stdinProblem([['3\nab\ncd\nef\n', 'ab\ncd\nef']]);
const SUM = stdinProblem([['1 2\n', '3'], ['10 20\n', '30'], ['7 7\n', '14']]);
const TWO_SUM = functionalProblem('twoSum', [['[2, 7, 11, 15]\n9', '[0, 1]'], ['[3, 2, 4]\n6', '[1, 2]']]);
const PAIRS = functionalProblem('pairs', [['2', '[[0, 1], [1, 2]]']]);
const HALF = functionalProblem('half', [['3', '1.5'], ['4', '2']]);
const BIG = functionalProblem('big', [['0', '123456789012345678901234567890']]);
const COUNT = functionalProblem('count', [['"aab"', '{"a": 2, "b": 1}']]);
const HE_PROMPT = 'def add(a, b):\n    """Return a + b."""\n';
const HE_TEST = 'def check(candidate):\n    assert candidate(1, 2) == 3\n    assert abs(candidate(-1, 1)) == 0\n';
const HE = humanEvalProblem(HE_PROMPT, HE_TEST, 'add');

const rows: Row[] = [
  // stdin kind: LiveCodeBench rules
  { name: 'stdin: input() and print pass every test', problem: SUM, code: 'a, b = map(int, input().split())\nprint(a + b)', status: 'passed', tests_run: 3 },
  { name: 'stdin: public tests first, stop at the first failure', problem: SUM, code: 'a, b = map(int, input().split())\nprint(a + b if a < 5 else 0)', status: 'wrong_answer', failed: 1, tests_run: 2 },
  { name: 'stdin: extra output lines are a wrong answer', problem: DOUBLE, code: 'print(int(input()) * 2)\nprint()\nprint(1)', status: 'wrong_answer', failed: 0, message: /mismatched output length/ },
  { name: 'stdin: the LCB import preamble is in scope', problem: SUM, code: 'a, b = map(int, input().split())\nprint(reduce(add, [a, b]))', status: 'passed' },
  { name: 'stdin: recursion limit is 50000', problem: DOUBLE, code: 'def f(n):\n    return 0 if n == 0 else 1 + f(n - 1)\nf(20000)\nprint(int(input()) * 2)', status: 'passed' },
  { name: 'stdin: int max str digits is 50000', problem: DOUBLE, code: 'assert len(str(10 ** 20000)) == 20001\nprint(int(input()) * 2)', status: 'passed' },
  { name: 'stdin: if __name__ == "__main__" runs', problem: DOUBLE, code: 'def main():\n    print(int(input()) * 2)\nif __name__ == "__main__":\n    main()', status: 'passed' },
  { name: 'stdin: threading.Thread(target=main) + join', problem: DOUBLE, code: 'import threading\ndef main():\n    print(int(input()) * 2)\nt = threading.Thread(target=main)\nt.start()\nt.join()', status: 'passed' },
  { name: 'stdin: exit() after printing passes', problem: DOUBLE, code: 'print(int(input()) * 2)\nexit()', status: 'passed' },
  { name: 'stdin: sys.exit(0) after printing passes', problem: DOUBLE, code: 'import sys\nprint(int(input()) * 2)\nsys.exit(0)', status: 'passed' },
  { name: 'stdin: runtime error', problem: DOUBLE, code: 'print(1 // 0)', status: 'runtime_error', failed: 0, message: /ZeroDivisionError: integer division or modulo by zero/ },
  { name: 'stdin: syntax error', problem: DOUBLE, code: 'def f(:\n  pass', status: 'syntax_error', failed: 0, tests_run: 1 },
  { name: 'stdin: CPU time limit', problem: DOUBLE, code: 'while True:\n    pass', status: 'time_limit', failed: 0, message: /CPU time limit/ },
  { name: 'stdin: wall-clock backstop for a sleeping program', problem: DOUBLE, code: 'import time\ntime.sleep(30)', status: 'time_limit', message: /wall-clock backstop/ },
  { name: 'stdin: memory limit', problem: DOUBLE, code: 'x = bytearray(1 << 30)', status: 'memory_limit' },
  { name: 'stdin: memory limit by touching pages', problem: DOUBLE, code: 'x = [list(range(100000)) for _ in range(100)]', status: 'memory_limit' },
  { name: 'stdin: output limit', problem: DOUBLE, code: 'print("x" * (2 << 20))', status: 'output_limit' },
  { name: 'stdin: segfault is a runtime error', problem: DOUBLE, code: 'import ctypes\nctypes.string_at(0)', status: 'runtime_error', message: /SIGSEGV/ },
  // stdin kind: differences from LiveCodeBench's mocks (docs/grading.md)
  { name: 'difference: for line in sys.stdin works', problem: LINES, code: 'import sys\nn = int(next(iter(sys.stdin)))\nfor line in sys.stdin:\n    print(line.strip())', status: 'passed' },
  { name: 'difference: sys.stdin.buffer.readline() in a loop reads successive lines', problem: LINES, code: 'import sys\nn = int(sys.stdin.buffer.readline())\nfor _ in range(n):\n    print(sys.stdin.buffer.readline().decode().strip())', status: 'passed' },
  { name: 'difference: sys.stdout.buffer.write works', problem: DOUBLE, code: 'import sys\nsys.stdout.buffer.write(str(int(input()) * 2).encode() + b"\\n")', status: 'passed' },
  { name: 'difference: os.write(1, ...) is captured', problem: DOUBLE, code: 'import os\nos.write(1, str(int(input()) * 2).encode())', status: 'passed' },
  { name: 'difference: open(0).read() reads stdin', problem: DOUBLE, code: 'print(int(open(0).read()) * 2)', status: 'passed' },
  { name: 'difference: global at top level works', problem: DOUBLE, code: 'x = 0\ndef f():\n    global x\n    x = int(input()) * 2\nf()\nprint(x)', status: 'passed' },
  { name: 'difference: sys.exit(1) is a runtime error', problem: DOUBLE, code: 'import sys\nprint(int(input()) * 2)\nsys.exit(1)', status: 'runtime_error', message: /exit code 1/ },
  { name: 'difference: from __future__ import at the top compiles', problem: DOUBLE, code: 'from __future__ import annotations\nprint(int(input()) * 2)', status: 'passed' },
  // functional kind
  { name: 'functional: class Solution method', problem: TWO_SUM, code: 'class Solution:\n    def twoSum(self, nums: List[int], target: int) -> List[int]:\n        seen = {}\n        for i, x in enumerate(nums):\n            if target - x in seen:\n                return [seen[target - x], i]\n            seen[x] = i', status: 'passed', tests_run: 2 },
  { name: 'functional: a tuple result compares as a list', problem: TWO_SUM, code: 'class Solution:\n    def twoSum(self, nums, target):\n        for i in range(len(nums)):\n            for j in range(i + 1, len(nums)):\n                if nums[i] + nums[j] == target:\n                    return (i, j)', status: 'passed' },
  { name: 'functional: a module-level function without class Solution', problem: HALF, code: 'def half(n):\n    return n / 2', status: 'passed' },
  { name: 'functional: 2 == 2.0 (Python ==)', problem: HALF, code: 'def half(n):\n    return n / 2 if n % 2 else n // 2', status: 'passed' },
  { name: 'functional: big ints compare exactly', problem: BIG, code: 'def big(x):\n    return 123456789012345678901234567890 + x', status: 'passed' },
  { name: 'functional: big ints off by one', problem: BIG, code: 'def big(x):\n    return 123456789012345678901234567891 + x', status: 'wrong_answer', failed: 0 },
  { name: 'functional: a nested tuple is not a list (LCB converts only the top level)', problem: PAIRS, code: 'def pairs(n):\n    return [(i, i + 1) for i in range(n)]', status: 'wrong_answer', message: /tuple/ },
  { name: 'functional: dict result equals a JSON object', problem: COUNT, code: 'def count(s):\n    return Counter(s)', status: 'passed' },
  { name: 'functional: int dict keys never equal JSON keys', problem: COUNT, code: 'def count(s):\n    return {1: 2}', status: 'wrong_answer' },
  { name: 'functional: wrong answer message', problem: TWO_SUM, code: 'class Solution:\n    def twoSum(self, nums, target):\n        return [0, 0]', status: 'wrong_answer', failed: 0, message: /got \[0,0\], expected \[0, 1\]/ },
  { name: 'functional: missing function', problem: TWO_SUM, code: 'class Solution:\n    def other(self):\n        pass', status: 'runtime_error', message: /not found/ },
  { name: 'functional: exception in the call', problem: TWO_SUM, code: 'class Solution:\n    def twoSum(self, nums, target):\n        return nums[99]', status: 'runtime_error', message: /IndexError/ },
  { name: 'functional: printing the answer does not fake a return value', problem: TWO_SUM, code: 'class Solution:\n    def twoSum(self, nums, target):\n        print([0, 1])\n        return None', status: 'wrong_answer' },
  { name: 'difference: an object with a forged __eq__ is a wrong answer', problem: TWO_SUM, code: 'class A(list):\n    def __eq__(self, o):\n        return True\nclass Solution:\n    def twoSum(self, nums, target):\n        return A([9, 9])', status: 'wrong_answer' },
  { name: 'functional: os._exit(0) inside the function', problem: TWO_SUM, code: 'import os\nclass Solution:\n    def twoSum(self, nums, target):\n        os._exit(0)', status: 'runtime_error', message: /before the function returned/ },
  { name: 'functional: forging the report fd then os._exit(0)', problem: TWO_SUM, code: 'import os\nclass Solution:\n    def twoSum(self, nums, target):\n        os.write(3, b\'{"kind": "return", "value": "[0, 1]"}\')\n        os._exit(0)', status: 'runtime_error', message: /report channel/ },
  { name: 'functional: sys.exit in the call', problem: TWO_SUM, code: 'import sys\nclass Solution:\n    def twoSum(self, nums, target):\n        sys.exit(0)', status: 'runtime_error' },
  // HumanEval kind
  { name: 'humaneval: a correct completion passes', problem: HE, code: '    return a + b\n', status: 'passed', failed: null, tests_run: 1 },
  { name: 'humaneval: a failed assertion is a wrong answer', problem: HE, code: '    return a - b\n', status: 'wrong_answer', failed: null },
  { name: 'humaneval: exit() is disabled as in human-eval', problem: HE, code: '    exit()\n', status: 'runtime_error', message: /NoneType/ },
  { name: 'humaneval: reading stdin raises as in human-eval', problem: HE, code: '    return int(input())\n', status: 'runtime_error', message: /stdin/ },
  { name: 'humaneval: os._exit(0) before the tests run', problem: HE, code: '    return a + b\nimport os\nos._exit(0)\n', status: 'runtime_error', message: /before the tests completed/ },
  { name: 'humaneval: sys.exit(0) before the tests run', problem: HE, code: '    return a + b\nimport sys\nsys.exit(0)\n', status: 'runtime_error' },
  { name: 'humaneval: a forged __eq__ does not pass', problem: HE, code: '    class T:\n        def __eq__(self, o):\n            return True\n        def __abs__(self):\n            return 0\n    return T()\n', status: 'runtime_error', message: /builtin types/ },
  { name: 'humaneval: shadowing abs in the module does not reach the test', problem: HE, code: '    return 3 if a == 1 else 7\nabs = lambda x: 0\n', status: 'wrong_answer' },
  { name: 'humaneval: patching builtins from the candidate does not reach the test', problem: HE, code: '    import builtins\n    builtins.abs = lambda x: 0\n    return 3 if a == 1 else 7\n', status: 'wrong_answer' },
  { name: 'humaneval: monkeypatching print changes nothing', problem: HE, code: '    return a - b\nimport builtins\nbuiltins.print = lambda *a, **k: None\n', status: 'wrong_answer' },
  { name: 'humaneval: syntax error', problem: HE, code: '    return a +\n', status: 'syntax_error' },
];

test('grading table', { concurrency: 4 }, async (t) => {
  await Promise.all(
    rows.map((row) =>
      t.test(row.name, async () => {
        const v = await g.grade({ problem: row.problem, code: row.code });
        assert.equal(v.status, row.status, `${row.name}: ${JSON.stringify(v)}`);
        assert.equal(v.passed, row.status === 'passed');
        if (row.failed !== undefined) assert.equal(v.failed_test, row.failed);
        if (row.tests_run !== undefined) assert.equal(v.tests_run, row.tests_run);
        if (row.message) assert.match(v.message, row.message);
        assert.ok(v.cpu_ms >= 0 && v.wall_ms > 0);
      }),
    ),
  );
});

test('LCB stdin: the verdict record on a pass', async () => {
  const v = await g.grade({ problem: DOUBLE, code: DOUBLE_OK });
  assert.deepEqual({ ...v, cpu_ms: 0, wall_ms: 0 }, { passed: true, status: 'passed', failed_test: null, tests_run: 2, cpu_ms: 0, wall_ms: 0, message: '' });
});
