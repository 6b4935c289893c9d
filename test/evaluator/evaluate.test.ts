/** One-shot `passk evaluate`: HumanEval's published file, LiveCodeBench rows, --out order, pass@k. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { evaluateCommand, printSummary, EXIT_INFRA_ERRORS } from '@passk/evaluator';
import { runEvaluate } from '../../packages/evaluator/src/commands/run-evaluate.js';
import { lcbRows, stdinTest } from '../problems/fixtures.js';
import { hasHumanEval, HUMANEVAL, TEST_LIMITS } from './helpers.js';
import { childSetupFault } from './fault.js';
import { childrenMatching } from '../helpers/procs.js';

const dir = mkdtempSync(join(tmpdir(), 'passk-evaluate-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const jsonl = (rows: unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

test('LiveCodeBench rows as published: stdin + functional, out rows in input order', async () => {
  const problems = join(dir, 'lcb.jsonl');
  const base = { question_title: 't', question_content: 'c', platform: 'atcoder', contest_id: 'abc', contest_date: '2024-08-01T00:00:00', difficulty: 'easy' };
  writeFileSync(
    problems,
    jsonl([
      { ...base, question_id: 'abc001_a', starter_code: '', metadata: '{}', public_test_cases: JSON.stringify([{ input: '2\n', output: '4\n', testtype: 'stdin' }]), private_test_cases: JSON.stringify([{ input: '5\n', output: '10\n', testtype: 'stdin' }]) },
      { ...base, platform: 'leetcode', question_id: '3000', starter_code: 'class Solution:\n    def f(self, x: int) -> int:\n        ', metadata: '{"func_name": "f"}', public_test_cases: JSON.stringify([{ input: '3', output: '6', testtype: 'functional' }]), private_test_cases: JSON.stringify([]) },
    ]),
  );
  const samples = join(dir, 'lcb-samples.jsonl');
  const rows = [
    { question_id: 'abc001_a', code: 'print(int(input()) * 2)', extra: 1 },
    { question_id: '3000', code: 'class Solution:\n    def f(self, x):\n        return x * 2' },
    { question_id: 'abc001_a', code: 'print(4)', extra: 2 },
    { question_id: 'abc001_a', code: 'print(int(input()) * 2)', extra: 3 },
  ];
  writeFileSync(samples, jsonl(rows));
  const out = join(dir, 'lcb-out.jsonl');
  const summary = await runEvaluate({ ...TEST_LIMITS, problems, samples, out, ks: [1, 2] });
  const got = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(got.map((r) => [r.question_id, r.extra, r.passed, r.status]), [
    ['abc001_a', 1, true, 'passed'],
    ['3000', undefined, true, 'passed'],
    ['abc001_a', 2, false, 'wrong_answer'],
    ['abc001_a', 3, true, 'passed'],
  ]);
  assert.equal(got[2].failed_test, 1);
  assert.equal(got[3].cached, true);
  assert.equal(summary.graded, 3);
  assert.deepEqual(Object.keys(summary.passAtK), ['pass@1']); // problem 3000 has n = 1 < 2
  assert.ok(Math.abs(summary.passAtK['pass@1']! - (2 / 3 + 1) / 2) < 1e-12);
  const noDedup = await runEvaluate({ ...TEST_LIMITS, problems, samples, out, ks: [1], dedup: false });
  assert.equal(noDedup.graded, 4);
});

test('HumanEval file as published, through the yargs command', { skip: hasHumanEval ? false : 'dataset absent' }, async () => {
  const samples = join(dir, 'he-samples.jsonl');
  const lines = [
    { task_id: 'HumanEval/0', completion: '    return False\n' },
    { task_id: 'HumanEval/0', completion: '    for i in range(len(numbers)):\n        for j in range(i + 1, len(numbers)):\n            if abs(numbers[i] - numbers[j]) < threshold:\n                return True\n    return False\n' },
  ];
  writeFileSync(samples, jsonl(lines));
  const out = join(dir, 'he-out.jsonl');
  let printed = '';
  const write = process.stdout.write.bind(process.stdout);
  const errWrite = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string | Uint8Array, ...rest: unknown[]) => {
    if (typeof s === 'string' && s.startsWith('{"pass@')) printed += s;
    else return (write as (...a: unknown[]) => boolean)(s, ...rest);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    await yargs(['evaluate', '--problems', HUMANEVAL, '--samples', samples, '--out', out, '--k', '1,2', '--workers', '2', '--cpu-limit', '3']).command(evaluateCommand).strict().parseAsync();
  } finally {
    process.stdout.write = write;
    process.stderr.write = errWrite;
  }
  assert.deepEqual(JSON.parse(printed), { 'pass@1': 0.5, 'pass@2': 1 });
  const got = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(got.map((r) => [r.passed, r.result === 'passed']), [[false, false], [true, true]]);
  assert.equal(process.exitCode ?? 0, 0);
});

test('a sample naming an unknown problem is an error naming file and line; alone, and no fork server is left', async () => {
  const problems = join(dir, 'lcb.jsonl');
  const samples = join(dir, 'bad-samples.jsonl');
  writeFileSync(samples, jsonl([{ question_id: 'nope', code: 'x' }]));
  const warnings: string[] = [];
  // The fork servers start while the inputs are read (run-evaluate.ts): their warnings wait for good inputs.
  await assert.rejects(runEvaluate({ ...TEST_LIMITS, problems, samples, out: join(dir, 'x.jsonl'), onWarning: (m) => warnings.push(m) }), /bad-samples.jsonl, line 1: no problem nope/);
  assert.deepEqual(warnings, [], 'the input error comes alone');
  assert.deepEqual(childrenMatching(process.pid, 'passk_forkserver'), [], 'the servers started meanwhile are closed');
});

test('LiveCodeBench rows with private tests as published (base64 → zlib → pickle, made by the machine\'s Python) are graded on them', async () => {
  const problems = join(dir, 'lcb-pickle.jsonl');
  writeFileSync(problems, jsonl(lcbRows([{ id: 'abc002_b', publicTests: [stdinTest('1\n', '2\n')], privateTests: [stdinTest('7\n', '14\n'), stdinTest('100\n', '200\n')], pickle: 4 }])));
  assert.ok(!readFileSync(problems, 'utf8').includes('"200'), 'the private tests are in the pickle blob, not plain JSON');
  const samples = join(dir, 'lcb-pickle-samples.jsonl');
  writeFileSync(samples, jsonl([{ question_id: 'abc002_b', code: 'print(int(input()) * 2)' }, { question_id: 'abc002_b', code: 'print(2)' }]));
  const out = join(dir, 'lcb-pickle-out.jsonl');
  const summary = await runEvaluate({ ...TEST_LIMITS, problems, samples, out, ks: [1] });
  const got = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(got.map((r) => [r.status, r.tests_run, r.failed_test]), [['passed', 3, null], ['wrong_answer', 2, 1]]); // fails the first private test
  assert.deepEqual(summary.passAtK, { 'pass@1': 0.5 });
});

test('infra_error samples are excluded from pass@k, marked in --out, and make passk evaluate exit 3', async () => {
  const problems = join(dir, 'lcb.jsonl'); // written by the first test: abc001_a (stdin), 3000 (functional)
  const samples = join(dir, 'infra-samples.jsonl');
  const FAIL = '# passk-test: the sandbox fails this one';
  writeFileSync(samples, jsonl([
    { question_id: 'abc001_a', code: 'print(int(input()) * 2)' },
    { question_id: 'abc001_a', code: `print(int(input()) * 2)\n${FAIL}` },
    { question_id: 'abc001_a', code: 'print(4)' },
    { question_id: '3000', code: `class Solution:\n    def f(self, x):\n        return x * 2\n${FAIL}` },
  ]));
  const out = join(dir, 'infra-out.jsonl');
  const summary = await runEvaluate({ ...TEST_LIMITS, attempts: 1, ...childSetupFault(FAIL), problems, samples, out, ks: [1, 2] });
  const got = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(got.map((r) => [r.status, r.passed, r.excluded_from_pass_at_k]), [['passed', true, undefined], ['infra_error', false, true], ['wrong_answer', false, undefined], ['infra_error', false, true]]);
  assert.equal(got[1].result, 'infra error: sandbox failed 1 times: child setup failed: ValueError: current limit exceeds maximum limit');
  assert.match(got[2].result, /^failed: /);
  // abc001_a: n = 2 (the infra sample is neither a pass nor a failure), c = 1; 3000: no sample left, not averaged in.
  assert.deepEqual(summary.passAtK, { 'pass@1': 0.5, 'pass@2': 1 });
  assert.equal(summary.infraErrors, 2);
  assert.deepEqual(summary.excludedProblems, ['3000']);
  let stdout = '';
  let stderr = '';
  const code = printSummary(summary, (t) => (stdout += t), (t) => (stderr += t));
  assert.equal(code, EXIT_INFRA_ERRORS);
  assert.equal(code, 3);
  assert.equal(stdout, '{"pass@1":0.5,"pass@2":1}\n');
  assert.match(stderr, /^passk evaluate: ERROR: 2 of 4 samples ended in infra_error \(the sandbox failed every attempt\); they are excluded from pass@k and marked "excluded_from_pass_at_k": true in --out; problems left without any sample: 3000$/m);
  assert.equal(printSummary({ ...summary, infraErrors: 0, excludedProblems: [] }, () => {}, () => {}), 0);
});
