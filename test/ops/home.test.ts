/**
 * Runs are found, not re-created, and resumed or extended by name — through the real CLI, run from a
 * directory that is not the passk home: a missing run fails naming where passk looked and the runs there
 * (creating nothing), `passk runs` lists runs, `passk resume --run NAME` takes the plan from plan.json, and a
 * larger --n / more temperatures adds only the new samples (seed_base + i), while a smaller --n is refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { runPassk, readJson } from '../helpers/passk.js';
import { tempDir } from '../helpers/tmp.js';

const SIM = ['--backend', 'sim', '--problems', 'demo', '--end', '2', '--shard-size', '4', '--gpus', '1', '--evaluators', '1', '--sim-tps', '0', '--progress-interval', '1'];

test('from another directory: a missing run fails and creates nothing; passk runs; resume and extend by name', { timeout: 300_000 }, async () => {
  const home = await tempDir();
  const elsewhere = await tempDir();
  const opts = { cwd: elsewhere, env: { PASSK_HOME: home } };

  const missing = await runPassk(['status', '--run', 'demo'], opts);
  assert.equal(missing.code, 2, missing.stdout + missing.stderr);
  assert.match(missing.stderr, new RegExp(`^passk: ERR_NO_PLAN: .*there is no run \`demo\` in passk home ${home} .*no run is there yet`));
  assert.equal(existsSync(path.join(home, 'queue')), false, 'status created no run skeleton');
  assert.equal(existsSync(path.join(elsewhere, 'queue')), false, 'nothing in the current directory either');
  // Independent of each other: run side by side.
  const commands = ['stop', 'evaluator', 'generator', 'combiner', 'resume'];
  const results = await Promise.all(commands.map((command) => runPassk([command, '--run', 'demo'], opts)));
  for (const [i, r] of results.entries()) {
    assert.equal(r.code, 2, `${commands[i]}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /ERR_NO_PLAN: .*there is no run `demo`/, commands[i]);
  }
  assert.equal(existsSync(path.join(home, 'queue')), false, 'no command but run created a run');

  const first = await runPassk(['run', '--run', 'ext', ...SIM, '--n', '4', '--temperatures', '0.2'], opts);
  assert.equal(first.code, 0, first.stdout + first.stderr);
  assert.match(first.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \[ext SIMULATED\] samples \d+\/8 /m, 'progress lines outside a TTY are timestamped');
  const resultsDir = path.join(home, 'results', 'ext');
  assert.ok(existsSync(path.join(resultsDir, 'plan.json')), 'the run lives under the home, not the cwd');

  // Read-only queries of the finished run: side by side.
  const [other, json, runs, status] = await Promise.all([['status', '--run', 'nope'], ['runs', '--json'], ['runs'], ['status', '--run', 'ext']].map((args) => runPassk(args, opts)));
  assert.match(other!.stderr, /runs there: ext /);
  assert.deepEqual(JSON.parse(json!.stdout).map((r: { run: string; state: string; samples_done: number }) => [r.run, r.state, r.samples_done]), [['ext', 'FINISHED', 8]]);
  assert.equal(runs!.code, 0, runs!.stderr);
  assert.match(runs!.stdout, new RegExp(`^runs in ${home}/results:\\n {2}name +state +progress +started\\n {2}ext +FINISHED +8/8 \\(100%\\) +\\d{4}-`));
  assert.match(status!.stdout, /^FINISHED {2}run ext/);

  // `passk run` with some plan flags compares them as typed (the others take their defaults): refused,
  // with the `passk resume` that grows the run by the flags given alone.
  const typed = await runPassk(['run', '--run', 'ext', '--backend', 'sim', '--n', '8', '--temperatures', '0.2,1.0'], opts);
  assert.equal(typed.code, 2, typed.stdout + typed.stderr);
  const hint = /To extend it by --n, --temperatures alone: `([^`]+)` \(resume takes every plan flag not given from the plan\)/.exec(typed.stderr);
  assert.ok(hint, typed.stderr);
  assert.equal(hint[1], `passk --home ${home} resume --run ext --n 8 --temperatures 0.2,1`);
  // Resume by name, growing n and adding a temperature (the hint, pasted): the plan's other flags come from plan.json.
  const before = await readJson(path.join(resultsDir, 'q0', 't0_2_combined.json'));
  const grown = await runPassk([...hint[1].split(' ').slice(1), '--sim-tps', '0', '--evaluators', '1', '--progress-interval', '1'], opts);
  assert.equal(grown.code, 0, grown.stdout + grown.stderr);
  assert.match(grown.stdout, /the plan of run ext .* gives --problems --shard-size --start --end/);
  assert.match(grown.stdout, /extending run ext \(n: was 4, now 8; temperatures: was \[0\.2\], now \[0\.2,1\]\)/);
  assert.match(grown.stdout, /\(6 work items queued\)/, 'only the new shards: one per old group, two per new one');
  const plan = await readJson(path.join(resultsDir, 'plan.json'));
  assert.equal(plan.n, 8);
  assert.deepEqual(plan.temperatures, [0.2, 1]);
  for (const q of [0, 1]) {
    for (const t of ['0_2', '1_0']) {
      const combined = await readJson(path.join(resultsDir, `q${q}`, `t${t}_combined.json`));
      assert.deepEqual(combined.samples.map((s: { index: number }) => s.index), [0, 1, 2, 3, 4, 5, 6, 7], `q${q} t${t}`);
      assert.deepEqual(combined.samples.map((s: { seed: number }) => s.seed), [0, 1, 2, 3, 4, 5, 6, 7]);
    }
  }
  const after = await readJson(path.join(resultsDir, 'q0', 't0_2_combined.json'));
  assert.deepEqual(after.samples.slice(0, 4), before.samples, 'the first four samples are the old ones, untouched');
  const summary = await readJson(path.join(resultsDir, 'run_summary.json'));
  assert.equal(summary.finished, true);
  assert.equal(summary.samples_done, 2 * 2 * 8);

  const again = await runPassk(['run', '--run', 'ext'], opts);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /every summary is already written/);
  const shrink = await runPassk(['resume', '--run', 'ext', '--n', '6'], opts);
  assert.equal(shrink.code, 2);
  assert.match(shrink.stderr, /^passk: ERR_PLAN_MISMATCH: .*different plan \(n: was 8, now 6\)\. Use another --run name, .* Not an extension: --n can only grow \(was 8, now 6\)\.$/m);
  assert.doesNotMatch(shrink.stderr, /"level"|\n\s+at /, 'no JSON and no stack on the terminal');
  const other2 = await runPassk(['resume', '--run', 'ext', '--top-p', '0.5'], opts);
  assert.equal(other2.code, 2);
  assert.match(other2.stderr, /different plan \(top_p: was 0\.95, now 0\.5\)\. .*Not an extension: only --n, --temperatures and the questions can grow on an existing run\./);
});
