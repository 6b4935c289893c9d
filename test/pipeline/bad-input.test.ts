import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { writeFile, readdir, readFile, access } from 'node:fs/promises';
import { tempDir } from '../helpers/tmp.js';
import { startPassk, runDirs, readJson, waitFor, leftovers } from '../helpers/passk.js';

test('bad queue files are quarantined with a reason or ignored as documented; nothing lost; daemons keep running', { timeout: 180_000 }, async () => {
  const root = await tempDir();
  const queueDir = path.join(root, 'queue', 'bad');
  const resultsDir = path.join(root, 'results', 'bad');
  const run = startPassk(['run', ...runDirs(root, 'bad'), '--backend', 'sim', '--problems', 'demo', '--end', '3', '--n', '8', '--shard-size', '4', '--temperatures', '0.2,0.8', '--gpus', '1', '--evaluators', '1', '--sim-tps', '1500']);
  await waitFor(() => access(path.join(resultsDir, 'combiner.log')).then(() => true, () => false), 30_000, 'the combiner to start');
  await writeFile(path.join(queueDir, 'pending_eval', 'q0_t0_2_s90.json'), '{"version":1,"item":"q0_t0_2_s90","question_idx":0,');
  await writeFile(path.join(queueDir, 'pending_combine', 'q1_t0_2_s91.json'), JSON.stringify({ version: 1, item: 'q1_t0_2_s91' }));
  await writeFile(path.join(queueDir, 'pending_gen', 'q2_t0_8_s92.json'), JSON.stringify({ version: 1, item: 'q2_t0_8_s92', question_idx: 2, temperature: 0.8, shard: 92, first_sample: 0, count: -4, seed_base: 0, attempts: 0 }));
  await writeFile(path.join(queueDir, 'pending_gen', 'README.txt'), 'a user note');
  const { code } = await run.exit;
  assert.equal(code, 0, run.stdout() + run.stderr());
  const failed = (await readdir(path.join(queueDir, 'failed'))).sort();
  assert.deepEqual(failed, [
    'q0_t0_2_s90.eval.json', 'q0_t0_2_s90.eval.reason.json',
    'q1_t0_2_s91.combine.json', 'q1_t0_2_s91.combine.reason.json',
    'q2_t0_8_s92.gen.json', 'q2_t0_8_s92.gen.reason.json',
  ]);
  const truncated = await readJson(path.join(queueDir, 'failed', 'q0_t0_2_s90.eval.reason.json'));
  assert.equal(truncated.code, 'ERR_JSON_MALFORMED');
  assert.match(truncated.message, /pending_eval\/q0_t0_2_s90\.json: not valid JSON/);
  const invalid = await readJson(path.join(queueDir, 'failed', 'q1_t0_2_s91.combine.reason.json'));
  assert.equal(invalid.code, 'ERR_SCHEMA_INVALID');
  assert.equal(invalid.field, 'question_idx');
  const negative = await readJson(path.join(queueDir, 'failed', 'q2_t0_8_s92.gen.reason.json'));
  assert.equal(negative.field, 'count');
  assert.equal(await readFile(path.join(queueDir, 'failed', 'q0_t0_2_s90.eval.json'), 'utf8'), '{"version":1,"item":"q0_t0_2_s90","question_idx":0,', 'the bad file is kept byte for byte');
  assert.deepEqual(await leftovers(queueDir), ['pending_gen/README.txt'], 'unknown files are left where they are');
  const orchestratorLog = await readFile(path.join(resultsDir, 'orchestrator.log'), 'utf8');
  assert.doesNotMatch(orchestratorLog, /worker crashed/, 'no daemon crashed');
  const summary = await readJson(path.join(resultsDir, 'run_summary.json'));
  assert.equal(summary.samples_done, 3 * 2 * 8);
});
