/**
 * Hostile programs: each has an expected verdict, none may pass a test it did not solve, and
 * the fork servers (and this process) must be untouched afterwards: no restarts, no infra
 * errors, no surviving processes.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { VerdictStatus } from '@passk/core';
import { grader, DOUBLE, DOUBLE_OK } from './helpers.js';

const g = await grader();
after(() => g.close());
const QUEUE = fileURLToPath(new URL('../../queue/', import.meta.url));
const UID_BASE = 1_000_000;

/** Processes running as any execution uid (there must be none between executions). */
function sandboxProcesses(): number[] {
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const uid = /\nUid:\s+(\d+)/.exec(readFileSync(`/proc/${d}/status`, 'utf8'))?.[1];
      if (uid && Number(uid) >= UID_BASE) pids.push(Number(d));
    } catch {
      /* exited */
    }
  }
  return pids;
}

const rows: [string, string, VerdictStatus | VerdictStatus[]][] = [
  ['fork bomb', 'import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass', 'time_limit'],
  ['memory bomb', 'x = []\nwhile True:\n    x.append(bytearray(10 ** 7))', 'memory_limit'],
  ['while True', 'while True:\n    pass', 'time_limit'],
  ['C-level hang (catastrophic regex backtracking)', 'import re\nre.match(r"(a+)+$", "a" * 40 + "b")\nprint(int(input()) * 2)', 'time_limit'],
  ['catching BaseException around the timeout', 'while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass', 'time_limit'],
  ['signal.signal games (ignore SIGXCPU, SIGTERM, SIGALRM, SIGINT)', 'import signal\nfor s in (signal.SIGXCPU, signal.SIGTERM, signal.SIGALRM, signal.SIGINT, signal.SIGHUP):\n    signal.signal(s, signal.SIG_IGN)\nwhile True:\n    pass', 'time_limit'],
  ['killing the parent (the fork server)', 'import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nprint(int(input()) * 2)', 'runtime_error'],
  ['killing the process group', 'import os, signal\nos.killpg(0, signal.SIGKILL)', 'runtime_error'],
  ['kill(-1): every process it may signal (all but itself)', 'import os, signal\nos.kill(-1, signal.SIGKILL)', 'wrong_answer'],
  ['ptrace the fork server', 'import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\nassert libc.ptrace(16, os.getppid(), 0, 0) != 0\nprint(0)', 'wrong_answer'],
  ['setsid + daemonised grandchild', 'import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n        time.sleep(60)\n    os._exit(0)\nprint(int(input()) * 2)', 'passed'],
  ['writing outside the scratch dir (/tmp)', 'open("/tmp/passk-pwned", "w").write("x")', 'runtime_error'],
  ['writing into the queue dir', `open(${JSON.stringify(QUEUE + 'pwned')}, "w").write("x")`, 'runtime_error'],
  ['reading the dataset', 'print(open("/work/shared/datasets/HumanEval.jsonl.gz", "rb").read(10))', 'runtime_error'],
  ['opening a socket', 'import socket\nsocket.create_connection(("1.1.1.1", 80), timeout=2)', 'runtime_error'],
  ['huge output', 'import sys\nwhile True:\n    sys.stdout.write("y" * 65536)', 'output_limit'],
  ['os._exit(0) before printing', 'import os\nos._exit(0)', 'wrong_answer'],
  ['sys.exit(0) before printing', 'import sys\nsys.exit(0)', 'wrong_answer'],
  ['monkeypatching print to print a guess', 'import builtins, sys\nbuiltins.print = lambda *a, **k: sys.stdout.write("42\\n")\nglobals().pop("print", None)\nprint(0)', 'wrong_answer'],
  ['writing into the harness report fd', 'import os\nos.write(3, b"x" * 100)\nprint(int(input()) * 2)', 'passed'],
  ['deep recursion past the C stack', 'import sys\nsys.setrecursionlimit(10 ** 7)\ndef f(n):\n    return f(n + 1)\nf(0)', ['runtime_error', 'time_limit', 'memory_limit']],
];

test('hostile programs get their verdict and disturb nothing', { concurrency: 4 }, async (t) => {
  await Promise.all(
    rows.map(([name, code, status]) =>
      t.test(name, async () => {
        const v = await g.grade({ problem: DOUBLE, code });
        const want = Array.isArray(status) ? status : [status];
        assert.ok(want.includes(v.status), `${name}: ${JSON.stringify(v)}`);
      }),
    ),
  );
});

test('afterwards: no surviving processes, no restarts, no infra errors, files untouched', async () => {
  assert.deepEqual(sandboxProcesses(), []);
  assert.equal(g.stats.serverStarts, 2);
  assert.equal(g.stats.infraErrors, 0);
  assert.equal(g.stats.retries, 0);
  assert.ok(!existsSync(QUEUE + 'pwned'));
  assert.ok(!existsSync('/tmp/passk-pwned'));
  const v = await g.grade({ problem: DOUBLE, code: DOUBLE_OK });
  assert.equal(v.status, 'passed');
});

test("a sample cannot read a previous sample's files", async () => {
  const one = await grader({ workers: 1 });
  try {
    const a = await one.grade({ problem: DOUBLE, code: 'open("note.txt", "w").write("secret")\nimport os\nos.makedirs("d/e")\nprint(int(input()) * 2)' });
    assert.equal(a.status, 'passed');
    const b = await one.grade({ problem: DOUBLE, code: 'import os\nassert os.listdir(".") == [], os.listdir(".")\nprint(int(input()) * 2)' });
    assert.equal(b.status, 'passed', b.message);
  } finally {
    await one.close();
  }
});
