import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { writeFile, readdir, readFile, access, mkdir } from 'node:fs/promises';
import { parseClaimFileName } from '@passk/core';
import { tempDir } from '../helpers/tmp.js';
import { startPassk, runPassk, runDirs, readJson, waitFor, leftovers, comparableSummaries, withOption, referenceSummaries } from '../helpers/passk.js';

test('bad queue files are quarantined with a reason or ignored as documented; nothing lost; daemons keep running', { timeout: 180_000 }, async () => {
  const root = await tempDir();
  const queueDir = path.join(root, 'queue', 'bad');
  const resultsDir = path.join(root, 'results', 'bad');
  const run = startPassk(['run', ...runDirs(root, 'bad'), '--backend', 'sim', '--problems', 'demo', '--end', '3', '--n', '8', '--shard-size', '4', '--temperatures', '0.2,0.8', '--gpus', '1', '--evaluators', '1', '--sim-tps', '1500']);
  await waitFor(() => access(path.join(resultsDir, 'combiner.log')).then(() => true, () => false), 30_000, 'the combiner to start');
  await writeFile(path.join(queueDir, 'pending_eval', 'q0_t0_2_s90.json'), '{"version":1,"item":"q0_t0_2_s90","question_idx":0,');
  await writeFile(path.join(queueDir, 'pending_combine', 'q1_t0_2_s91.json'), JSON.stringify({ version: 1, item: 'q1_t0_2_s91' }));
  await writeFile(path.join(queueDir, 'pending_gen', 'q2_t0_8_s92.json'), JSON.stringify({ version: 1, item: 'q2_t0_8_s92', question_idx: 2, temperature: 0.8, shard: 92, first_sample: 0, count: -4, seed_base: 0, attempts: 0 }));
  await writeFile(path.join(queueDir, 'pending_gen', 'README.txt'), 'a user note');
  const { code } = await run.exit;
  assert.equal(code, 0, run.stdout() + run.stderr());
  const failed = (await readdir(path.join(queueDir, 'failed'))).sort();
  assert.deepEqual(failed, [
    'q0_t0_2_s90.eval.json', 'q0_t0_2_s90.eval.reason.json',
    'q1_t0_2_s91.combine.json', 'q1_t0_2_s91.combine.reason.json',
    'q2_t0_8_s92.gen.json', 'q2_t0_8_s92.gen.reason.json',
  ]);
  const truncated = await readJson(path.join(queueDir, 'failed', 'q0_t0_2_s90.eval.reason.json'));
  assert.equal(truncated.code, 'ERR_JSON_MALFORMED');
  assert.match(truncated.message, /pending_eval\/q0_t0_2_s90\.json: not valid JSON/);
  const invalid = await readJson(path.join(queueDir, 'failed', 'q1_t0_2_s91.combine.reason.json'));
  assert.equal(invalid.code, 'ERR_SCHEMA_INVALID');
  assert.equal(invalid.field, 'question_idx');
  const negative = await readJson(path.join(queueDir, 'failed', 'q2_t0_8_s92.gen.reason.json'));
  assert.equal(negative.field, 'count');
  assert.equal(await readFile(path.join(queueDir, 'failed', 'q0_t0_2_s90.eval.json'), 'utf8'), '{"version":1,"item":"q0_t0_2_s90","question_idx":0,', 'the bad file is kept byte for byte');
  assert.deepEqual(await leftovers(queueDir), ['pending_gen/README.txt'], 'unknown files are left where they are');
  const orchestratorLog = await readFile(path.join(resultsDir, 'orchestrator.log'), 'utf8');
  assert.doesNotMatch(orchestratorLog, /worker crashed/, 'no daemon crashed');
  const summary = await readJson(path.join(resultsDir, 'run_summary.json'));
  assert.equal(summary.samples_done, 3 * 2 * 8);
});

const PLAN = ['--backend', 'sim', '--problems', 'demo', '--end', '3', '--n', '8', '--shard-size', '4', '--temperatures', '0.2,0.8', '--gpus', '1', '--evaluators', '1', '--sim-tps', '400', '--restart-backoff-ms', '200', '--max-attempts', '1'];

test('failed items of the plan: exit 1 naming them and their reason files; --retry-failed finishes the run as if undisturbed', { timeout: 600_000 }, async () => {
  const root = await tempDir();
  const reference = referenceSummaries(['run', ...runDirs(root, 'ref'), ...withOption(PLAN, '--sim-tps', '0')], path.join(root, 'results', 'ref'));

  const args = ['run', ...runDirs(root, 'retry'), ...PLAN];
  const queueDir = path.join(root, 'queue', 'retry');
  const resultsDir = path.join(root, 'results', 'retry');
  const failedDir = path.join(queueDir, 'failed');
  // A corrupted generated shard of the plan (as a torn disk write would leave it): seeding sees the
  // item as present, so only the quarantine and a retry can bring it back.
  await mkdir(path.join(queueDir, 'pending_eval'), { recursive: true });
  await writeFile(path.join(queueDir, 'pending_eval', 'q1_t0_8_s0.json'), '{"version":1,"item":"q1_t0_8_s0","question_idx":1,');
  const run = startPassk(args);
  // With --max-attempts 1, a generator SIGKILLed mid-shard sends its item to failed/ (ERR_TOO_MANY_ATTEMPTS).
  const claim = await waitFor(async () => {
    for (const name of await readdir(path.join(queueDir, 'claimed')).catch(() => [] as string[])) {
      const parsed = parseClaimFileName(name);
      if (parsed?.stage === 'gen') return parsed;
    }
    return undefined;
  }, 60_000, 'a generator to claim a shard');
  process.kill(claim.pid, 'SIGKILL');
  const first = await run.exit;
  const out = run.stdout();
  assert.equal(first.code, 1, out + run.stderr());
  assert.match(out, /nothing is left to do but 2 failed item\(s\) of the plan/);
  assert.match(out, /q1_t0_8_s0 \(eval\): ERR_JSON_MALFORMED: \S*pending_eval\/q1_t0_8_s0\.json: not valid JSON/);
  assert.ok(out.includes(`reason: ${path.join(failedDir, 'q1_t0_8_s0.eval.reason.json')}`), out);
  assert.match(out, new RegExp(`${claim.stem} \\(gen\\): ERR_TOO_MANY_ATTEMPTS: .*\\(1 attempts\\)`));
  assert.ok(out.includes(`reason: ${path.join(failedDir, `${claim.stem}.gen.reason.json`)}`), out);
  assert.ok(out.includes(`passk run ${args.slice(1).join(' ')} --retry-failed`), `the retry command is printed:\n${out}`);
  const failedQuestion = Number(/^q(\d+)_/.exec(claim.stem)![1]);
  for (const q of [0, 1, 2]) {
    const written = await access(path.join(resultsDir, `q${q}`, 'summary.json')).then(() => true, () => false);
    if (q === 1 || q === failedQuestion) assert.equal(written, false, `q${q} cannot be complete`);
  }

  // A plain resume does not retry them (they would fail the same way): it says so and ends the same way.
  const again = await runPassk(args, { timeoutMs: 120_000 });
  assert.equal(again.code, 1, again.stdout + again.stderr);
  assert.match(again.stdout, /2 item\(s\) of the plan are in \S+ and are not retried/);

  const retried = await runPassk([...args, '--retry-failed'], { timeoutMs: 240_000 });
  assert.equal(retried.code, 0, retried.stdout + retried.stderr);
  assert.match(retried.stdout, new RegExp(`--retry-failed: 2 failed item\\(s\\) of the plan back to work; attempts reset: ${claim.stem} → pending_gen; generated again \\(their content was bad\\): q1_t0_8_s0`));
  assert.deepEqual(await comparableSummaries(resultsDir), await reference, 'the same summaries as an undisturbed run');
  assert.equal((await readJson(path.join(resultsDir, 'run_summary.json'))).samples_done, 3 * 2 * 8);
  // Nothing lost: the failed files and their reasons are kept as history, out of the way.
  assert.deepEqual(await readdir(failedDir), ['retried']);
  const history = (await readdir(path.join(failedDir, 'retried'))).sort();
  assert.equal(history.length, 4, history.join(' '));
  const stamp = '\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\d-\\d{3}Z';
  assert.ok(history.some((n) => new RegExp(`^q1_t0_8_s0\\.eval\\.${stamp}\\.json$`).test(n)), history.join(' '));
  assert.ok(history.some((n) => new RegExp(`^q1_t0_8_s0\\.eval\\.${stamp}\\.reason\\.json$`).test(n)), history.join(' '));
  assert.ok(history.some((n) => new RegExp(`^${claim.stem}\\.gen\\.${stamp}\\.reason\\.json$`).test(n)), history.join(' '));
  const corrupt = history.find((n) => n.startsWith('q1_t0_8_s0.eval.') && !n.endsWith('.reason.json'))!;
  assert.equal(await readFile(path.join(failedDir, 'retried', corrupt), 'utf8'), '{"version":1,"item":"q1_t0_8_s0","question_idx":1,', 'kept byte for byte');
  assert.deepEqual(await leftovers(queueDir), []);
});
