/**
 * Issue 11 through a live `passk run --backend sim`: a FIFO, a directory and a symlink to a private
 * file dropped into the queue dirs while the run works, and a work item of the plan whose count
 * disagrees with the plan (3000 where the plan says 4). The run finishes (exit 1, naming the one
 * item of the plan that was quarantined), every hostile file is in failed/ with its reason, no
 * daemon crashed, and no byte of the private file is in any reason or log.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { writeFile, readdir, readFile, access, mkdir, symlink } from 'node:fs/promises';
import { tempDir } from '../helpers/tmp.js';
import { startPassk, runPassk, runDirs, readJson, waitFor } from '../helpers/passk.js';
import { processesMatching } from '../helpers/procs.js';

const SECRET = 'TOP-SECRET-root-only-bytes';

test('hostile queue files and an item that disagrees with the plan are quarantined; the run finishes', { timeout: 240_000 }, async () => {
  const root = await tempDir();
  const queueDir = path.join(root, 'queue', 'hostile');
  const resultsDir = path.join(root, 'results', 'hostile');
  const secret = path.join(root, 'secret.txt');
  await writeFile(secret, `${SECRET}\n`, { mode: 0o600 });
  // Seeding sees this stem as present and leaves it: the generator must check it against the plan.
  await mkdir(path.join(queueDir, 'pending_gen'), { recursive: true });
  await writeFile(
    path.join(queueDir, 'pending_gen', 'q0_t0_2_s1.json'),
    JSON.stringify({ version: 1, item: 'q0_t0_2_s1', question_idx: 0, temperature: 0.2, shard: 1, first_sample: 4, count: 3000, seed_base: 0, attempts: 0 }),
  );
  const run = startPassk(['run', ...runDirs(root, 'hostile'), '--backend', 'sim', '--problems', 'demo', '--end', '3', '--n', '8', '--shard-size', '4', '--temperatures', '0.2,0.8', '--gpus', '1', '--evaluators', '1', '--sim-tps', '1500']);
  await waitFor(() => access(path.join(resultsDir, 'combiner.log')).then(() => true, () => false), 60_000, 'the combiner to start');
  execFileSync('mkfifo', [path.join(queueDir, 'pending_eval', 'q0_t0_2_s90.json')]);
  await mkdir(path.join(queueDir, 'pending_gen', 'q1_t0_2_s91.json'));
  await symlink(secret, path.join(queueDir, 'pending_combine', 'q2_t0_8_s92.json'));
  execFileSync('mkfifo', [path.join(queueDir, 'workers', 'eval9.json')]);
  const { code } = await run.exit;
  const out = run.stdout() + run.stderr();
  assert.equal(code, 1, out);
  assert.match(out, /q0_t0_2_s1 \(gen\): ERR_PLAN_MISMATCH: .*count 3000, the plan says 4/);
  const failed = (await readdir(path.join(queueDir, 'failed'))).sort();
  assert.deepEqual(failed, [
    'q0_t0_2_s1.gen.json', 'q0_t0_2_s1.gen.reason.json',
    'q0_t0_2_s90.eval.json', 'q0_t0_2_s90.eval.reason.json',
    'q1_t0_2_s91.gen.json', 'q1_t0_2_s91.gen.reason.json',
    'q2_t0_8_s92.combine.json', 'q2_t0_8_s92.combine.reason.json',
  ]);
  const reason = (stem: string) => readJson(path.join(queueDir, 'failed', `${stem}.reason.json`));
  assert.equal((await reason('q0_t0_2_s1.gen')).field, 'count');
  assert.match((await reason('q0_t0_2_s90.eval')).message, /pending_eval\/q0_t0_2_s90\.json: refused unread: is a FIFO/);
  assert.match((await reason('q1_t0_2_s91.gen')).message, /is a directory/);
  assert.match((await reason('q2_t0_8_s92.combine')).message, /is a symbolic link/);
  for (const name of [...failed, ...(await readdir(resultsDir))]) {
    const file = name.endsWith('.log') ? path.join(resultsDir, name) : path.join(queueDir, 'failed', name);
    if (!name.endsWith('.reason.json') && !name.endsWith('.log')) continue;
    assert.ok(!(await readFile(file, 'utf8')).includes(SECRET), `${name} quotes no byte of the symlink's target`);
  }
  assert.doesNotMatch(await readFile(path.join(resultsDir, 'orchestrator.log'), 'utf8'), /worker crashed/, 'no daemon crashed');
  for (const q of [1, 2]) await access(path.join(resultsDir, `q${q}`, 'summary.json'));
  const summary = await readJson(path.join(resultsDir, 'run_summary.json'));
  // q0 at 0.2 cannot be combined without its quarantined shard: 5 of 6 groups of 8, never 3000 more.
  assert.equal(summary.samples_done, 5 * 8, 'the shard that disagreed with the plan is not counted');
});

test('a FIFO dropped into pending_eval mid-run is quarantined; `passk stop` then stops everything', { timeout: 240_000 }, async () => {
  const root = await tempDir();
  const dirs = runDirs(root, 'fifo');
  const queueDir = path.join(root, 'queue', 'fifo');
  const resultsDir = path.join(root, 'results', 'fifo');
  const run = startPassk(['run', ...dirs, '--backend', 'sim', '--problems', 'demo', '--end', '4', '--n', '24', '--shard-size', '4', '--temperatures', '0.2,0.8,1.4', '--evaluators', '1', '--sim-tps', '200']);
  await waitFor(() => access(path.join(resultsDir, 'eval0.log')).then(() => true, () => false), 60_000, 'the evaluator to start');
  execFileSync('mkfifo', [path.join(queueDir, 'pending_eval', 'q0_t0_2_s90.json')]);
  execFileSync('mkfifo', [path.join(queueDir, 'workers', 'eval9.json')]);
  // On code that opens the FIFO, the evaluator blocks in that open forever and this never appears.
  const reasonFile = path.join(queueDir, 'failed', 'q0_t0_2_s90.eval.reason.json');
  await waitFor(() => access(reasonFile).then(() => true, () => false), 120_000, 'the FIFO to be quarantined');
  assert.match((await readJson(reasonFile)).message, /is a FIFO/);
  const stop = await runPassk(['stop', ...dirs], { timeoutMs: 120_000 });
  assert.equal(stop.code, 0, stop.stdout + stop.stderr);
  const { code } = await run.exit;
  assert.equal(code, 143, run.stdout() + run.stderr());
  assert.deepEqual(processesMatching(queueDir), [], 'nothing left running');
});
