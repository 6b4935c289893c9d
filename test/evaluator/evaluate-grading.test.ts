/** `passk evaluate --grading lcb|judge` (docs/grading.md, "Grading modes"): the flag reaches the grader. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { evaluateCommand } from '@passk/evaluator';

const dir = mkdtempSync(join(tmpdir(), 'passk-evaluate-grading-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const jsonl = (rows: unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

test('passk evaluate: lcb by default (lcb_runner: for line in sys.stdin fails), --grading judge (a real stdin: it works)', async () => {
  const problems = join(dir, 'p.jsonl');
  const base = { question_title: 't', question_content: 'c', platform: 'atcoder', contest_id: 'abc', contest_date: '2024-08-01T00:00:00', difficulty: 'easy', starter_code: '', metadata: '{}' };
  writeFileSync(problems, jsonl([{ ...base, question_id: 'sum', public_test_cases: JSON.stringify([{ input: '1\n2\n', output: '3\n', testtype: 'stdin' }]), private_test_cases: '[]' }]));
  const samples = join(dir, 's.jsonl');
  writeFileSync(samples, jsonl([{ question_id: 'sum', code: 'import sys\nprint(sum(int(line) for line in sys.stdin))' }, { question_id: 'sum', code: 'print(int(input()) + int(input()))' }]));
  const statuses = async (extra: string[]): Promise<string[]> => {
    const out = join(dir, `out-${extra.join('-') || 'default'}.jsonl`);
    await yargs(['evaluate', '--problems', problems, '--samples', samples, '--out', out, '--k', '1', '--workers', '1', '--cpu-limit', '3', ...extra]).command(evaluateCommand).strict().parseAsync();
    return readFileSync(out, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { status: string }).status);
  };
  const write = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    assert.deepEqual(await statuses([]), ['runtime_error', 'passed']);
    assert.deepEqual(await statuses(['--grading', 'lcb']), ['runtime_error', 'passed']);
    assert.deepEqual(await statuses(['--grading', 'judge']), ['passed', 'passed']);
  } finally {
    process.stdout.write = write;
    process.stderr.write = err;
  }
});
