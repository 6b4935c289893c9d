import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadProblems } from '@passk/problems';
import { python } from './fixtures.js';

/** A small grader in Python: stdin kinds compare stripped lines; functional kinds call the
 *  method with one JSON argument per input line and compare with `==` (LiveCodeBench §4.3/4.4). */
const RUNNER = String.raw`
import json, subprocess, sys
failures = []
for p in json.load(sys.stdin):
    for i, t in enumerate(p["tests"]):
        if p["kind"] == "stdin":
            r = subprocess.run([sys.executable, "-c", p["code"]], input=t["input"], capture_output=True, text=True, timeout=20)
            got = [l.strip() for l in r.stdout.strip().split("\n")]
            want = [l.strip() for l in t["output"].strip().split("\n")]
            if r.returncode != 0 or got != want:
                failures.append(f"{p['id']} test {i}: got {r.stdout!r} {r.stderr[-300:]!r}, want {t['output']!r}")
        else:
            ns = {}
            exec(p["code"], ns)
            fn = getattr(ns["Solution"](), p["func_name"])
            args = [json.loads(line) for line in t["input"].split("\n")]
            got = fn(*args)
            if isinstance(got, tuple):
                got = list(got)
            if got != json.loads(t["output"]):
                failures.append(f"{p['id']} test {i}: got {got!r}, want {t['output']}")
print(json.dumps(failures))
`;

describe('the demo set', () => {
  it('has 12 valid problems: 7 stdin, 5 functional, 3–8 tests each, varied difficulty', async () => {
    const { problems, skipped, warnings } = await loadProblems('demo');
    assert.equal(skipped, 0);
    assert.deepEqual(warnings, []);
    assert.equal(problems.length, 12);
    assert.equal(problems.filter((p) => p.kind === 'stdin').length, 7);
    assert.equal(problems.filter((p) => p.kind === 'functional').length, 5);
    for (const p of problems) {
      assert.ok(p.tests.length >= 3 && p.tests.length <= 8, `${p.id}: ${p.tests.length} tests`);
      assert.ok(p.public_test_count >= 1 && p.public_test_count < p.tests.length, `${p.id}: public and private tests`);
      assert.ok(p.reference_solution, `${p.id}: reference solution`);
      assert.equal(p.source?.dataset, 'demo');
      assert.equal(p.errata, undefined);
      if (p.kind === 'functional') {
        assert.ok(p.func_name && p.starter_code.includes(`def ${p.func_name}(self`), p.id);
        assert.match(p.reference_solution!, /class Solution/);
      } else assert.equal(p.starter_code, '');
    }
    assert.deepEqual(new Set(problems.map((p) => p.difficulty)), new Set(['easy', 'medium', 'hard']));
    assert.deepEqual(new Set(problems.map((p) => p.id)).size, 12);
    assert.deepEqual((await loadProblems('demo')).problems, problems, 'deterministic');
  });

  it('filters apply to the demo set too', async () => {
    const { problems } = await loadProblems('demo', { difficulty: 'hard' });
    assert.deepEqual(problems.map((p) => p.id), ['demo_s06', 'demo_f05', 'demo_s07']);
  });

  it('every reference solution passes all its tests (Python 3.11)', async () => {
    const { problems } = await loadProblems('demo');
    const payload = problems.map((p) => ({ id: p.id, kind: p.kind, code: p.reference_solution, func_name: p.func_name, tests: p.tests }));
    const failures = JSON.parse(python(RUNNER, JSON.stringify(payload))) as string[];
    assert.deepEqual(failures, []);
  });

  it('a wrong solution fails (the runner is not vacuous)', () => {
    const payload = [{ id: 'x', kind: 'stdin', code: 'print(0)', tests: [{ input: '', output: '1' }] }];
    assert.equal((JSON.parse(python(RUNNER, JSON.stringify(payload))) as string[]).length, 1);
  });
});
