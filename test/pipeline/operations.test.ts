/** Operations users rely on: adding an evaluator mid-run, a generator dying, stop and resume, no orphans. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { tempDir } from '../helpers/tmp.js';
import { startPassk, runPassk, runDirs, readJson, waitFor, leftovers, PASSK, REPO } from '../helpers/passk.js';
import { processesMatching } from '../helpers/procs.js';

const SLOW = ['--backend', 'sim', '--problems', 'demo', '--end', '4', '--n', '12', '--shard-size', '4', '--temperatures', '0.2,0.8,1.4', '--evaluators', '1', '--sim-tps', '600', '--restart-backoff-ms', '200'];

async function samplesDone(resultsDir: string): Promise<number> {
  return readJson(path.join(resultsDir, 'run_summary.json')).then((s) => s.samples_done as number, () => 0);
}

/**
 * The safe order, from orchestrator.log: every generator exited before "generators stopped", every
 * evaluator and the combiner after it. Each expected worker must have its line (no vacuous pass).
 */
async function assertStopOrder(resultsDir: string, generators: string[], others: string[]): Promise<void> {
  const lines = (await readFile(path.join(resultsDir, 'orchestrator.log'), 'utf8')).split('\n');
  const stopped = lines.findIndex((l) => l.includes('generators stopped; stopping evaluators and the combiner'));
  assert.ok(stopped > 0, 'the orchestrator logged the end of the generator stop');
  const exitLine = (name: string) => lines.findIndex((l) => l.includes(`"worker":"${name}"`) && l.includes('"msg":"worker exited"'));
  for (const name of generators) {
    const at = exitLine(name);
    assert.ok(at >= 0, `${name} exited (logged)`);
    assert.ok(at < stopped, `${name} exited before the evaluators and the combiner were stopped`);
  }
  for (const name of others) {
    const at = exitLine(name);
    assert.ok(at >= 0, `${name} exited (logged)`);
    assert.ok(at > stopped, `${name} exited after the generators`);
  }
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
  // The run's own terminal names who stopped it, not only the signal it got.
  assert.match(run.stdout(), /passk: stopping \(asked by `passk stop`\): generators first/, run.stdout());
  assert.deepEqual(processesMatching(queueDir), [], 'nothing left running');
  assert.deepEqual((await leftovers(queueDir)).filter((f) => !/^pending_(gen|eval|combine)\/q\d+_t\d+_\d+_s\d+\.json$/.test(f)), [], 'only pending items remain: no claims, no temp files');
  await assertStopOrder(resultsDir, ['gpu0', 'gpu1'], ['eval0', 'combiner']);
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
  assert.deepEqual((await leftovers(queueDir)).filter((f) => f.startsWith('claimed/') || f.startsWith('tmp/')), []);
});

test('Ctrl-C (SIGINT to the whole foreground process group) reaches only the orchestrator, which stops the workers in the safe order', { timeout: 240_000 }, async () => {
  const root = await tempDir();
  const dirs = runDirs(root, 'ctrlc');
  const resultsDir = path.join(root, 'results', 'ctrlc');
  const queueDir = path.join(root, 'queue', 'ctrlc');
  // Like a shell job: passk run leads its own process group; a terminal's Ctrl-C signals the group.
  const run = spawn(process.execPath, [PASSK, 'run', ...dirs, ...SLOW, '--gpus', '2'], { cwd: REPO, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  run.stdout!.on('data', (d) => (out += d));
  run.stderr!.on('data', (d) => (out += d));
  const exit = new Promise<number | null>((r) => run.on('exit', (code) => r(code)));
  await waitFor(async () => (await samplesDone(resultsDir)) > 0, 60_000, 'first combined results');
  assert.ok(processesMatching(queueDir).length >= 5, 'orchestrator, 2 generators, an evaluator and the combiner run');
  process.kill(-run.pid!, 'SIGINT');
  assert.equal(await exit, 130, out);
  assert.match(out, /passk: stopping \(received SIGINT\): generators first/);
  await assertStopOrder(resultsDir, ['gpu0', 'gpu1'], ['eval0', 'combiner']);
  for (const name of ['gpu0', 'gpu1', 'eval0', 'combiner']) {
    const log = await readFile(path.join(resultsDir, `${name}.log`), 'utf8');
    const stopping = log.split('\n').filter((l) => l.includes('"msg":"stopping"'));
    assert.equal(stopping.length, 1, `${name} logged why it stopped`);
    assert.doesNotMatch(stopping[0]!, /SIGINT/, `${name} did not get the terminal's SIGINT: it was stopped by the orchestrator`);
  }
  assert.deepEqual(processesMatching(queueDir), [], 'nothing left running');
  assert.deepEqual((await leftovers(queueDir)).filter((f) => f.startsWith('claimed/') || f.startsWith('tmp/')), [], 'no claim or temp file left');
});
