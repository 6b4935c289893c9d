/** Infrastructure: server death is retried, never a wrong answer; determinism under load; startup errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { isPasskError } from '@passk/core';
import { createGrader } from '@passk/evaluator';
import { grader, DOUBLE, DOUBLE_OK, stdinProblem, functionalProblem } from './helpers.js';

/** Fork servers started by this process. */
function forkServers(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return ppid === process.pid && readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('passk_forkserver');
      } catch {
        return false;
      }
    })
    .map(Number);
}

test('a fork server killed mid-execution is restarted and the execution retried', async () => {
  const warnings: string[] = [];
  const g = await grader({ workers: 2, onWarning: (m) => warnings.push(m) });
  try {
    const slow = 'import time\ntime.sleep(0.5)\nprint(int(input()) * 2)';
    const pending = g.grade({ problem: DOUBLE, code: slow });
    await new Promise((r) => setTimeout(r, 200));
    const servers = forkServers();
    assert.equal(servers.length, 2);
    for (const pid of servers) process.kill(pid, 'SIGKILL');
    const v = await pending;
    assert.equal(v.status, 'passed', JSON.stringify(v));
    assert.ok(g.stats.retries >= 1);
    assert.ok(g.stats.serverStarts >= 3);
    assert.ok(warnings.some((w) => /restarting fork server/.test(w)));
    assert.equal((await g.grade({ problem: DOUBLE, code: DOUBLE_OK })).status, 'passed');
  } finally {
    await g.close();
  }
});

test('a sandbox that keeps failing gives infra_error, not a wrong answer', async () => {
  const g = await grader({ workers: 1, attempts: 2 });
  try {
    // Kill the server every time it is running this program: every attempt fails.
    const killer = setInterval(() => forkServers().forEach((pid) => process.kill(pid, 'SIGKILL')), 150);
    const v = await g.grade({ problem: DOUBLE, code: 'import time\ntime.sleep(1)\nprint(int(input()) * 2)' });
    clearInterval(killer);
    assert.equal(v.status, 'infra_error');
    assert.equal(v.passed, false);
    assert.equal(v.failed_test, 0);
    assert.match(v.message, /sandbox failed 2 times/);
    assert.equal(g.stats.infraErrors, 1);
  } finally {
    await g.close();
  }
});

test('an interpreter that cannot start is ERR_SANDBOX at createGrader', async () => {
  await assert.rejects(createGrader({ python: '/nonexistent/python3' }), (e) => isPasskError(e, 'ERR_SANDBOX'));
});

test('degraded isolation is reported loudly, never silently', async () => {
  const warnings: string[] = [];
  const g = await grader({ workers: 1, isolation: 'none', onWarning: (m) => warnings.push(m) });
  try {
    assert.equal(g.sandbox.level, 'degraded');
    assert.ok(g.sandbox.warnings.length > 0);
    assert.ok(warnings.some((w) => /sandbox degraded/.test(w)));
    assert.ok(g.fingerprint.includes('sandbox=degraded'));
    assert.equal((await g.grade({ problem: DOUBLE, code: DOUBLE_OK })).status, 'passed');
  } finally {
    await g.close();
  }
});

test('determinism: identical verdicts with both cores saturated by another process', async () => {
  const samples = [
    { problem: DOUBLE, code: DOUBLE_OK },
    { problem: DOUBLE, code: 'x = 0\nfor i in range(3_000_000):\n    x += i\nprint(int(input()) * 2)' },
    { problem: DOUBLE, code: 'while True:\n    pass' },
    { problem: DOUBLE, code: 'print(int(input()) * 3)' },
    { problem: stdinProblem([['3', '6']]), code: 'print(sum(range(1, int(input()) + 1)))' },
    { problem: functionalProblem('f', [['1', '2']]), code: 'def f(x):\n    return (x + 1,)' },
  ];
  const g = await grader({ workers: 2 });
  try {
    const run = async () => (await Promise.all(samples.map((s) => g.grade(s)))).map((v) => [v.status, v.failed_test, v.tests_run]);
    const idle = await run();
    const burners = [0, 1].map(() => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
    try {
      await new Promise((r) => setTimeout(r, 200));
      const loaded = await run();
      assert.deepEqual(loaded, idle);
    } finally {
      burners.forEach((b) => b.kill('SIGKILL'));
    }
  } finally {
    await g.close();
  }
});
