/**
 * The execution-limit flags (--cpu-limit, --wall-limit, --memory-mb, --output-limit-mb): the same
 * on `passk evaluate`, `passk evaluator` and `passk run` (which forwards them to its evaluators),
 * validated with the flag's name, through the real CLI.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { limitArgs, limitOptions } from '@passk/evaluator';
import { makeRunGrader } from '../../packages/cli/src/grader-factory.js';
import { runPassk, runDirs } from '../helpers/passk.js';

const root = mkdtempSync(join(tmpdir(), 'passk-limits-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
const MiB = 1024 * 1024;

test('limitOptions: 0, negative, NaN, Infinity are errors naming the flag; values map to grader options', () => {
  assert.throws(() => limitOptions({ 'cpu-limit': 0 }), { code: 'ERR_BAD_OPTION', message: '--cpu-limit must be a positive number of seconds, got 0' });
  assert.throws(() => limitOptions({ 'wall-limit': -1 }), { message: '--wall-limit must be a positive number of seconds, got -1' });
  assert.throws(() => limitOptions({ 'memory-mb': Number.NaN }), { message: '--memory-mb must be a positive number of MiB, got NaN' });
  assert.throws(() => limitOptions({ 'output-limit-mb': Infinity }), { message: '--output-limit-mb must be a positive number of MiB, got Infinity' });
  assert.deepEqual(limitOptions({ 'cpu-limit': 2.5, 'memory-mb': 512, 'output-limit-mb': 4 }), { cpuLimitSeconds: 2.5, memoryMb: 512, outputLimitMb: 4 });
  assert.deepEqual(limitArgs({ 'cpu-limit': 2, 'wall-limit': 9, 'memory-mb': 512, 'output-limit-mb': 4 }), ['--cpu-limit', '2', '--wall-limit', '9', '--memory-mb', '512', '--output-limit-mb', '4']);
  assert.deepEqual(limitArgs({ 'cpu-limit': 6, 'memory-mb': 2048, 'output-limit-mb': 32 }), ['--cpu-limit', '6', '--memory-mb', '2048', '--output-limit-mb', '32']);
});

test('makeRunGrader (passk evaluator) applies every limit flag, and 0 is an error, not the default', async () => {
  const layout = { cacheDir: join(root, 'cache') } as never;
  const g = await makeRunGrader(layout, { workers: 1, dedup: false, 'cpu-limit': 2, 'wall-limit': 9, 'memory-mb': 512, 'output-limit-mb': 4 });
  try {
    const o = (g as unknown as { options: { cpuMs: number; wallMs: number; memBytes: number; outputBytes: number } }).options;
    assert.deepEqual([o.cpuMs, o.wallMs, o.memBytes, o.outputBytes], [2000, 9000, 512 * MiB, 4 * MiB]);
  } finally {
    await g.close();
  }
  await assert.rejects(makeRunGrader(layout, { workers: 1, dedup: false, 'cpu-limit': 0 }), { message: '--cpu-limit must be a positive number of seconds, got 0' });
});

test('passk evaluator, passk run, passk evaluate: a 0 limit is refused with the exact message', async () => {
  const ev = await runPassk(['evaluator', ...runDirs(root, 'zero-ev'), '--cpu-limit', '0']);
  assert.equal(ev.code, 2, ev.stderr);
  assert.match(ev.stderr, /^passk: ERR_BAD_OPTION: --cpu-limit must be a positive number of seconds, got 0$/m);
  const run = await runPassk(['run', ...runDirs(root, 'zero-run'), '--backend', 'sim', '--memory-mb', '0']);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /^passk: ERR_BAD_OPTION: --memory-mb must be a positive number of MiB, got 0$/m);
  const evaluate = await runPassk(['evaluate', '--problems', 'demo', '--samples', join(root, 'none.jsonl'), '--out', join(root, 'out.jsonl'), '--wall-limit', '0']);
  assert.equal(evaluate.code, 2, evaluate.stderr);
  assert.match(evaluate.stderr, /^passk: ERR_BAD_OPTION: --wall-limit must be a positive number of seconds, got 0$/m);
});

test('--help of evaluate, evaluator and run lists the four limit flags with their defaults', async () => {
  for (const cmd of ['evaluate', 'evaluator', 'run']) {
    const { stdout, code } = await runPassk([cmd, '--help']);
    assert.equal(code, 0);
    const help = stdout.replace(/\s+/g, ' '); // yargs wraps lines
    assert.match(help, /--cpu-limit (?:(?!--).)*\[default: 6\]/, cmd);
    assert.match(help, /--wall-limit (?:(?!--).)*\[default: judge, human-eval: 2 × cpu-limit \+ 1; lcb: cpu-limit\]/, cmd);
    assert.match(help, /--grading (?:(?!--).)*\[default: lcb; passk evaluator: the run's plan\]/, cmd);
    assert.match(help, /--memory-mb (?:(?!--).)*\[default: 2048\]/, cmd);
    assert.match(help, /--output-limit-mb (?:(?!--).)*\[default: 32\]/, cmd);
  }
});

test('passk run forwards every limit flag to its evaluators', { timeout: 180_000 }, async () => {
  const dirs = runDirs(root, 'fwd');
  const plan = ['--backend', 'sim', '--problems', 'demo', '--end', '1', '--n', '2', '--shard-size', '2', '--temperatures', '0.5', '--gpus', '1', '--evaluators', '1'];
  const r = await runPassk(['run', ...dirs, ...plan, '--cpu-limit', '2', '--wall-limit', '9', '--memory-mb', '512', '--output-limit-mb', '4'], { timeoutMs: 170_000 });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const log = readFileSync(join(root, 'results', 'fwd', 'eval0.log'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const ready = log.find((e) => e.msg === 'grader ready');
  assert.ok(ready, 'eval0.log has a "grader ready" line');
  assert.deepEqual([ready.cpu_ms, ready.wall_ms, ready.mem_bytes, ready.output_bytes], [2000, 9000, 512 * MiB, 4 * MiB]);
});
