/**
 * Where `passk regrade` finds a source run's samples (packages/cli/src/regrade/sources.ts), on real
 * files: a combined file cut back into shards without its verdicts; a group never combined read from
 * the queue dir (an evaluated shard loses its verdicts); a combined file that cannot be read falls
 * back to the queue dir; a queue file that does not fit the plan is refused with its reason, and its
 * shard is missing rather than invented.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { runLayout, ensureLayout, workItemFor, combinedFileName, type Plan, type Shard } from '@passk/core';
import { sourceShards, type MissingShard, type SourceShard } from '../../packages/cli/src/regrade/sources.js';
import { tempDir } from '../helpers/tmp.js';

const plan: Plan = {
  version: 1, run: 'src', created_at: '2026-12-05T00:00:00.000Z', problems: 'x.jsonl',
  questions: [{ idx: 0, id: 'a', title: 'a' }, { idx: 1, id: 'b', title: 'b' }, { idx: 2, id: 'c', title: 'c' }],
  n: 4, shard_size: 2, temperatures: [0.5], seed: 10, top_p: 0.95, max_tokens: 100, stop: [], backend: 'sim', model: 'sim', simulated: true, strict_extraction: true, grading: 'lcb',
};

function sample(index: number) {
  return { index, seed: plan.seed + index, output: `out ${index}`, code: `print(${index})`, extraction: 'last_fenced', finish_reason: 'stop' as const, prompt_tokens: 5, completion_tokens: 10 + index };
}
const verdict = { passed: true, status: 'passed', failed_test: null, tests_run: 1, cpu_ms: 1, wall_ms: 1, message: '' };
function shard(q: number, s: number): Shard {
  const item = workItemFor(plan, q, 0.5, s);
  const samples = Array.from({ length: item.count }, (_, i) => sample(item.first_sample + i));
  const gen = { generator: 'gpu0', backend: 'sim', model: 'sim', simulated: true, started_at: 'x', finished_at: 'y', wall_s: 1, prompt_tokens: 10, completion_tokens: 20, gen_tps: 20, finish_reasons: { stop: 2 } };
  return { ...item, attempts: 2, gen, samples };
}

async function collect(layout: ReturnType<typeof runLayout>): Promise<{ found: SourceShard[]; missing: MissingShard[] }> {
  const missing: MissingShard[] = [];
  const found: SourceShard[] = [];
  for await (const s of sourceShards(layout, plan, { stems: new Set(), groups: new Set() }, missing)) found.push(s);
  return { found, missing };
}

test('the samples of a source run: combined files, queue dirs, refusals and missing shards', async () => {
  const root = await tempDir('passk-regrade-src-');
  const layout = runLayout({ run: 'src', queueDir: path.join(root, 'q'), resultsDir: path.join(root, 'r') });
  await ensureLayout(layout);
  const t = combinedFileName(0.5);
  // q0: combined, with verdicts and the group's generation time.
  await mkdir(path.join(layout.resultsDir, 'q0'), { recursive: true });
  const samples = [0, 1, 2, 3].map((i) => ({ ...sample(i), verdict }));
  await writeFile(path.join(layout.resultsDir, 'q0', t), JSON.stringify({ question_idx: 0, temperature: 0.5, samples, n: 4, passed: 4, completion_tokens: 46, gen_wall_s: 2.3, warnings: ['w'] }));
  // q1: the combined file is torn; s0 is an evaluated shard in pending_combine/, s1 a generated one under a dead evaluator's claim.
  await mkdir(path.join(layout.resultsDir, 'q1'), { recursive: true });
  await writeFile(path.join(layout.resultsDir, 'q1', t), '{"question_idx": 1, "samples": [');
  const evaluated = shard(1, 0);
  await writeFile(path.join(layout.pending('combine'), `${evaluated.item}.json`), JSON.stringify({ ...evaluated, eval: { evaluator: 'eval0', started_at: 'x', finished_at: 'y', wall_s: 1, cached: 0 }, samples: evaluated.samples.map((s) => ({ ...s, verdict })) }));
  // A SIGKILLed evaluator's claim still holds the item.
  await writeFile(path.join(layout.claimedDir, 'q1_t0_5_s1.eval.vm-4242-abc123.claim'), JSON.stringify(shard(1, 1)));
  // q2: a combined file with a sample too many; s0 does not fit the plan (count), s1 was never generated.
  await mkdir(path.join(layout.resultsDir, 'q2'), { recursive: true });
  await writeFile(path.join(layout.resultsDir, 'q2', t), JSON.stringify({ samples: [0, 1, 2, 3, 4].map((i) => ({ ...sample(i), verdict })) }));
  await writeFile(path.join(layout.pending('eval'), 'q2_t0_5_s0.json'), JSON.stringify({ ...shard(2, 0), count: 3 }));

  const { found, missing } = await collect(layout);
  assert.deepEqual(found.map((f) => [f.stem, f.from]), [['q0_t0_5_s0', 'combined'], ['q0_t0_5_s1', 'combined'], ['q1_t0_5_s0', 'pending_combine'], ['q1_t0_5_s1', 'claimed']]);
  for (const f of found) {
    for (const s of f.shard.samples) assert.equal('verdict' in s, false, `${f.stem}: no verdict goes back to grading`);
    assert.equal(f.shard.attempts, 0);
    assert.deepEqual(f.shard.history, [`regrade of run src (${f.from})`]);
  }
  const [c0, c1] = found;
  assert.deepEqual(c0!.shard.samples.map((s) => s.index), [0, 1]);
  assert.deepEqual(c1!.shard.samples.map((s) => s.index), [2, 3]);
  assert.deepEqual(c0!.shard.samples[0], sample(0), 'every field of the sample is kept');
  // The group's 2.3 s shared by completion tokens (21 of 46, 25 of 46): gen_tps stays the source's 20.
  assert.ok(Math.abs(c0!.shard.gen.wall_s + c1!.shard.gen.wall_s - 2.3) < 1e-5);
  assert.equal(Math.round((c0!.shard.gen.completion_tokens + c1!.shard.gen.completion_tokens) / 2.3), 20);
  assert.deepEqual(c0!.shard.gen.warnings, ['w']);
  assert.equal(c0!.shard.gen.strict_extraction, true);
  assert.equal(found[3]!.shard.gen.generator, 'gpu0', 'a queue shard keeps its generation record');

  assert.deepEqual(missing.map((m) => m.stem), ['q2_t0_5_s0', 'q2_t0_5_s1']);
  assert.match(missing[0]!.reason, /^refused: ERR_PLAN_MISMATCH: .*pending_eval\/q2_t0_5_s0\.json, field count: count 3, the plan says 2/);
  assert.match(missing[1]!.reason, /^never generated .*; combined file refused: ERR_SCHEMA_INVALID: .*q2\/t0_5_combined\.json.*5 samples, the plan's n is 4/);

  // Already in the regrade's pipeline: not yielded again.
  const again: MissingShard[] = [];
  const skipped: string[] = [];
  for await (const s of sourceShards(layout, plan, { stems: new Set(['q1_t0_5_s1']), groups: new Set(['q0_t0_5']) }, again)) skipped.push(s.stem);
  assert.deepEqual(skipped, ['q1_t0_5_s0']);
});
