/**
 * The end-of-run table a person reads: temperatures as the sweep spells them (1.0, not 1), and no "best
 * temperature" named when no sample passed anywhere (it would suggest a difference that is not there).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resultsTable } from '../../packages/cli/src/status/results.js';
import type { RunSummary } from '@passk/core';

const estimate = (value: number) => ({ value, low: Math.max(0, value - 0.1), high: Math.min(1, value + 0.1) });
function summary(passed: [number, number]): RunSummary {
  return {
    n: 10,
    ks: [1, 10],
    per_temperature: [
      { temperature: 0.2, n: 20, passed: passed[0], pass_rate: passed[0] * 5, pass_at_k: { 'pass@1': estimate(passed[0] / 20), 'pass@10': estimate(passed[0] ? 1 : 0) } },
      { temperature: 1, n: 20, passed: passed[1], pass_rate: passed[1] * 5, pass_at_k: { 'pass@1': estimate(passed[1] / 20), 'pass@10': estimate(passed[1] ? 1 : 0) } },
    ],
    best_temperature: {
      'pass@1': { ...estimate(Math.max(...passed) / 20), temperature: passed[1] > passed[0] ? 1 : 0.2, questions: 2 },
      'pass@10': { ...estimate(Math.max(...passed) ? 1 : 0), temperature: 0.2, questions: 2 },
    },
  } as unknown as RunSummary;
}

test('temperatures keep their decimal; the best temperature is named as the sweep spells it', () => {
  const lines = resultsTable(summary([2, 6]));
  assert.match(lines[1]!, /^ {2}0\.2 +10\.00% \(2\/20\)/);
  assert.match(lines[2]!, /^ {2}1\.0 +30\.00% \(6\/20\)/);
  assert.equal(lines[3], '  best temperature: pass@1 at T=1.0 (0.300), pass@10 at T=0.2 (1.000)');
});

test('no sample passed at any temperature: no best temperature is named', () => {
  const lines = resultsTable(summary([0, 0]));
  assert.equal(lines[3], '  best temperature: none (no sample passed at any temperature)');
  assert.ok(!lines.some((l) => /at T=/.test(l)), lines.join('\n'));
});
