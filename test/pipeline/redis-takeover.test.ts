/**
 * Redis mode, the combiner's machine is lost: its staged shards and results are gone, their marks
 * are still in Redis. Another machine is refused (ERR_COMBINER_ELSEWHERE) until it takes the run over
 * with `passk combiner --move-here`; then the run finishes there with the summaries of an undisturbed
 * run, every sample counted once.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdir, rm, readFile } from 'node:fs/promises';
import { Redis } from 'ioredis';
import { pidAlive } from '@passk/core';
import { tempDir } from '../helpers/tmp.js';
import { runPassk, startPassk, comparableSummaries, waitFor, combinedSampleProblems, referenceSummaries } from '../helpers/passk.js';
import { startRedis } from '../helpers/redis.js';
import { descendants } from '../helpers/procs.js';

const PLAN = ['--backend', 'sim', '--problems', 'demo', '--end', '4', '--n', '8', '--shard-size', '4', '--temperatures', '0.3,1.1', '--progress-interval', '2',
  '--gpus', '1', '--evaluators', '1', '--stale-ms', '3000'];

test('a lost combiner machine: refused elsewhere, then taken over with --move-here; summaries equal an undisturbed run', { timeout: 400_000 }, async () => {
  const redis = await startRedis();
  after(() => redis.stop());
  const root = await tempDir();
  const reference = referenceSummaries(['run', '--run', 'ref', '--queue-dir', path.join(root, 'ref', 'q'), '--results-dir', path.join(root, 'ref', 'r'), ...PLAN, '--sim-tps', '0'], path.join(root, 'ref', 'r'));

  const machines = { A: path.join(root, 'A'), B: path.join(root, 'B') };
  for (const dir of Object.values(machines)) await mkdir(dir, { recursive: true });
  const common = ['--run', 'lost', '--queue', redis.url];
  const conn = new Redis(redis.port, '127.0.0.1');
  after(() => conn.disconnect());

  // Machine A runs everything, slowly, until some groups are combined there; then the machine is lost.
  const a = startPassk(['run', ...common, ...PLAN, '--sim-tps', '300'], { cwd: machines.A });
  await waitFor(async () => (await conn.scard('passk:lost:combined')) >= 2 && (await conn.scard('passk:lost:staged')) >= 1, 120_000, 'groups combined on machine A');
  const tree = [a.child.pid!, ...descendants(a.child.pid!)];
  for (const pid of tree) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  await a.exit;
  await waitFor(() => tree.every((pid) => !pidAlive(pid)), 10_000, 'every process of machine A to be gone');
  await rm(machines.A, { recursive: true, force: true });
  const home = JSON.parse((await conn.get('passk:lost:combiner_home'))!);
  assert.equal(home.results_dir, path.join(machines.A, 'results', 'lost'));

  // Machine B: refused while Redis names A as the combiner home, before any worker starts.
  const refused = await runPassk(['run', ...common, ...PLAN, '--sim-tps', '0'], { cwd: machines.B });
  assert.notEqual(refused.code, 0);
  assert.match(refused.stdout + refused.stderr, /ERR_COMBINER_ELSEWHERE/);
  assert.match(refused.stdout + refused.stderr, new RegExp(`results are on \\S+ in ${path.join(machines.A, 'results', 'lost').replace(/[/.]/g, '\\$&')}`));
  assert.match(refused.stdout + refused.stderr, /--move-here/);
  const refusedCombiner = await runPassk(['combiner', ...common], { cwd: machines.B, timeoutMs: 60_000 });
  assert.equal(refusedCombiner.code, 1, refusedCombiner.stdout + refusedCombiner.stderr);
  assert.match(await readFile(path.join(machines.B, 'results', 'lost', 'combiner.log'), 'utf8'), /ERR_COMBINER_ELSEWHERE/);

  // Take the run over on B, then run it to the end there.
  const mover = startPassk(['combiner', ...common, '--move-here'], { cwd: machines.B });
  await waitFor(async () => /generated again/.test(await readFile(path.join(machines.B, 'results', 'lost', 'combiner.log'), 'utf8').catch(() => '')), 60_000, 'the take-over');
  mover.child.kill('SIGTERM');
  await mover.exit;
  assert.equal(JSON.parse((await conn.get('passk:lost:combiner_home'))!).results_dir, path.join(machines.B, 'results', 'lost'));
  const finish = await runPassk(['run', ...common, ...PLAN, '--sim-tps', '0'], { cwd: machines.B, timeoutMs: 240_000 });
  assert.equal(finish.code, 0, finish.stdout + finish.stderr);
  const resultsB = path.join(machines.B, 'results', 'lost');
  assert.deepEqual(await comparableSummaries(resultsB), await reference);
  assert.deepEqual(await combinedSampleProblems(resultsB), [], 'every sample index once per combined file');
});
