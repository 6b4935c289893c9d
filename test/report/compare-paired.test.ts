/**
 * `passk report --compare` of two real runs (sim backend, different seeds) on the same questions: a
 * paired difference per temperature (per-question differences in paired_differences.csv, a paired
 * bootstrap interval, a sign-flip permutation p-value), runs in the order given, lines drawn with a
 * dash pattern and marker per run; the header carries the provenance, and the extraction and latency
 * tables are there. Plus the sign-flip test's exact p-values on small cases.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { tempDir } from '../helpers/tmp.js';
import { runPassk } from '../helpers/passk.js';
import { pairedDifference, signFlipPValue } from '../../packages/stats/src/paired.js';

const ARGS = ['--backend', 'sim', '--problems', 'demo', '--end', '3', '--n', '10', '--shard-size', '10', '--temperatures', '0.2,1.0', '--gpus', '1', '--evaluators', '1'];

test('sign-flip permutation p-values (exact) and the paired bootstrap', () => {
  assert.equal(signFlipPValue([1, 1, 1, 1, 1]).p, 2 / 32, 'five positive differences: only all-+ and all-− are as extreme');
  assert.equal(signFlipPValue([0, 0, 0]).p, 1);
  assert.equal(signFlipPValue([0.5, -0.5]).p, 1);
  const d = pairedDifference([0.9, 0.8, 0.7, 0.6], [0.5, 0.4, 0.3, 0.2]);
  assert.ok(Math.abs(d.mean_diff - 0.4) < 1e-12);
  assert.ok(d.low <= 0.4 + 1e-12 && d.high >= 0.4 - 1e-12 && d.high - d.low < 1e-9, 'constant differences: a zero-width interval');
  assert.equal(d.p_value, 2 / 16);
  assert.deepEqual([d.a_better, d.b_better, d.ties], [4, 0, 0]);
  // Same runs shifted per question: an unpaired comparison sees wide overlapping intervals, the paired one a clear difference.
  const a = Array.from({ length: 30 }, (_, i) => (i % 10) / 10 + 0.05);
  const paired = pairedDifference(a, a.map((x) => x - 0.05));
  assert.ok(paired.low > 0.049 && paired.p_value < 0.001, JSON.stringify(paired));
  assert.equal(paired.p_method, 'monte carlo');
});

test('passk report --compare: paired differences per temperature, runs in the order given, provenance, extraction and latency', { timeout: 600_000 }, async () => {
  const root = await tempDir();
  for (const [run, seed] of [['pa', '1'], ['pb', '2']] as const) {
    const r = await runPassk(['run', '--run', run, '--seed', seed, ...ARGS], { cwd: root, timeoutMs: 240_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
  }
  const out = path.join(root, 'cmp');
  const rep = await runPassk(['report', '--run', 'pb', '--compare', 'pa', '--out', out, '--no-exports', '--resamples', '500'], { cwd: root, timeoutMs: 240_000 });
  assert.equal(rep.code, 0, rep.stdout + rep.stderr);
  const md = await readFile(path.join(out, 'report.md'), 'utf8');
  assert.match(md, /^# passk report: pb vs pa$/m, 'the runs in the order given');
  assert.match(md, /Provenance: passk 0\.1\.0 \([0-9a-f]{12}\) · extraction lcb_strict · grading lcb \(grader [^)]+\) · python 3\./);

  const csv = (await readFile(path.join(out, 'paired_differences.csv'), 'utf8')).trim().split('\n');
  assert.equal(csv[0], 'run_a,run_b,temperature,question_id,question_idx_a,question_idx_b,pass_rate_a,pass_rate_b,difference');
  assert.equal(csv.length, 1 + 3 * 2, 'one line per question and temperature');
  const table = md.slice(md.indexOf('### Paired difference per temperature'));
  assert.ok(table.length > 0 && md.includes('### Paired difference per temperature'), md);
  for (const t of ['0.2', '1']) {
    const lines = csv.slice(1).map((l) => l.split(',')).filter((f) => f[2] === t);
    assert.equal(lines.length, 3);
    const mean = lines.reduce((s, f) => s + Number(f[8]), 0) / 3;
    const row = table.split('\n').find((l) => l.startsWith(`| pb | pa | ${t} | 3 |`));
    assert.ok(row, `a paired row for T=${t}:\n${table}`);
    const cells = row!.split('|').map((c) => c.trim());
    const [diff] = /^[+-]?\d+\.\d\d/.exec(cells[7]!)!;
    assert.ok(Math.abs(Number(diff) - mean) < 0.006, `mean difference ${diff} vs the CSV's ${mean}`);
    assert.match(cells[7]!, /^[+-]\d+\.\d\d \[[+-]\d+\.\d\d, [+-]\d+\.\d\d\]$/);
    assert.match(cells[8]!, /^(\d\.\d{4}|<0\.0001)( \(exact\))?$/);
    assert.match(cells[9]!, /^\d \/ \d \/ \d$/);
  }
  assert.match(md, /### Code extraction by temperature[\s\S]*\| 0\.2 \| 30 \| 0 \| 0\.0 \| 30 \|/);
  assert.match(md, /### Latency by temperature \(ms\)[\s\S]*\| 0\.2 \| E2EL \| 30 \|/);

  const svg = await readFile(path.join(out, 'charts', 'pass_rate_vs_temperature.svg'), 'utf8');
  assert.match(svg, /stroke-dasharray="6,3"/, 'the second run is dashed');
  const legend = [...svg.matchAll(/<text[^>]*>(pb|pa)<\/text>/g)].map((m) => m[1]);
  assert.deepEqual(legend.slice(0, 2), ['pb', 'pa'], 'legend in the order given');
  for (const chart of ['pass_at_k_vs_k', 'verdict_mix']) {
    const panels = await readFile(path.join(out, 'charts', `${chart}.svg`), 'utf8');
    const first = [...panels.matchAll(/<text[^>]*>(pb|pa)<\/text>/g)].map((m) => m[1]);
    assert.deepEqual([...new Set(first)], ['pb', 'pa'], `${chart}: panels in the order given`);
  }
});
