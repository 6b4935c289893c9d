/** Dedup and the shared verdict cache directory. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, realpathSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Grader, Verdict } from '@passk/core';
import { createCachedGrader, problemDir, graderFingerprint } from '@passk/evaluator';
import { grader, DOUBLE, DOUBLE_OK } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'passk-cache-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const inner = await grader();
after(() => inner.close());

function cacheFiles(): string[] {
  return readdirSync(problemDir(dir, DOUBLE.id)).filter((f) => f.endsWith('.json'));
}

test('identical programs are graded once; the cache is shared across grader instances', async () => {
  const a = createCachedGrader(inner, dir);
  const variants = [DOUBLE_OK, DOUBLE_OK + '\n\n', DOUBLE_OK.replace(/\n/g, '\r\n') + '\r\n', DOUBLE_OK];
  const verdicts = await Promise.all(variants.map((code) => a.grade({ problem: DOUBLE, code })));
  assert.ok(verdicts.every((v) => v.status === 'passed'));
  assert.equal(verdicts.filter((v) => !v.cached).length, 1);
  assert.equal(inner.stats.executions, 2); // one program × two tests
  assert.equal(cacheFiles().length, 1);
  const b = createCachedGrader(inner, dir); // another process would see the same directory
  const v = await b.grade({ problem: DOUBLE, code: DOUBLE_OK });
  assert.equal(v.cached, true);
  assert.equal(b.stats.hits, 1);
  assert.equal(inner.stats.executions, 2);
});

test('a corrupt cache file is ignored and overwritten, never trusted', async () => {
  const code = 'print(int(input()) * 2)  # corrupt-test';
  const c = createCachedGrader(inner, dir);
  await c.grade({ problem: DOUBLE, code });
  const files = cacheFiles();
  for (const f of files) {
    const path = join(problemDir(dir, DOUBLE.id), f);
    const body = JSON.parse(readFileSync(path, 'utf8'));
    if (body.verdict && body.verdict.message === '' && !readFileSync(path, 'utf8').includes('forged')) {
      writeFileSync(path, JSON.stringify({ ...body, verdict: { ...body.verdict, status: 'forged' } }));
    }
  }
  const d = createCachedGrader(inner, dir);
  const v = await d.grade({ problem: DOUBLE, code });
  assert.equal(v.status, 'passed');
  assert.notEqual(v.cached, true);
  assert.ok(d.stats.corrupt >= 1);
  writeFileSync(join(problemDir(dir, DOUBLE.id), readdirSync(problemDir(dir, DOUBLE.id))[0]!), '{"trunc');
  const e = createCachedGrader(inner, dir);
  assert.equal((await e.grade({ problem: DOUBLE, code: DOUBLE_OK })).status, 'passed');
});

test('infra_error verdicts are never cached', async () => {
  let calls = 0;
  const flaky: Grader = {
    async grade(): Promise<Verdict> {
      calls++;
      return { passed: false, status: 'infra_error', failed_test: 0, tests_run: 0, cpu_ms: 0, wall_ms: 1, message: 'sandbox failed' };
    },
    async close() {},
  };
  const c = createCachedGrader(flaky, join(dir, 'flaky'));
  await c.grade({ problem: DOUBLE, code: 'x' });
  await c.grade({ problem: DOUBLE, code: 'x' });
  assert.equal(calls, 2);
});

/** An interpreter other than the default one (python3 on PATH), if this machine has one. */
const OTHER_PYTHON = ['/usr/bin/python3.11', '/usr/bin/python3', '/usr/local/bin/python3'].find((p) => existsSync(p) && realpathSync(p) !== inner.python);

test('the dedup key covers the interpreter: evaluators with different --python sharing a cache never reuse each other\'s verdicts', { skip: OTHER_PYTHON ? false : 'only one Python interpreter on this machine' }, async () => {
  const other = await grader({ python: OTHER_PYTHON!, workers: 1 });
  try {
    assert.notEqual(other.python, inner.python);
    assert.ok(inner.fingerprint.endsWith(`;python=${inner.python};pyver=${inner.pythonVersion}`), inner.fingerprint);
    assert.ok(other.fingerprint.endsWith(`;python=${other.python};pyver=${other.pythonVersion}`), other.fingerprint);
    const shared = join(dir, 'two-pythons');
    const code = 'print(int(input()) * 2)  # interpreter test';
    const a = createCachedGrader(inner, shared);
    assert.notEqual((await a.grade({ problem: DOUBLE, code })).cached, true);
    const b = createCachedGrader(other, shared);
    const vb = await b.grade({ problem: DOUBLE, code });
    assert.equal(vb.status, 'passed');
    assert.notEqual(vb.cached, true, 'a verdict made by another interpreter was reused');
    assert.deepEqual([b.stats.hits, b.stats.misses], [0, 1]);
    assert.equal(readdirSync(problemDir(shared, DOUBLE.id)).filter((f) => f.endsWith('.json')).length, 2);
    const a2 = createCachedGrader(inner, shared); // the same interpreter again: shared
    assert.equal((await a2.grade({ problem: DOUBLE, code })).cached, true);
  } finally {
    await other.close();
  }
});

test('the grader fingerprint changes with the interpreter path and with its version', () => {
  const base = graderFingerprint('v', inner.options, 'full', '/usr/bin/python3.11', '3.11.2');
  assert.notEqual(graderFingerprint('v', inner.options, 'full', '/opt/python3.11', '3.11.2'), base);
  assert.notEqual(graderFingerprint('v', inner.options, 'full', '/usr/bin/python3.11', '3.11.4'), base);
});
