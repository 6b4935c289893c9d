/**
 * On Redis (`--queue redis://…`) too, `passk status` and `passk stop` naming a run that is not there exit 2
 * (ERR_NO_PLAN, naming the queue) instead of showing an empty run or saying "nothing to stop". Real Redis.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { runPassk } from '../helpers/passk.js';
import { startRedis } from '../helpers/redis.js';
import { tempDir } from '../helpers/tmp.js';

test('Redis: status and stop of a run that does not exist fail naming the queue', { timeout: 120_000 }, async () => {
  const redis = await startRedis();
  after(() => redis.stop());
  const home = await tempDir();
  for (const command of ['status', 'stop']) {
    const r = await runPassk([command, '--run', 'ghost', '--queue', redis.url], { env: { PASSK_HOME: home } });
    assert.equal(r.code, 2, `${command}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, new RegExp(`^passk: ERR_NO_PLAN: there is no run \`ghost\` in ${redis.url.replace(/[/.]/g, '\\$&')}: no plan and no worker has run there\\. Start it with \`.* run --run ghost --queue `), command);
  }
});
