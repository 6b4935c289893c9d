/**
 * Hostile programs: each has an expected verdict, none may pass a test it did not solve, and
 * the fork servers (and this process) must be untouched afterwards: no restarts, no infra
 * errors, no surviving processes. They go around the reliability_guard (os.fork, os.kill, … are
 * None as in LiveCodeBench/human-eval) through `posix`, as a hostile program would: the guard
 * is not the sandbox.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { liveProcesses } from '../helpers/procs.js';
import { tempDir } from '../helpers/tmp.js';
import type { Problem, VerdictStatus } from '@passk/core';
import { grader, functionalProblem, humanEvalProblem, DOUBLE, DOUBLE_OK } from './helpers.js';

const g = await grader();
after(() => g.close());
const QUEUE = fileURLToPath(new URL('../../queue/', import.meta.url));
const UID_BASE = 1_000_000;

// What the two escape rows reach for, made here so they mean the same on every machine: a dataset file in
// the host's temp dir (outside the sandbox's view, which has its own /tmp) and a listener on the host's
// loopback (the sandbox's network namespace has only a loopback that is down).
const OUTSIDE_FILE = path.join(await tempDir('passk-hostile-'), 'HumanEval.jsonl.gz');
await writeFile(OUTSIDE_FILE, 'a dataset no sample may read');
let accepted = 0;
const listener = net.createServer((socket) => {
  accepted++;
  socket.destroy();
});
await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
const LISTENER_PORT = (listener.address() as net.AddressInfo).port;
after(() => listener.close());

/** Processes running as any execution uid (there must be none between executions). */
/** This test's child processes: its fork servers among them (the grader spawns them directly). */
function ownServerPids(): number[] {
  return liveProcesses().filter((p) => p.ppid === process.pid).map((p) => p.pid);
}

/**
 * Processes running as one of this test's sandbox uids (UID_BASE + a server's pid; a program cannot change
 * its uid, so an escaped or daemonised one is still found). Other graders' sandboxes on the same machine have
 * other uids and are not this test's business.
 */
function sandboxProcesses(): number[] {
  const ours = new Set(ownServerPids().map((pid) => String(UID_BASE + pid)));
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const uid = /\nUid:\s+(\d+)/.exec(readFileSync(`/proc/${d}/status`, 'utf8'))?.[1];
      if (uid && ours.has(uid)) pids.push(Number(d));
    } catch {
      /* exited */
    }
  }
  return pids;
}

const TWO_SUM = functionalProblem('twoSum', [['[2, 7, 11, 15]\n9', '[0, 1]']]);
const HE = humanEvalProblem('def add(a, b):\n    """Return a + b."""\n', 'def check(candidate):\n    assert candidate(1, 2) == 3\n    assert candidate(2, 2) == 4\n', 'add');
const HE_GEN = humanEvalProblem('def f():\n    pass\n', 'def check(candidate):\n    assert list(candidate()) == [1, 2, 3]\n', 'f', 'HumanEval/gen');

const rows: [string, string, VerdictStatus | VerdictStatus[], Problem?, RegExp?][] = [
  ['fork bomb', 'import posix\nwhile True:\n    try:\n        posix.fork()\n    except OSError:\n        pass', 'time_limit'],
  ['memory bomb', 'x = []\nwhile True:\n    x.append(bytearray(10 ** 7))', 'memory_limit'],
  ['while True', 'while True:\n    pass', 'time_limit'],
  ['C-level hang (catastrophic regex backtracking)', 'import re\nre.match(r"(a+)+$", "a" * 40 + "b")\nprint(int(input()) * 2)', 'time_limit'],
  ['catching BaseException around the timeout', 'while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass', 'time_limit'],
  ['signal.signal games (ignore SIGXCPU, SIGTERM, SIGALRM, SIGINT)', 'import signal\nfor s in (signal.SIGXCPU, signal.SIGTERM, signal.SIGALRM, signal.SIGINT, signal.SIGHUP):\n    signal.signal(s, signal.SIG_IGN)\nwhile True:\n    pass', 'time_limit'],
  ['killing the parent (the fork server)', 'import os, posix, signal\nposix.kill(os.getppid(), signal.SIGKILL)\nprint(int(input()) * 2)', 'runtime_error'],
  ['killing the process group', 'import posix, signal\nposix.killpg(0, signal.SIGKILL)', 'runtime_error'],
  ['kill(-1): every process it may signal (all but itself)', 'import posix, signal\nposix.kill(-1, signal.SIGKILL)', 'wrong_answer'],
  ['ptrace the fork server', 'import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\nassert libc.ptrace(16, os.getppid(), 0, 0) != 0\nprint(0)', 'wrong_answer'],
  ['setsid + daemonised grandchild', 'import os, posix, time\nif posix.fork() == 0:\n    os.setsid()\n    if posix.fork() == 0:\n        time.sleep(60)\n    os._exit(0)\nprint(int(input()) * 2)', 'passed'],
  ['writing outside the scratch dir (/tmp)', 'open("/tmp/passk-pwned", "w").write("x")', 'runtime_error'],
  ['writing into the queue dir', `open(${JSON.stringify(QUEUE + 'pwned')}, "w").write("x")`, 'runtime_error'],
  ['reading a dataset file outside the sandbox', `print(open(${JSON.stringify(OUTSIDE_FILE)}, "rb").read(10))`, 'runtime_error', undefined, /FileNotFoundError/],
  ['connecting to a listener on the host loopback', `import socket\nsocket.create_connection(("127.0.0.1", ${LISTENER_PORT}), timeout=2)`, 'runtime_error', undefined, /Network is unreachable/],
  ['huge output', 'import sys\nwhile True:\n    sys.stdout.write("y" * 65536)', 'output_limit'],
  ['os._exit(0) before printing', 'import os\nos._exit(0)', 'wrong_answer'],
  ['sys.exit(0) before printing', 'import sys\nsys.exit(0)', 'wrong_answer'],
  ['monkeypatching print to print a guess', 'import builtins, sys\nbuiltins.print = lambda *a, **k: sys.stdout.write("42\\n")\nglobals().pop("print", None)\nprint(0)', 'wrong_answer'],
  ['writing into the harness report fd', 'import os\nos.write(3, b"x" * 100)\nprint(int(input()) * 2)', 'passed'],
  ['deep recursion past the C stack', 'import sys\nsys.setrecursionlimit(10 ** 7)\ndef f(n):\n    return f(n + 1)\nf(0)', ['runtime_error', 'time_limit', 'memory_limit']],
  // monkeypatching __eq__ to fake a pass: functional results are compared in Node, HumanEval results must be builtin values
  ['functional: a list subclass whose __eq__ is always True', 'class A(list):\n    def __eq__(self, o):\n        return True\nclass Solution:\n    def twoSum(self, nums, target):\n        return A([9, 9])', 'wrong_answer', TWO_SUM],
  ['functional: patching list.__eq__ (Python refuses it)', 'class Solution:\n    def twoSum(self, nums, target):\n        list.__eq__ = lambda s, o: True\n        return [9, 9]', 'runtime_error', TWO_SUM, /immutable type 'list'/],
  ['humaneval: an int subclass whose __eq__ is always True', '    class T(int):\n        def __eq__(self, o):\n            return True\n        __hash__ = int.__hash__\n    return T(0)\n', 'runtime_error', HE, /only builtin types/],
  ['humaneval: patching collections.Counter.__eq__, then returning a Counter', '    import collections\n    collections.Counter.__eq__ = lambda s, o: True\n    return collections.Counter()\n', 'runtime_error', HE, /only builtin types/],
  ['humaneval: a metaclass that lies about equality and hashing', '    class M(type):\n        def __eq__(s, o):\n            return True\n        def __hash__(s):\n            return hash(int)\n    class T(metaclass=M):\n        def __eq__(s, o):\n            return True\n    return T()\n', 'runtime_error', HE, /only builtin types/],
  ['humaneval: a generator of objects whose __eq__ is always True', '    class T:\n        def __eq__(s, o):\n            return True\n    return (T() for _ in range(3))\n', 'runtime_error', HE_GEN, /only builtin types/],
];

test('hostile programs get their verdict and disturb nothing', { concurrency: 4 }, async (t) => {
  await Promise.all(
    rows.map(([name, code, status, problem, message]) =>
      t.test(name, async () => {
        const v = await g.grade({ problem: problem ?? DOUBLE, code });
        const want = Array.isArray(status) ? status : [status];
        assert.ok(want.includes(v.status), `${name}: ${JSON.stringify(v)}`);
        if (message) assert.match(v.message, message);
      }),
    ),
  );
});

test('afterwards: no surviving processes, no restarts, no infra errors, files untouched', async () => {
  assert.ok(ownServerPids().length >= 2, 'the fork servers are alive (their uids name the sandboxes)');
  assert.deepEqual(sandboxProcesses(), []);
  assert.equal(g.stats.serverStarts, 2);
  assert.equal(g.stats.infraErrors, 0);
  assert.equal(g.stats.retries, 0);
  assert.ok(!existsSync(QUEUE + 'pwned'));
  assert.ok(!existsSync('/tmp/passk-pwned'));
  assert.ok(existsSync(OUTSIDE_FILE), 'the dataset file was there to read');
  assert.equal(accepted, 0, 'the loopback listener was never reached');
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
    // A tree deeper than PATH_MAX, a symlink out of the scratch dir, the scratch dir chmod 000: the
    // next sample still gets an empty, writable scratch dir, and nothing outside is touched.
    const deep = 'import os, posix\nos.symlink("/etc", "etc-link")\nfor i in range(3000):\n    posix.mkdir("d" * 8)\n    posix.chdir("d" * 8)\nopen("leaf", "w").write("x")\nposix.chdir("/tmp/scratch")\nposix.chmod(".", 0)\nprint(int(input()) * 2)';
    assert.equal((await one.grade({ problem: DOUBLE, code: deep })).status, 'passed');
    const c = await one.grade({ problem: DOUBLE, code: 'import os\nassert os.listdir(".") == [], os.listdir(".")\nopen("new", "w").write("ok")\nassert os.path.exists("/etc/passwd")\nprint(int(input()) * 2)' });
    assert.equal(c.status, 'passed', c.message);
    assert.equal(one.stats.retries, 0);
  } finally {
    await one.close();
  }
});
