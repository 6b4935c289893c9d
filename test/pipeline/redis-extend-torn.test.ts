/**
 * Extending a Redis run whose combiner was killed after writing a group's combined file but before it recorded
 * the row (question state) and the Redis mark: that group is reopened as well. Otherwise the restarted
 * combiner takes the old file back as the group's result, at the old n, and drops the new shards.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { Redis } from 'ioredis';
import { runPassk } from '../helpers/passk.js';
import { startRedis } from '../helpers/redis.js';
import { tempDir } from '../helpers/tmp.js';
import { COMMON, SMALL, BIG, BIG_SHARDS, generatedItems, referenceRun, assertSameResults } from '../helpers/redis-extend.js';

test('Redis: a combined file with no recorded row is reopened by an extension too', { timeout: 300_000 }, async () => {
  const redis = await startRedis();
  after(() => redis.stop());
  const home = await tempDir();
  const env = { PASSK_HOME: home };
  const q = ['--queue', redis.url];
  const results = path.join(home, 'results', 'torn');
  const first = await runPassk(['run', '--run', 'torn', ...q, ...COMMON, '--sim-tps', '0', ...SMALL], { env });
  assert.equal(first.code, 0, first.stdout + first.stderr);
  // q0's group as a combiner killed between its combined file and its row leaves it: the file only.
  assert.ok(existsSync(path.join(results, 'q0', 't0_2_combined.json')));
  await unlink(path.join(home, 'queue', 'torn', 'combined', 'q0.json'));
  await unlink(path.join(results, 'q0', 'summary.json'));
  const probe = new Redis(redis.url);
  await probe.srem('passk:torn:combined', 'q0_t0_2');
  probe.disconnect();
  const before = await generatedItems(results);

  const grown = await runPassk(['run', '--run', 'torn', ...q, ...COMMON, '--sim-tps', '0', ...BIG], { env });
  assert.equal(grown.code, 0, grown.stdout + grown.stderr);
  assert.match(grown.stdout, /\(10 work items queued\)/);
  const now = (await generatedItems(results)).slice(before.length);
  assert.equal(now.length, BIG_SHARDS - 2, `only the new shards were generated: ${now.join(' ')}`);
  await assertSameResults(results, await referenceRun(home, redis.url, 'full'));
});
