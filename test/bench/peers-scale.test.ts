/**
 * The side-by-side bench's scale options and marginal figure (bench/peers, issue 13): LCB workloads with
 * copies (copy 0 is today's program byte for byte, copies distinct by a comment, the same count per
 * problem), the marginal and fixed-cost arithmetic, verdicts checked against the peer in every round and
 * copies against their original, the option errors, and `--json` holding every raw run of a real
 * (passk-alone, tiny) bench run.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lcbQuickWorkload, lcbSizedWorkload } from '../../bench/peers/workloads.js';
import { margin } from '../../bench/peers/marginal.js';
import { disagreements } from '../../bench/peers/verdicts.js';
import { parseCount, parseMarginal } from '../../bench/peers/options.js';
import type { Run } from '../../bench/peers/measure.js';
import type { BenchRecord } from '../../bench/peers/record.js';

const dir = mkdtempSync(join(tmpdir(), 'passk-bench-scale-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const rows = (file: string): { question_id: string; code: string; label: string }[] =>
  readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { question_id: string; code: string; label: string });

test('lcb-quick with 3 copies: 600 distinct programs, copy 0 = the default workload, the floor passes 3x as many', () => {
  const one = lcbQuickWorkload(dir);
  const three = lcbQuickWorkload(dir, 3);
  assert.notEqual(one.samples, three.samples);
  const a = rows(one.samples);
  const b = rows(three.samples);
  assert.equal(a.length, 200);
  assert.equal(b.length, 600);
  assert.equal(three.count, 600);
  assert.equal(new Set(b.map((r) => `${r.question_id}\0${r.code}`)).size, 600);
  b.forEach((r, i) => {
    const original = a[Math.floor(i / 3)]!;
    assert.equal(three.copyOf[i], i - (i % 3));
    assert.equal(r.label, original.label);
    assert.equal(r.question_id, original.question_id);
    assert.equal(r.code, i % 3 === 0 ? original.code : `${original.code}\n# copy ${i % 3}\n`);
  });
  const perProblem = new Map<string, number>();
  for (const r of b) perProblem.set(r.question_id, (perProblem.get(r.question_id) ?? 0) + 1);
  assert.deepEqual([...new Set(perProblem.values())], [30]);
  const floor = (file: string): { programs: number; passed: number } => {
    const r = spawnSync('python3', ['bench/peers/floor.py', 'lcb', one.problems, file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as { programs: number; passed: number };
  };
  const f1 = floor(one.samples);
  const f3 = floor(three.samples);
  assert.equal(f3.programs, 600);
  assert.equal(f3.passed, 3 * f1.passed);
});

test('lcb-sized with 2 copies: twice the programs on the same problems', () => {
  const w = lcbSizedWorkload(dir, 2000, 2, 2);
  assert.equal(w.count, 16);
  assert.equal(rows(w.samples).length, 16);
  assert.equal(w.copies, 2);
  assert.equal(w.overhead, true);
});

const run = (who: string, cpu: number, passed: boolean[] = [], wall = cpu): Run =>
  ({ who, wall, cpu, user: cpu, sys: 0, inner: wall, ...(who === 'passk' ? { nodeCpu: cpu / 10 } : {}), verdicts: passed.map((p) => ({ passed: p, cls: p ? 'passed' : 'wrong@0', detail: p ? 'passed' : 'wrong' })) });

test('the marginal CPU per program, the fixed cost, their ratio and the marginal harness overhead', () => {
  const small = lcbSizedWorkload(dir, 2000, 1, 1);
  const large = { ...small, count: 5 * small.count };
  const n = small.count;
  // passk: 1 s fixed + 5 ms a program; the peer: 50 ms a program, nothing fixed; the programs' own 1 ms
  const m = margin(
    { w: small, passk: [run('passk', 1 + 0.005 * n), run('passk', 1.1 + 0.005 * n)], peer: [run('lcb_runner', 0.05 * n, [], 4), run('lcb_runner', 0.05 * n, [], 4)], floor: [{ programs: n, executions: n, cpu_s: 0.001 * n, passed: 0 }] },
    { w: large, passk: [run('passk', 1 + 0.025 * n), run('passk', 1.1 + 0.025 * n)], peer: [run('lcb_runner', 0.25 * n), run('lcb_runner', 0.25 * n)], floor: [{ programs: 5 * n, executions: 5 * n, cpu_s: 0.005 * n, passed: 0 }] },
  );
  assert.ok(Math.abs(m.passk!.marginal - 0.005) < 1e-9);
  assert.ok(Math.abs(m.passk!.intercept - 1.05) < 1e-9);
  assert.ok(Math.abs(m.peer!.marginal - 0.05) < 1e-9);
  assert.ok(Math.abs(m.peer!.intercept) < 1e-9);
  assert.ok(Math.abs(m.ratio! - 10) < 1e-9);
  assert.ok(Math.abs(m.floor.marginal - 0.001) < 1e-12);
  assert.ok(Math.abs(m.passk!.overhead! - 4) < 1e-6);
  assert.ok(Math.abs(m.peer!.overhead! - 49) < 1e-6);
  assert.ok(Math.abs(m.passk!.node! - 0.0005) < 1e-9);
  assert.equal(m.peer!.node, undefined);
  assert.equal(m.passk!.overheads!.length, 1);
  assert.ok(Math.abs(m.passk!.overheads![0]! - 4) < 1e-6);
  assert.ok(Math.abs(m.wholeRatio! - 4 / ((1 + 0.005 * n + 1.1 + 0.005 * n) / 2)) < 1e-9);
});

test('verdicts: passk against the peer in every round, and every copy against its original', () => {
  const w = { ...lcbQuickWorkload(dir, 2) };
  const good = w.copyOf.map(() => true);
  const roundOneWrong = good.map((p, i) => i !== 7);
  const lines = disagreements(w, [run('passk', 1, good), run('passk', 1, roundOneWrong)], [run('lcb_runner', 1, good), run('lcb_runner', 1, good)]);
  const text = lines.join('\n');
  assert.match(text, /VERDICTS round 1: 1 of 400 samples disagree between passk and lcb_runner/);
  assert.match(text, /sample 7 \(/);
  assert.match(text, /identical \(passed\/failed\) on all 400 samples in 1 of 2 rounds/);
  assert.match(text, /VERDICTS passk round 1: 1 copies differ from their original program/);
  assert.match(text, /sample 7 \([^)]*a copy of 6\)/);
  assert.match(text, /copies: each equal to its original program's, in every peer run/);
});

test('option errors name the option and the value', () => {
  assert.throws(() => parseCount('--quick-copies', '0'), /--quick-copies must be a positive integer, got "0"/);
  assert.deepEqual([...parseMarginal('5', ['lcb-quick', 'lcb-sized'])], [['lcb-quick', 5], ['lcb-sized', 5]]);
  assert.deepEqual([...parseMarginal('humaneval=2,lcb-quick=5', ['humaneval', 'lcb-quick', 'lcb-sized'])], [['humaneval', 2], ['lcb-quick', 5]]);
  assert.equal(parseMarginal(undefined, ['humaneval']).size, 0);
  assert.throws(() => parseMarginal('1', ['humaneval']), /factor for every workload must be an integer >= 2, got "1"/);
  assert.throws(() => parseMarginal('lowtemp=3', ['humaneval']), /"lowtemp" is not one of the workloads run/);
});

test('a passk-alone run with --marginal 2 and --json: both sizes, every raw run and floor, the marginal figure', () => {
  const json = join(dir, 'runs.json');
  const env = { ...process.env };
  delete env.PASSK_PEERS_DIR;
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/peers/main.ts', '--rounds', '2', '--workloads', 'lcb-sized', '--sized-max-bytes', '2000',
    '--sized-problems', '2', '--marginal', '2', '--json', json, '--scratch', join(dir, 'scratch')], { encoding: 'utf8', env });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /measuring passk alone/);
  assert.match(r.stdout, /MARGINAL \(8 -> 16 programs, the same rounds\)/);
  assert.match(r.stdout, /marginal harness overhead/);
  const rec = JSON.parse(readFileSync(json, 'utf8')) as BenchRecord;
  assert.deepEqual(rec.workloads.map((w) => [w.key, w.size, w.samples, w.copies]), [['lcb-sized', 'default', 8, 1], ['lcb-sized', 'large', 16, 2]]);
  for (const w of rec.workloads) {
    assert.deepEqual(w.runs.map((x) => [x.round, x.who, x.samples]), [[0, 'passk', w.samples], [1, 'passk', w.samples]]);
    assert.deepEqual(w.floors.map((f) => f.round), [0, 1]);
    assert.ok(w.runs.every((x) => x.cpu_s > 0 && x.wall_s > 0 && x.load.length === 3));
    // The host's steal share over each run and floor: a fraction on Linux (/proc/stat), null elsewhere.
    const steals = [...w.runs, ...w.floors].map((x) => x.steal);
    assert.ok(steals.every((x) => x === null || (x >= 0 && x <= 1)), JSON.stringify(steals));
    if (process.platform === 'linux') assert.ok(steals.every((x) => typeof x === 'number'), JSON.stringify(steals));
  }
  assert.equal(rec.workloads[1]!.runs[0]!.passed, 2 * rec.workloads[0]!.runs[0]!.passed);
  assert.equal(rec.marginal.length, 1);
  assert.equal(rec.marginal[0]!.passk!.perRound.length, 2);
  assert.ok(typeof rec.ended === 'string');
});
