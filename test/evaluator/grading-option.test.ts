/**
 * The --grading option's plumbing (docs/grading.md, "Grading modes"): the flag's parsing and
 * forwarding, and the mode in the plan (older plans read as judge; another mode is a plan change).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planDifferences, planGrading, type Plan } from '@passk/core';
import { limitArgs, limitOptions } from '@passk/evaluator';

const PLAN: Plan = {
  version: 1, run: 'r', created_at: '2026-01-01T00:00:00Z', problems: 'demo', questions: [{ idx: 0, id: 'q', title: 'q' }],
  n: 1, shard_size: 1, temperatures: [0.2], seed: 0, top_p: 0.95, max_tokens: 10, stop: [], backend: 'sim', model: 'sim', simulated: true,
};

test('--grading: parsed, forwarded to evaluators, a bad mode named', () => {
  assert.deepEqual(limitOptions({ grading: 'judge' }), { grading: 'judge' });
  assert.deepEqual(limitOptions({}), {});
  assert.deepEqual(limitArgs({ grading: 'lcb', 'cpu-limit': 2 }), ['--cpu-limit', '2', '--grading', 'lcb']);
  assert.throws(() => limitOptions({ grading: 'strict' as never }), /ERR_BAD_OPTION|--grading must be one of lcb, judge, human-eval, got strict/);
});

test('the grading mode is part of the plan; a plan without it was graded as judge', () => {
  assert.equal(planGrading(PLAN), 'judge');
  assert.deepEqual(planDifferences(PLAN, { ...PLAN, grading: 'judge' }), []);
  assert.deepEqual(planDifferences(PLAN, { ...PLAN, grading: 'lcb' }), ['grading']);
  assert.deepEqual(planDifferences({ ...PLAN, grading: 'lcb' }, { ...PLAN, grading: 'lcb' }), []);
});
