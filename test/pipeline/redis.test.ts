/**
 * The same daemons on BullMQ over a real redis-server: a sweep equals the filesystem sweep; several
 * "machines" (separate working directories and processes sharing only the Redis URL); the crash
 * test with SIGKILLs and one Redis restart (AOF on).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdir, readdir } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { tempDir } from '../helpers/tmp.js';
import { runPassk, startPassk, runDirs, comparableSummaries, readJson, waitFor, withOption, referenceSummaries, type Started } from '../helpers/passk.js';
import { startRedis } from '../helpers/redis.js';
import { cmdlineOf, descendants, processesMatching } from '../helpers/procs.js';

const SMALL = ['--backend', 'sim', '--problems', 'demo', '--end', '3', '--n', '8', '--shard-size', '4', '--temperatures', '0.3,1.1', '--progress-interval', '2'];

test('a sweep on Redis gives the same summaries as on the filesystem', { timeout: 240_000 }, async () => {
  const redis = await startRedis();
  after(() => redis.stop());
  const root = await tempDir();
  // The two sweeps share nothing but the machine: side by side.
  const [fs, viaRedis] = await Promise.all([
    runPassk(['run', ...runDirs(root, 'fs'), ...SMALL, '--sim-tps', '0', '--gpus', '1', '--evaluators', '1']),
    runPassk(['run', ...runDirs(root, 'rd'), ...SMALL, '--sim-tps', '0', '--gpus', '1', '--evaluators', '1', '--queue', redis.url]),
  ]);
  assert.equal(fs.code, 0, fs.stdout + fs.stderr);
  assert.equal(viaRedis.code, 0, viaRedis.stdout + viaRedis.stderr);
  const strip = (s: Record<string, any>) => JSON.stringify(s);
  assert.equal(strip(await comparableSummaries(path.join(root, 'results', 'rd'))), strip(await comparableSummaries(path.join(root, 'results', 'fs'))));
  const status = await runPassk(['status', '--run', 'rd', '--queue', redis.url, '--json']);
  assert.equal(status.code, 0, status.stderr);
  const parsed = JSON.parse(status.stdout);
  assert.equal(parsed.transport, 'redis');
  assert.equal(parsed.finished, true);
  assert.equal(parsed.samples_done, 3 * 2 * 8);
  assert.deepEqual(await readdir(path.join(root, 'queue', 'rd', 'pending_eval')).catch(() => []), [], 'no queue files: the items travelled in Redis');
});

test('several machines share only the Redis URL: generator on A, evaluators on B and C, combiner on A', { timeout: 240_000 }, async () => {
  const redis = await startRedis();
  after(() => redis.stop());
  const root = await tempDir();
  const machines = { A: path.join(root, 'A'), B: path.join(root, 'B'), C: path.join(root, 'C') };
  for (const dir of Object.values(machines)) await mkdir(dir, { recursive: true });
  const common = ['--run', 'multi', '--queue', redis.url];
  const a = startPassk(['run', ...common, ...SMALL, '--gpus', '1', '--evaluators', '0', '--sim-tps', '800'], { cwd: machines.A });
  await waitFor(() => readJson(path.join(machines.A, 'results', 'multi', 'plan.json')).then(() => true, () => false), 30_000, 'the plan on machine A');
  const b = startPassk(['evaluator', ...common], { cwd: machines.B });
  const c = startPassk(['evaluator', ...common], { cwd: machines.C });
  const { code } = await a.exit;
  assert.equal(code, 0, a.stdout() + a.stderr());
  assert.equal((await b.exit).code, 0, b.stderr());
  assert.equal((await c.exit).code, 0, c.stderr());
  const resultsA = path.join(machines.A, 'results', 'multi');
  assert.equal((await readJson(path.join(resultsA, 'run_summary.json'))).samples_done, 3 * 2 * 8, 'results land on the combiner machine');
  for (const m of ['B', 'C'] as const) {
    const files = await readdir(path.join(machines[m], 'results', 'multi'));
    assert.ok(files.some((f) => /^eval\d+\.log$/.test(f)), `machine ${m} logged its evaluator`);
    assert.ok(!files.includes('run_summary.json'), `machine ${m} holds no results`);
  }
  const names = [...(await readdir(path.join(machines.B, 'results', 'multi'))), ...(await readdir(path.join(machines.C, 'results', 'multi')))].filter((f) => /^eval\d+\.log$/.test(f));
  assert.equal(new Set(names).size, 2, 'the two evaluators picked different names through Redis');
});


test('crash test on Redis: SIGKILLed workers and one Redis restart give the same summaries', { timeout: 600_000 }, async () => {
  const redis = await startRedis();
  after(() => redis.stop());
  const root = await tempDir();
  const plan = ['--backend', 'sim', '--problems', 'demo', '--end', '4', '--n', '16', '--shard-size', '4', '--temperatures', '0.3,0.9,1.5',
    '--gpus', '2', '--evaluators', '2', '--sim-tps', '400', '--max-restarts', '10000', '--max-attempts', '10000', '--restart-backoff-ms', '100',
    '--stale-ms', '4000', '--progress-interval', '5'];
  const reference = referenceSummaries(['run', ...runDirs(root, 'ref'), ...withOption(plan, '--sim-tps', '0')], path.join(root, 'results', 'ref'));

  const args = ['run', ...runDirs(root, 'crash'), ...plan, '--queue', redis.url];
  const run: Started = startPassk(args);
  const killed: Record<string, number> = { generator: 0, evaluator: 0, combiner: 0, redis: 0 };
  let kills = 0;
  const deadline = Date.now() + 500_000;
  while (run.child.exitCode === null && run.child.signalCode === null) {
    assert.ok(Date.now() < deadline, `crash run did not finish: ${JSON.stringify(killed)}`);
    await sleep(300 + Math.random() * 500);
    if (kills >= 20) continue;
    if (kills === 10 && killed.redis === 0) {
      await redis.restart();
      killed.redis++;
      kills++;
      continue;
    }
    const workers = descendants(run.child.pid!).filter((p) => /main\.js (generator|evaluator|combiner)/.test(cmdlineOf(p)));
    if (!workers.length) continue;
    const target = workers[Math.floor(Math.random() * workers.length)]!;
    const kind = /generator/.test(cmdlineOf(target)) ? 'generator' : /evaluator/.test(cmdlineOf(target)) ? 'evaluator' : 'combiner';
    try {
      process.kill(target, 'SIGKILL');
      kills++;
      killed[kind]!++;
    } catch {
      // already gone
    }
  }
  const { code } = await run.exit;
  assert.equal(code, 0, run.stdout() + run.stderr());
  assert.equal(killed.redis, 1, `Redis was restarted mid-run (kills: ${JSON.stringify(killed)})`);
  assert.deepEqual(await comparableSummaries(path.join(root, 'results', 'crash')), await reference);
  await waitFor(() => processesMatching(path.join(root, 'queue', 'crash')).length === 0, 15_000, 'every process of the run to exit');
  process.stdout.write(`# redis crash test kills: ${JSON.stringify(killed)}\n`);
});
