/** Infrastructure: server death is retried, never a wrong answer; determinism under load; startup errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { isPasskError, type Verdict } from '@passk/core';
import { createGrader } from '@passk/evaluator';
import { serverCgroupDirs, sweepServerCgroups } from '../../packages/evaluator/src/sandbox/cgroup.js';
import { grader, DOUBLE, DOUBLE_OK, stdinProblem, functionalProblem } from './helpers.js';
import { childSetupFault } from './fault.js';

import { childrenMatching, descendants } from '../helpers/procs.js';

const UID_BASE = 1_000_000;
const cgroups = process.getuid?.() === 0 && existsSync('/sys/fs/cgroup/pids') && existsSync('/sys/fs/cgroup/memory');
const needCgroups = cgroups ? false : 'needs root and cgroup v1 pids/memory';

/** Processes running as the execution uid of the fork server `serverPid`. */
function processesOfServer(serverPid: number): number[] {
  const uid = String(UID_BASE + serverPid);
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return /\nUid:\s+(\d+)/.exec(readFileSync(`/proc/${d}/status`, 'utf8'))?.[1] === uid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

/** A pid no process has now (a process that ran and was reaped). */
async function deadPid(): Promise<number> {
  const p = spawn('/bin/true');
  await once(p, 'exit');
  return p.pid!;
}

/** A `sleep` put into the cgroups a fork server with pid `serverPid` would use, as a leftover of it. */
async function leftoverIn(serverPid: number) {
  const sleeper = spawn('/bin/sleep', ['60'], { stdio: 'ignore' });
  await once(sleeper, 'spawn');
  for (const dir of serverCgroupDirs(serverPid)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/cgroup.procs`, String(sleeper.pid));
  }
  const exited = once(sleeper, 'exit') as Promise<[number | null, string | null]>;
  return { sleeper, exited };
}

/** Fork servers started by this process. */
function forkServers(): number[] {
  return childrenMatching(process.pid, 'passk_forkserver');
}

test('a fork server killed mid-execution is restarted and the execution retried', async () => {
  const warnings: string[] = [];
  const g = await grader({ workers: 2, onWarning: (m) => warnings.push(m) });
  try {
    const slow = 'import time\ntime.sleep(1)\nprint(int(input()) * 2)';
    const pending = g.grade({ problem: DOUBLE, code: slow });
    // Mid-execution: both servers up and one of them running the program (a forked child), not a fixed delay.
    assert.ok(await until(() => forkServers().length === 2 && forkServers().some((pid) => descendants(pid).length > 0), 30_000), 'the execution to start');
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

test('a limit that cannot be set: setup_failed is retried on a fresh server, then infra_error (childSetupFault)', async () => {
  const warnings: string[] = [];
  const g = await grader({ workers: 1, attempts: 2, ...childSetupFault(true), onWarning: (m) => warnings.push(m) });
  try {
    const v = await g.grade({ problem: DOUBLE, code: DOUBLE_OK });
    assert.deepEqual([v.status, v.passed, v.failed_test, v.tests_run], ['infra_error', false, 0, 0]);
    assert.equal(v.message, 'sandbox failed 2 times: child setup failed: ValueError: current limit exceeds maximum limit');
    assert.deepEqual([g.stats.retries, g.stats.infraErrors, g.stats.serverStarts], [1, 1, 3]);
    assert.ok(warnings.some((w) => /^execution failed \(attempt 1\/2\), restarting fork server \d+: child setup failed: ValueError: current limit exceeds maximum limit$/.test(w)), warnings.join('\n'));
  } finally {
    await g.close();
  }
});

/** Uses ~70 % of the 1 s CPU limit: under load its wall time is well over 1 s, its CPU time is not. */
const NEAR_CPU_LIMIT = 'import time\nwhile time.process_time() < 0.7:\n    pass\nprint(int(input()) * 2)';

test('determinism: identical verdicts with both cores saturated by another process', async () => {
  const near = { problem: stdinProblem([['4', '8']], 'near-limit'), code: NEAR_CPU_LIMIT };
  const samples = [
    near,
    { problem: DOUBLE, code: DOUBLE_OK },
    { problem: DOUBLE, code: 'x = 0\nfor i in range(3_000_000):\n    x += i\nprint(int(input()) * 2)' },
    { problem: DOUBLE, code: 'while True:\n    pass' },
    { problem: DOUBLE, code: 'print(int(input()) * 3)' },
    { problem: stdinProblem([['3', '6']]), code: 'print(sum(range(1, int(input()) + 1)))' },
    { problem: functionalProblem('f', [['1', '2']]), code: 'def f(x):\n    return (x + 1,)' },
  ];
  // A generous wall backstop: the point is that the CPU limit, not the machine's load, decides.
  const g = await grader({ workers: 2, wallLimitSeconds: 8 });
  try {
    const run = async () => Promise.all(samples.map((s) => g.grade(s)));
    const shape = (vs: Verdict[]) => vs.map((v) => [v.status, v.failed_test, v.tests_run]);
    const idle = await run();
    assert.equal(idle[0]!.status, 'passed', JSON.stringify(idle[0]));
    // More CPU-bound processes than cores, each in its own session: with the kernel's autogroup
    // scheduling a session is one scheduling group, and every child (setsid) is one too; so each
    // execution gets at most half a core.
    const burners = [0, 1, 2].map(() => spawn(process.execPath, ['-e', 'console.log("burning"); for(;;){}'], { stdio: ['ignore', 'pipe', 'ignore'], detached: true }));
    try {
      await Promise.all(burners.map((b) => once(b.stdout!, 'data'))); // every burner is spinning (was: a fixed 200 ms)
      const loaded = await run();
      assert.deepEqual(shape(loaded), shape(idle));
      // A wall-clock limit of 1 s would have failed it here: its wall time is over the limit.
      assert.ok(loaded[0]!.wall_ms > 1000, `near-limit sample: wall ${loaded[0]!.wall_ms} ms, cpu ${loaded[0]!.cpu_ms} ms`);
      assert.ok(loaded[0]!.cpu_ms < 1000, `near-limit sample: cpu ${loaded[0]!.cpu_ms} ms`);
    } finally {
      burners.forEach((b) => b.kill('SIGKILL'));
    }
  } finally {
    await g.close();
  }
});

const SETSID_GRANDCHILD = 'import os, posix, time\nif posix.fork() == 0:\n    os.setsid()\n    if posix.fork() == 0:\n        time.sleep(60)\n    os._exit(0)\ntime.sleep(1)\nprint(int(input()) * 2)';

test('a fork server killed mid-execution leaves nothing running: its setsid\'d grandchild dies too', { skip: needCgroups }, async () => {
  const g = await grader({ workers: 1 });
  try {
    const pending = g.grade({ problem: stdinProblem([['4', '8']]), code: SETSID_GRANDCHILD });
    const [server] = forkServers();
    assert.ok(server);
    // The child sleeps 1 s; its setsid'd grandchild sleeps 60 s. Kill the server while both run.
    assert.ok(await until(() => processesOfServer(server).length >= 2, 5000), 'the grandchild started');
    process.kill(server, 'SIGKILL');
    const v = await pending;
    assert.equal(v.status, 'passed', JSON.stringify(v)); // retried on a new server
    assert.equal(g.stats.retries, 1);
    assert.ok(await until(() => processesOfServer(server).length === 0, 3000), `survivors of server ${server}: ${processesOfServer(server)}`);
    assert.ok(serverCgroupDirs(server).every((d) => !existsSync(d)), 'the dead server\'s cgroups are removed');
  } finally {
    await g.close();
  }
});

test('a fork server starting SIGKILLs what is left in a dead server\'s cgroups, then removes them', { skip: needCgroups }, async () => {
  const dead = await deadPid();
  const { sleeper, exited } = await leftoverIn(dead);
  try {
    const g = await grader({ workers: 1 });
    await g.close();
    const [, signal] = await exited;
    assert.equal(signal, 'SIGKILL');
    assert.ok(serverCgroupDirs(dead).every((d) => !existsSync(d)));
  } finally {
    sleeper.kill('SIGKILL');
  }
});

test('Node sweeps a dead server\'s cgroups (sweepServerCgroups), and leaves a live server\'s alone', { skip: needCgroups }, async () => {
  const dead = await deadPid();
  const { sleeper, exited } = await leftoverIn(dead);
  try {
    await sweepServerCgroups(dead);
    assert.equal((await exited)[1], 'SIGKILL');
    assert.ok(serverCgroupDirs(dead).every((d) => !existsSync(d)));
  } finally {
    sleeper.kill('SIGKILL');
  }
  const g = await grader({ workers: 1 });
  try {
    const [server] = forkServers();
    await sweepServerCgroups(server!); // its own pid is in its cgroup: a live server
    assert.ok(serverCgroupDirs(server!).every((d) => existsSync(d)));
    assert.equal((await g.grade({ problem: DOUBLE, code: DOUBLE_OK })).status, 'passed');
    assert.equal(g.stats.serverStarts, 1);
  } finally {
    await g.close();
  }
});
