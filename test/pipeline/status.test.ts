/**
 * `passk status` (plain and --json) and `passk stop` with nothing running, on the default
 * filesystem queue (queue/<run> and results/<run> under the working directory), and the
 * throughput window: a resumed run's rate counts from its restart, not over the time it was stopped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readdir, readFile, writeFile, mkdir, stat } from 'node:fs/promises';
import { tempDir } from '../helpers/tmp.js';
import { runPassk, startPassk, readJson, waitFor } from '../helpers/passk.js';
import { ProgressLog, PROGRESS_KEEP_MS } from '../../packages/combiner/src/progress.js';

// 8 shards, one per (question, temperature) group, of 3 samples of ~19 tokens at 60 tokens/s: about
// 1 s of generation each. The generator is paused (SIGSTOP) as soon as its first shard is handed off,
// so the status taken after the first combined group sees the run in progress however long it
// takes on a loaded machine; then it goes on (SIGCONT) and the run finishes.
const SMALL = ['--backend', 'sim', '--problems', 'demo', '--end', '4', '--n', '3', '--shard-size', '3', '--temperatures', '0.2,1.0', '--gpus', '1', '--evaluators', '1', '--sim-tps', '60'];
const TOTAL = 4 * 2 * 3;
const WORKERS = ['combiner', 'eval0', 'gpu0', 'orchestrator'];

/** Files in a queue subdirectory (none when it does not exist yet). */
async function entries(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => [] as string[]);
}

test('passk status and passk stop on the default filesystem queue: during the run, after it, and with nothing running', { timeout: 600_000 }, async () => {
  const root = await tempDir();
  const queueDir = path.join(root, 'queue', 'st');
  const resultsDir = path.join(root, 'results', 'st');
  const summaryFile = path.join(resultsDir, 'run_summary.json');
  const run = startPassk(['run', '--run', 'st', ...SMALL], { cwd: root });
  // The first shard past generation (waiting for an evaluator, being graded, or further): pause gpu0 there.
  await waitFor(async () => {
    const handedOff = [...(await entries(path.join(queueDir, 'pending_eval'))), ...(await entries(path.join(queueDir, 'claimed'))).filter((f) => f.includes('.eval.')), ...(await entries(path.join(queueDir, 'pending_combine')))];
    return handedOff.length > 0 || (await readJson(summaryFile).then((s) => s.samples_done > 0, () => false));
  }, 120_000, 'the first generated shard');
  const gpu0Pid = (await readJson(path.join(queueDir, 'workers', 'gpu0.json'))).pid as number;
  process.kill(gpu0Pid, 'SIGSTOP');
  try {
    await waitFor(() => readJson(summaryFile).then((s) => s.samples_done > 0, () => false), 120_000, 'the first combined group');
    const live = await runPassk(['status', '--run', 'st', '--json'], { cwd: root });
    assert.equal(live.code, 0, live.stderr);
    const during = JSON.parse(live.stdout);
    assert.equal(during.queue_dir, queueDir, 'the default queue dir is queue/<run> under the working directory');
    assert.equal(during.results_dir, resultsDir);
    assert.equal(during.transport, 'fs');
    assert.equal(during.planned, true);
    assert.equal(during.simulated, true);
    assert.equal(during.samples_total, TOTAL);
    assert.ok(during.samples_done > 0 && during.samples_done < TOTAL, `samples_done ${during.samples_done}`);
    assert.equal(during.finished, false);
    assert.equal(during.rate_basis, 'recent');
    assert.ok(during.samples_per_s > 0, `a rate while the run moves: ${during.samples_per_s}`);
    assert.ok(during.rate_window_s >= 0 && during.rate_window_s <= 300);
    assert.ok(during.eta_s > 0, `an ETA while the run moves: ${during.eta_s}`);
    assert.deepEqual(during.workers.map((w: { name: string }) => w.name), WORKERS);
    for (const w of during.workers) assert.equal(w.alive, true, `${w.name} alive during the run`);
  } finally {
    process.kill(gpu0Pid, 'SIGCONT');
  }

  const { code } = await run.exit;
  assert.equal(code, 0, run.stdout() + run.stderr());

  const plain = await runPassk(['status', '--run', 'st'], { cwd: root });
  assert.equal(plain.code, 0, plain.stderr);
  const lines = plain.stdout.split('\n');
  // The headline says FINISHED; a finished run shows no rate and no ETA.
  assert.equal(lines[0], 'FINISHED  run st  (SIMULATED backend: numbers exercise the pipeline, not a model)');
  assert.equal(lines[1], `  queue   ${queueDir}`);
  assert.equal(lines[2], `  results ${resultsDir}`);
  assert.equal(lines[3], '  backend sim  model sim');
  assert.equal(lines[4], '  progress: 24/24 samples, 8/8 (question, temperature) pairs, 4/4 questions');
  assert.match(lines[5]!, /^ {2}active \S+, \d+(\.\d)? samples\/s on average$/, 'the average over the active time');
  assert.equal(lines[6], '  queues: pending gen 0  eval 0  combine 0  claimed gen 0 eval 0  failed 0');
  assert.equal(lines[7], '  workers:');
  for (const [i, name] of WORKERS.entries()) assert.match(lines[8 + i]!, new RegExp(`^ {4}${name} +gone  exited +pid \\d+ +heartbeat \\S+ ago  items \\d+  samples \\d+$`));

  const json = await runPassk(['status', '--run', 'st', '--json'], { cwd: root });
  assert.equal(json.code, 0, json.stderr);
  const after = JSON.parse(json.stdout);
  assert.equal(after.run, 'st');
  assert.equal(after.queue_dir, queueDir);
  assert.deepEqual(after.queue, { pending: { gen: 0, eval: 0, combine: 0 }, claimed: { gen: 0, eval: 0, combine: 0 }, failed: 0 });
  assert.deepEqual([after.samples_done, after.samples_total, after.groups_done, after.groups_total, after.questions_done, after.questions_total], [TOTAL, TOTAL, 8, 8, 4, 4]);
  assert.equal(after.finished, true);
  assert.equal(after.eta_s, 0);
  for (const w of after.workers) assert.deepEqual([w.name, w.alive, w.state], [w.name, false, 'exited']);
  const gpu0 = after.workers.find((w: { name: string }) => w.name === 'gpu0');
  assert.equal(gpu0.samples_done, TOTAL, 'the generator made every sample');
  const summary = await readJson(path.join(resultsDir, 'run_summary.json'));
  const points = summary.recent_progress as Array<{ at: string; samples: number }>;
  assert.equal(points[0]!.samples, 0, 'the combiner records from its start');
  assert.equal(points.at(-1)!.samples, TOTAL, 'every sample it received');

  // passk stop with nothing running: says so, exits 0, changes nothing (no stop flag left for later workers).
  const controlBefore = await snapshot(path.join(queueDir, 'control'));
  const stop = await runPassk(['stop', '--run', 'st'], { cwd: root });
  assert.equal(stop.code, 0, stop.stdout + stop.stderr);
  assert.equal(stop.stdout, `passk stop: nothing to stop: no orchestrator or worker of run st is running (4 worker record(s) in ${queueDir}, none alive); nothing was changed.\n`);
  assert.deepEqual(await snapshot(path.join(queueDir, 'control')), controlBefore);
  const none = await runPassk(['stop', '--run', 'nosuchrun'], { cwd: root });
  // A run that does not exist: exit 2, naming where passk looked and the runs that are there.
  assert.equal(none.code, 2, none.stdout + none.stderr);
  assert.match(none.stderr, new RegExp(`^passk: ERR_NO_PLAN: .*there is no run \`nosuchrun\` in passk home ${root}.*runs there: st`));
  assert.deepEqual((await readdir(path.join(root, 'queue'))).sort(), ['st'], 'a mistyped run name creates nothing');
});

async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of await readdir(dir)) out[name] = `${await readFile(path.join(dir, name), 'utf8')}@${(await stat(path.join(dir, name))).mtimeMs}`;
  return out;
}

/** A run planned two hours ago whose combiner recorded these [seconds ago, samples] points; its status. */
async function fakeRun(root: string, name: string, points: Array<[number, number]> | undefined, samplesDone: number) {
  const now = Date.now();
  const resultsDir = path.join(root, 'results', name);
  await mkdir(resultsDir, { recursive: true });
  const created = new Date(now - 7200_000).toISOString();
  const plan = { version: 1, run: name, created_at: created, problems: 'demo', questions: [{ idx: 0, id: 'a', title: 'A' }], n: 10_000, shard_size: 100, temperatures: [0.2, 0.8], seed: 0, top_p: 0.95, max_tokens: 100, stop: [], backend: 'sim', model: 'sim', simulated: true };
  await writeFile(path.join(resultsDir, 'plan.json'), JSON.stringify(plan));
  const summary = {
    run: name, backend: 'sim', model: 'sim', simulated: true, n: 10_000, temperatures: [0.2, 0.8], questions_total: 1, questions_done: 0, finished: false,
    started_at: created, updated_at: new Date(now).toISOString(), samples_done: samplesDone, per_temperature: [],
    ...(points ? { recent_progress: points.map(([ago, samples]) => ({ at: new Date(now - ago * 1000).toISOString(), samples })) } : {}),
  };
  await writeFile(path.join(resultsDir, 'run_summary.json'), JSON.stringify(summary));
  const status = await runPassk(['status', '--run', name, '--json'], { cwd: root });
  assert.equal(status.code, 0, status.stderr);
  return { status: JSON.parse(status.stdout), elapsed: (Date.now() - now) / 1000 };
}

test('throughput and ETA come from the last minutes of completions, not from an average over the stopped time', { timeout: 60_000 }, async () => {
  const root = await tempDir();
  // Resumed 100 s ago after being stopped for most of two hours: 1560 samples before, 600 since.
  const resumed = await fakeRun(root, 'resumed', [[100, 0], [50, 300], [2, 600]], 2160);
  const window = 100 + resumed.elapsed;
  assert.equal(resumed.status.rate_basis, 'recent');
  assert.ok(Math.abs(resumed.status.samples_per_s - 600 / window) <= 0.15, `recent rate ${resumed.status.samples_per_s} ≈ ${600 / window}`);
  assert.ok(resumed.status.rate_window_s >= 100 && resumed.status.rate_window_s <= window + 1);
  assert.equal(resumed.status.run_average_samples_per_s, 0.3, 'the whole-run average (2160 / 2 h) is 20 times lower');
  // Nothing of these runs is alive: STOPPED, so no ETA (test/ops/status-state.test.ts has a live one).
  assert.equal(resumed.status.state, 'STOPPED');
  assert.equal(resumed.status.eta_s, null);

  // A combiner up for 15 minutes: only the last 5 count (1000 received before the window, 1200 in it).
  const steady = await fakeRun(root, 'steady', [[900, 0], [400, 1000], [200, 1000], [100, 1600], [1, 2200]], 5000);
  assert.ok(Math.abs(steady.status.samples_per_s - 4) <= 0.1, `window rate ${steady.status.samples_per_s} ≈ 1200 / 300 s`);
  assert.equal(steady.status.rate_window_s, 300);

  // Stopped for the last 10 minutes: nothing in the window, so no rate and no ETA.
  const stopped = await fakeRun(root, 'stopped', [[3600, 0], [700, 900], [600, 1000]], 1000);
  assert.equal(stopped.status.samples_per_s, 0);
  assert.equal(stopped.status.eta_s, null);

  // A run summary from before recent_progress existed: the run average, said to be one.
  const old = await fakeRun(root, 'old', undefined, 7200);
  assert.equal(old.status.rate_basis, 'run average');
  assert.equal(old.status.rate_window_s, null);
  assert.equal(old.status.samples_per_s, 1);
  const plain = await runPassk(['status', '--run', 'old'], { cwd: root });
  assert.match(plain.stdout, /^STOPPED {2}run old/);
  assert.doesNotMatch(plain.stdout, /throughput|ETA/, 'a stopped run shows no rate and no ETA');
});

test("the combiner's progress log: a start point, merged close arrivals, old points dropped but the window's anchor kept", () => {
  const t0 = 1_000_000_000_000;
  const log = new ProgressLog(t0);
  log.add(10, t0 + 1000);
  log.add(5, t0 + 1500); // within 2 s of the previous arrival: merged
  log.add(7, t0 + 10_000);
  assert.deepEqual(log.toJSON().map((p) => [Date.parse(p.at) - t0, p.samples]), [[0, 0], [1500, 15], [10_000, 22]]);
  const later = t0 + PROGRESS_KEEP_MS + 5000;
  log.add(1, later);
  assert.deepEqual(log.toJSON().map((p) => [Date.parse(p.at) - t0, p.samples]), [[1500, 15], [10_000, 22], [PROGRESS_KEEP_MS + 5000, 23]], 'the newest point older than 15 min stays as the anchor');
});
