/**
 * One human line per event on the terminal: a worker SIGKILLed mid-run is restarted, and the run's stderr
 * says so in one line (which worker, how it ended, which restart, its last error) — no pino JSON, no stack.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startPassk, readJson, waitFor } from '../helpers/passk.js';
import { tempDir } from '../helpers/tmp.js';

test('a restarted worker is one human line on stderr, not JSON', { timeout: 300_000 }, async () => {
  const home = await tempDir();
  const env = { PASSK_HOME: home };
  const sim = ['--backend', 'sim', '--problems', 'demo', '--end', '3', '--n', '6', '--shard-size', '3', '--temperatures', '0.2', '--sim-tps', '100', '--gpus', '1', '--evaluators', '1', '--restart-backoff-ms', '100'];
  const run = startPassk(['run', '--run', 'kill', ...sim], { env });
  // gpu0's worker record appears when it starts, before its first shard (6 shards of ~0.6 s each follow).
  const record = path.join(home, 'queue', 'kill', 'workers', 'gpu0.json');
  const pid = await waitFor(() => readJson(record).then((r) => (r.state !== 'exited' ? (r.pid as number) : undefined), () => undefined), 120_000, 'gpu0 to start');
  process.kill(pid, 'SIGKILL');
  const { code } = await run.exit;
  assert.equal(code, 0, run.stdout() + run.stderr());
  const err = run.stderr();
  assert.match(err, /^passk orchestrator: warning: worker crashed; restarting gpu0 \(killed by SIGKILL\), restart 1 of 3 in 100 ms \(worker gpu0, .*last_error /m, err);
  assert.doesNotMatch(err + run.stdout(), /"level":|^\s+at /m, 'no JSON and no stack on the terminal');
});
