/**
 * Hostile files named like queue items (issue 11): a FIFO, a directory, a symlink to a private file,
 * a sparse file over the size cap, bytes that are not JSON. Each is quarantined with a reason that
 * quotes none of its bytes; no claim, reclaim pass, worker listing or `passk stop` flag write throws
 * or blocks. Every test has a timeout: on code that opens a FIFO it would block forever.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile, readFile, mkdir, symlink, stat, lstat, truncate, utimes } from 'node:fs/promises';
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  FsQueue, openFsTransport, checkItemAgainstPlan, readRegularTailSync, runLayout, ensureLayout, makeIdentity, reap, itemStem, claimFileName, setControl, hasControl,
  type WorkItem, type WorkerIdentity, type Verdict, type Grader, type Problem, type Plan,
} from '@passk/core';
import { createCachedGrader, problemDir, programKey } from '@passk/evaluator';
import { ensureRealDir, readQuestionState, writeQuestionState } from '@passk/combiner';
import { tempDir } from '../helpers/tmp.js';

const LIMIT = { timeout: 30_000 };
const SECRET = 'TOP-SECRET-root-only-bytes';

function item(questionIdx: number, shard: number): WorkItem {
  return { version: 1, item: itemStem({ questionIdx, temperature: 0.1, shard }), question_idx: questionIdx, temperature: 0.1, shard, first_sample: shard * 10, count: 10, seed_base: 0, attempts: 0 };
}

async function setup() {
  const root = await tempDir();
  const layout = runLayout({ run: 't', root });
  await ensureLayout(layout);
  const secret = path.join(root, 'secret.txt');
  await writeFile(secret, `${SECRET}\n`, { mode: 0o600 });
  return { root, layout, secret };
}

function mkfifo(file: string): void {
  execFileSync('mkfifo', [file]);
}

/** A pid that existed and is gone (a claim of this owner on this host is reclaimed at once). */
function deadPid(): number {
  const child = spawnSync('true');
  return child.pid!;
}

/** Plant one hostile file of each kind as `name(i)` in `dir`; returns, by name, what its reason must say. */
async function plantAll(dir: string, secret: string, name: (i: number) => string): Promise<Map<string, string>> {
  const kinds = new Map<string, string>();
  mkfifo(path.join(dir, name(0)));
  kinds.set(name(0), 'FIFO');
  await mkdir(path.join(dir, name(1)));
  await writeFile(path.join(dir, name(1), 'inside'), 'x');
  kinds.set(name(1), 'directory');
  await symlink(secret, path.join(dir, name(2)));
  kinds.set(name(2), 'symbolic link');
  await writeFile(path.join(dir, name(3)), '');
  await truncate(path.join(dir, name(3)), 300 * 1024 * 1024); // sparse: no disk, size over the cap
  kinds.set(name(3), 'over the cap');
  await writeFile(path.join(dir, name(4)), `${SECRET} is not JSON`);
  kinds.set(name(4), 'not valid JSON');
  await writeFile(path.join(dir, name(5)), Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]));
  kinds.set(name(5), 'UTF-8');
  return kinds;
}

async function assertQuarantined(layout: ReturnType<typeof runLayout>, stem: string, stage: string, expect: string): Promise<void> {
  const reasonText = await readFile(path.join(layout.failedDir, `${stem}.${stage}.reason.json`), 'utf8');
  assert.ok(!reasonText.includes(SECRET), `the reason quotes no input byte: ${reasonText}`);
  const reason = JSON.parse(reasonText) as { code: string; message: string; file?: string };
  assert.ok(reason.message.includes(expect), `${stem}: reason names "${expect}": ${reason.message}`);
  assert.ok(reason.file?.includes(stem), `${stem}: reason names the file: ${reason.file}`);
  const moved = (await readdir(layout.failedDir)).filter((n) => n.startsWith(`${stem}.${stage}.`) && !n.endsWith('.reason.json'));
  assert.equal(moved.length, 1, `${stem}: the file itself is in failed/`);
}

test('hostile files in pending_eval are quarantined with a reason; the good item is still claimed', LIMIT, async () => {
  const { layout, secret } = await setup();
  await utimes(secret, new Date(1_000_000), new Date(1_000_000));
  const q = new FsQueue({ layout, identity: makeIdentity('eval0', 'evaluator'), fsync: false });
  const stem = (i: number) => itemStem({ questionIdx: i, temperature: 0.1, shard: 0 });
  const kinds = await plantAll(layout.pending('eval'), secret, (i) => `${stem(i)}.json`);
  await q.put('gen', item(9, 0));
  const claims = [];
  for (;;) {
    const claim = await q.claim('eval');
    if (!claim) break;
    claims.push(claim);
  }
  assert.equal(claims.length, 0, 'no hostile file is ever handed out as an item');
  for (const [name, kind] of kinds) {
    await assertQuarantined(layout, name.slice(0, -5), 'eval', kind);
  }
  assert.deepEqual(await readdir(layout.pending('eval')), []);
  assert.deepEqual(await readdir(layout.claimedDir), []);
  assert.equal((await stat(secret)).mtimeMs, 1_000_000, 'the symlink target was never touched by a heartbeat');
  const good = await q.claim('gen');
  assert.equal(good?.stem, 'q9_t0_1_s0');
  good?.stopHeartbeat();
});

test('the reaper quarantines hostile dead claims and finishes its pass', LIMIT, async () => {
  const { layout, secret } = await setup();
  const dead: WorkerIdentity = { ...makeIdentity('eval7', 'evaluator'), pid: deadPid() };
  const stem = (i: number) => itemStem({ questionIdx: i, temperature: 0.1, shard: 1 });
  const kinds = await plantAll(layout.claimedDir, secret, (i) => claimFileName(stem(i), 'eval', dead));
  // A good dead claim after the hostile ones is still requeued in the same pass.
  await writeFile(path.join(layout.claimedDir, claimFileName('q8_t0_1_s1', 'gen', dead)), JSON.stringify(item(8, 1)));
  const reaper = new FsQueue({ layout, identity: makeIdentity('eval0', 'evaluator'), fsync: false });
  const result = await reap(reaper, { staleMs: 60_000 });
  assert.deepEqual(result.requeued, ['q8_t0_1_s1.gen']);
  for (const [i, kind] of [...kinds.values()].entries()) await assertQuarantined(layout, stem(i), 'eval', kind);
  assert.deepEqual(await readdir(layout.claimedDir), [], 'every dead claim was dealt with');
  assert.deepEqual(await readdir(layout.pending('gen')), ['q8_t0_1_s1.json']);
});

test('worker records, name locks and control flags: a FIFO or symlink never blocks or is written through', LIMIT, async () => {
  const { layout, secret } = await setup();
  mkfifo(path.join(layout.workersDir, 'eval5.json'));
  await symlink(secret, path.join(layout.workersDir, 'eval6.json'));
  const registry = (await openFsTransport(layout)).workers;
  assert.deepEqual(await registry.list(), [], 'no record is read from a FIFO or through a symlink');
  mkfifo(path.join(layout.workersDir, 'eval0.lock'));
  const name = await registry.acquire({ prefix: 'eval' }, makeIdentity('pending', 'evaluator'));
  assert.match(name, /^eval\d+$/);
  // A directory where a fixed name's lock and record go: the worker still gets its name and writes its record.
  await mkdir(path.join(layout.workersDir, 'combiner.lock', 'x'), { recursive: true });
  await mkdir(path.join(layout.workersDir, 'combiner.json', 'x'), { recursive: true });
  const me = makeIdentity('combiner', 'combiner');
  assert.equal(await registry.acquire('combiner', me), 'combiner');
  const now = new Date().toISOString();
  await registry.write({ name: 'combiner', role: 'combiner', host: me.host, pid: me.pid, token: me.token, started_at: now, heartbeat_at: now, state: 'idle', items_done: 0, samples_done: 0, samples_per_s: 0 });
  assert.deepEqual((await registry.list()).map((r) => r.name), ['combiner']);
  mkfifo(path.join(layout.controlDir, 'stop-all'));
  await symlink(secret, path.join(layout.controlDir, 'stop-generators'));
  await setControl(layout.controlDir, 'stop-all', 'test');
  await setControl(layout.controlDir, 'stop-generators', 'test');
  assert.ok(await hasControl(layout.controlDir, 'stop-all'));
  assert.equal(await readFile(secret, 'utf8'), `${SECRET}\n`, 'the symlink target was not written through');
  assert.ok((await stat(path.join(layout.controlDir, 'stop-all'))).isFile());
});

test('an item that disagrees with the plan names the field: count, first sample, shard, seed, samples', () => {
  const plan = { n: 100, shard_size: 10, seed: 7, temperatures: [0.1], questions: [{ idx: 3, id: 'x', title: 'x' }] };
  const good = { ...item(3, 2), first_sample: 20, count: 10, seed_base: 7 };
  checkItemAgainstPlan(plan, good, 'f');
  const cases: Array<[Partial<WorkItem> & { samples?: unknown[] }, string]> = [
    [{ count: 3000 }, 'count'],
    [{ first_sample: 0 }, 'first_sample'],
    [{ shard: 10, item: 'q3_t0_1_s10', first_sample: 100 }, 'shard'],
    [{ seed_base: 8 }, 'seed_base'],
    [{ question_idx: 4, item: 'q4_t0_1_s2' }, 'question_idx'],
    [{ item: 'q3_t0_1_s3' }, 'item'],
    [{ samples: [] }, 'samples'],
  ];
  for (const [change, field] of cases) {
    assert.throws(() => checkItemAgainstPlan(plan, { ...good, ...change } as WorkItem, 'f'), (error: Error & { code?: string; field?: string }) => error.code === 'ERR_PLAN_MISMATCH' && error.field === field, field);
  }
});

test('the orchestrator reads log and engine-record tails without blocking on a FIFO or following a symlink', LIMIT, async () => {
  const { root, secret } = await setup();
  mkfifo(path.join(root, 'eval0.log'));
  await symlink(secret, path.join(root, 'eval1.log'));
  await writeFile(path.join(root, 'eval2.log'), `${'x'.repeat(100)}\nlast line\n`);
  assert.equal(readRegularTailSync(path.join(root, 'eval0.log'), 1024), undefined);
  assert.equal(readRegularTailSync(path.join(root, 'eval1.log'), 1024), undefined);
  assert.equal(readRegularTailSync(path.join(root, 'eval2.log'), 10), 'last line\n');
  assert.equal(readRegularTailSync(path.join(root, 'missing.log'), 10), undefined);
});

test("the combiner's own dirs: a planted symlink, FIFO or directory is moved to failed/, never written through", LIMIT, async () => {
  const { root, layout } = await setup();
  const outside = path.join(root, 'outside');
  await mkdir(outside);
  await symlink(outside, path.join(layout.stagedDir, 'q0_t0_1'));
  await ensureRealDir(layout, path.join(layout.stagedDir, 'q0_t0_1'));
  assert.ok((await lstat(path.join(layout.stagedDir, 'q0_t0_1'))).isDirectory(), 'a real directory now');
  await mkdir(path.join(layout.combinedStateDir, 'q0.json'));
  mkfifo(path.join(layout.combinedStateDir, 'q1.json'));
  assert.deepEqual(await readQuestionState(layout, 0), {});
  assert.deepEqual(await readQuestionState(layout, 1), {});
  await writeQuestionState(layout, 0, {}, false);
  await writeQuestionState(layout, 1, {}, false);
  assert.equal(await readFile(path.join(layout.combinedStateDir, 'q0.json'), 'utf8'), '{}\n');
  assert.deepEqual(await readdir(outside), [], 'nothing written through the symlink');
  const failed = await readdir(layout.failedDir);
  assert.equal(failed.filter((n) => n.endsWith('.reason.json')).length, 3, failed.join(' '));
});

test('a FIFO planted under a verdict-cache name is a cache miss, never a blocked evaluator', LIMIT, async () => {
  const { root } = await setup();
  const cacheDir = path.join(root, 'verdict_cache');
  const verdict = { status: 'wrong_answer', passed: false } as unknown as Verdict;
  let graded = 0;
  const inner: Grader = { grade: async () => (graded++, verdict), close: async () => {} };
  const problem = { id: 'p/1', kind: 'stdin', tests: [{ input: '1', output: '2' }] } as unknown as Problem;
  const key = programKey(problem, 'print(2)', '');
  await mkdir(problemDir(cacheDir, problem.id), { recursive: true });
  mkfifo(path.join(problemDir(cacheDir, problem.id), `${key}.json`));
  const cached = createCachedGrader(inner, cacheDir);
  assert.equal((await cached.grade({ problem, code: 'print(2)' })).status, 'wrong_answer');
  assert.equal(graded, 1);
  assert.ok((await lstat(path.join(problemDir(cacheDir, problem.id), `${key}.json`))).isFile(), 'the FIFO was the file looked up, and is replaced');
});

test("passk run's failed-item report: a FIFO or symlink as a reason or item file never blocks, never quotes", LIMIT, async () => {
  const { layout, secret } = await setup();
  const plan = { n: 20, shard_size: 10, seed: 0, temperatures: [0.1], questions: [{ idx: 0, id: 'a', title: 'a' }] } as unknown as Plan;
  mkfifo(path.join(layout.failedDir, 'q0_t0_1_s0.gen.json'));
  mkfifo(path.join(layout.failedDir, 'q0_t0_1_s0.gen.reason.json'));
  await writeFile(path.join(layout.failedDir, 'q0_t0_1_s1.gen.json'), '{}');
  await symlink(secret, path.join(layout.failedDir, 'q0_t0_1_s1.gen.reason.json'));
  const { items } = await (await openFsTransport(layout)).failed.list(plan, new Set());
  assert.deepEqual(items.map((i) => i.stem), ['q0_t0_1_s0', 'q0_t0_1_s1']);
  for (const i of items) {
    assert.equal(i.code, 'unknown');
    assert.match(i.message, /unreadable reason file \(.*refused unread: is a (FIFO|symbolic link)/);
    assert.ok(!i.message.includes(SECRET));
  }
});
