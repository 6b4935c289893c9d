/**
 * When most samples of a temperature had no code extracted, `passk status` says so (the demo once
 * had 100 % without code and nothing said it). A real sim run, whose run_summary.json is then
 * given the counts of a run where nothing was extracted at one temperature.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { tempDir } from '../helpers/tmp.js';
import { runPassk, readJson } from '../helpers/passk.js';

test('passk status warns when at least half the samples of a temperature had no code', { timeout: 300_000 }, async () => {
  const root = await tempDir();
  const run = await runPassk(['run', '--run', 'nc', '--backend', 'sim', '--problems', 'demo', '--end', '1', '--n', '4', '--temperatures', '0.2,1.0', '--gpus', '1', '--evaluators', '1'], { cwd: root, timeoutMs: 240_000 });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.doesNotMatch(run.stdout, /had no code extracted/, 'sim fences every program');
  const file = path.join(root, 'results', 'nc', 'run_summary.json');
  const summary = await readJson(file);
  summary.per_temperature[1].extraction = { none: 3, unfenced: 1 };
  await writeFile(file, JSON.stringify(summary));
  const status = await runPassk(['status', '--run', 'nc'], { cwd: root });
  assert.equal(status.code, 0, status.stderr);
  const lines = status.stdout.split('\n');
  const at = lines.indexOf('  extraction:');
  assert.ok(at > 0, status.stdout);
  assert.deepEqual(lines.slice(at + 1, at + 4), [
    '    T=0.2 no code 0/4 (0.0 %); last_fenced 4',
    '    T=1.0 no code 3/4 (75.0 %); unfenced 1',
    '    warning: 75 % of the samples at temperature 1 had no code extracted (3/4); they count as failures (docs/extraction.md)',
  ]);
});
