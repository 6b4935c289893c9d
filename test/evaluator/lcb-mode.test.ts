/**
 * `--grading lcb` (docs/grading.md, "lcb mode"): one row per lcb_runner quirk, with the pass/fail
 * lcb_runner gives (checked with bench/lcb-agreement.ts against lcb_runner 28fef95; the rows need
 * no peer), and the documented exceptions. Real fork servers, real Python.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { graderFingerprint, resolveOptions } from '@passk/evaluator';
import { grader, gradeTable, type GradingRow, stdinProblem, functionalProblem } from './helpers.js';
import { childSetupFault } from './fault.js';
import { liveProcesses } from '../helpers/procs.js';

// Per test: 2 s of wall time and of CPU time (lcb_runner: 6 s of wall time).
const g = await grader({ grading: 'lcb', cpuLimitSeconds: 2, wallLimitSeconds: 2 });
after(() => g.close());

const SUM = stdinProblem([['1 2\n', '3\n'], ['10 20\n', '30\n'], ['-5 5\n', '0\n']], 'lcb-sum');
const HALF = stdinProblem([['5\n', '2.5\n'], ['8\n', '4.0\n']], 'lcb-half');
const DOUBLE = functionalProblem('double', [['1', '2'], ['5', '10'], ['-3', '-6']], 'lcb-double');
const PAIR = functionalProblem('pairSum', [['[2, 7, 11, 15]\n9', '[0, 1]'], ['[3, 2, 4]\n6', '[1, 2]']], 'lcb-pair');
const HALF_F = functionalProblem('half', [['3', '1.5'], ['4', '2']], 'lcb-half-f');
const COUNT = functionalProblem('countChars', [['"aab"', '{"a": 2, "b": 1}']], 'lcb-count');

const READ = 'import sys\na, b = map(int, sys.stdin.read().split())\n';
const SOLVE = 'def solve(d):\n    a, b = map(int, d.split())\n    return a + b\n';

type Row = GradingRow;

const rows: Row[] = [
  // stdin: reading
  { name: 'input() reads the mocked stdin', problem: SUM, code: 'a, b = map(int, input().split())\nprint(a + b)', status: 'passed' },
  { name: 'sys.stdin.read() is the whole input', problem: SUM, code: `${READ}print(a + b)`, status: 'passed' },
  { name: 'sys.stdin.read() twice gives the input twice', problem: SUM, code: 'import sys\nsys.stdin.read()\nprint(sum(map(int, sys.stdin.read().split())))', status: 'passed' },
  { name: 'input = sys.stdin.readline consumes lines', problem: SUM, code: 'import sys\ninput = sys.stdin.readline\nprint(sum(map(int, input().split())))', status: 'passed' },
  { name: 'sys.stdin.readlines() drops the line ends', problem: SUM, code: 'import sys\nls = sys.stdin.readlines()\nprint(sum(map(int, ls[0].split())) if ls[-1] == "" and not ls[0].endswith("\\n") else "x")', status: 'passed' },
  { name: 'sys.stdin.buffer.read() is the input as bytes', problem: SUM, code: 'import sys\nprint(sum(map(int, sys.stdin.buffer.read().split())))', status: 'passed' },
  { name: 'sys.stdin.buffer.readline() is the first line every time', problem: stdinProblem([['1\n2\n', '3\n']]), code: 'import sys\na = sys.stdin.buffer.readline()\nb = sys.stdin.buffer.readline()\nprint(int(a) + int(b))', status: 'wrong_answer' },
  { name: 'for line in sys.stdin is a TypeError', problem: SUM, code: 'import sys\nfor line in sys.stdin:\n    print(sum(map(int, line.split())))', status: 'runtime_error' },
  { name: 'open(0) reads the real (empty) stdin', problem: SUM, code: 'print(sum(map(int, open(0).read().split())))', status: 'wrong_answer' },
  { name: 'builtins.open is mock_open over the input during a test', problem: SUM, code: 'import builtins\nprint(sum(map(int, builtins.open(0).read().split())))', status: 'passed' },
  { name: 'os.read(0) reads the real (empty) stdin', problem: SUM, code: 'import os\nprint(sum(map(int, os.read(0, 99).split())))', status: 'wrong_answer' },
  { name: 'from sys import stdin: the real stdin, its read() patched', problem: SUM, code: 'from sys import stdin\nprint(sum(map(int, stdin.read().split())))', status: 'passed' },
  { name: 'from sys import stdin: readline() has no line end, StopIteration at the end', problem: SUM, code: 'from sys import stdin\nl = stdin.readline()\nassert not l.endswith("\\n")\nprint(sum(map(int, l.split())))\nstdin.readline()\nstdin.readline()', status: 'runtime_error' },
  { name: 'sys.stdin.fileno() fails', problem: SUM, code: 'import sys, os\nprint(sum(map(int, os.read(sys.stdin.fileno(), 99).split())))', status: 'runtime_error' },
  { name: 'input(prompt): the prompt is captured', problem: SUM, code: 'print(sum(map(int, input("> ").split())))', status: 'wrong_answer' },
  // stdin: writing
  { name: 'sys.stdout.write is captured', problem: SUM, code: `${READ}import sys\nsys.stdout.write(str(a + b) + "\\n")`, status: 'passed' },
  { name: 'os.write(1, ...) is not captured', problem: SUM, code: `${READ}import os\nos.write(1, str(a + b).encode())`, status: 'wrong_answer' },
  { name: 'sys.stdout.buffer is an AttributeError', problem: SUM, code: `${READ}sys.stdout.buffer.write(str(a + b).encode())`, status: 'runtime_error' },
  { name: 'from sys import stdout writes to the real stdout', problem: SUM, code: `${READ}from sys import stdout\nstdout.write(str(a + b))`, status: 'wrong_answer' },
  { name: 'sys.stdout.close() is a TypeError', problem: SUM, code: `${READ}print(a + b)\nsys.stdout.close()`, status: 'runtime_error' },
  { name: 'stderr is not the output', problem: SUM, code: `${READ}print("dbg", file=sys.stderr)\nprint(a + b)`, status: 'passed' },
  { name: 'a Decimal-equal output passes (2.50 for 2.5, 4 for 4.0)', problem: HALF, code: 'n = int(input())\nprint("%.2f" % (n / 2) if n % 2 else n // 2)', status: 'passed' },
  // stdin: exiting
  { name: 'sys.exit(1) after the output is swallowed', problem: SUM, code: `${READ}print(a + b)\nsys.exit(1)`, status: 'passed' },
  { name: 'exit() after the output passes', problem: SUM, code: `${READ}print(a + b)\nexit()`, status: 'passed' },
  { name: 'quit() is None', problem: SUM, code: `${READ}print(a + b)\nquit()`, status: 'runtime_error' },
  { name: 'os._exit(0) ends the run: every test fails', problem: SUM, code: `${READ}print(a + b)\nsys.stdout.flush()\nimport os\nos._exit(0)`, status: 'runtime_error', failed: 0 },
  // stdin: the code transformation
  { name: 'if __name__ == "__main__": as the last statement is unwrapped', problem: SUM, code: `${SOLVE}import sys\nif __name__ == "__main__":\n    print(solve(sys.stdin.read()))`, status: 'passed' },
  { name: "'__main__' == __name__ is not unwrapped (never runs)", problem: SUM, code: `${SOLVE}import sys\nif '__main__' == __name__:\n    print(solve(sys.stdin.read()))`, status: 'wrong_answer' },
  { name: 'a __main__ guard that is not the last statement never runs', problem: SUM, code: `${SOLVE}import sys\nif __name__ == "__main__":\n    print(solve(sys.stdin.read()))\nX = 1`, status: 'wrong_answer' },
  { name: 'global for a top-level name: the top level is a function, its names are locals (NameError)', problem: SUM, code: `${READ}calls = 0\ndef bump():\n    global calls\n    calls += 1\nbump()\nprint(a + b)`, status: 'runtime_error' },
  { name: 'global for a top-level name: the function sets a module global, the top level reads its local', problem: SUM, code: `${READ}ans = 0\ndef f():\n    global ans\n    ans = a + b\nf()\nprint(ans)`, status: 'wrong_answer' },
  { name: '"class Solution" in a stdin program fails', problem: SUM, code: `${READ}class SolutionHelper:\n    pass\nprint(a + b)`, status: 'runtime_error' },
  { name: 'from __future__ import is a SyntaxError (the preamble comes first)', problem: SUM, code: `from __future__ import annotations\n${READ}print(a + b)`, status: 'syntax_error' },
  { name: 'a top-level return is valid (the top level is a function body)', problem: SUM, code: `${READ}if a + b is not None:\n    print(a + b)\n    return\nprint("unreachable")`, status: 'passed' },
  { name: 'a top-level yield makes the top level a generator: nothing runs', problem: SUM, code: `${READ}print(a + b)\nif False:\n    yield`, status: 'wrong_answer' },
  { name: 'import * below the top level is a SyntaxError (inside the function)', problem: SUM, code: `${READ}if True:\n    from math import *\nprint(a + b)`, status: 'syntax_error' },
  { name: "the preamble's names are there (gcd, deque)", problem: SUM, code: `${READ}print(a + b + gcd(0, 0) + len(deque()))`, status: 'passed' },
  { name: 'state carries across stdin tests (one process)', problem: SUM, code: `${READ}import math\nmath.passk_n = getattr(math, "passk_n", 0) + 1\nprint(a + b if math.passk_n < 2 else -1)`, status: 'wrong_answer', failed: 1 },
  { name: 'threading.Thread + join works', problem: SUM, code: `${READ}import threading\nt = threading.Thread(target=lambda: print(a + b))\nt.start()\nt.join()`, status: 'passed' },
  // functional
  { name: 'functional: Solution().method', problem: DOUBLE, code: 'class Solution:\n    def double(self, x):\n        return 2 * x', status: 'passed' },
  { name: 'functional: a module-level function', problem: DOUBLE, code: 'def double(x):\n    return 2 * x', status: 'passed' },
  { name: 'functional: one Solution() for every test (instance state carries)', problem: DOUBLE, code: 'class Solution:\n    def __init__(self):\n        self.n = 0\n    def double(self, x):\n        self.n += 1\n        return 2 * x if self.n < 3 else 0', status: 'wrong_answer', failed: 2 },
  { name: 'functional: module globals carry across tests', problem: DOUBLE, code: 'SEEN = []\nclass Solution:\n    def double(self, x):\n        SEEN.append(x)\n        return 2 * x + len(SEEN) - 1', status: 'wrong_answer', failed: 1 },
  { name: 'functional: a top-level tuple is a list', problem: PAIR, code: 'class Solution:\n    def pairSum(self, nums, target):\n        for i in range(len(nums)):\n            for j in range(i + 1, len(nums)):\n                if nums[i] + nums[j] == target:\n                    return (i, j)', status: 'passed' },
  { name: 'functional: a nested tuple is not a list', problem: functionalProblem('f', [['1', '[[1, 2]]']]), code: 'def f(x):\n    return [(1, 2)]', status: 'wrong_answer' },
  { name: 'functional: a set is not a list', problem: PAIR, code: 'class Solution:\n    def pairSum(self, nums, target):\n        return {0, 1}', status: 'wrong_answer' },
  { name: 'functional: 2.0 == 2 and True == 1', problem: DOUBLE, code: 'class Solution:\n    def double(self, x):\n        return float(2 * x)', status: 'passed' },
  { name: 'functional: an exact Decimal equals the float', problem: HALF_F, code: 'from decimal import Decimal\nclass Solution:\n    def half(self, x):\n        return Decimal(x) / 2', status: 'passed' },
  { name: 'functional: an exact Fraction equals the float', problem: HALF_F, code: 'from fractions import Fraction\nclass Solution:\n    def half(self, x):\n        return Fraction(x, 2)', status: 'passed' },
  { name: 'functional: Decimal("0.1") is not the float 0.1', problem: functionalProblem('f', [['1', '0.1']]), code: 'from decimal import Decimal\ndef f(x):\n    return Decimal("0.1")', status: 'wrong_answer' },
  { name: 'functional: a Counter equals the dict', problem: COUNT, code: 'from collections import Counter\nclass Solution:\n    def countChars(self, s):\n        return Counter(s)', status: 'passed' },
  { name: 'functional: a str is not an int', problem: DOUBLE, code: 'def double(x):\n    return str(2 * x)', status: 'wrong_answer' },
  { name: 'functional: the __main__ block does not run (module tmp_sol)', problem: DOUBLE, code: 'class Solution:\n    def double(self, x):\n        return 2 * x\nif __name__ == "__main__":\n    raise SystemExit(1)', status: 'passed' },
  { name: 'functional: sys.exit in the method fails', problem: DOUBLE, code: 'import sys\nclass Solution:\n    def double(self, x):\n        sys.exit(0)', status: 'runtime_error' },
  { name: 'functional: "class Solution" only in a comment fails', problem: DOUBLE, code: '# class Solution\ndef double(x):\n    return 2 * x', status: 'runtime_error' },
  { name: 'functional: input() at the top level fails', problem: DOUBLE, code: 'x = input()\ndef double(x):\n    return 2 * x', status: 'runtime_error' },
  // documented exceptions (docs/grading.md)
  { name: 'exception: an __eq__ that claims equality is a wrong answer', problem: DOUBLE, code: 'class A:\n    def __eq__(self, o):\n        return True\nclass Solution:\n    def double(self, x):\n        return A()', status: 'wrong_answer' },
  { name: 'exception: a swallowed time-out is still a time-out', problem: SUM, code: `${READ}try:\n    while True:\n        pass\nexcept BaseException:\n    pass\nprint(a + b)`, status: 'time_limit', failed: 0 },
  { name: 'a sleeping program fails on wall time', problem: SUM, code: 'import time\ntime.sleep(30)', status: 'time_limit', failed: 0 },
  { name: 'a memory hog fails on the memory limit', problem: SUM, code: 'x = bytearray(8 << 30)', status: 'memory_limit', failed: 0 },
];

test('lcb mode table', { concurrency: 4 }, async (t) => {
  await gradeTable(t, g, rows);
});

test('lcb mode: grading stops at the first failing test (the later ones never run)', async () => {
  // Test 0 fails; test 1 would burn 1.5 s of CPU. The child is stopped before it starts.
  const p = stdinProblem([['0\n', '1\n'], ['1\n', '1\n']], 'lcb-stop');
  const v = await g.grade({ problem: p, code: 'n = int(input())\nif n:\n    import time\n    t = time.process_time()\n    while time.process_time() - t < 1.5:\n        pass\nprint(n)' });
  assert.equal(v.status, 'wrong_answer');
  assert.equal(v.failed_test, 0);
  assert.equal(v.tests_run, 1);
  assert.ok(v.cpu_ms < 1000, `cpu_ms ${v.cpu_ms}: test 1 ran`);
});

test('lcb mode: the grading mode is part of the grader fingerprint', () => {
  const lcb = resolveOptions({ grading: 'lcb' });
  const judge = resolveOptions({ grading: 'judge' });
  assert.notEqual(graderFingerprint('v', lcb, 'full', '/p', '3.11'), graderFingerprint('v', judge, 'full', '/p', '3.11'));
  assert.equal(lcb.wallMs, lcb.cpuMs, "lcb: the wall limit per test defaults to the CPU limit (LCB's 6 s)");
  assert.throws(() => resolveOptions({ grading: 'exact' as never }), /grading must be one of lcb, judge, human-eval/);
});

test('lcb mode: --grading human-eval is refused for a stdin problem', async () => {
  const he = await grader({ grading: 'human-eval', workers: 1 });
  try {
    await assert.rejects(he.grade({ problem: SUM, code: 'print(3)' }), /ERR_BAD_OPTION|applies to HumanEval problems only/);
  } finally {
    await he.close();
  }
});

test('lcb mode: a program that tampers with the harness gets its own failure, never a pass', { concurrency: 4 }, async (t) => {
  const hostile: Row[] = [
    { name: 'garbage written into the frame pipe (fd 5)', problem: SUM, code: `${READ}import os\nos.write(5, b"junk 0 out 2\\n3\\n")\nprint(a + b)`, status: 'runtime_error' },
    { name: 'the frame pipe closed (fd 5)', problem: SUM, code: `${READ}import os\nos.close(5)\nprint(a + b)`, status: 'runtime_error' },
    { name: 'reading the go pipe (fd 6) blocks until the time limit', problem: SUM, code: `${READ}import os\nos.read(6, 1)\nprint(a + b)`, status: 'time_limit' },
    { name: 'rebinding io.StringIO does not break the capture (as lcb_runner, which bound it at import)', problem: SUM, code: `${READ}import io\nio.StringIO = None\nprint(a + b)`, status: 'passed' },
    { name: 'an output beyond the output limit', problem: SUM, code: `${READ}print("x" * (4 << 20))`, status: 'output_limit' },
  ];
  await Promise.all(
    hostile.map((row) =>
      t.test(row.name, async () => {
        const v = await g.grade({ problem: row.problem, code: row.code });
        assert.equal(v.status, row.status, `${row.name}: ${JSON.stringify(v)}`);
      }),
    ),
  );
});

/** Pids of the children of this process's fork servers (the lcb children running now). */
function serverChildren(): number[] {
  const live = liveProcesses();
  const servers = new Set(live.filter((p) => p.ppid === process.pid).map((p) => p.pid));
  return live.filter((p) => servers.has(p.ppid)).map((p) => p.pid);
}

test('lcb mode: a child SIGKILLed from outside is run again; only a reproduced death is the verdict', async () => {
  const one = await grader({ grading: 'lcb', workers: 1, cpuLimitSeconds: 2, wallLimitSeconds: 20 });
  try {
    // Test 0 sleeps long enough to be found and killed from outside (found by polling /proc).
    const code = `${READ}import time\ntime.sleep(4)\nprint(a + b)`;
    const graded = one.grade({ problem: stdinProblem([['1 2\n', '3\n']], 'lcb-kill'), code });
    let killed = 0;
    while (killed === 0) {
      for (const pid of serverChildren()) {
        process.kill(pid, 'SIGKILL');
        killed++;
      }
      await new Promise((r) => setImmediate(r));
    }
    const v = await graded;
    assert.equal(v.status, 'passed', `killed once from outside: ${JSON.stringify(v)}`);
    // The program's own SIGKILL, every time: its verdict.
    const self = await one.grade({ problem: SUM, code: `${READ}import posix, signal\nposix.kill(posix.getpid(), signal.SIGKILL)` });
    assert.equal(self.status, 'runtime_error');
  } finally {
    await one.close();
  }
});

test('lcb mode: the same verdicts under full CPU load', async () => {
  // Two busy processes per core (ours, killed by pid below), then the quick rows of the table again.
  // LiveCodeBench's own limits (6 s of wall time per test): load must not reach them.
  const six = await grader({ grading: 'lcb', cpuLimitSeconds: 6, wallLimitSeconds: 6 });
  const burners = Array.from({ length: 2 * availableParallelism() }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  try {
    const quick = rows.filter((r) => r.status !== 'time_limit' && r.status !== 'memory_limit');
    const got = await Promise.all(quick.map((r) => six.grade({ problem: r.problem, code: r.code })));
    assert.deepEqual(got.map((v, i) => `${quick[i]!.name}: ${v.status}`), quick.map((r) => `${r.name}: ${r.status}`));
  } finally {
    for (const b of burners) b.kill('SIGKILL');
    await six.close();
  }
});

test('lcb mode: numpy scalars, Decimal and Fraction results are the JSON values Python\'s == finds them equal to', (t) => {
  // passk_lcb_values.py directly, with an interpreter that has numpy (Debian: python3-numpy).
  const python = '/usr/bin/python3';
  if (spawnSync(python, ['-c', 'import numpy'], { stdio: 'ignore' }).status !== 0) return t.skip(`${python} has no numpy`);
  const dir = fileURLToPath(new URL('../../packages/evaluator/python', import.meta.url));
  const script = [
    'import sys, json', `sys.path.insert(0, ${JSON.stringify(dir)})`, 'import numpy as np', 'from decimal import Decimal', 'from fractions import Fraction',
    'from passk_lcb_values import encode_result, Unequal',
    'def enc(v):', '    try:', '        return encode_result(v)', '    except Unequal:', '        return None',
    'vals = [np.int64(3), np.float64(0.5), np.float32(0.1), np.bool_(True), [np.int32(1), Decimal("2.50")], Decimal("1e3"), Fraction(1, 3), Fraction(6, 4), Decimal("0.1"), {"a": np.float64(2.0)}]',
    'print(json.dumps([enc(v) for v in vals]))',
  ].join('\n');
  const r = spawnSync(python, ['-c', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  // np.float32(0.1) == 0.1 is False (its exact double is not 0.1's); Fraction(1, 3) and Decimal("0.1") equal no JSON value.
  assert.deepEqual(JSON.parse(r.stdout), ['3', '0.5', '0.10000000149011612', 'true', '[1,2.5]', '1000', null, '1.5', null, '{"a":2.0}']);
});

test('lcb mode: a child that cannot set its limits is retried, then infra_error (never a verdict about the program)', async () => {
  const broken = await grader({ grading: 'lcb', workers: 1, attempts: 2, ...childSetupFault(true) });
  try {
    const v = await broken.grade({ problem: SUM, code: 'print(3)' });
    assert.equal(v.status, 'infra_error', JSON.stringify(v));
    assert.equal(broken.stats.infraErrors, 1);
  } finally {
    await broken.close();
  }
});
