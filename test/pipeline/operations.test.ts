/** Operations users rely on: adding an evaluator mid-run, a generator dying, stop and resume, no orphans. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { tempDir } from '../helpers/tmp.js';
import { startPassk, runPassk, runDirs, readJson, waitFor, leftovers, processesMatching } from '../helpers/passk.js';

const SLOW = ['--backend', 'sim', '--problems', 'demo', '--end', '4', '--n', '12', '--shard-size', '4', '--temperatures', '0.2,0.8,1.4', '--evaluators', '1', '--sim-tps', '600', '--restart-backoff-ms', '200'];

async function samplesDone(resultsDir: string): Promise<number> {
  return readJson(path.join(resultsDir, 'run_summary.json')).then((s) => s.samples_done as number, () => 0);
}

test('an evaluator added by hand mid-run takes work, and a SIGKILLed generator is restarted; the run finishes', { timeout: 240_000 }, async () => {
  const root = await tempDir();
  const dirs = runDirs(root, 'ops');
  const resultsDir = path.join(root, 'results', 'ops');
  const queueDir = path.join(root, 'queue', 'ops');
  const run = startPassk(['run', ...dirs, ...SLOW, '--gpus', '1']);
  await waitFor(async () => (await samplesDone(resultsDir)) > 0, 60_000, 'first combined results');
  const extra = startPassk(['evaluator', ...dirs]);
  await waitFor(() => readJson(path.join(queueDir, 'workers', 'eval1.json')).then(() => true, () => false), 20_000, 'the added evaluator to register as eval1');
  const gpu0 = await readJson(path.join(queueDir, 'workers', 'gpu0.json'));
  process.kill(gpu0.pid, 'SIGKILL');
  const { code } = await run.exit;
  assert.equal(code, 0, run.stdout() + run.stderr());
  const extraExit = await extra.exit;
  assert.equal(extraExit.code, 0, 'the hand-started evaluator exits by itself when the run is complete');
  const eval1 = await readJson(path.join(queueDir, 'workers', 'eval1.json'));
  assert.ok(eval1.items_done > 0, 'the added evaluator graded shards');
  const log = await readFile(path.join(resultsDir, 'orchestrator.log'), 'utf8');
  assert.match(log, /"worker":"gpu0".*worker crashed; restarting/);
  assert.equal(await samplesDone(resultsDir), 4 * 3 * 12);
  assert.deepEqual(await leftovers(queueDir), []);
});

test('passk stop stops everything in order; the same command resumes and finishes', { timeout: 240_000 }, async () => {
  const root = await tempDir();
  const dirs = runDirs(root, 'stop');
  const resultsDir = path.join(root, 'results', 'stop');
  const queueDir = path.join(root, 'queue', 'stop');
  const args = ['run', ...dirs, ...SLOW, '--gpus', '2'];
  const run = startPassk(args);
  await waitFor(async () => (await samplesDone(resultsDir)) > 0, 60_000, 'first combined results');
  const stop = await runPassk(['stop', ...dirs]);
  assert.equal(stop.code, 0, stop.stdout + stop.stderr);
  const { code } = await run.exit;
  assert.equal(code, 143);
  assert.deepEqual(processesMatching(queueDir), [], 'nothing left running');
  assert.deepEqual((await leftovers(queueDir)).filter((f) => !/^pending_(gen|eval|combine)\/q\d+_t\d+_\d+_s\d+\.json$/.test(f)), [], 'only pending items remain: no claims, no temp files');
  const log = await readFile(path.join(resultsDir, 'orchestrator.log'), 'utf8');
  const generatorsStopped = log.indexOf('generators stopped');
  assert.ok(generatorsStopped > 0);
  for (const line of log.split('\n').filter((l) => /"worker":"(eval0|combiner)".*worker exited/.test(l))) {
    assert.ok(log.indexOf(line) > generatorsStopped, 'evaluators and the combiner stop after the generators');
  }
  const resumed = await runPassk(args, { timeoutMs: 180_000 });
  assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  assert.match(resumed.stdout, /resuming run stop/);
  assert.equal(await samplesDone(resultsDir), 4 * 3 * 12);
});

test('SIGKILL of the orchestrator leaves no orphan: its workers release their claims and exit', { timeout: 120_000 }, async () => {
  const root = await tempDir();
  const dirs = runDirs(root, 'orphan');
  const resultsDir = path.join(root, 'results', 'orphan');
  const queueDir = path.join(root, 'queue', 'orphan');
  const run = startPassk(['run', ...dirs, ...SLOW, '--gpus', '2']);
  await waitFor(async () => (await samplesDone(resultsDir)) > 0, 60_000, 'first combined results');
  assert.ok(processesMatching(queueDir).length >= 4);
  run.child.kill('SIGKILL');
  await run.exit;
  await waitFor(() => processesMatching(queueDir).length === 0, 15_000, 'every worker to exit');
  await sleep(100);
  assert.deepEqual((await leftovers(queueDir)).filter((f) => f.startsWith('claimed/') || f.startsWith('tmp/')), []);
});
