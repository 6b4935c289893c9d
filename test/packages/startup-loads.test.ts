/**
 * Every passk command's start-up (docs/benchmarks.md, "Start-up"): @passk/core's index loads none of
 * pino, chokidar, ajv, proper-lockfile or write-file-atomic (each is loaded where it is first used: the
 * first logger, a control watch, the first validation, the combiner lock, a results write), and yargs
 * does not render a command's help text when the command only runs (its cacheHelpMessage). Traced
 * through the real CLI with the module hooks of loads.test.ts and help-hooks.mjs.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPassk } from '../helpers/passk.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TRACE = path.join(HERE, 'trace-loads.mjs');
const HELP = path.join(HERE, 'help-trace.mjs');
const LAZY = /\/node_modules\/(pino|thread-stream|pino-std-serializers|chokidar|ajv|proper-lockfile|write-file-atomic)\//;

for (const command of ['evaluate', 'evaluator', 'combiner', 'generator', 'run']) {
  test(`passk ${command} --help loads none of pino, chokidar, ajv, proper-lockfile, write-file-atomic`, async () => {
    const r = await runPassk([command, '--help'], { env: { NODE_OPTIONS: `--import ${TRACE}` } });
    assert.equal(r.code, 0, r.stderr.slice(-2000));
    const loaded = r.stderr.split('\n').filter((l) => l.startsWith('passk-load ')).map((l) => l.slice('passk-load '.length));
    assert.ok(loaded.some((u) => u.includes('/packages/core/dist/index.js')), 'the trace sees core');
    assert.deepEqual([...new Set(loaded.filter((u) => LAZY.test(u)).map((u) => LAZY.exec(u)![1]))], []);
  });
}

const dir = mkdtempSync(path.join(tmpdir(), 'passk-startup-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('passk evaluate renders no help text when it runs (and --help still does)', async () => {
  const problems = path.join(dir, 'p.jsonl');
  const base = { question_title: 't', question_content: 'c', platform: 'atcoder', contest_id: 'abc', contest_date: '2024-08-01T00:00:00', difficulty: 'easy', starter_code: '', metadata: '{}' };
  writeFileSync(problems, `${JSON.stringify({ ...base, question_id: 'sum', public_test_cases: JSON.stringify([{ input: '1\n2\n', output: '3\n', testtype: 'stdin' }]), private_test_cases: '[]' })}\n`);
  const samples = path.join(dir, 's.jsonl');
  writeFileSync(samples, `${JSON.stringify({ question_id: 'sum', code: 'print(int(input()) + int(input()))' })}\n`);
  const out = path.join(dir, 'out.jsonl');
  const env = { NODE_OPTIONS: `--import ${HELP}` };
  const r = await runPassk(['evaluate', '--problems', problems, '--samples', samples, '--out', out, '--k', '1', '--workers', '1'], { env });
  assert.equal(r.code, 0, r.stderr.slice(-2000));
  assert.equal((JSON.parse(readFileSync(out, 'utf8').trim()) as { status: string }).status, 'passed');
  assert.ok(!r.stderr.includes('passk-help-rendered'), 'yargs rendered the help text of a command that only ran');
  const help = await runPassk(['evaluate', '--help'], { env });
  assert.equal(help.code, 0, help.stderr.slice(-2000));
  assert.ok(help.stderr.includes('passk-help-rendered') && help.stdout.includes('--problems'), 'the hook sees help rendered');
});
