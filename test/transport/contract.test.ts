/**
 * ONE behaviour suite for the Transport interfaces, run against both backends: the filesystem queue
 * (openFsTransport) and BullMQ on a real loopback redis-server (openRedisTransport). Every test goes
 * through QueueBackend / RunStore / ControlChannel / WorkerRegistry only; the two probes that cannot
 * (where a failed item's reason is kept, how to steal a claim) are in worlds.ts.
 */
import { describe, test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import * as core from '@passk/core';
import type { Claim, QueueBackend, WorkItem, Plan, Problem } from '@passk/core';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { fsWorld, redisWorld, startChild, type World, type Child } from './worlds.js';

const { makeIdentity, itemStem, isPasskError } = core;

function item(questionIdx: number, shard: number, temperature = 0.5, extra: Partial<WorkItem> = {}): WorkItem {
  return { version: 1, item: itemStem({ questionIdx, temperature, shard }), question_idx: questionIdx, temperature, shard, first_sample: shard * 4, count: 4, seed_base: 7, attempts: 0, ...extra };
}

function shardOf(work: WorkItem): WorkItem {
  const now = new Date().toISOString();
  return {
    ...work,
    gen: { generator: 'gpu0', backend: 'sim', model: 'm', simulated: true, started_at: now, finished_at: now, wall_s: 0.1, prompt_tokens: 10, completion_tokens: 20, gen_tps: 200, finish_reasons: { stop: 1 } },
    samples: [{ index: work.first_sample, seed: 1, output: 'x'.repeat(1000), code: 'print(1)', extraction: 'fenced', finish_reason: 'stop', prompt_tokens: 10, completion_tokens: 20 }],
  } as WorkItem;
}

async function until<T>(what: string, timeoutMs: number, fn: () => Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** Reap until `key` (`<stem>.<stage>`) was requeued or failed by one of the passes. */
async function reapUntil(queue: QueueBackend, key: string, timeoutMs = 15_000): Promise<'requeued' | 'failed'> {
  return until(`${key} to be reclaimed`, timeoutMs, async () => {
    const result = await queue.reap();
    if (result.requeued.includes(key)) return 'requeued' as const;
    if (result.failed.includes(key)) return 'failed' as const;
    return undefined;
  });
}

const plan: Plan = {
  version: 1, run: 'contract', created_at: '2026-11-22T00:00:00.000Z', problems: 'demo', questions: [{ idx: 0, id: 'a', title: 'A' }, { idx: 3, id: 'b', title: 'B' }],
  n: 8, shard_size: 4, temperatures: [0.5, 1], seed: 7, top_p: 0.95, max_tokens: 256, stop: [], backend: 'sim', model: 'm', simulated: true,
};
function problem(id: string): Problem {
  return { id, title: id.toUpperCase(), kind: 'stdin', content: `Read n, print n (${id})`, starter_code: '', tests: [{ input: '1\n', output: '1\n' }], public_test_count: 1 };
}

let server: RedisServer | undefined;

function contract(name: 'fs' | 'redis', makeWorld: () => Promise<World>): void {
  describe(`transport contract: ${name}`, () => {
    let world: World;
    const children: Child[] = [];
    const fresh = async () => {
      world = await makeWorld();
      return world;
    };
    afterEach(async () => {
      for (const c of children.splice(0)) await c.kill();
      await world?.close();
    });

    test('put/claim: racing claimers in separate transports claim every item exactly once', async () => {
      await fresh();
      const transports = [await world.open(), await world.open()];
      const queues = transports.flatMap((t, i) => [0, 1].map((j) => t.queue(makeIdentity(`w${i}${j}`, 'evaluator'))));
      const N = 30;
      for (let i = 0; i < N; i++) await queues[0]!.put('gen', item(i, 0));
      const claimed: string[] = [];
      let done = 0;
      const deadline = Date.now() + 30_000;
      await Promise.all(
        queues.map(async (q) => {
          while (done < N && Date.now() < deadline) {
            const claim = await q.claim('gen');
            if (!claim) {
              await sleep(5);
              continue;
            }
            claimed.push(claim.stem);
            await q.complete(claim);
            done++;
          }
        }),
      );
      assert.equal(claimed.length, N, 'every item claimed once, none twice');
      assert.equal(new Set(claimed).size, N);
      const counts = await queues[1]!.counts();
      assert.deepEqual(counts, { pending: { gen: 0, eval: 0, combine: 0 }, claimed: { gen: 0, eval: 0, combine: 0 }, failed: 0 });
    });

    test('put is idempotent by item name', async () => {
      await fresh();
      const q = (await world.open()).queue(makeIdentity('w', 'orchestrator'));
      await q.put('gen', item(1, 2));
      await q.put('gen', item(1, 2));
      assert.equal((await q.counts()).pending.gen, 1);
      const claim = await q.claim('gen');
      assert.equal(claim?.stem, 'q1_t0_5_s2');
      assert.equal(await q.claim('gen'), undefined);
      await q.complete(claim!);
    });

    test('complete hands the output on to the next stage, then drops the claim', async () => {
      await fresh();
      const q = (await world.open()).queue(makeIdentity('gpu0', 'generator'));
      await q.put('gen', item(2, 0));
      const claim = await q.claim('gen');
      assert.ok(claim);
      assert.deepEqual((await q.counts()).claimed.gen, 1);
      const output = shardOf(claim.value);
      await q.complete(claim, { stage: 'eval', value: output });
      const counts = await q.counts();
      assert.equal(counts.claimed.gen, 0);
      assert.equal(counts.pending.gen, 0);
      assert.equal(counts.pending.eval, 1);
      const next = await q.claim('eval');
      assert.equal(next?.stem, claim.stem);
      assert.deepEqual(next?.value, output, 'the shard travels whole');
      await q.complete(next!);
    });

    test('release gives the item back untouched', async () => {
      await fresh();
      const q = (await world.open()).queue(makeIdentity('gpu0', 'generator'));
      await q.put('gen', item(3, 1));
      const claim = await q.claim('gen');
      assert.ok(claim);
      await q.release(claim);
      const counts = await q.counts();
      assert.equal(counts.pending.gen, 1);
      assert.equal(counts.claimed.gen, 0);
      const again = await q.claim('gen');
      assert.equal(again?.stem, claim.stem);
      assert.equal(again?.value.attempts, 0);
      assert.deepEqual(again?.value, claim.value);
      await q.complete(again!);
    });

    test('fail counts attempts with a history, then fails the item after maxAttempts with the reason', async () => {
      await fresh();
      const q = (await world.open({ maxAttempts: 3 })).queue(makeIdentity('eval0', 'evaluator'));
      await q.put('eval', shardOf(item(4, 0)));
      for (let attempt = 1; attempt <= 3; attempt++) {
        const claim = await q.claim('eval');
        assert.ok(claim, `attempt ${attempt} claims the item`);
        assert.equal(claim.value.attempts, attempt - 1);
        assert.equal(claim.value.history?.length ?? 0, attempt - 1);
        const outcome = await q.fail(claim, `grading failed: boom ${attempt}`);
        assert.equal(outcome, attempt < 3 ? 'retry' : 'failed');
      }
      assert.equal(await q.claim('eval'), undefined);
      const counts = await q.counts();
      assert.equal(counts.failed, 1);
      assert.equal(counts.pending.eval, 0);
      assert.equal(counts.claimed.eval, 0);
      const reason = await world.failedReason('q4_t0_5_s0', 'eval');
      assert.equal(reason?.code, 'ERR_TOO_MANY_ATTEMPTS');
      assert.equal(reason?.attempts, 3);
      assert.match(String(reason?.reason), /boom 3/);
    });

    test('an invalid item is quarantined at claim with a reason naming the field; the next item is claimed', async () => {
      await fresh();
      const q = (await world.open()).queue(makeIdentity('gpu0', 'generator'));
      await q.put('gen', item(5, 0, 0.5, { count: 0 }));
      await q.put('gen', item(5, 1));
      const claim = await q.claim('gen');
      assert.equal(claim?.stem, 'q5_t0_5_s1', 'the valid item is claimed, the invalid one never handed out');
      assert.equal(await q.claim('gen'), undefined);
      await q.complete(claim!);
      assert.equal((await q.counts()).failed, 1);
      const reason = await world.failedReason('q5_t0_5_s0', 'gen');
      assert.equal(reason?.code, 'ERR_SCHEMA_INVALID');
      assert.equal(reason?.field, 'count');
      assert.match(String(reason?.message), /field count: must be >= 1/);
    });

    test('reject quarantines a claimed item at once with the error as reason', async () => {
      await fresh();
      const q = (await world.open()).queue(makeIdentity('eval0', 'evaluator'));
      await q.put('eval', shardOf(item(6, 0)));
      const claim = await q.claim('eval');
      assert.ok(claim);
      await q.reject(claim, new core.PasskError('ERR_PROBLEM_NOT_FOUND', 'question 6 is not in this run', { field: 'question_idx' }));
      const counts = await q.counts();
      assert.equal(counts.failed, 1);
      assert.equal(counts.claimed.eval, 0);
      const reason = await world.failedReason('q6_t0_5_s0', 'eval');
      assert.equal(reason?.code, 'ERR_PROBLEM_NOT_FOUND');
      assert.equal(reason?.field, 'question_idx');
    });

    test('a claimant killed (SIGKILL, another process) is reclaimed with attempts + 1', { timeout: 60_000 }, async () => {
      await fresh();
      const q = (await world.open()).queue(makeIdentity('reaper', 'orchestrator'));
      await q.put('gen', item(7, 0));
      const child = startChild(world.spec(), { kind: 'claim', stage: 'gen' });
      children.push(child);
      const answer = await child.first;
      assert.equal(answer.stem, 'q7_t0_5_s0');
      assert.equal((await q.counts()).claimed.gen, 1);
      await child.kill();
      assert.equal(await reapUntil(q, 'q7_t0_5_s0.gen'), 'requeued');
      const claim = await q.claim('gen');
      assert.equal(claim?.stem, 'q7_t0_5_s0');
      assert.equal(claim?.value.attempts, 1);
      assert.match(claim?.value.history?.[0] ?? '', /reclaimed/);
      await q.complete(claim!);
    });

    test('an item that keeps killing its workers fails after maxAttempts with a reason', { timeout: 90_000 }, async () => {
      await fresh();
      const timing = { maxAttempts: 2 };
      const q = (await world.open(timing)).queue(makeIdentity('reaper', 'orchestrator'));
      await q.put('gen', item(8, 0));
      for (let round = 0; round < 2; round++) {
        const child = startChild(world.spec(timing), { kind: 'claim', stage: 'gen' });
        children.push(child);
        const answer = await child.first;
        assert.equal(answer.stem, 'q8_t0_5_s0', `round ${round}: the child claimed the item`);
        assert.equal(answer.attempts, round);
        await child.kill();
        await reapUntil(q, 'q8_t0_5_s0.gen');
      }
      assert.equal(await q.claim('gen'), undefined, 'the item is not handed out a third time');
      const counts = await q.counts();
      assert.equal(counts.failed, 1);
      assert.equal(counts.pending.gen + counts.claimed.gen, 0);
      const reason = await world.failedReason('q8_t0_5_s0', 'gen');
      assert.equal(reason?.code, 'ERR_TOO_MANY_ATTEMPTS');
      assert.equal(reason?.attempts, 2);
      assert.match(String(reason?.reason), /reclaimed/);
    });

    test('the heartbeat keeps a claim held far longer than the stale time', { timeout: 30_000 }, async () => {
      await fresh();
      const holder = (await world.open()).queue(makeIdentity('gpu0', 'generator'));
      const reaper = (await world.open()).queue(makeIdentity('reaper', 'orchestrator'));
      await holder.put('gen', item(9, 0));
      const claim = await holder.claim('gen');
      assert.ok(claim);
      const until = Date.now() + 4500; // 3 × the stale time
      while (Date.now() < until) {
        const result = await reaper.reap();
        assert.deepEqual(result, { requeued: [], failed: [] });
        await sleep(150);
      }
      assert.equal(claim.signal.aborted, false);
      assert.equal((await reaper.counts()).claimed.gen, 1);
      await holder.complete(claim, { stage: 'eval', value: shardOf(claim.value) });
      const counts = await reaper.counts();
      assert.equal(counts.claimed.gen, 0);
      assert.equal(counts.pending.eval, 1);
    });

    test('a lost claim aborts its signal; completing it anyway hands the output on without error', { timeout: 20_000 }, async () => {
      await fresh();
      const q = (await world.open()).queue(makeIdentity('eval0', 'evaluator'));
      await q.put('eval', shardOf(item(10, 0)));
      const claim: Claim = (await q.claim('eval'))!;
      assert.ok(claim);
      await world.loseClaim(claim);
      await until('the claim signal to abort', 5000, async () => claim.signal.aborted);
      assert.ok(isPasskError(claim.signal.reason, 'ERR_CLAIM_LOST'));
      await q.complete(claim, { stage: 'combine', value: claim.value });
      assert.equal((await q.counts()).pending.combine, 1);
    });

    test('counts: pending and claimed per stage, failed across stages', async () => {
      await fresh();
      const q = (await world.open()).queue(makeIdentity('w', 'orchestrator'));
      for (let s = 0; s < 3; s++) await q.put('gen', item(11, s));
      for (let s = 0; s < 2; s++) await q.put('eval', shardOf(item(12, s)));
      await q.put('combine', item(13, 0, 0.5, { count: -1 }));
      const claim = await q.claim('gen');
      assert.ok(claim);
      assert.equal(await q.claim('combine'), undefined);
      assert.deepEqual(await q.counts(), { pending: { gen: 2, eval: 2, combine: 0 }, claimed: { gen: 1, eval: 0, combine: 0 }, failed: 1 });
      await q.release(claim);
    });

    test('RunStore: the plan and the problems round-trip; an unknown question is ERR_PROBLEM_NOT_FOUND', async () => {
      await fresh();
      const a = await world.open();
      const b = await world.open();
      assert.equal(await a.store.readPlan(), undefined);
      await a.store.savePlan(plan, [{ idx: 0, problem: problem('a') }, { idx: 3, problem: problem('b') }]);
      assert.deepEqual(await b.store.readPlan(), plan);
      assert.deepEqual(await b.store.problem(3), problem('b'));
      assert.deepEqual(await b.store.problem(0), problem('a'));
      await assert.rejects(b.store.problem(1), (e: unknown) => isPasskError(e, 'ERR_PROBLEM_NOT_FOUND'));
    });

    test('ControlChannel: a flag set in one transport is seen (has, watch) in another', { timeout: 20_000 }, async () => {
      await fresh();
      const a = await world.open();
      const b = await world.open();
      const seen: string[] = [];
      const unwatch = await a.control.watch(['stop-generators', 'stop-all'], (flag) => seen.push(flag));
      assert.equal(await a.control.has('stop-all'), false);
      await b.control.set('stop-generators', 'test');
      await until('stop-generators to be seen', 5000, async () => seen.includes('stop-generators'));
      assert.equal(await a.control.has('stop-generators'), true);
      await b.control.set('complete', 'not watched');
      await sleep(500);
      assert.deepEqual(seen, ['stop-generators'], 'unwatched flags are not reported');
      await unwatch();
      await b.control.clear('stop-generators');
      assert.equal(await a.control.has('stop-generators'), false);
      await b.control.set('stop-all');
      const late: string[] = [];
      const unwatch2 = await a.control.watch(['stop-all'], (flag) => late.push(flag));
      await until('an already-set flag to be reported at watch', 3000, async () => late.includes('stop-all'));
      await unwatch2();
    });

    test('WorkerRegistry: automatic names across processes; a killed holder’s name is taken over', { timeout: 30_000 }, async () => {
      await fresh();
      const t = await world.open();
      const first = startChild(world.spec(), { kind: 'acquire', name: { prefix: 'eval' } });
      children.push(first);
      assert.equal((await first.first).name, 'eval0');
      const second = startChild(world.spec(), { kind: 'acquire', name: { prefix: 'eval' } });
      children.push(second);
      assert.equal((await second.first).name, 'eval1');
      const me = makeIdentity('pending', 'evaluator');
      assert.equal(await t.workers.acquire({ prefix: 'eval' }, me), 'eval2');
      await assert.rejects(t.workers.acquire('eval1', makeIdentity('x', 'evaluator')), (e: unknown) => isPasskError(e, 'ERR_LOCKED'));
      await first.kill();
      const other = makeIdentity('pending', 'evaluator');
      assert.equal(await t.workers.acquire({ prefix: 'eval' }, other), 'eval0', 'the dead holder’s name is the lowest free one again');
      await t.workers.release('eval0', other);
      await t.workers.release('eval2', me);
      assert.equal(await t.workers.acquire('eval2', makeIdentity('y', 'evaluator')), 'eval2', 'a released name is free');
    });

    test('WorkerRegistry: records written by one transport are listed by another', async () => {
      await fresh();
      const a = await world.open();
      const b = await world.open();
      const now = new Date().toISOString();
      const record = { name: 'gpu0', role: 'generator', host: 'machine-a', pid: 123, token: 'abcdef', started_at: now, heartbeat_at: now, state: 'working' as const, items_done: 2, samples_done: 8, samples_per_s: 1.5 };
      await a.workers.write(record);
      await a.workers.write({ ...record, name: 'eval0', role: 'evaluator' });
      const listed = (await b.workers.list()).sort((x, y) => x.name.localeCompare(y.name));
      assert.deepEqual(listed.map((r) => r.name), ['eval0', 'gpu0']);
      assert.deepEqual(listed[1], record);
    });
  });
}

contract('fs', fsWorld);

describe('redis-server for the Redis half', () => {
  before(async () => {
    server = await startRedis();
  });
  after(async () => {
    await server?.stop();
  });
  contract('redis', async () => redisWorld(server!));
});
