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
 * Then the same sim sweep (`passk run`, the demo set × 4 temperatures, n = 200, shards of 100, 1
 * generator, 2 evaluators) on the filesystem and on Redis: wall time from start to exit 0, and the
 * summaries compared (they must be identical apart from timing fields).
 *
 * Redis: the test helper's redis-server (loopback, AOF with `appendfsync always`, noeviction): the
 * same durability as the filesystem queue's fsync at every hand-off.
 *
 * Usage: node --import tsx bench/redis.ts [--items 600] [--workers 1,4,16] [--no-fs] [--no-sweep] [--sweep-n 200]
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtemp, rm, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeIdentity, itemStem, runLayout, openFsTransport, type Transport, type WorkItem, type QueueBackend } from '@passk/core';
import { openRedisTransport } from '../packages/core/dist/transport/redis/index.js';
import { startRedis } from '../test/helpers/redis.js';

const SELF = fileURLToPath(import.meta.url);
const PASSK = path.resolve(path.dirname(SELF), '..', 'bin', 'passk');

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
  const stdin = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => stdin.once('line', () => resolve()));
  stdin.close();
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
  const exited = children.map((c) => new Promise<number | null>((resolve) => c.once('exit', resolve)));
  const next = async (i: number): Promise<string> => {
    const line = await Promise.race([lines[i]!.next(), exited[i]!.then((code) => ({ value: undefined, code }))]);
    if (typeof line.value !== 'string') throw new Error(`bench child ${i} exited (${'code' in line ? line.code : 'end of output'}) before answering`);
    return line.value;
  };
  for (let i = 0; i < children.length; i++) if ((await next(i)) !== 'ready') throw new Error('bench child did not start');
  const started = performance.now();
  for (const c of children) c.stdin!.end('go\n');
  let done = 0;
  for (let i = 0; i < children.length; i++) done += JSON.parse(await next(i)).done as number;
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(exited);
  const counts = await q.counts();
  await q.close();
  await seeder.close();
  if (done !== items) throw new Error(`${done} of ${items} items completed`);
  if (counts.pending.eval + counts.claimed.eval !== 0) throw new Error(`items left: ${JSON.stringify(counts)}`);
  return items / seconds;
}

/** Summaries of a finished run without their timing fields, keyed by question. */
async function summaries(resultsDir: string): Promise<string> {
  const out: Record<string, unknown> = {};
  // Timing fields and the dedup-cache hit count (which evaluator saw a program first is a race) differ run to run.
  const drop = (key: string, value: unknown) => (/(_at|_s|_tps|_ms|wall|elapsed)$|^cached$/.test(key) ? undefined : value);
  for (const dir of (await readdir(resultsDir)).filter((d) => /^q\d+$/.test(d)).sort()) {
    out[dir] = JSON.parse(await readFile(path.join(resultsDir, dir, 'summary.json'), 'utf8'), drop);
  }
  return JSON.stringify(out);
}

/** One `passk run` sim sweep to exit 0; returns its wall time in seconds and its summaries. */
async function sweep(root: string, run: string, n: number, redisUrl?: string): Promise<{ seconds: number; summaries: string }> {
  const results = path.join(root, `${run}-results`);
  const args = ['run', '--run', run, '--queue-dir', path.join(root, `${run}-queue`), '--results-dir', results, '--backend', 'sim', '--problems', 'demo',
    '--n', String(n), '--shard-size', '100', '--temperatures', '0.2,0.6,1.0,1.4', '--gpus', '1', '--evaluators', '2', '--eval-workers', '1', '--sim-tps', '0',
    '--progress-interval', '3600', ...(redisUrl ? ['--queue', redisUrl] : [])];
  const started = performance.now();
  const child = spawn(process.execPath, [PASSK, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`passk run ${run} exited ${code}`);
  return { seconds, summaries: await summaries(results) };
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
  const withSweep = !argv.includes('--no-sweep');
  const sweepN = argv.includes('--sweep-n') ? Number(argv[argv.indexOf('--sweep-n') + 1]) : 200;
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
    if (withSweep) {
      const fs: number[] = [];
      const redisTimes: number[] = [];
      let reference: string | undefined;
      for (let i = 0; i < 3; i++) {
        for (const backend of i % 2 ? (['redis', 'fs'] as const) : (['fs', 'redis'] as const)) {
          const result = await sweep(root, `sweep-${backend}-${i}`, sweepN, backend === 'redis' ? redis.url : undefined);
          (backend === 'redis' ? redisTimes : fs).push(result.seconds);
          reference ??= result.summaries;
          if (result.summaries !== reference) {
            const dump = path.join(os.tmpdir(), `passk-bench-redis-${backend}-${i}.json`);
            await writeFile(dump, result.summaries);
            await writeFile(path.join(os.tmpdir(), 'passk-bench-redis-reference.json'), reference);
            throw new Error(`sweep ${backend} ${i}: summaries differ from the first run (written to ${dump} and passk-bench-redis-reference.json)`);
          }
          process.stderr.write(`sweep ${backend} run ${i}: ${result.seconds.toFixed(2)} s\n`);
        }
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!.toFixed(2);
      const samples = 12 * 4 * sweepN;
      rows.push('', `Sim sweep (demo set × 4 temperatures × n = ${sweepN} = ${samples.toLocaleString('en')} samples, shards of 100, 1 generator, 2 evaluators × 1 fork server), wall time of \`passk run\` to exit 0, median of 3 (interleaved); summaries identical in all 6 runs:`, '',
        '| queue | runs (s) | median (s) |', '|---|---|---|',
        `| filesystem | ${fs.map((x) => x.toFixed(2)).join(' · ')} | ${median(fs)} |`,
        `| Redis (BullMQ) | ${redisTimes.map((x) => x.toFixed(2)).join(' · ')} | ${median(redisTimes)} |`);
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
