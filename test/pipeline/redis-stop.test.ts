/**
 * `passk status` and `passk stop` from a machine that runs nothing of the run, on Redis: status lists
 * the workers of every machine; stop stops them all in the safe order (every generator, on any
 * machine, has exited before any evaluator or the combiner starts stopping), and the same `passk run`
 * resumes and finishes.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdir, readFile } from 'node:fs/promises';
import { tempDir } from '../helpers/tmp.js';
import { runPassk, startPassk, waitFor, readJson } from '../helpers/passk.js';
import { startRedis } from '../helpers/redis.js';
import { descendants } from '../helpers/procs.js';

const PLAN = ['--backend', 'sim', '--problems', 'demo', '--end', '4', '--n', '12', '--shard-size', '4', '--temperatures', '0.2,0.8,1.4', '--sim-tps', '300',
  '--progress-interval', '2', '--restart-backoff-ms', '200'];

interface LogLine {
  time: number;
  msg: string;
}

async function logLines(file: string): Promise<LogLine[]> {
  return (await readFile(file, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as LogLine);
}

/** When the worker whose log this is began to stop, and when it exited (ms since the epoch). */
async function stopTimes(file: string): Promise<{ stopping: number; exited: number }> {
  const lines = await logLines(file);
  const stopping = lines.find((l) => l.msg === 'stopping');
  const exited = lines.find((l) => l.msg === 'worker exited');
  assert.ok(stopping && exited, `${file} logs its stop and its exit`);
  return { stopping: stopping.time, exited: exited.time };
}

test('Redis: status and stop from a third machine reach every machine; generators stop first everywhere; the run resumes', { timeout: 300_000 }, async () => {
  const redis = await startRedis();
  after(() => redis.stop());
  const root = await tempDir();
  const machines = { A: path.join(root, 'A'), B: path.join(root, 'B'), C: path.join(root, 'C') };
  for (const dir of Object.values(machines)) await mkdir(dir, { recursive: true });
  const common = ['--run', 'far', '--queue', redis.url];
  // A: orchestrator, gpu0 and the combiner; B: a second generator and an evaluator, started by hand.
  const a = startPassk(['run', ...common, ...PLAN, '--gpus', '1', '--evaluators', '0'], { cwd: machines.A });
  const resultsA = path.join(machines.A, 'results', 'far');
  await waitFor(() => readJson(path.join(resultsA, 'plan.json')).then(() => true, () => false), 30_000, 'the plan on machine A');
  const bGen = startPassk(['generator', ...common, '--gpu', '1', '--backend', 'sim', '--sim-tps', '300'], { cwd: machines.B });
  const bEval = startPassk(['evaluator', ...common], { cwd: machines.B });
  await waitFor(async () => ((await readJson(path.join(resultsA, 'run_summary.json')).catch(() => undefined))?.samples_done ?? 0) > 0, 90_000, 'first combined results');

  const status = await runPassk(['status', ...common, '--json'], { cwd: machines.C });
  assert.equal(status.code, 0, status.stderr);
  const parsed = JSON.parse(status.stdout);
  const names = (parsed.workers as Array<{ name: string }>).map((w) => w.name).sort();
  for (const name of ['combiner', 'eval0', 'gpu0', 'gpu1', 'orchestrator']) assert.ok(names.includes(name), `status from C lists ${name}: ${names.join(', ')}`);

  const stop = await runPassk(['stop', ...common], { cwd: machines.C, timeoutMs: 150_000 });
  assert.equal(stop.code, 0, stop.stdout + stop.stderr);
  // One host here: the orchestrator (A) is "local" and gets SIGTERM first, stopping gpu0 itself; gpu1 (B) by the flag.
  assert.match(stop.stdout, /stopping [12] generator\(s\) first/);
  const exits = await Promise.all([a.exit, bGen.exit, bEval.exit]);
  for (const e of exits) assert.ok(e.code !== null, `exited by itself, not killed: ${JSON.stringify(e)}`);
  assert.equal(exits[1]!.code, 0, bGen.stderr());
  assert.equal(exits[2]!.code, 0, bEval.stderr());
  assert.deepEqual(descendants(a.child.pid!), [], 'nothing of machine A left running');

  const resultsB = path.join(machines.B, 'results', 'far');
  const generators = [await stopTimes(path.join(resultsA, 'gpu0.log')), await stopTimes(path.join(resultsB, 'gpu1.log'))];
  const others = [await stopTimes(path.join(resultsB, 'eval0.log')), await stopTimes(path.join(resultsA, 'combiner.log'))];
  const lastGenerator = Math.max(...generators.map((g) => g.exited));
  for (const o of others) assert.ok(o.stopping >= lastGenerator, `evaluators and the combiner stop only after every generator exited (${o.stopping} < ${lastGenerator})`);

  // The same command on A resumes; B's evaluator is started again by hand.
  const resumed = startPassk(['run', ...common, ...PLAN, '--gpus', '1', '--evaluators', '0', '--sim-tps', '0'], { cwd: machines.A });
  // Started once the orchestrator has cleared the stop flags of the last stop (else it would obey them).
  await waitFor(() => /resuming run far/.test(resumed.stdout()), 60_000, 'the resumed orchestrator');
  const bEval2 = startPassk(['evaluator', ...common], { cwd: machines.B });
  const done = await resumed.exit;
  assert.equal(done.code, 0, resumed.stdout() + resumed.stderr());
  assert.match(resumed.stdout(), /resuming run far/);
  assert.equal((await readJson(path.join(resultsA, 'run_summary.json'))).samples_done, 4 * 3 * 12);
  assert.equal((await bEval2.exit).code, 0, bEval2.stderr());
});
