/**
 * Latency sketches: per-row sketches merged give the mean exactly and percentiles within 1 % of the
 * exact ones (numpy-free: the nearest-rank percentile of the pooled values); TPOT and the gap-weighted
 * ITL follow vLLM's definitions from (TTFT, E2EL, tokens).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { latencySketches, latencySummary } from '../../packages/stats/src/latency.js';

function nearestRank(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
}

test('merged sketches: exact mean, percentiles within 1 %', () => {
  let x = 12345;
  const rand = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const rows = Array.from({ length: 40 }, () => Array.from({ length: 25 }, () => ({ e2e_ms: 50 + 5000 * rand() ** 3, completion_tokens: 1 })));
  const summary = latencySummary(rows.map((r) => latencySketches(r)))!;
  const all = rows.flat().map((s) => s.e2e_ms);
  const e2e = summary.e2el_ms!;
  assert.equal(e2e.count, 1000);
  assert.ok(Math.abs(e2e.mean - all.reduce((a, b) => a + b, 0) / all.length) < 1e-3);
  for (const [p, got] of [[50, e2e.median], [90, e2e.p90], [99, e2e.p99]] as const) {
    const want = nearestRank(all, p);
    assert.ok(Math.abs(got - want) / want < 0.01, `p${p}: ${got} vs ${want}`);
  }
});

test('TPOT per sample and ITL weighted by gaps, as vLLM defines them', () => {
  const s = latencySketches([
    { ttft_ms: 100, e2e_ms: 1100, completion_tokens: 11 }, // TPOT 100 over 10 gaps
    { ttft_ms: 50, e2e_ms: 250, completion_tokens: 101 }, // TPOT 2 over 100 gaps
    { ttft_ms: 70, e2e_ms: 70, completion_tokens: 1 }, // no TPOT
  ]);
  const sum = latencySummary([s])!;
  assert.equal(sum.ttft_ms!.count, 3);
  assert.equal(sum.tpot_ms!.count, 2);
  assert.equal(sum.tpot_ms!.mean, 51);
  assert.equal(sum.itl_ms!.count, 110);
  assert.equal(sum.itl_ms!.mean, Math.round((1000 + 200) / 110 * 1000) / 1000, 'ITL mean = Σ(E2EL − TTFT) / Σ gaps');
  assert.ok(Math.abs(sum.itl_ms!.median - 2) / 2 < 0.01, 'most gaps are the fast sample’s');
  assert.equal(latencySummary([undefined]), undefined);
});
