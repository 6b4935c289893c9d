/**
 * `passk run` refused on an existing run (a plan field that cannot change) says how to resume it instead;
 * that command, pasted in another directory without PASSK_HOME, resumes the right run (it said a bare
 * `passk resume --run NAME`, which looked in the checkout's home, not the run's).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { runPassk } from '../helpers/passk.js';
import { tempDir } from '../helpers/tmp.js';

const TINY = ['--problems', 'demo', '--end', '1', '--backend', 'sim', '--n', '5', '--shard-size', '5', '--temperatures', '0.2'];

test('the resume hint of a refused plan change works pasted elsewhere', async () => {
  const [home, other] = [await tempDir(), await tempDir()];
  const first = await runPassk(['run', '--run', 'm', ...TINY], { cwd: home });
  assert.equal(first.code, 0, first.stdout + first.stderr);
  const refused = await runPassk(['run', '--run', 'm', ...TINY, '--seed', '5'], { cwd: other, env: { PASSK_HOME: home } });
  assert.equal(refused.code, 2, refused.stdout + refused.stderr);
  const m = /ERR_PLAN_MISMATCH: .*seed: was 0, now 5.*or `([^`]+)` to resume it with its plan/.exec(refused.stderr);
  assert.ok(m, refused.stderr);
  assert.match(m[1]!, new RegExp(` --home ${home} resume --run m$`));
  const pasted = spawnSync('sh', ['-c', m[1]!], { cwd: other, encoding: 'utf8', env: { ...process.env, PASSK_HOME: '' } });
  assert.equal(pasted.status, 0, pasted.stdout + pasted.stderr);
  assert.match(pasted.stdout, /every summary is already written; nothing to do/);
});
