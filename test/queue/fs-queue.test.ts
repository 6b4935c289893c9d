import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile, readFile, utimes } from 'node:fs/promises';
import path from 'node:path';
import { spawn } from 'node:child_process';
import {
  FsQueue, runLayout, ensureLayout, makeIdentity, reap, queueCounts, itemStem, parseClaimFileName, type WorkItem,
} from '@passk/core';
import { tempDir } from '../helpers/tmp.js';

function item(questionIdx: number, shard: number, temperature = 0.1): WorkItem {
  return { version: 1, item: itemStem({ questionIdx, temperature, shard }), question_idx: questionIdx, temperature, shard, first_sample: shard * 10, count: 10, seed_base: 0, attempts: 0 };
}

async function setup() {
  const root = await tempDir();
  const layout = runLayout({ run: 't', root });
  await ensureLayout(layout);
  return layout;
}

test('put then claim moves the file out of pending; claim files never count as pending', async () => {
  const layout = await setup();
  const q = new FsQueue({ layout, identity: makeIdentity('w1', 'generator') });
  await q.put('gen', item(0, 0));
  await q.put('gen', item(0, 1));
  assert.deepEqual((await readdir(layout.pending('gen'))).sort(), ['q0_t0_1_s0.json', 'q0_t0_1_s1.json']);
  assert.deepEqual(await readdir(layout.tmpDir), [], 'no temp file left behind');
  const claim = await q.claim('gen');
  assert.ok(claim);
  claim.stopHeartbeat();
  const counts = await queueCounts(layout);
  assert.equal(counts.pending.gen, 1);
  assert.equal(counts.claimed.gen, 1);
  const parsed = parseClaimFileName(path.basename(claim.path));
  assert.equal(parsed?.stem, claim.stem);
  assert.equal(parsed?.pid, process.pid);
});

test('two queues racing over the same items claim each exactly once', async () => {
  const layout = await setup();
  const a = new FsQueue({ layout, identity: makeIdentity('a', 'generator') });
  const b = new FsQueue({ layout, identity: makeIdentity('b', 'generator') });
  for (let i = 0; i < 200; i++) await a.put('gen', item(i, 0), { fsync: false });
  const seen: string[] = [];
  async function drain(q: FsQueue) {
    for (;;) {
      const claim = await q.claim('gen');
      if (!claim) return;
      seen.push(claim.stem);
      await q.complete(claim);
    }
  }
  await Promise.all([drain(a), drain(b)]);
  assert.equal(seen.length, 200);
  assert.equal(new Set(seen).size, 200);
});

test('complete hands the output to the next stage before dropping the claim', async () => {
  const layout = await setup();
  const q = new FsQueue({ layout, identity: makeIdentity('w', 'generator') });
  await q.put('gen', item(3, 2));
  const claim = (await q.claim('gen'))!;
  const next = { ...claim.value, gen: {}, samples: [] } as unknown as WorkItem;
  await q.complete(claim, { stage: 'eval', value: next });
  assert.deepEqual(await readdir(layout.claimedDir), []);
  assert.deepEqual(await readdir(layout.pending('eval')), ['q3_t0_1_s2.json']);
});

test('a truncated or schema-invalid file is quarantined with a reason naming the field; unknown files are ignored', async () => {
  const layout = await setup();
  const q = new FsQueue({ layout, identity: makeIdentity('w', 'generator') });
  await writeFile(path.join(layout.pending('gen'), 'q0_t0_1_s0.json'), '{"version":1,"item":"q0_t0_1_s0"');
  const bad = { ...item(1, 0), count: 'ten' };
  await writeFile(path.join(layout.pending('gen'), 'q1_t0_1_s0.json'), JSON.stringify(bad));
  await writeFile(path.join(layout.pending('gen'), 'notes.txt'), 'hello');
  await q.put('gen', item(2, 0));
  const claim = await q.claim('gen');
  assert.equal(claim?.stem, 'q2_t0_1_s0');
  claim!.stopHeartbeat();
  assert.equal(await q.claim('gen'), undefined);
  const failed = (await readdir(layout.failedDir)).sort();
  assert.deepEqual(failed, ['q0_t0_1_s0.gen.json', 'q0_t0_1_s0.gen.reason.json', 'q1_t0_1_s0.gen.json', 'q1_t0_1_s0.gen.reason.json']);
  const reason = JSON.parse(await readFile(path.join(layout.failedDir, 'q1_t0_1_s0.gen.reason.json'), 'utf8'));
  assert.equal(reason.code, 'ERR_SCHEMA_INVALID');
  assert.equal(reason.field, 'count');
  assert.match(reason.message, /pending_gen\/q1_t0_1_s0\.json, field count: must be integer/);
  const truncated = JSON.parse(await readFile(path.join(layout.failedDir, 'q0_t0_1_s0.gen.reason.json'), 'utf8'));
  assert.equal(truncated.code, 'ERR_JSON_MALFORMED');
  assert.ok((await readdir(layout.pending('gen'))).includes('notes.txt'), 'unknown files are left alone');
});

test('a claim whose owner was SIGKILLed is reclaimed at once with attempts + 1; too many attempts go to failed/', async () => {
  const layout = await setup();
  const owner = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  await new Promise((r) => owner.once('spawn', r));
  const dead = { ...makeIdentity('dead', 'generator'), pid: owner.pid! };
  const q1 = new FsQueue({ layout, identity: dead });
  await q1.put('gen', item(0, 0));
  const claim = (await q1.claim('gen'))!;
  claim.stopHeartbeat();
  const reaper = new FsQueue({ layout, identity: makeIdentity('reaper', 'reaper'), maxAttempts: 2 });
  assert.deepEqual((await reap(reaper)).requeued, [], 'a live owner keeps its claim');
  owner.kill('SIGKILL');
  await new Promise((r) => owner.once('exit', r));
  assert.deepEqual((await reap(reaper)).requeued, ['q0_t0_1_s0.gen']);
  const again = JSON.parse(await readFile(path.join(layout.pending('gen'), 'q0_t0_1_s0.json'), 'utf8'));
  assert.equal(again.attempts, 1);
  assert.match(again.history[0], /reclaimed: owner .* is gone/);
  // Second death: attempts reach maxAttempts (2) → failed/.
  const claim2 = (await q1.claim('gen'))!;
  claim2.stopHeartbeat();
  assert.deepEqual((await reap(reaper)).failed, ['q0_t0_1_s0.gen']);
  assert.deepEqual((await readdir(layout.failedDir)).sort(), ['q0_t0_1_s0.gen.json', 'q0_t0_1_s0.gen.reason.json']);
});

test('a claim with a stale heartbeat is reclaimed even when its pid looks alive', async () => {
  const layout = await setup();
  const other = { ...makeIdentity('remote', 'generator'), host: 'otherhost' };
  const q = new FsQueue({ layout, identity: other });
  await q.put('gen', item(5, 0));
  const claim = (await q.claim('gen'))!;
  claim.stopHeartbeat();
  const reaper = new FsQueue({ layout, identity: makeIdentity('reaper', 'reaper') });
  assert.deepEqual((await reap(reaper, { staleMs: 60_000 })).requeued, []);
  const old = new Date(Date.now() - 120_000);
  await utimes(claim.path, old, old);
  assert.deepEqual((await reap(reaper, { staleMs: 60_000 })).requeued, [], 'first stale sighting: a suspect only');
  assert.deepEqual((await reap(reaper, { staleMs: 60_000 })).requeued, ['q5_t0_1_s0.gen'], 'still stale on the next pass: reclaimed');
});

test('an item seeded long ago is not mistaken for a stale claim right after it is claimed', async () => {
  const layout = await setup();
  const q = new FsQueue({ layout, identity: { ...makeIdentity('slow', 'generator'), host: 'otherhost' } });
  await q.put('gen', item(6, 0));
  const old = new Date(Date.now() - 3_600_000);
  await utimes(path.join(layout.pending('gen'), 'q6_t0_1_s0.json'), old, old);
  const claim = (await q.claim('gen'))!;
  claim.stopHeartbeat();
  const reaper = new FsQueue({ layout, identity: makeIdentity('reaper', 'reaper') });
  for (let pass = 0; pass < 3; pass++) assert.deepEqual((await reap(reaper, { staleMs: 60_000 })).requeued, []);
});

test('a heartbeat that resumes between two reaper passes clears the suspicion', async () => {
  const layout = await setup();
  const q = new FsQueue({ layout, identity: { ...makeIdentity('paused', 'generator'), host: 'otherhost' } });
  await q.put('gen', item(7, 0));
  const claim = (await q.claim('gen'))!;
  claim.stopHeartbeat();
  const reaper = new FsQueue({ layout, identity: makeIdentity('reaper', 'reaper') });
  const old = new Date(Date.now() - 120_000);
  await utimes(claim.path, old, old);
  assert.deepEqual((await reap(reaper, { staleMs: 60_000 })).requeued, []);
  const now = new Date();
  await utimes(claim.path, now, now);
  assert.deepEqual((await reap(reaper, { staleMs: 60_000 })).requeued, []);
  assert.equal(reaper.staleSuspects.size, 0);
});

test('release returns an item untouched', async () => {
  const layout = await setup();
  const q = new FsQueue({ layout, identity: makeIdentity('w', 'evaluator') });
  await q.put('gen', item(0, 0));
  const claim = (await q.claim('gen'))!;
  await q.release(claim);
  const back = JSON.parse(await readFile(path.join(layout.pending('gen'), 'q0_t0_1_s0.json'), 'utf8'));
  assert.equal(back.attempts, 0);
});
