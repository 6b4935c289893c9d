/**
 * A real `passk run` (sim backend) records what produced its numbers and shows how code was extracted:
 * provenance (passk version + commit, extraction rule, grading mode, grader version, interpreter) in
 * plan.json, every combined file, summary.json and run_summary.json; extraction counts per temperature
 * in the rows, run_summary.json, `passk status` and the end-of-run table; the table's pass@1/pass@10
 * columns (pass@100 said to be left out at n = 10) and best temperature; E2EL latency per temperature.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readdir } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tempDir } from '../helpers/tmp.js';
import { runPassk, readJson, REPO } from '../helpers/passk.js';
import { GRADER_VERSION } from '../../packages/evaluator/src/grader.js';
import { temperatureLabel } from '../../packages/core/src/naming.js';

const ARGS = ['--backend', 'sim', '--problems', 'demo', '--end', '2', '--n', '10', '--shard-size', '5', '--temperatures', '0.2,1.0', '--gpus', '1', '--evaluators', '1'];

test('passk run stamps provenance everywhere and shows extraction, pass@1/pass@10 and the best temperature', { timeout: 300_000 }, async () => {
  const root = await tempDir();
  const run = await runPassk(['run', '--run', 'pv', ...ARGS], { cwd: root, timeoutMs: 240_000 });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const results = path.join(root, 'results', 'pv');
  const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
  const python = execFileSync('python3', ['-c', 'import sys, os; print(os.path.realpath(sys.executable)); print(sys.version.split()[0]); import numpy; print(numpy.__version__)'], { encoding: 'utf8' }).trim().split('\n');
  const expected = {
    passk_version: '0.1.0',
    passk_commit: commit,
    extraction_rule: 'lcb_strict',
    grading: 'lcb',
    grader_version: GRADER_VERSION,
    interpreter: { path: python[0], version: python[1], packages: { numpy: python[2] } },
  };
  const plan = await readJson(path.join(results, 'plan.json'));
  assert.deepEqual(plan.provenance, expected);
  const runSummary = await readJson(path.join(results, 'run_summary.json'));
  assert.deepEqual(runSummary.provenance, expected);
  for (const q of ['q0', 'q1']) {
    const summary = await readJson(path.join(results, q, 'summary.json'));
    assert.deepEqual(summary.provenance, expected, `${q}/summary.json`);
    const combined = (await readdir(path.join(results, q))).filter((n) => n.endsWith('_combined.json'));
    assert.equal(combined.length, 2);
    for (const name of combined) {
      const file = await readJson(path.join(results, q, name));
      assert.deepEqual(file.provenance, expected, name);
      // sim wraps every program in a python fence: all extracted by LiveCodeBench's rule.
      assert.deepEqual(file.extraction, { last_fenced: 10 }, name);
      assert.equal(file.latency.e2el_ms.count, 10, `${name}: the sim backend times every sample end to end`);
    }
  }
  for (const t of runSummary.per_temperature) {
    assert.deepEqual(t.extraction, { last_fenced: 20 });
    assert.equal(t.latency.e2el_ms.count, 20);
    for (const f of ['mean', 'median', 'p90', 'p99']) assert.equal(typeof t.latency.e2el_ms[f], 'number', f);
    assert.equal(t.latency.ttft_ms, undefined, 'sim does not stream: no TTFT');
  }

  const out = run.stdout.split('\n');
  const at = out.findIndex((l) => l.startsWith('passk: run pv: 2/2 questions, 40 samples'));
  assert.ok(at >= 0, run.stdout);
  assert.match(out[at + 1]!, new RegExp(`^ {2}passk 0\\.1\\.0 \\(${commit.slice(0, 12)}\\) · extraction lcb_strict · grading lcb \\(grader ${GRADER_VERSION}\\) · python ${python[1]!.replace(/\./g, '\\.')} `));
  assert.match(out[at + 2]!, /^ {2}temperature {2}pass rate \(passed\/n\) +pass@1 \[95% CI\] +pass@10 \[95% CI\]$/);
  assert.match(out[at + 3]!, /^ {2}0\.2 +\d+\.\d\d% \(\d+\/20\) +\d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\] +\d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\]$/);
  assert.match(out[at + 4]!, /^ {2}1\.0 +\d+\.\d\d% \(\d+\/20\) /);
  const best = runSummary.best_temperature;
  assert.equal(out[at + 5], `  best temperature: pass@1 at T=${temperatureLabel(best['pass@1'].temperature)} (${best['pass@1'].value.toFixed(3)}), pass@10 at T=${temperatureLabel(best['pass@10'].temperature)} (${best['pass@10'].value.toFixed(3)})`);
  assert.equal(out[at + 6], '  (pass@100 not shown: k > n = 10)');
  assert.equal(out[at + 7], '  extraction:');
  assert.equal(out[at + 8], '    T=0.2 no code 0/20 (0.0 %); last_fenced 20');
  assert.equal(out[at + 9], '    T=1.0 no code 0/20 (0.0 %); last_fenced 20');

  const status = await runPassk(['status', '--run', 'pv'], { cwd: root });
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /\n {2}extraction:\n {4}T=0\.2 no code 0\/20 \(0\.0 %\); last_fenced 20\n {4}T=1\.0 no code 0\/20 \(0\.0 %\); last_fenced 20/);
  const json = JSON.parse((await runPassk(['status', '--run', 'pv', '--json'], { cwd: root })).stdout);
  assert.deepEqual(json.extraction, [
    { temperature: 0.2, no_code: 0, samples: 20, rules: { last_fenced: 20 } },
    { temperature: 1, no_code: 0, samples: 20, rules: { last_fenced: 20 } },
  ]);
});
