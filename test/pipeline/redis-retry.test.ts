/**
 * Failed items of the plan on Redis: the run ends with exit 1 naming them; a plain resume leaves them;
 * `--retry-failed` takes them out of BullMQ's failed sets (kept in the run's `retried` list) and the
 * run finishes with the summaries of an undisturbed run.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Redis } from 'ioredis';
import { openTransport, makeIdentity, runLayout, workItemFor } from '@passk/core';
import { tempDir } from '../helpers/tmp.js';
import { runPassk, startPassk, runDirs, comparableSummaries, waitFor, combinedSampleProblems, withOption, referenceSummaries } from '../helpers/passk.js';
import { startRedis } from '../helpers/redis.js';
import { cmdlineOf, descendants } from '../helpers/procs.js';

const PLAN = ['--backend', 'sim', '--problems', 'demo', '--end', '3', '--n', '8', '--shard-size', '4', '--temperatures', '0.2,0.8', '--gpus', '1', '--evaluators', '1',
  '--sim-tps', '200', '--restart-backoff-ms', '200', '--max-attempts', '1', '--stale-ms', '3000', '--progress-interval', '2'];

test('Redis: failed items of the plan end the run with exit 1; --retry-failed finishes it as if undisturbed', { timeout: 600_000 }, async () => {
  const redis = await startRedis();
  after(() => redis.stop());
  const root = await tempDir();
  const reference = referenceSummaries(['run', ...runDirs(root, 'ref'), ...withOption(PLAN, '--sim-tps', '0')], path.join(root, 'results', 'ref'));

  // A torn evaluated hand-off of the plan: a job in `eval` whose data is not JSON. Its id then blocks
  // the real hand-off of that item (BullMQ ignores an add while a job of the id exists).
  const layout = runLayout({ run: 'rr', queueDir: path.join(root, 'queue', 'rr'), resultsDir: path.join(root, 'results', 'rr') });
  const seeder = await openTransport({ layout, queueUrl: redis.url });
  const q = seeder.queue(makeIdentity('seed', 'orchestrator'));
  await q.put('eval', workItemFor({ n: 8, shard_size: 4, seed: 0 }, 1, 0.8, 0));
  await q.close();
  await seeder.close();
  const raw = new Redis(redis.port, '127.0.0.1');
  after(() => raw.disconnect());
  await raw.hset('passk:rr:eval:q1_t0_8_s0', 'data', '{"version":1,"item":"q1_t0_8_s0",');

  const args = ['run', ...runDirs(root, 'rr'), ...PLAN, '--queue', redis.url];
  const run = startPassk(args);
  // With --max-attempts 1, a generator SIGKILLed while it holds a shard sends that shard to failed.
  const generator = await waitFor(async () => {
    if ((await raw.llen('passk:rr:gen:active')) === 0) return undefined;
    return descendants(run.child.pid!).find((p) => /main\.js generator/.test(cmdlineOf(p)));
  }, 60_000, 'a generator holding a shard');
  const held = await raw.lrange('passk:rr:gen:active', 0, -1);
  process.kill(generator, 'SIGKILL');
  const first = await run.exit;
  const out = run.stdout();
  assert.equal(first.code, 1, out + run.stderr());
  assert.match(out, /nothing is left to do but 2 failed item\(s\)/);
  assert.match(out, /q1_t0_8_s0 \(eval\): ERR_JSON_MALFORMED: /);
  const lost = /(q\d+_t\d+_\d+_s\d+) \(gen\): ERR_TOO_MANY_ATTEMPTS: .*\(1 attempts\)/.exec(out);
  assert.ok(lost && held.includes(lost[1]!), `the killed generator's shard failed (held ${held.join(', ')}):\n${out}`);
  assert.match(out, /reason: BullMQ failed set of stage gen on redis:\/\/127\.0\.0\.1:\d+\/0/);
  assert.ok(out.includes('--retry-failed'), out);

  const again = await runPassk(args, { timeoutMs: 120_000 });
  assert.equal(again.code, 1, again.stdout + again.stderr);
  assert.match(again.stdout, /2 item\(s\) of the plan are in BullMQ's failed sets and are not retried/);

  const retried = await runPassk([...args, '--retry-failed'], { timeoutMs: 240_000 });
  assert.equal(retried.code, 0, retried.stdout + retried.stderr);
  assert.match(retried.stdout, new RegExp(`--retry-failed: 2 failed item\\(s\\) of the plan back to work; attempts reset: ${lost![1]} → gen; generated again \\(their content was bad\\): q1_t0_8_s0`));
  const resultsDir = path.join(root, 'results', 'rr');
  assert.deepEqual(await comparableSummaries(resultsDir), await reference, 'the same summaries as an undisturbed run');
  assert.deepEqual(await combinedSampleProblems(resultsDir), []);
  // Nothing lost: both failed jobs are kept, with reason and data, in the retried list.
  const history = (await raw.lrange('passk:rr:retried', 0, -1)).map((e) => JSON.parse(e));
  assert.deepEqual(history.map((h) => `${h.stem}.${h.stage}`).sort(), [`${lost![1]}.gen`, 'q1_t0_8_s0.eval'].sort());
  assert.equal(history.find((h) => h.stage === 'eval').data, '{"version":1,"item":"q1_t0_8_s0",', 'kept byte for byte');
  for (const stage of ['gen', 'eval', 'combine']) assert.equal(await raw.zcard(`passk:rr:${stage}:failed`), 0, `no failed ${stage} jobs left`);
});
