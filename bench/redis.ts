/**
 * Multi-machine benchmark (issue 7): jobs/s for claim + complete through Redis (BullMQ) with 1, 4 and
 * 16 concurrent workers. Items are shaped like real generated shards (100 samples × ~1 KB, ~110 KB of
 * JSON) in the `eval` stage, so every claim also validates the shard schema. Each worker is its own
 * QueueBackend (own Redis connection, own identity). Workers run as async loops in child processes:
 * 1 worker in 1 process, 4 as 2 processes × 2, 16 as 2 processes × 8 (the VM has 2 cores, and
 * redis-server needs one of them too). Two columns: claim + complete (nothing handed on) and
 * claim + complete with the hand-off of the shard to the next stage (what an evaluator does). The
 * filesystem queue is measured the same way for reference (fsync on, the default).
 *
 * Usage: node --import tsx bench/redis.ts [--items 600] [--workers 1,4,16] [--no-fs]
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeIdentity, itemStem, runLayout, openFsTransport, type Transport, type WorkItem, type QueueBackend } from '@passk/core';
import { openRedisTransport } from '../packages/core/dist/transport/redis/index.js';
import { startRedis } from '../test/helpers/redis.js';

const SELF = fileURLToPath(import.meta.url);

interface Where {
  backend: 'fs' | 'redis';
  url?: string;
  root?: string;
  run: string;
}

function shard(q: number, s: number): WorkItem {
  const now = new Date().toISOString();
  const samples = Array.from({ length: 100 }, (_, i) => ({
    index: s * 100 + i,
    seed: 1000 + i,
    output: `Here is a solution:\n\`\`\`python\n${'x = int(input())\n'.repeat(40)}print(x)\n\`\`\``.slice(0, 760),
    code: 'x = int(input())\nprint(x)\n'.repeat(8),
    extraction: 'fenced',
    finish_reason: 'stop' as const,
    prompt_tokens: 312,
    completion_tokens: 190,
  }));
  return {
    version: 1, item: itemStem({ questionIdx: q, temperature: 0.8, shard: s }), question_idx: q, temperature: 0.8, shard: s, first_sample: s * 100, count: 100, seed_base: 1, attempts: 0,
    gen: { generator: 'gpu0', backend: 'sim', model: 'm', simulated: true, started_at: now, finished_at: now, wall_s: 1, prompt_tokens: 31200, completion_tokens: 19000, gen_tps: 19000, finish_reasons: { stop: 100 } },
    samples,
  } as WorkItem;
}

function open(where: Where): Promise<Transport> {
  if (where.backend === 'redis') return openRedisTransport({ url: where.url!, run: where.run });
  return openFsTransport(runLayout({ run: where.run, root: where.root! }));
}

/** Child: `workers` async claim loops, each on its own QueueBackend; waits for "go" on stdin. */
async function child(where: Where, workers: number, handOff: boolean): Promise<void> {
  const transports: Transport[] = [];
  const queues: QueueBackend[] = [];
  for (let i = 0; i < workers; i++) {
    const t = await open(where);
    transports.push(t);
    queues.push(t.queue(makeIdentity(`bench${i}`, 'evaluator')));
  }
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));
  let done = 0;
  await Promise.all(
    queues.map(async (q) => {
      let idle = 0;
      while (idle < 3) {
        const claim = await q.claim('eval');
        if (!claim) {
          idle++;
          continue;
        }
        idle = 0;
        await q.complete(claim, handOff ? { stage: 'combine', value: claim.value } : undefined);
        done++;
      }
    }),
  );
  process.stdout.write(`${JSON.stringify({ done })}\n`);
  for (const q of queues) await q.close();
  for (const t of transports) await t.close();
}

async function measure(where: Where, items: number, workers: number, handOff: boolean): Promise<number> {
  const seeder = await open(where);
  const q = seeder.queue(makeIdentity('seed', 'orchestrator'));
  for (let i = 0; i < items; i++) await q.put('eval', shard(i, 0), { fsync: false });
  const processes = workers === 1 ? 1 : 2;
  const per = Math.ceil(workers / processes);
  const children = Array.from({ length: processes }, (_, p) =>
    spawn(process.execPath, ['--import', 'tsx', SELF, '--child', JSON.stringify({ where, workers: Math.min(per, workers - p * per), handOff })], { stdio: ['pipe', 'pipe', 'inherit'] }),
  );
  const lines = children.map((c) => createInterface({ input: c.stdout! })[Symbol.asyncIterator]());
  for (const l of lines) if ((await l.next()).value !== 'ready') throw new Error('child did not start');
  const started = performance.now();
  for (const c of children) c.stdin!.write('go\n');
  let done = 0;
  for (const l of lines) done += JSON.parse((await l.next()).value as string).done as number;
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
  const counts = await q.counts();
  await q.close();
  await seeder.close();
  if (done !== items) throw new Error(`${done} of ${items} items completed`);
  if (counts.pending.eval + counts.claimed.eval !== 0) throw new Error(`items left: ${JSON.stringify(counts)}`);
  return items / seconds;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--child');
  if (at >= 0) {
    const { where, workers, handOff } = JSON.parse(argv[at + 1]!) as { where: Where; workers: number; handOff: boolean };
    return child(where, workers, handOff);
  }
  const items = Number(argv[argv.indexOf('--items') + 1] ?? 600) || 600;
  const workerCounts = argv.includes('--workers') ? argv[argv.indexOf('--workers') + 1]!.split(',').map(Number) : [1, 4, 16];
  const withFs = !argv.includes('--no-fs');
  const redis = await startRedis();
  const root = await mkdtemp(path.join(os.tmpdir(), 'passk-bench-redis-'));
  const rows: string[] = [];
  const bytes = Buffer.byteLength(JSON.stringify(shard(0, 0)));
  let run = 0;
  try {
    for (const workers of workerCounts) {
      const cells: string[] = [];
      for (const backend of withFs ? (['redis', 'fs'] as const) : (['redis'] as const)) {
        for (const handOff of [false, true]) {
          const where: Where = { backend, url: redis.url, root, run: `b${++run}` };
          const rate = await measure(where, items, workers, handOff);
          cells.push(rate.toFixed(0));
          process.stderr.write(`${backend} workers=${workers} handOff=${handOff}: ${rate.toFixed(1)} jobs/s\n`);
        }
      }
      const processes = workers === 1 ? '1' : `2 × ${workers / 2}`;
      rows.push(`| ${workers} | ${processes} | ${cells.join(' | ')} |`);
    }
  } finally {
    await redis.stop();
    await rm(root, { recursive: true, force: true });
  }
  const header = withFs
    ? '| workers | processes × async workers | Redis: claim + complete (jobs/s) | Redis: + hand-off to next stage | fs: claim + complete | fs: + hand-off |\n|---|---|---|---|---|---|'
    : '| workers | processes × async workers | Redis: claim + complete (jobs/s) | Redis: + hand-off to next stage |\n|---|---|---|---|';
  process.stdout.write(`\n${items} items of ${(bytes / 1024).toFixed(0)} KB (100 samples) per measurement, node ${process.version}, ${os.cpus().length} cores\n\n${header}\n${rows.join('\n')}\n`);
}

await main();
