/**
 * Extending a run on Redis (`--queue redis://…`), through the real CLI and a real redis-server, exactly as
 * on the filesystem: a finished run grown to a larger --n, one more temperature and one more question
 * generates only the new shards and ends with the summaries of an undisturbed run of the bigger plan; a
 * stopped run grows the same way (its combined groups reopened, not generated again); every other plan
 * change is still refused, and so is an extension from a machine that does not hold the run's results.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readdir } from 'node:fs/promises';
import { runPassk, startPassk, waitFor, readJson } from '../helpers/passk.js';
import { startRedis } from '../helpers/redis.js';
import { tempDir } from '../helpers/tmp.js';
import { COMMON, SMALL, BIG, BIG_SHARDS, generatedItems, referenceRun, assertSameResults } from '../helpers/redis-extend.js';

/** One redis-server, one home and one undisturbed run of the bigger plan for the tests of this file (each run its own keys). */
const redis = await startRedis();
after(() => redis.stop());
const home = await tempDir();
let reference: Promise<string> | undefined;
async function undisturbed(): Promise<string> {
  reference ??= referenceRun(home, redis.url, 'full');
  return reference;
}

test('Redis: a finished run grows (n, a temperature, a question): only the new shards are generated; other changes refused', { timeout: 300_000 }, async () => {
  const opts = { env: { PASSK_HOME: home } };
  const q = ['--queue', redis.url];
  const results = path.join(home, 'results', 'grow');

  const first = await runPassk(['run', '--run', 'grow', ...q, ...COMMON, '--sim-tps', '0', ...SMALL], opts);
  assert.equal(first.code, 0, first.stdout + first.stderr);
  const before = await generatedItems(results);
  assert.equal(before.length, 2);
  const old = await readJson(path.join(results, 'q0', 't0_2_combined.json'));

  const grown = await runPassk(['run', '--run', 'grow', ...q, ...COMMON, '--sim-tps', '0', ...BIG], opts);
  assert.equal(grown.code, 0, grown.stdout + grown.stderr);
  assert.match(grown.stdout, /extending run grow \(n: was 4, now 8; temperatures: was \[0\.2\], now \[0\.2,1\]; questions: /);
  assert.match(grown.stdout, /\(10 work items queued\)/, 'one new shard per old group, two per new group');
  const now = (await generatedItems(results)).slice(before.length);
  assert.equal(now.length, BIG_SHARDS - 2, `only the new shards were generated: ${now.join(' ')}`);
  for (const item of before) assert.ok(!now.includes(item), `${item} was not generated again`);
  const after8 = await readJson(path.join(results, 'q0', 't0_2_combined.json'));
  assert.deepEqual(after8.samples.slice(0, 4), old.samples, 'the first four samples are the old ones, untouched');
  await assertSameResults(results, await undisturbed());

  const again = await runPassk(['run', '--run', 'grow', ...q, ...COMMON, '--sim-tps', '0', ...BIG], opts);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /every summary is already written/);
  const refusals: Array<[string[], RegExp]> = [
    [['--end', '3', '--n', '4', '--temperatures', '0.2,1.0'], /Not an extension: --n can only grow \(was 8, now 4\)/],
    [['--end', '3', '--n', '8', '--temperatures', '1.0'], /Not an extension: temperatures can only be added \(0\.2 would be dropped\)/],
    [[...BIG, '--top-p', '0.5'], /\(top_p: was 0\.95, now 0\.5\)\. .*Not an extension: only --n, --temperatures and the questions can grow/],
  ];
  for (const [flags, why] of refusals) {
    const r = await runPassk(['run', '--run', 'grow', ...q, ...COMMON, '--sim-tps', '0', ...flags], opts);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /^passk: ERR_PLAN_MISMATCH: /m);
    assert.match(r.stderr, why);
  }
  // Another machine (another results dir) cannot reopen groups combined here: refused, nothing changed.
  const elsewhere = await runPassk(['run', '--run', 'grow', ...q, ...COMMON, '--sim-tps', '0', ...BIG.slice(0, 2), '--n', '12', ...BIG.slice(4)], { env: { PASSK_HOME: await tempDir() } });
  assert.equal(elsewhere.code, 2, elsewhere.stdout + elsewhere.stderr);
  assert.match(elsewhere.stderr, /^passk: ERR_COMBINER_ELSEWHERE: .*results are on .* in .*results\/grow/m);
  assert.equal((await readJson(path.join(results, 'plan.json'))).n, 8, 'a refused change leaves the plan alone');
  const still = await runPassk(['run', '--run', 'grow', ...q, ...COMMON, '--sim-tps', '0', ...BIG], opts);
  assert.match(still.stdout, /every summary is already written/, 'the plan in Redis is the same too');
});

test('Redis: a stopped run grows; groups combined before the stop are reopened, not generated again', { timeout: 300_000 }, async () => {
  const opts = { env: { PASSK_HOME: home } };
  const q = ['--queue', redis.url];
  const results = path.join(home, 'results', 'halt');
  const started = startPassk(['run', '--run', 'halt', ...q, ...COMMON, '--sim-tps', '100', '--end', '3', '--n', '4', '--temperatures', '0.2,1.0'], opts);
  // Groups combined so far, as q{idx}_t{M}_{m} (from the combined files in the results dir).
  const combined = async (): Promise<string[]> => {
    const out: string[] = [];
    for (const qdir of (await readdir(results).catch(() => [] as string[])).filter((n) => /^q\d+$/.test(n))) {
      for (const name of await readdir(path.join(results, qdir))) if (name.endsWith('_combined.json')) out.push(`${qdir}_${name.replace('_combined.json', '')}`);
    }
    return out;
  };
  await waitFor(async () => (await combined()).length > 0, 120_000, 'a first combined group');
  const stop = await runPassk(['stop', '--run', 'halt', ...q], opts);
  assert.equal(stop.code, 0, stop.stdout + stop.stderr);
  await started.exit;
  const summary = await readJson(path.join(results, 'run_summary.json'));
  assert.equal(summary.finished, false, 'the run was stopped before its end');
  const combinedBefore = await combined();
  assert.ok(combinedBefore.length > 0);
  const before = (await generatedItems(results)).length;

  const grown = await runPassk(['run', '--run', 'halt', ...q, ...COMMON, '--sim-tps', '0', ...BIG], opts);
  assert.equal(grown.code, 0, grown.stdout + grown.stderr);
  assert.match(grown.stdout, /extending run halt \(n: was 4, now 8\)/);
  const now = (await generatedItems(results)).slice(before);
  for (const group of combinedBefore) assert.ok(!now.includes(`${group}_s0`), `${group}_s0 was combined before the stop: reopened, not generated again`);
  await assertSameResults(results, await undisturbed());
});
