/**
 * What only the Redis transport has: the URL grammar, the noeviction check, connection loss (an
 * outage shorter than retryForMs is ridden out, a longer one is ERR_BACKEND_UNAVAILABLE), a Redis
 * SIGKILL + restart with AOF (jobs, locks, keys survive), memory (completed jobs are removed), and the
 * pieces without BullMQ (RunStore marks, name TTLs) on ioredis-mock. BullMQ itself only runs against
 * a real redis-server (ioredis-mock has no cmsgpack).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import RedisMock from 'ioredis-mock';
import { makeIdentity, itemStem, isPasskError, type WorkItem } from '@passk/core';
import {
  openRedisTransport, parseRedisUrl, maskRedisUrl, evictionMessage, RedisRunStore, RedisRegistry, runKeys, type RedisTransport,
} from '../../packages/core/dist/transport/redis/index.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { freePort } from '../helpers/ports.js';

function item(questionIdx: number, shard: number): WorkItem {
  return { version: 1, item: itemStem({ questionIdx, temperature: 0.5, shard }), question_idx: questionIdx, temperature: 0.5, shard, first_sample: shard * 4, count: 4, seed_base: 7, attempts: 0 };
}

let server: RedisServer;
const opened: RedisTransport[] = [];
let runs = 0;
async function open(options: Partial<Parameters<typeof openRedisTransport>[0]> = {}): Promise<RedisTransport> {
  const t = await openRedisTransport({ url: server.url, run: `r${++runs}`, ...options });
  opened.push(t);
  return t;
}

before(async () => {
  server = await startRedis();
});
after(async () => {
  for (const t of opened) await t.close();
  await server.stop();
});

test('URL: host, port, db, credentials; the password is masked everywhere', () => {
  assert.deepEqual(parseRedisUrl('redis://10.0.0.5:6380/2'), { host: '10.0.0.5', port: 6380, db: 2, username: undefined, password: undefined, tls: false, where: 'redis://10.0.0.5:6380/2' });
  assert.deepEqual(parseRedisUrl('redis://queue.lan'), { host: 'queue.lan', port: 6379, db: 0, username: undefined, password: undefined, tls: false, where: 'redis://queue.lan:6379/0' });
  const auth = parseRedisUrl('rediss://passk:s3cr%40t@queue.lan:6390/1');
  assert.equal(auth.password, 's3cr@t');
  assert.equal(auth.username, 'passk');
  assert.equal(auth.tls, true);
  assert.equal(auth.where, 'rediss://passk:***@queue.lan:6390/1');
  assert.equal(parseRedisUrl('redis://:hunter2@h:1/0').where, 'redis://:***@h:1/0');
  assert.equal(maskRedisUrl('redis://u:hunter2@h:1/0'), 'redis://u:***@h:1/0');
});

test('URL: exact errors (ERR_BAD_OPTION), never showing the password', () => {
  const cases: Array<[string, string]> = [
    ['http://h:1/0', 'Expected `--queue` to be redis://[user:password@]host:port/db, got `http://h:1/0`: the scheme must be redis:// or rediss://'],
    ['redis://u:hunter2@h:99999/0', 'Expected `--queue` to be redis://[user:password@]host:port/db, got `redis://u:***@h:99999/0`: not a valid URL'],
    ['redis://h:6379/x', 'Expected `--queue` to be redis://[user:password@]host:port/db, got `redis://h:6379/x`: database `x` is not a number (e.g. /0)'],
    ['redis://h:6379/0?db=1', 'Expected `--queue` to be redis://[user:password@]host:port/db, got `redis://h:6379/0?db=1`: no query string or fragment is allowed'],
    ['redis://:6379/0', 'Expected `--queue` to be redis://[user:password@]host:port/db, got `redis://:6379/0`: not a valid URL'],
    ['redis://h:/0', 'Expected `--queue` to be redis://[user:password@]host:port/db, got `redis://h:/0`: the port is empty'],
  ];
  for (const [url, message] of cases) {
    assert.throws(() => parseRedisUrl(url), (e: unknown) => isPasskError(e, 'ERR_BAD_OPTION') && e.message === message && !e.message.includes('hunter2'), url);
  }
});

test('refuses a Redis whose maxmemory-policy is not noeviction, with the exact fix', { timeout: 30_000 }, async () => {
  const lru = await startRedis({ maxmemoryPolicy: 'allkeys-lru', appendonly: false });
  try {
    await assert.rejects(openRedisTransport({ url: lru.url, run: 'lru' }), (e: unknown) => {
      assert.ok(isPasskError(e, 'ERR_REDIS_CONFIG'));
      assert.equal(
        e.message,
        `Redis at redis://127.0.0.1:${lru.port}/0 has maxmemory-policy \`allkeys-lru\`; passk needs \`noeviction\` (an evicted key is a lost or double-counted job). ` +
          'Fix: start Redis with `redis-server --maxmemory-policy noeviction`, or run `redis-cli CONFIG SET maxmemory-policy noeviction` ' +
          '(and set `maxmemory-policy noeviction` in redis.conf so it survives a restart)',
      );
      assert.equal(e.message, evictionMessage(`redis://127.0.0.1:${lru.port}/0`, 'allkeys-lru'));
      return true;
    });
    // Fixed at runtime, it is accepted.
    const admin = new Redis(lru.url).on('error', () => {});
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    admin.disconnect();
    const t = await openRedisTransport({ url: lru.url, run: 'lru' });
    await t.close();
  } finally {
    await lru.stop();
  }
});

test('nobody listening: ERR_BACKEND_UNAVAILABLE after connectTimeoutMs', async () => {
  const port = await freePort();
  const started = Date.now();
  await assert.rejects(openRedisTransport({ url: `redis://127.0.0.1:${port}/0`, run: 'x', connectTimeoutMs: 800 }), (e: unknown) => {
    assert.ok(isPasskError(e, 'ERR_BACKEND_UNAVAILABLE'));
    assert.match(e.message, new RegExp(`^Redis at redis://127.0.0.1:${port}/0 did not answer for 1 s during connect \\(last error: .*ECONNREFUSED`));
    return true;
  });
  // The timeout itself is checked by the message ("for 1 s"); the bound only catches a hang, with room for a loaded machine.
  assert.ok(Date.now() - started < 15_000, 'gave up instead of hanging');
});

test('completed jobs are removed from Redis; failed jobs are kept with their data', async () => {
  const t = await open();
  const q = t.queue(makeIdentity('gpu0', 'generator'));
  await q.put('gen', item(0, 0));
  await q.put('gen', item(0, 1));
  const raw = new Redis(server.url).on('error', () => {});
  const a = (await q.claim('gen'))!;
  await q.complete(a, { stage: 'eval', value: { ...a.value } });
  assert.equal(await raw.exists(`passk:r${runs}:gen:${a.stem}`), 0, 'no trace of a completed job');
  const b = (await q.claim('gen'))!;
  await q.reject(b, new Error('bad'));
  assert.equal(await raw.exists(`passk:r${runs}:gen:${b.stem}`), 1);
  const failed = await q.failedJobs('gen');
  assert.equal(failed.length, 1);
  assert.deepEqual(failed[0]!.value, b.value);
  raw.disconnect();
});

test('a job whose data is not JSON is quarantined (ERR_JSON_MALFORMED), never crashes claim', async () => {
  const t = await open();
  const q = t.queue(makeIdentity('gpu0', 'generator'));
  await q.put('gen', item(1, 0));
  const raw = new Redis(server.url).on('error', () => {});
  await raw.hset(`passk:r${runs}:gen:q1_t0_5_s0`, 'data', '{"version":1,"item":');
  assert.equal(await q.claim('gen'), undefined);
  const [failed] = await q.failedJobs('gen');
  assert.equal((failed!.reason as Record<string, unknown>).code, 'ERR_JSON_MALFORMED');
  assert.match(String((failed!.reason as Record<string, unknown>).message), /passk:r\d+:gen:q1_t0_5_s0: job data is not valid JSON/);
  raw.disconnect();
});

test('Redis SIGKILLed and restarted (AOF): jobs, locks, marks, flags survive; operations during the outage complete after it', { timeout: 60_000 }, async () => {
  const t = await open({ heartbeatMs: 200, lockDurationMs: 10_000 });
  const q = t.queue(makeIdentity('gpu0', 'generator'));
  for (let s = 0; s < 4; s++) await q.put('gen', item(2, s));
  const held = (await q.claim('gen'))!;
  await t.store.markStaged('q9_t0_5_s0');
  await t.control.set('stop-generators', 'before the restart');
  const name = await t.workers.acquire({ prefix: 'eval' }, makeIdentity('x', 'evaluator'));

  await server.kill();
  // Issued while Redis is down: they wait in ioredis's offline queue and go through after the restart.
  const during = Promise.all([q.claim('gen'), q.complete(held, { stage: 'eval', value: { ...held.value } }), t.store.stagedStems()]);
  await sleep(700);
  await server.start();
  const [claimed, , staged] = await during;

  assert.ok(claimed, 'a claim issued during the outage got an item');
  assert.notEqual(claimed.stem, held.stem);
  assert.equal(held.signal.aborted, false, 'the held claim kept its lock through the restart');
  assert.deepEqual([...staged], ['q9_t0_5_s0']);
  assert.equal(await t.control.has('stop-generators'), true);
  assert.equal(name, 'eval0');
  assert.equal(await t.workers.acquire({ prefix: 'eval' }, makeIdentity('y', 'evaluator')), 'eval1', 'the name lock survived');
  assert.deepEqual(await q.counts(), { pending: { gen: 2, eval: 1, combine: 0 }, claimed: { gen: 1, eval: 0, combine: 0 }, failed: 0 });
  await q.complete(claimed);
});

test('an outage longer than retryForMs is ERR_BACKEND_UNAVAILABLE; the transport works again once Redis is back', { timeout: 60_000 }, async () => {
  const t = await open({ retryForMs: 1000 });
  const q = t.queue(makeIdentity('gpu0', 'generator'));
  await q.put('gen', item(3, 0));
  await server.kill();
  const started = Date.now();
  await assert.rejects(q.put('gen', item(3, 1)), (e: unknown) => {
    assert.ok(isPasskError(e, 'ERR_BACKEND_UNAVAILABLE'));
    assert.match(e.message, /^Redis at redis:\/\/127\.0\.0\.1:\d+\/0 did not answer for 1 s during put q3_t0_5_s1 into gen/);
    return true;
  });
  assert.ok(Date.now() - started < 15_000, 'gave up instead of hanging (the message says after 1 s)');
  await server.start();
  await q.put('gen', item(3, 2));
  const counts = await q.counts();
  assert.ok(counts.pending.gen >= 2, 'earlier items survived (AOF); new puts go through');
});

test('without persistence a Redis restart loses the queue (why docs/multi-machine.md asks for appendonly yes)', { timeout: 30_000 }, async () => {
  const volatile = await startRedis({ appendonly: false });
  try {
    const t = await openRedisTransport({ url: volatile.url, run: 'v' });
    const q = t.queue(makeIdentity('gpu0', 'generator'));
    await q.put('gen', item(4, 0));
    await volatile.restart();
    assert.equal((await q.counts()).pending.gen, 0);
    await t.close();
  } finally {
    await volatile.stop();
  }
});

test('ioredis-mock: RunStore marks and run summary round-trip (the combiner’s marks live in Redis)', async () => {
  const conn = new RedisMock() as unknown as Redis;
  const store = new RedisRunStore(conn, runKeys('passk', 'mock'), { retryForMs: 1000, where: 'mock' });
  await store.markStaged('q0_t0_5_s0');
  await store.markStaged('q0_t0_5_s0');
  await store.markStaged('q0_t0_5_s1');
  await store.markCombined('q0_t0_5');
  assert.deepEqual([...(await store.stagedStems())].sort(), ['q0_t0_5_s0', 'q0_t0_5_s1']);
  assert.deepEqual([...(await store.combinedGroups())], ['q0_t0_5']);
  assert.equal(await store.readRunSummary(), undefined);
  const summary = { run: 'mock', finished: true, samples_done: 8 } as never;
  await store.saveRunSummary(summary);
  assert.deepEqual(await store.readRunSummary(), summary);
  conn.disconnect();
});

test('ioredis-mock: a name held by a worker on another host frees itself after the TTL; a live holder keeps it', { timeout: 10_000 }, async () => {
  const conn = new RedisMock() as unknown as Redis;
  const keys = runKeys('passk', 'names');
  const policy = { retryForMs: 1000, where: 'mock' };
  const machineB = new RedisRegistry({ conn, keys, policy, nameTtlMs: 600 });
  const machineA = new RedisRegistry({ conn, keys, policy, nameTtlMs: 600 });
  const remote = { ...makeIdentity('gpu0', 'generator'), host: 'machine-b' };
  assert.equal(await machineB.acquire('gpu0', remote), 'gpu0');
  await sleep(1000);
  await assert.rejects(machineA.acquire('gpu0', makeIdentity('gpu0', 'generator')), (e: unknown) => {
    assert.ok(isPasskError(e, 'ERR_LOCKED'));
    assert.equal(e.message, `worker name \`gpu0\` is held by pid ${remote.pid} on machine-b; stop it or pick another id (a killed holder frees it within 1 s)`);
    return true;
  }, 'refreshed while its holder lives');
  await machineB.close(); // the holder "dies": no more refreshes
  // acquire waits at most 3 s and throws ERR_LOCKED after that: getting the name proves the dead holder's name expired.
  assert.equal(await machineA.acquire('gpu0', makeIdentity('gpu0', 'generator'), 3000), 'gpu0');
  await machineA.close();
  conn.disconnect();
});
