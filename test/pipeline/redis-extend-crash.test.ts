/**
 * Crash safety of extending a run on Redis: the orchestrator extending a finished run is SIGKILLed twice,
 * first while it reopens the combined groups (at its first forgotten combined mark), then in the middle of
 * seeding the new shards (at its first job pushed onto `gen`); Redis writes are paused the moment the test sees the
 * command (MONITOR, CLIENT PAUSE WRITE), so the kill lands there. The same command a third time finishes the
 * run: every new shard generated once, nothing old generated again, summaries equal an undisturbed run.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Redis } from 'ioredis';
import { runPassk, startPassk } from '../helpers/passk.js';
import { startRedis } from '../helpers/redis.js';
import { tempDir } from '../helpers/tmp.js';
import { COMMON, SMALL, BIG, BIG_SHARDS, generatedItems, referenceRun, assertSameResults } from '../helpers/redis-extend.js';

const STEM = /^q\d+_t\d+_\d+_s\d+$/;

/**
 * Start `args`; when a command Redis runs matches `when`, pause every client's writes, SIGKILL the process,
 * wait for its exit and unpause. Returns whether the trigger fired (false: the process ended by itself).
 */
async function killAt(url: string, args: string[], env: NodeJS.ProcessEnv, when: (argv: string[]) => boolean): Promise<boolean> {
  const admin = new Redis(url);
  const monitor = await admin.monitor();
  const control = new Redis(url);
  await control.ping(); // connected before the trigger can fire
  try {
    const started = startPassk(args, { env });
    let fired = false;
    const trigger = new Promise<void>((resolve) => {
      monitor.on('monitor', (_time: string, argv: string[]) => {
        if (fired || !when(argv)) return;
        fired = true;
        void control.call('CLIENT', 'PAUSE', '60000', 'WRITE').then(() => {
          started.child.kill('SIGKILL');
          resolve();
        });
      });
    });
    await Promise.race([trigger, started.exit]);
    const exit = await started.exit;
    await control.call('CLIENT', 'UNPAUSE');
    if (fired) assert.equal(exit.signal, 'SIGKILL', started.stdout() + started.stderr());
    return fired;
  } finally {
    monitor.disconnect();
    admin.disconnect();
    control.disconnect();
  }
}

test('Redis: an extension SIGKILLed while reopening and again while seeding; the same command finishes it exactly', { timeout: 300_000 }, async (t) => {
  const redis = await startRedis();
  after(() => redis.stop());
  const home = await tempDir();
  const env = { PASSK_HOME: home };
  const q = ['--queue', redis.url];
  const results = path.join(home, 'results', 'crash');
  const first = await runPassk(['run', '--run', 'crash', ...q, ...COMMON, '--sim-tps', '0', ...SMALL], { env });
  assert.equal(first.code, 0, first.stdout + first.stderr);
  const before = await generatedItems(results);
  const extend = ['run', '--run', 'crash', ...q, ...COMMON, '--sim-tps', '0', ...BIG];

  const combinedKey = 'passk:crash:combined';
  assert.ok(await killAt(redis.url, extend, env, (argv) => argv[0]?.toLowerCase() === 'srem' && argv[1] === combinedKey), 'killed while reopening');
  // BullMQ's add script pushes the job id onto the stage's wait list (MONITOR shows a script's own commands).
  const seeding = (argv: string[]) => argv[0]?.toLowerCase() === 'lpush' && argv[1] === 'passk:crash:gen:wait';
  assert.ok(await killAt(redis.url, extend, env, seeding), 'killed while seeding');
  const probe = new Redis(redis.url);
  const queued = (await probe.keys('passk:crash:gen:*')).filter((k) => STEM.test(k.split(':').pop()!)).length;
  probe.disconnect();
  t.diagnostic(`killed with ${queued} of ${BIG_SHARDS - 2} new shards queued`);
  assert.ok(queued >= 1 && queued < BIG_SHARDS - 2, `the kill landed in the middle of seeding (${queued} of ${BIG_SHARDS - 2} new shards queued)`);

  const done = await runPassk(extend, { env });
  assert.equal(done.code, 0, done.stdout + done.stderr);
  const now = (await generatedItems(results)).slice(before.length);
  assert.equal(now.length, BIG_SHARDS - 2, `every new shard generated once, nothing old again: ${now.join(' ')}`);
  assert.equal(new Set(now).size, now.length);
  for (const item of before) assert.ok(!now.includes(item), `${item} was not generated again`);
  await assertSameResults(results, await referenceRun(home, redis.url, 'full'));
});
