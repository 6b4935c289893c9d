/**
 * Judge mode (issue 12, `--grading judge`): real stdin/stdout per test, a fresh process per test,
 * as a contest judge runs `python3`. Each row failed before its fix: numpy and other installed
 * packages import; a program's non-daemon threads finish before the exit, on every run; the std
 * streams are file objects as open() makes them (the PyRival FastIO template runs); os._exit(0)
 * after flush() passes.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { grader, stdinProblem, functionalProblem } from './helpers.js';

const g = await grader({ memoryMb: 1024 });
after(() => g.close());

function has(module: string): boolean {
  try {
    execFileSync(g.python, ['-c', `import ${module}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const SUM = stdinProblem([
  ['3\n1 2 3\n', '6\n'],
  ['2\n-5 5\n', '0\n'],
]);

test('numpy: a program importing numpy runs, as in LCB (np.int64 arithmetic, printing, linalg)', { skip: has('numpy') ? false : `${g.python} has no numpy` }, async () => {
  const code = 'import numpy as np\ninput()\na = np.array(list(map(int, input().split())), dtype=np.int64)\nprint(a.sum())';
  const v = await g.grade({ problem: SUM, code });
  assert.equal(v.status, 'passed', JSON.stringify(v));
  const lin = 'import numpy as np\ninput()\nxs = list(map(int, input().split()))\nm = np.eye(len(xs))\nprint(int(round(float(np.linalg.solve(m, np.array(xs, dtype=float)).sum()))))';
  assert.equal((await g.grade({ problem: SUM, code: lin })).status, 'passed');
  const f = functionalProblem('total', [['[1, 2, 3]', '6']]);
  const fv = await g.grade({ problem: f, code: 'import numpy as np\ndef total(xs):\n    return int(np.sum(xs))' });
  assert.equal(fv.status, 'passed', JSON.stringify(fv));
});

test('installed packages: sortedcontainers (site-packages of the chosen interpreter) imports', { skip: has('sortedcontainers') ? false : `${g.python} has no sortedcontainers` }, async () => {
  const code = 'from sortedcontainers import SortedList\ninput()\ns = SortedList(map(int, input().split()))\nprint(sum(s))';
  const v = await g.grade({ problem: SUM, code });
  assert.equal(v.status, 'passed', JSON.stringify(v));
});

const THREAD = [
  'import sys, threading',
  'sys.setrecursionlimit(1 << 20)',
  'threading.stack_size(1 << 26)',
  'def depth(n):',
  '    return 0 if n == 0 else 1 + depth(n - 1)',
  'def main():',
  '    input()',
  '    xs = list(map(int, input().split()))',
  '    depth(20000)',
  '    print(sum(xs))',
  'threading.Thread(target=main).start()',
].join('\n');

test('threads: threading.Thread(target=main).start() without join() finishes before the exit, on every run', async () => {
  const runs = await Promise.all(Array.from({ length: 6 }, () => g.grade({ problem: SUM, code: THREAD })));
  assert.deepEqual(runs.map((v) => v.status), Array(6).fill('passed'), JSON.stringify(runs));
  const crash = THREAD.replace("    print(sum(xs))", "    print(sum(xs))\nraise ValueError('main thread fails after starting the thread')");
  const c = await g.grade({ problem: SUM, code: crash });
  assert.equal(c.status, 'runtime_error', 'an uncaught exception in the main thread is exit 1, as python3');
  const daemon = THREAD.replace('target=main)', 'target=main, daemon=True)').replace('    input()', '    import time\n    time.sleep(5)\n    input()');
  assert.equal((await g.grade({ problem: SUM, code: daemon })).status, 'wrong_answer', 'a daemon thread does not hold the exit');
});

test('real file objects: sys.stdin/sys.stdout have mode, name, fileno() and buffer as python3 gives them', async () => {
  const probe = 'import sys\nprint(sys.stdin.mode, sys.stdin.name, sys.stdin.fileno(), sys.stdout.mode, sys.stdout.name, sys.stdout.fileno(), sys.stderr.name, type(sys.stdin.buffer).__name__, file=sys.stderr)\ninput()\nprint(sum(map(int, input().split())))';
  const v = await g.grade({ problem: SUM, code: probe });
  assert.equal(v.status, 'passed', JSON.stringify(v));
  const check = 'import sys\nassert (sys.stdin.mode, sys.stdin.name, sys.stdout.mode, sys.stdout.name, sys.stderr.mode, sys.stderr.name) == ("r", "<stdin>", "w", "<stdout>", "w", "<stderr>")\nassert sys.stdout.buffer.raw.name == "<stdout>"\ninput()\nprint(sum(map(int, input().split())))';
  const c = await g.grade({ problem: SUM, code: check });
  assert.equal(c.status, 'passed', JSON.stringify(c));
});

/** PyRival's FastIO template (pyrival/misc/FastIO.py), as models reproduce it. */
const FASTIO = `import os
import sys
from io import BytesIO, IOBase

BUFSIZE = 8192


class FastIO(IOBase):
    newlines = 0

    def __init__(self, file):
        self._fd = file.fileno()
        self.buffer = BytesIO()
        self.writable = "x" in file.mode or "r" not in file.mode
        self.write = self.buffer.write if self.writable else None

    def read(self):
        while True:
            b = os.read(self._fd, max(os.fstat(self._fd).st_size, BUFSIZE))
            if not b:
                break
            ptr = self.buffer.tell()
            self.buffer.seek(0, 2), self.buffer.write(b), self.buffer.seek(ptr)
        self.newlines = 0
        return self.buffer.read()

    def readline(self):
        while self.newlines == 0:
            b = os.read(self._fd, max(os.fstat(self._fd).st_size, BUFSIZE))
            self.newlines = b.count(b"\\n") + (not b)
            ptr = self.buffer.tell()
            self.buffer.seek(0, 2), self.buffer.write(b), self.buffer.seek(ptr)
        self.newlines -= 1
        return self.buffer.readline()

    def flush(self):
        if self.writable:
            os.write(self._fd, self.buffer.getvalue())
            self.buffer.truncate(0), self.buffer.seek(0)


class IOWrapper(IOBase):
    def __init__(self, file):
        self.buffer = FastIO(file)
        self.flush = self.buffer.flush
        self.writable = self.buffer.writable
        self.write = lambda s: self.buffer.write(s.encode("ascii"))
        self.read = lambda: self.buffer.read().decode("ascii")
        self.readline = lambda: self.buffer.readline().decode("ascii")


sys.stdin, sys.stdout = IOWrapper(sys.stdin), IOWrapper(sys.stdout)
input = lambda: sys.stdin.readline().rstrip("\\r\\n")
`;

test('real file objects: the PyRival FastIO template runs', async () => {
  const code = `${FASTIO}\ndef main():\n    input()\n    print(sum(map(int, input().split())))\n\n\nif __name__ == "__main__":\n    main()\n`;
  const v = await g.grade({ problem: SUM, code });
  assert.equal(v.status, 'passed', JSON.stringify(v));
});

test('os._exit(0) after flush() passes, as in a judge', async () => {
  const code = 'import os, sys\ninput()\nsys.stdout.write(str(sum(map(int, input().split()))) + "\\n")\nsys.stdout.flush()\nos._exit(0)';
  const v = await g.grade({ problem: SUM, code });
  assert.equal(v.status, 'passed', JSON.stringify(v));
  const fast = `${FASTIO}\ninput()\nprint(sum(map(int, input().split())))\nsys.stdout.flush()\nos._exit(0)\n`;
  const f = await g.grade({ problem: SUM, code: fast });
  assert.equal(f.status, 'passed', JSON.stringify(f));
});

const DEBIAN = '/usr/bin/python3';
function debianNumpy(): boolean {
  try {
    execFileSync(DEBIAN, ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('numpy with the Debian interpreter (python3-numpy in /usr/lib/python3/dist-packages)', { skip: debianNumpy() ? false : `${DEBIAN} has no numpy` }, async () => {
  const d = await grader({ python: DEBIAN, memoryMb: 1024, workers: 1 });
  try {
    const v = await d.grade({ problem: SUM, code: 'import numpy as np\ninput()\nprint(np.array(input().split(), dtype=np.int64).sum())' });
    assert.equal(v.status, 'passed', JSON.stringify(v));
  } finally {
    await d.close();
  }
});

test('determinism: set iteration order of str is the same on every fork server (PYTHONHASHSEED=0 reaches the interpreter)', async () => {
  const words = ['apple', 'banana', 'cherry', 'date', 'elder', 'fig', 'grape', 'honeydew', 'kiwi', 'lemon'];
  const code = `print(*{${words.map((w) => JSON.stringify(w)).join(', ')}})`;
  const expected = execFileSync(g.python, ['-c', code], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PYTHONHASHSEED: '0' } });
  const problem = stdinProblem([['', expected]]);
  // Four graders, eight servers: each started with its own interpreter.
  const graders = await Promise.all([0, 1, 2, 3].map(() => grader({ workers: 2 })));
  try {
    const verdicts = await Promise.all(graders.flatMap((x) => [x.grade({ problem, code }), x.grade({ problem, code })]));
    assert.deepEqual(verdicts.map((v) => v.status), Array(8).fill('passed'), JSON.stringify(verdicts.map((v) => v.message)));
  } finally {
    await Promise.all(graders.map((x) => x.close()));
  }
});
