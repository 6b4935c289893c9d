/**
 * The run's average rate is over its active time (active.json: the orchestrators' sessions summed), not
 * since its start: a run planned two hours ago that was active for one hour shows twice the naive average.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runPassk, readJson } from '../helpers/passk.js';
import { tempDir } from '../helpers/tmp.js';

test('status: the run average is over the active time; a run resumed after a stop shows it too', { timeout: 120_000 }, async () => {
  const home = await tempDir();
  const env = { PASSK_HOME: home };
  const resultsDir = path.join(home, 'results', 'half');
  await mkdir(resultsDir, { recursive: true });
  const created = new Date(Date.now() - 7200_000).toISOString();
  const plan = { version: 1, run: 'half', created_at: created, problems: 'demo', questions: [{ idx: 0, id: 'a', title: 'A' }], n: 10_000, shard_size: 100, temperatures: [0.2], seed: 0, top_p: 0.95, max_tokens: 100, stop: [], backend: 'sim', model: 'sim', simulated: true };
  await writeFile(path.join(resultsDir, 'plan.json'), JSON.stringify(plan));
  const summary = { run: 'half', backend: 'sim', model: 'sim', simulated: true, n: 10_000, temperatures: [0.2], questions_total: 1, questions_done: 0, finished: false, started_at: created, updated_at: new Date().toISOString(), samples_done: 7200, per_temperature: [] };
  await writeFile(path.join(resultsDir, 'run_summary.json'), JSON.stringify(summary));
  const before = JSON.parse((await runPassk(['status', '--run', 'half', '--json'], { env })).stdout);
  assert.equal(before.active_s, null);
  assert.equal(before.run_average_samples_per_s, 1, 'without active.json: since the start (7200 / 2 h)');
  await writeFile(path.join(resultsDir, 'active.json'), JSON.stringify({ active_s: 3600, updated_at: new Date(Date.now() - 3600_000).toISOString() }));
  const after = JSON.parse((await runPassk(['status', '--run', 'half', '--json'], { env })).stdout);
  assert.equal(after.active_s, 3600);
  assert.equal(after.run_average_samples_per_s, 2, '7200 samples over one active hour');

  // A real run writes active.json, and its time only grows while the orchestrator runs.
  const sim = ['--backend', 'sim', '--problems', 'demo', '--end', '2', '--n', '4', '--shard-size', '4', '--temperatures', '0.2', '--sim-tps', '0', '--gpus', '1', '--evaluators', '1'];
  const r = await runPassk(['run', '--run', 'real', ...sim], { env });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const active = await readJson(path.join(home, 'results', 'real', 'active.json'));
  assert.ok(active.active_s > 0, JSON.stringify(active));
  const status = JSON.parse((await runPassk(['status', '--run', 'real', '--json'], { env })).stdout);
  assert.equal(status.state, 'FINISHED');
  assert.equal(status.active_s, Math.round(active.active_s));
});
