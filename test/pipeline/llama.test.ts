/** The default backend end to end: the embedded llama.cpp engine on passk's tiny model, through every daemon. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readdir } from 'node:fs/promises';
import { tempDir } from '../helpers/tmp.js';
import { runPassk, runDirs, readJson, leftovers } from '../helpers/passk.js';

test('passk run with no --backend uses the embedded engine and the tiny model, labelled as noise', { timeout: 300_000 }, async () => {
  const root = await tempDir();
  const env = { PASSK_CACHE_DIR: path.join(root, 'cache') };
  const result = await runPassk(['run', ...runDirs(root, 'llama'), '--problems', 'demo', '--end', '2', '--n', '4', '--shard-size', '2', '--temperatures', '0.5,1.5', '--max-tokens', '48', '--evaluators', '1'], { env, timeoutMs: 280_000 });
  assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
  assert.match(result.stdout, /--backend auto chose llama/);
  assert.match(result.stdout, /TINY RANDOM MODEL .*its output is noise/);
  assert.ok((await readdir(path.join(root, 'cache', 'models'))).some((f) => f.endsWith('.gguf')), 'the tiny model was written, not downloaded');
  const resultsDir = path.join(root, 'results', 'llama');
  const plan = await readJson(path.join(resultsDir, 'plan.json'));
  assert.equal(plan.backend, 'llama');
  assert.equal(plan.simulated, true);
  const combined = await readJson(path.join(resultsDir, 'q0', 't0_5_combined.json'));
  assert.equal(combined.samples.length, 4);
  for (const s of combined.samples) {
    assert.ok(s.completion_tokens > 0 && s.completion_tokens <= 48, `token count ${s.completion_tokens}`);
    assert.equal(typeof s.output, 'string');
    assert.ok(s.verdict.status, 'every sample was graded');
  }
  const summary = await readJson(path.join(resultsDir, 'q1', 'summary.json'));
  assert.equal(summary.simulated, true);
  assert.deepEqual(await leftovers(path.join(root, 'queue', 'llama')), []);
});
