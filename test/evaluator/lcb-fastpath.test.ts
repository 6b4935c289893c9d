/**
 * lcb mode's shortcuts (src/lcb.ts, compare/offload.ts, python/passk_lcb.py) give the verdicts of the
 * full comparison and of eager stdin mocks: a stdout byte-identical to the expected output passes
 * without being decoded; one that differs only where lcb_runner's rule forgives (spaces, line ends,
 * Decimals) still passes; an expected output with a lone surrogate (no UTF-8 round trip) never takes
 * the byte shortcut; an input with a lone surrogate still fails the test at its start; a big identical
 * output (past the inline comparison's size) passes. Real fork servers, real Python.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { grader, stdinProblem } from './helpers.js';

const g = await grader({ grading: 'lcb', cpuLimitSeconds: 5, wallLimitSeconds: 5, outputLimitMb: 4 });
after(() => g.close());

const big = Array.from({ length: 120_000 }, (_, i) => `${i} ${i * 7}`).join('\n') + '\n'; // ≈ 1.3 MB
const rows: { name: string; tests: [string, string][]; code: string; status: string }[] = [
  { name: 'identical bytes pass', tests: [['2\n', '4\n'], ['3\n', '6\n']], code: 'print(int(input()) * 2)', status: 'passed' },
  { name: 'forgiven differences pass (spaces, Decimals)', tests: [['2\n', '  4.0  \n\n']], code: 'print(int(input()) * 2)', status: 'passed' },
  { name: 'a different stdout is a wrong answer', tests: [['2\n', '5\n']], code: 'print(int(input()) * 2)', status: 'wrong_answer' },
  { name: 'non-ASCII output, identical bytes', tests: [['x\n', 'é ü\n']], code: 'input()\nprint("é ü")', status: 'passed' },
  { name: 'expected with a lone surrogate: the text decides (as before the shortcut)', tests: [['x\n', '\ud800\n']], code: 'input()\nprint("\\ufffd")', status: 'wrong_answer' },
  { name: 'input with a lone surrogate fails when the test starts', tests: [['\ud800\n', '1\n']], code: 'print(1)', status: 'runtime_error' },
  { name: 'non-ASCII input through sys.stdin.buffer', tests: [['é\n', '2\n']], code: 'import sys\nprint(len(sys.stdin.buffer.read().strip()))', status: 'passed' },
  { name: 'a big identical output passes', tests: [['120000\n', big]], code: 'n = int(input())\nprint("\\n".join(f"{i} {i * 7}" for i in range(n)))', status: 'passed' },
  { name: 'a big output one digit off is a wrong answer', tests: [['120000\n', big]], code: 'n = int(input())\nprint("\\n".join(f"{i} {i * 7 + (i == n - 1)}" for i in range(n)))', status: 'wrong_answer' },
  { name: 'readline and builtins.open after the shortcuts', tests: [['1 2\n3\n', '6\n'], ['4 5\n6\n', '15\n']], code: 'import sys, builtins\na = sys.stdin.readline()\nb = builtins.open(0).read().split()\nprint(sum(map(int, a.split())) + int(b[-1]))', status: 'passed' },
];

for (const row of rows) {
  test(`lcb shortcuts: ${row.name}`, async () => {
    const v = await g.grade({ problem: stdinProblem(row.tests, `fast-${rows.indexOf(row)}`), code: row.code });
    assert.equal(v.status, row.status, v.message);
  });
}
