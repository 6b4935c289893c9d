/**
 * passk's output piped into a reader that quits early (`| head`): `passk run` goes on to the end of the run;
 * `passk status --watch` stops quietly with exit 0. Both printed Node's EPIPE stack trace (status died with
 * exit 1 at its next refresh).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PASSK } from '../helpers/passk.js';
import { tempDir } from '../helpers/tmp.js';

/** Runs passk with stdout a pipe that is closed after its first chunk, as `| head -1` does. */
function headOne(args: string[], home: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [PASSK, ...args], { cwd: home, env: { ...process.env, PASSK_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.once('data', () => child.stdout!.destroy());
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

test('| head: passk run finishes its run, passk status --watch exits 0, neither prints a stack trace', async () => {
  const home = await tempDir();
  const run = await headOne(['run', '--run', 'p', '--problems', 'demo', '--end', '2', '--backend', 'sim', '--n', '5', '--shard-size', '5', '--temperatures', '0.2'], home);
  assert.equal(run.code, 0, run.stderr);
  assert.doesNotMatch(run.stderr, /EPIPE|^\s+at /m, run.stderr);
  assert.ok(existsSync(path.join(home, 'results', 'p', 'q1', 'summary.json')), 'the run went on to the end');
  const watch = await headOne(['status', '--run', 'p', '--watch'], home);
  assert.equal(watch.code, 0, watch.stderr);
  assert.equal(watch.stderr, '');
});
