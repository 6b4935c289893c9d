/**
 * GraderOptions.serverEnv (tests only): extra environment of the fork server's interpreter. It can add
 * (the fault injection's PYTHONPATH, test/evaluator/fault.ts) but not replace PYTHONHASHSEED, and none
 * of it reaches the program, whose environment the server builds (passk_harness.set_environment).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { grader, stdinProblem } from './helpers.js';
import { childSetupFault } from './fault.js';

const PROGRAM = 'import os\nprint(hash("passk"), os.environ.get("PASSK_SERVER_ENV_TEST"), os.environ.get("PYTHONPATH"))';

test('serverEnv: added to the server, never to the program; PYTHONHASHSEED stays 0', async () => {
  const g = await grader({ workers: 1, serverEnv: { PYTHONHASHSEED: '12345', PASSK_SERVER_ENV_TEST: 'set', PYTHONPATH: '/nonexistent' } });
  try {
    const seeded = execFileSync(g.python, ['-c', 'print(hash("passk"))'], { env: { PYTHONHASHSEED: '0' }, encoding: 'utf8' }).trim();
    const v = await g.grade({ problem: stdinProblem([['', `${seeded} None None\n`]], 'server-env'), code: PROGRAM });
    assert.equal(v.status, 'passed', JSON.stringify(v));
  } finally {
    await g.close();
  }
});

test('the fault injection fails only the programs that carry its marker', async () => {
  const g = await grader({ workers: 1, attempts: 1, ...childSetupFault('# fail me') });
  try {
    const problem = stdinProblem([['', '1\n']], 'fault-marker');
    const [ok, failed] = [await g.grade({ problem, code: 'print(1)' }), await g.grade({ problem, code: 'print(1)  # fail me' })];
    assert.deepEqual([ok.status, failed.status], ['passed', 'infra_error']);
    assert.match(failed.message, /child setup failed: ValueError: current limit exceeds maximum limit$/);
  } finally {
    await g.close();
  }
});
