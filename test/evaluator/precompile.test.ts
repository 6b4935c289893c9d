/**
 * Compiling in the fork server (serverCompile, docs/sandbox.md "Compiling in the server"): hostile
 * sources cannot stall or crash the server, and every verdict equals the child-compile path's.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Problem } from '@passk/core';
import { resolvePython } from '@passk/evaluator';

const PYTHON_DIR = fileURLToPath(new URL('../../packages/evaluator/python/', import.meta.url));
import { grader, DOUBLE, DOUBLE_OK, stdinProblem, functionalProblem, humanEvalProblem } from './helpers.js';

const inServer = await grader({ serverCompile: true });
const inChild = await grader({ serverCompile: false });
after(() => Promise.all([inServer.close(), inChild.close()]));

const HE = humanEvalProblem('def add(a, b):\n    """Return a + b."""\n', 'def check(candidate):\n    assert candidate(1, 2) == 3\n', 'add');
const FUNC = functionalProblem('f', [['1', '2'], ['5', '6']]);
const MANY = stdinProblem(Array.from({ length: 12 }, (_, i): [string, string] => [`${i}\n`, `${2 * i}\n`]));
const ok = 'print(int(input()) * 2)';

/** [name, problem, code, statuses that are acceptable (the two paths must agree anyway)] */
const rows: [string, Problem, string, string[]][] = [
  // 16 KB of `'a'*4096 + ...`: quadratic constant folding (18 s to compile), too big for the server
  ['quadratic constant folding', DOUBLE, 'x = ' + Array.from({ length: 1800 }, () => "'a'*4096").join('+') + `\n${ok}`, ['time_limit', 'syntax_error']],
  // small enough for the server (≤ 64 stars): folds in well under a millisecond
  ['a little constant folding', DOUBLE, 'x = ' + Array.from({ length: 30 }, () => "'a'*4096").join('+') + `\nassert len(x) == 30 * 4096\n${ok}`, ['passed']],
  ['2 ** 10 ** 10 is not folded', DOUBLE, `if input() == 'never':\n    print(2 ** 10 ** 10)\nelse:\n    print(42)`, ['passed', 'wrong_answer']],
  ['deep unary nesting', DOUBLE, 'x = ' + '-'.repeat(30000) + '1', ['syntax_error']],
  ['a long left-nested chain', DOUBLE, 'x = ' + '1+'.repeat(100000) + '1', ['syntax_error']],
  ['deep attribute chain', DOUBLE, 'x = a' + '.b'.repeat(30000), ['syntax_error']],
  ['too many nested parentheses', DOUBLE, 'x = ' + '('.repeat(300) + '1' + ')'.repeat(300), ['syntax_error']],
  ['64 nested lambdas (server)', DOUBLE, 'f = ' + 'lambda: '.repeat(64) + `0\n${ok}`, ['passed']],
  ['many nested lambdas (child)', DOUBLE, 'f = ' + 'lambda: '.repeat(600) + `0\n${ok}`, ['passed']],
  ['a chain of comparisons near the size cap', DOUBLE, 'x = ' + '1<'.repeat(4000) + `1\n${ok}`, ['passed']],
  ['NUL byte in the source', DOUBLE, `${ok}\n#\0`, ['syntax_error']],
  ['syntax error', DOUBLE, 'def f(:\n    pass', ['syntax_error']],
  ['SyntaxWarning then exit 3 (the warning is on the child stderr)', DOUBLE, 'x = 1 is 1\nimport os\nos._exit(3)', ['runtime_error']],
  ['invalid escape (DeprecationWarning at compile time)', DOUBLE, `import re\nassert re.match("\\d", "1")\n${ok}`, ['passed']],
  ['from __future__ first', DOUBLE, `from __future__ import annotations\n${ok}`, ['passed']],
  ['12 tests of one sample (one compile in the server)', MANY, `n = int(input())\nprint(n * 2)`, ['passed']],
  ['a program that fails on its 4th test', MANY, `n = int(input())\nprint(n * 2 if n != 3 else 0)`, ['wrong_answer']],
  ['functional, class Solution', FUNC, 'class Solution:\n    def f(self, x):\n        return x + 1', ['passed']],
  ['functional, module function', FUNC, 'def f(x):\n    return x + 1 if x < 3 else 0', ['wrong_answer']],
  ['humaneval pass', HE, '    return a + b\n', ['passed']],
  ['humaneval syntax error', HE, '    return a +\n', ['syntax_error']],
  ['humaneval SystemExit before the tests', HE, '    return a + b\nraise SystemExit(0)\n', ['runtime_error']],
];

test('compiling in the server: hostile sources, same verdicts as compiling in the child', { concurrency: 4 }, async (t) => {
  await Promise.all(
    rows.map(([name, problem, code, statuses]) =>
      t.test(name, async () => {
        const [a, b] = await Promise.all([inServer.grade({ problem, code }), inChild.grade({ problem, code })]);
        assert.ok(statuses.includes(a.status), `${name}: ${JSON.stringify(a)}`);
        const strip = (v: typeof a) => ({ ...v, cpu_ms: 0, wall_ms: 0, message: v.status === 'time_limit' ? '' : v.message });
        assert.deepEqual(strip(a), strip(b), name);
      }),
    ),
  );
});

test('afterwards: no server restarted, no infra errors; the servers still grade', async () => {
  for (const g of [inServer, inChild]) {
    assert.equal(g.stats.serverStarts, 2);
    assert.equal(g.stats.infraErrors, 0);
    assert.equal(g.stats.retries, 0);
    assert.equal((await g.grade({ problem: DOUBLE, code: DOUBLE_OK })).status, 'passed');
  }
});

test('the server compiles only bounded sources, quickly, and remembers one program', async () => {
  const python = await resolvePython();
  const script = `
import sys, time
sys.path.insert(0, ${JSON.stringify(PYTHON_DIR)})
from passk_precompile import Precompiler, safe_to_compile, MAX_CHARS
p = Precompiler(True)
assert not safe_to_compile("x = " + "+".join(["'a'*4096"] * 1800))
assert not safe_to_compile("x = 1\\n" * MAX_CHARS)
assert not safe_to_compile("f = " + "lambda: " * 65 + "0")
assert p.get("x = 1 is 1", "<s>")[0] is None  # a compile-time warning: the child compiles
assert p.get("def f(:", "<s>")[0] is None
assert p.get("x = 1\\0", "<s>")[0] is None  # NUL byte: the child reports it
code, ms = p.get("x = 2", "<s>")
assert code is not None and p.get("x = 2", "<s>") == (code, 0.0)
assert p.get("x = 2", "<t>")[0] is not code
off = Precompiler(False)
assert off.get("x = 2", "<s>") == (None, 0.0)
worst = ["x = " + "1<" * 4090 + "1", "x = " + "+".join(["'a'*4096"] * 64), "f = " + "lambda: " * 64 + "0",
         "x = {" + ",".join(f"{i}:{i}" for i in range(900)) + "}", "x = " + "[" * 199 + "y for y in z" + "]" * 199]
for src in worst:
    assert safe_to_compile(src), len(src)
    t = time.process_time()
    assert p.get(src, "<w>")[0] is not None
    assert time.process_time() - t < 0.5, (src[:20], time.process_time() - t)
print("ok")
`;
  assert.equal(execFileSync(python, ['-I', '-S', '-c', script], { encoding: 'utf8' }).trim(), 'ok');
});
