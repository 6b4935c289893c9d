/**
 * The vllm backend through the real `passk run`, with a stand-in `vllm` and `nvidia-smi` on PATH:
 * `--backend auto` picks vllm; the generator that owns the engine is SIGKILLed mid-run and its
 * engine (and the engine core) is gone within seconds; the restarted generator finds no orphan and
 * starts its own; at the end the orchestrator waits for the engine's GPU memory (the stand-in
 * driver keeps listing a dead engine for 1.5 s) before it stops the evaluators; nothing is left.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tempDir } from '../helpers/tmp.js';
import { startPassk, runDirs, readJson, waitFor, leftovers } from '../helpers/passk.js';
import { fakeBin, isolatedPath, starts, until } from './fakes.js';
import { processesMatching, isAlive } from '../helpers/procs.js';
import { freePort } from '../helpers/ports.js';

test('passk run --backend auto with vllm: SIGKILL of the generator takes its engine with it; restart finds no orphan; GPU release awaited before the evaluators stop', { timeout: 240_000 }, async () => {
  const root = await tempDir();
  const state = path.join(root, 'state');
  await mkdir(state);
  const engines = path.join(root, 'engines.json');
  await writeFile(engines, JSON.stringify({ presets: { test: { basePort: await freePort(), maxN: 2 } } }));
  const env = {
    PATH: isolatedPath(await fakeBin(root, { vllm: true }), await fakeBin(root, { nvidiaSmi: true })),
    FAKE_VLLM_STATE: state,
    FAKE_VLLM_DELAY_MS: '700',
    FAKE_NVSMI_STATE: state,
    FAKE_NVSMI_ENGINES: '1',
    FAKE_NVSMI_RELEASE_LAG_MS: '1500',
  };
  const dirs = runDirs(root, 'vllm');
  const queueDir = path.join(root, 'queue', 'vllm');
  const resultsDir = path.join(root, 'results', 'vllm');
  const run = startPassk(
    ['run', ...dirs, '--backend', 'auto', '--model', 'org/fake-model', '--engine-config', engines, '--preset', 'test', '--problems', 'demo', '--end', '2', '--n', '4', '--shard-size', '2', '--temperatures', '0.5,1.0', '--gpus', '1', '--evaluators', '1', '--restart-backoff-ms', '200'],
    { env },
  );
  try {
    await waitFor(async () => (await readFile(path.join(state, 'requests.jsonl'), 'utf8').catch(() => '')).includes('"max_tokens":2000'), 60_000, 'generation requests');
    const gpu0 = await readJson(path.join(queueDir, 'workers', 'gpu0.json'));
    const record = await readJson(path.join(resultsDir, 'gpu0.engine.json'));
    const [first] = await starts(state);
    assert.ok(isAlive(record.pgid) && isAlive(first!.pid) && isAlive(first!.corePid));
    process.kill(gpu0.pid, 'SIGKILL');
    await until(() => !isAlive(record.pgid) && !isAlive(first!.pid) && !isAlive(first!.corePid), 5000, 'the engine to go with its generator');
    const { code } = await run.exit;
    assert.equal(code, 0, run.stdout() + run.stderr());
  } finally {
    run.child.kill('SIGKILL');
  }
  assert.match(run.stdout(), /passk: --backend auto chose vllm \(1 GPU\(s\) and vllm found\)/);
  const all = await starts(state);
  assert.equal(all.length, 2, 'the restarted generator started one engine of its own');
  for (const s of all) assert.ok(!isAlive(s.pid) && !isAlive(s.corePid), 'no engine process left');

  const gpuLog = await readFile(path.join(resultsDir, 'gpu0.log'), 'utf8');
  assert.equal((gpuLog.match(/"msg":"vllm: engine starting"/g) ?? []).length, 2, 'two engine starts logged (so the next check can see lines)');
  assert.doesNotMatch(gpuLog, /leftover engine/, 'the restarted generator found no orphan');

  const lines = (await readFile(path.join(resultsDir, 'orchestrator.log'), 'utf8')).split('\n');
  const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
  const waiting = at(/waiting for the stopped engines to release GPU memory/);
  const released = at(/GPU memory of the stopped engines is released/);
  const stopped = at(/generators stopped; stopping evaluators and the combiner/);
  assert.ok(waiting > 0 && released > waiting && stopped > released, `order: waiting ${waiting}, released ${released}, stopped ${stopped}`);
  assert.ok(JSON.parse(lines[released]!).waited_ms >= 1000, 'the release lag was waited for');
  assert.ok((await readFile(path.join(resultsDir, 'gpu_trace.csv'), 'utf8')).split('\n').length > 2, 'gpu_trace.csv sampled');

  assert.equal((await readJson(path.join(resultsDir, 'run_summary.json'))).samples_done, 2 * 2 * 4);
  assert.deepEqual(processesMatching(queueDir), [], 'no passk process left');
  assert.deepEqual(await leftovers(queueDir), []);
});
