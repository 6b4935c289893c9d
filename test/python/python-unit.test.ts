/**
 * The Python harness's own unit tests (test/python/test_*.py, stdlib unittest), run from `make test`
 * and `make test-fast`: what Node cannot see from outside the sandbox (the value encoder's caps, the
 * guard, the report checks, the seccomp filter program, the unprivileged isolation helpers).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HARNESS_DIR = fileURLToPath(new URL('../../packages/evaluator/python', import.meta.url));
const PYTHON = '/usr/bin/python3';

test('python -m unittest discover -s test/python: every Python unit test passes', async () => {
  const child = spawn(PYTHON, ['-m', 'unittest', 'discover', '-s', 'test/python', '-v'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', PYTHONPATH: HARNESS_DIR, PYTHONDONTWRITEBYTECODE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (t: string) => (output += t));
  child.stderr.setEncoding('utf8').on('data', (t: string) => (output += t));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c) => resolve(c));
  });
  assert.equal(code, 0, output);
  const ran = /^Ran (\d+) tests? in /m.exec(output);
  assert.ok(ran && Number(ran[1]) >= 50, `expected the whole Python suite to run:\n${output}`);
});
