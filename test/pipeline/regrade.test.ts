/**
 * `passk regrade` through the real CLI: a finished sim run graded again with the other mode into a new
 * run (complete summaries, the same samples, nothing generated), `passk report --compare` listing the
 * question whose pass rate moved, resume and refusals; and a stopped run (generated, never evaluated)
 * regraded from its queue dir, a shard it never generated reported as missing, then finished on resume.
 *
 * The problems: q0 is a plain stdin problem; q1's reference solution prints the right answer and then
 * calls sys.exit(1): lcb_runner swallows the SystemExit (passed), a judge sees a non-zero exit
 * (runtime_error) (docs/grading.md). The sim model emits the reference solution for its correct samples.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readdir, readFile, rename, writeFile, access } from 'node:fs/promises';
import { combinedFileName } from '@passk/core';
import { tempDir } from '../helpers/tmp.js';
import { runPassk, startPassk, readJson, waitFor, combinedSampleProblems, comparableSummaries } from '../helpers/passk.js';
import { RunProcesses, newMarker } from '../helpers/procs.js';

const PROBLEMS = [
  { id: 'sum-two', kind: 'stdin', content: 'Read a and b; print a+b.', public_tests: [{ input: '1 2\n', output: '3' }], private_tests: [{ input: '5 5\n', output: '10' }], reference_solution: 'print(sum(map(int, input().split())))' },
  { id: 'sum-exit', kind: 'stdin', content: 'Read a and b; print a+b.', public_tests: [{ input: '1 2\n', output: '3' }], private_tests: [{ input: '5 5\n', output: '10' }], reference_solution: 'import sys\nprint(sum(map(int, input().split())))\nsys.exit(1)' },
];
const TEMPS = [0.3, 0.6];
const SWEEP = ['--backend', 'sim', '--n', '8', '--shard-size', '4', '--temperatures', TEMPS.join(','), '--gpus', '1', '--sim-tps', '0', '--progress-interval', '1'];

async function setup(): Promise<{ root: string; problems: string }> {
  const root = await tempDir('passk-regrade-');
  const problems = path.join(root, 'problems.jsonl');
  await writeFile(problems, PROBLEMS.map((p) => JSON.stringify(p)).join('\n') + '\n');
  return { root, problems };
}

type Sample = { index: number; seed: number; output: string; code: string; sim_intended: string; verdict: { status: string; passed: boolean } };
const combined = (dir: string, q: number, t: number) => readJson<{ samples: Sample[]; passed: number; n: number }>(path.join(dir, `q${q}`, combinedFileName(t)));
const exists = (file: string) => access(file).then(() => true, () => false);

test('a finished run regraded with the other mode: complete summaries, the same samples, the moved question in report --compare', async () => {
  const { root, problems } = await setup();
  const procs = new RunProcesses(newMarker());
  const source = await runPassk(['run', '--run', 'src', '--problems', problems, '--evaluators', '1', ...SWEEP], { cwd: root, env: procs.env });
  assert.equal(source.code, 0, `${source.stdout}\n${source.stderr}`);
  const srcDir = path.join(root, 'results', 'src');
  const srcPlan = await readJson(path.join(srcDir, 'plan.json'));
  assert.equal(srcPlan.grading, 'lcb');

  const regrade = await runPassk(['regrade', '--run', 'src', '--grading', 'judge', '--evaluators', '1', '--progress-interval', '1'], { cwd: root, env: procs.env });
  assert.equal(regrade.code, 0, `${regrade.stdout}\n${regrade.stderr}`);
  assert.match(regrade.stdout, /regrade src-regrade-judge of run src .*8 shard\(s\) queued for grading \(8 from combined\), nothing generated/);
  const newDir = path.join(root, 'results', 'src-regrade-judge'); // the default --out-run: NAME-regrade-<mode>
  const plan = await readJson(path.join(newDir, 'plan.json'));
  assert.equal(plan.grading, 'judge');
  assert.equal(plan.regraded_from.run, 'src');
  assert.equal(plan.regraded_from.grading, 'lcb');
  assert.equal(plan.regraded_from.grader_version, srcPlan.provenance.grader_version);
  for (const field of ['n', 'shard_size', 'temperatures', 'seed', 'questions', 'backend', 'model', 'strict_extraction']) assert.deepEqual(plan[field], srcPlan[field], field);
  assert.equal(plan.provenance.grading, 'judge', "the new run's provenance is its own");
  assert.ok(!(await readdir(newDir)).some((n) => n.startsWith('gpu')), 'no generator ran');

  const runSummary = await readJson(path.join(newDir, 'run_summary.json'));
  assert.equal(runSummary.finished, true);
  assert.equal(runSummary.samples_done, 2 * 2 * 8);
  let movedSamples = 0;
  for (const q of [0, 1]) {
    const summary = await readJson(path.join(newDir, `q${q}`, 'summary.json'));
    assert.deepEqual(summary.results.map((r: { temperature: number; n: number }) => [r.temperature, r.n]), TEMPS.map((t) => [t, 8]));
    for (const t of TEMPS) {
      const [before, after] = [await combined(srcDir, q, t), await combined(newDir, q, t)];
      const strip = (s: Sample[]) => s.map(({ verdict: _v, ...rest }) => rest);
      assert.deepEqual(strip(after.samples), strip(before.samples), `q${q} T=${t}: the same samples, only the verdicts are new`);
      for (const [i, s] of after.samples.entries()) {
        const was = before.samples[i]!.verdict.status;
        // q1's correct samples exit 1 after the right output: passed in lcb, runtime_error in judge.
        const expected = q === 1 && was === 'passed' ? 'runtime_error' : was;
        assert.equal(s.verdict.status, expected, `q${q} T=${t} sample ${s.index}`);
        if (expected !== was) movedSamples++;
      }
    }
  }
  assert.ok(movedSamples > 0, 'the sim model solved q1 at least once (else nothing can move)');

  const report = await runPassk(['report', '--run', 'src-regrade-judge', '--compare', 'src', '--no-exports', '--resamples', '200'], { cwd: root });
  assert.equal(report.code, 0, report.stderr);
  const md = await readFile(path.join(newDir, 'report.md'), 'utf8');
  assert.match(md, /Run `src-regrade-judge`: .*Regrade of run `src` \(its samples graded again, nothing generated; there graded lcb, grader passk-/);
  const moved = md.slice(md.indexOf('### Questions whose pass rate moved'));
  const section = moved.slice(0, moved.indexOf('\n### ', 5));
  assert.match(section, /q1 sum-exit/);
  assert.doesNotMatch(section, /q0 sum-two/);

  // The same command again resumes (nothing left to do); another mode into the same run is refused.
  const again = await runPassk(['regrade', '--run', 'src', '--grading', 'judge', '--evaluators', '1'], { cwd: root });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /resuming regrade .*0 shard\(s\) queued/);
  const other = await runPassk(['regrade', '--run', 'src', '--grading', 'lcb', '--out-run', 'src-regrade-judge', '--evaluators', '1'], { cwd: root });
  assert.equal(other.code, 2);
  assert.match(other.stderr, /ERR_PLAN_MISMATCH: .*plan\.json: run `src-regrade-judge` exists with a different plan \(grading: was "judge", now "lcb"\)/);
  const run = await runPassk(['run', '--run', 'src-regrade-judge', '--problems', problems, '--evaluators', '1', ...SWEEP], { cwd: root });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /ERR_PLAN_MISMATCH: .*plan\.json: run `src-regrade-judge` is a regrade of run `src`/);
  const none = await runPassk(['regrade', '--run', 'nosuch'], { cwd: root });
  assert.equal(none.code, 2);
  assert.ok(none.stderr.includes(`run \`nosuch\` does not exist: no ${path.join(root, 'results', 'nosuch', 'plan.json')}`), none.stderr);
  assert.match(none.stderr, /^passk: ERR_NO_PLAN: /);
  assert.deepEqual(procs.leftovers(), [], 'no process left behind');
});

test('a stopped run is regraded from its queue dir; a shard it never generated is missing, not invented, until it exists', async () => {
  const { root, problems } = await setup();
  const srcQueue = path.join(root, 'queue', 'stopped');
  // Generation only: every shard ends in pending_eval/ and nothing is graded; then the run is stopped.
  const started = startPassk(['run', '--run', 'stopped', '--problems', problems, '--evaluators', '0', ...SWEEP], { cwd: root });
  const pending = () => readdir(path.join(srcQueue, 'pending_eval')).then((n) => n.filter((x) => x.endsWith('.json')), () => [] as string[]);
  await waitFor(async () => (await pending()).length === 8, 120_000, 'all 8 shards generated');
  started.child.kill('SIGTERM');
  assert.notEqual((await started.exit).code, 0);
  assert.ok(!(await exists(path.join(root, 'results', 'stopped', 'q0', combinedFileName(0.3)))), 'nothing was combined');
  // One shard the source "never generated": moved out of its queue dir.
  const lost = path.join(srcQueue, 'pending_eval', 'q0_t0_3_s1.json');
  const kept = path.join(root, 'q0_t0_3_s1.json');
  await rename(lost, kept);

  const first = await runPassk(['regrade', '--run', 'stopped', '--grading', 'judge', '--out-run', 'again', '--evaluators', '1', '--progress-interval', '1'], { cwd: root });
  assert.equal(first.code, 1, `${first.stdout}\n${first.stderr}`);
  assert.match(first.stdout, /7 shard\(s\) queued for grading \(7 from pending_eval\)/);
  assert.doesNotMatch(first.stdout, /still going/, 'the stopped source has no live worker');
  assert.match(first.stderr, /ERR_SAMPLES_MISSING: run `stopped` never generated 1 shard\(s\) \(4 samples\) of 1 \(question, temperature\) group\(s\): q0_t0_3_s1 \(never generated/);
  const newDir = path.join(root, 'results', 'again');
  const missing = await readJson(path.join(newDir, 'regrade_missing.json'));
  assert.deepEqual(missing.missing.map((m: { item: string }) => m.item), ['q0_t0_3_s1']);
  assert.ok(await exists(path.join(newDir, 'q1', 'summary.json')), 'a question with every sample is complete');
  assert.ok(await exists(path.join(newDir, 'q0', combinedFileName(0.6))), 'a group with every sample is combined');
  assert.ok(!(await exists(path.join(newDir, 'q0', combinedFileName(0.3)))), 'the group with a missing shard has no row');
  assert.ok(!(await exists(path.join(newDir, 'q0', 'summary.json'))));

  // The source gets its shard (as a resumed `passk run` would generate it); the same regrade resumes and completes.
  await rename(kept, lost);
  const second = await runPassk(['regrade', '--run', 'stopped', '--grading', 'judge', '--out-run', 'again', '--evaluators', '1', '--progress-interval', '1'], { cwd: root });
  assert.equal(second.code, 0, `${second.stdout}\n${second.stderr}`);
  assert.match(second.stdout, /resuming regrade again .*1 shard\(s\) queued for grading \(1 from pending_eval\)/);
  assert.ok(!(await exists(path.join(newDir, 'regrade_missing.json'))));
  for (const q of [0, 1]) {
    for (const t of TEMPS) {
      const c = await combined(newDir, q, t);
      assert.deepEqual(c.samples.map((s) => s.index), [0, 1, 2, 3, 4, 5, 6, 7]);
      const intended = (s: Sample) => (q === 1 && s.sim_intended === 'passed' ? 'runtime_error' : s.sim_intended);
      for (const s of c.samples) assert.equal(s.verdict.status, intended(s), `q${q} T=${t} sample ${s.index}`);
    }
  }
  assert.equal((await readJson(path.join(newDir, 'run_summary.json'))).finished, true);
});

test('a regrade SIGKILLed after seeding resumes with the same command: every sample graded and counted once', async () => {
  const { root, problems } = await setup();
  const procs = new RunProcesses(newMarker());
  const source = await runPassk(['run', '--run', 'src', '--problems', problems, '--evaluators', '1', ...SWEEP], { cwd: root, env: procs.env });
  assert.equal(source.code, 0, `${source.stdout}\n${source.stderr}`);
  const args = ['regrade', '--run', 'src', '--grading', 'judge', '--evaluators', '1', '--progress-interval', '1'];
  // The undisturbed reference regrade runs beside the killed one (its own out-run and marker).
  const refProcs = new RunProcesses(newMarker());
  const reference = runPassk([...args, '--out-run', 'ref'], { cwd: root, env: refProcs.env });

  const killed = startPassk([...args, '--out-run', 'crash'], { cwd: root, env: procs.env });
  await waitFor(() => /shard\(s\) queued for grading/.test(killed.stdout()), 60_000, 'the regrade to seed');
  killed.child.kill('SIGKILL');
  await killed.exit;
  // Its workers notice (parent pid gone) and stop; then the same command resumes.
  await waitFor(() => procs.leftovers().length === 0, 60_000, "the killed regrade's workers to stop");
  const resumed = await runPassk([...args, '--out-run', 'crash'], { cwd: root, env: procs.env });
  assert.equal(resumed.code, 0, `${resumed.stdout}\n${resumed.stderr}`);
  assert.match(resumed.stdout, /resuming regrade crash/);
  const refDone = await reference;
  assert.equal(refDone.code, 0, refDone.stderr);
  const crashDir = path.join(root, 'results', 'crash');
  assert.deepEqual(await combinedSampleProblems(crashDir), []);
  assert.equal((await readJson(path.join(crashDir, 'run_summary.json'))).samples_done, 2 * 2 * 8);
  assert.deepEqual(await comparableSummaries(crashDir), await comparableSummaries(path.join(root, 'results', 'ref')));
  assert.deepEqual(procs.leftovers(), [], 'no process left behind');
  assert.deepEqual(refProcs.leftovers(), [], 'no process of the reference left behind');
});
