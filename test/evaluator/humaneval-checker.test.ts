/**
 * HumanEval's long-lived checker (docs/sandbox.md, "HumanEval: one fork per sample"): one checker
 * process per fork server runs check() for every sample, so nothing a sample does may reach the
 * next sample's verdict through it. One worker, so every sample here goes through the same
 * server and the same checker. After each hostile sample, a correct and a wrong one must get
 * the verdicts they get alone; the checker's CPU is charged to the sample.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { grader, humanEvalProblem } from './helpers.js';

const g = await grader({ workers: 1 });
after(() => g.close());

const DOUBLE = humanEvalProblem(
  'def double(x):\n    """Return 2 * x."""\n',
  'def check(candidate):\n    assert candidate(2) == 4\n    assert candidate(-3) == -6\n    assert candidate(0) == 0\n',
  'double',
  'HumanEval/checker-double',
);
const CORRECT = '    return 2 * x\n';
const WRONG = '    return x + 2\n';

async function grade(problem: typeof DOUBLE, code: string) {
  return g.grade({ problem, code });
}

/** The next samples after a hostile one: verdicts as if alone. */
async function afterwards(what: string): Promise<void> {
  const ok = await grade(DOUBLE, CORRECT);
  assert.equal(ok.status, 'passed', `correct sample after ${what}: ${JSON.stringify(ok)}`);
  const wrong = await grade(DOUBLE, WRONG);
  assert.equal(wrong.status, 'wrong_answer', `wrong sample after ${what}: ${JSON.stringify(wrong)}`);
}

const hostile: [string, string, string[]][] = [
  [
    'a result whose __eq__/__hash__ try to leave state behind (list and int subclasses)',
    '    class L(list):\n        def __eq__(self, o):\n            import builtins\n            builtins.LEFT = 1\n            return True\n' +
      '        __hash__ = lambda self: 0\n    class I(int):\n        def __eq__(self, o):\n            return True\n' +
      '    return L([I(2 * x)]) if x else I(5)\n',
    ['wrong_answer', 'runtime_error'],
  ],
  ['a candidate that hangs in the middle of check()', '    if x == -3:\n        while True:\n            pass\n    return 2 * x\n', ['time_limit']],
  [
    'a candidate that writes garbage into its result pipe mid-check',
    '    import os\n    if x == -3:\n        os.write(6, b"\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x05hello")\n    return 2 * x\n',
    ['runtime_error'],
  ],
  [
    'a candidate that writes a 1 TB length header into its result pipe',
    '    import os\n    os.write(6, (1 << 40).to_bytes(8, "big"))\n    return 2 * x\n',
    ['runtime_error'],
  ],
  ['a result nested 100,000 deep', '    v = []\n    for _ in range(100000):\n        v = [v]\n    return v\n', ['runtime_error', 'wrong_answer']],
  ['a candidate that exits during a call', '    import os\n    os._exit(3)\n', ['runtime_error']],
  ['a candidate that closes its calls pipe in a call (the next call is EPIPE in the checker)', '    import os\n    os.close(5)\n    return 2 * x\n', ['runtime_error']],
  ['a candidate killed by a signal during a call', '    import os, signal\n    os.kill(os.getpid(), signal.SIGSEGV)\n', ['runtime_error']],
];

for (const [what, body, expected] of hostile) {
  test(`humaneval checker: ${what}, then a correct and a wrong sample as if alone`, async () => {
    const v = await grade(DOUBLE, body);
    assert.ok(expected.includes(v.status), `${what}: ${JSON.stringify(v)}`);
    if (what.includes('calls pipe')) assert.match(v.message, /exited \(code 1\) before the tests completed/, 'the candidate\'s own end, not the checker\'s SIGPIPE');
    await afterwards(what);
  });
}

test('humaneval checker: check() with a mutable default and module state sees a fresh namespace every sample', async () => {
  const problem = humanEvalProblem(
    'def double(x):\n    """Return 2 * x."""\n',
    'SEEN = []\n\ndef check(candidate, calls=[]):\n    calls.append(1)\n    SEEN.append(candidate(1))\n' +
      '    assert len(calls) == 1 and SEEN == [2], (calls, SEEN)\n    assert candidate(4) == 8\n',
    'double',
    'HumanEval/checker-default',
  );
  for (let i = 0; i < 3; i++) assert.equal((await grade(problem, CORRECT)).status, 'passed', `round ${i}`);
  assert.equal((await grade(problem, WRONG)).status, 'wrong_answer');
  assert.equal((await grade(problem, CORRECT)).status, 'passed');
});

test("humaneval checker: the global random state a test draws from is the same for every sample", async () => {
  // The candidate reports the draw it got in its exception message (the verdict's message).
  const problem = humanEvalProblem(
    'def f(x):\n    """Return True while you want another draw."""\n',
    'import random\n\ndef check(candidate):\n    while candidate(random.random()):\n        pass\n',
    'f',
    'HumanEval/checker-random',
  );
  const first = '    raise ValueError(repr(x))\n';
  const greedy = '    global COUNT\n    COUNT = globals().get("COUNT", 0) + 1\n    if COUNT < 7:\n        return True\n    raise ValueError(repr(x))\n';
  const a = await grade(problem, first);
  assert.equal(a.status, 'runtime_error', JSON.stringify(a));
  const b = await grade(problem, greedy);
  assert.equal(b.status, 'runtime_error', JSON.stringify(b));
  assert.notEqual(b.message, a.message, 'the greedy sample drew 7 numbers');
  const c = await grade(problem, first);
  assert.equal(c.message, a.message, 'the draw after a sample that drew 7 numbers');
});

test("humaneval checker: check()'s CPU is charged to the sample (0.6 s in the candidate + 0.6 s in check() > 1 s)", async () => {
  const burn = (s: number) => `import time\nt = time.process_time()\nwhile time.process_time() - t < ${s}:\n    pass\n`;
  const indent = (src: string) => src.split('\n').map((l) => (l ? `    ${l}` : l)).join('\n');
  const problem = humanEvalProblem(
    'def f():\n    """Return 1."""\n',
    `def check(candidate):\n    assert candidate() == 1\n${indent(burn(0.6))}`,
    'f',
    'HumanEval/checker-cpu',
  );
  const light = await grade(problem, '    return 1\n');
  assert.equal(light.status, 'passed', JSON.stringify(light));
  assert.ok(light.cpu_ms >= 600, `check()'s 0.6 s of CPU is in the sample's cpu_ms (${light.cpu_ms})`);
  const heavy = await grade(problem, indent(burn(0.6)) + '\n    return 1\n');
  assert.equal(heavy.status, 'time_limit', JSON.stringify(heavy));
  await afterwards('a sample whose check() ran over the CPU limit');
});

test('humaneval checker: a check() that never ends on the sample\'s value is time_limit, and the checker is replaced', async () => {
  const problem = humanEvalProblem(
    'def f():\n    """Return a small int."""\n',
    'def check(candidate):\n    n = candidate()\n    assert sum(range(n)) >= 0\n',
    'f',
    'HumanEval/checker-hang',
  );
  const v = await grade(problem, '    return 10 ** 15\n');
  assert.equal(v.status, 'time_limit', JSON.stringify(v));
  assert.equal((await grade(problem, '    return 10\n')).status, 'passed');
  await afterwards('a check() that ran out of CPU');
  assert.equal(g.stats.infraErrors, 0);
});

/** A wrong body, then code that looks for the checker (by its name) and tries to reach its memory. */
const REACH_CHECKER =
  '    return x + 2\n' +
  'import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\n' +
  'for p in os.listdir("/proc"):\n' +
  '    try:\n        comm = open(f"/proc/{p}/comm").read().strip()\n    except OSError:\n        continue\n' +
  '    if comm != "passk-checker":\n        continue\n' +
  '    assert libc.ptrace(16, int(p), 0, 0) != 0, "ptrace attached to the checker"\n' +
  '    try:\n        open(f"/proc/{p}/mem", "rb").close()\n    except OSError:\n        pass\n    else:\n        raise SystemExit("the checker\'s memory opened")\n';

for (const isolation of ['auto', 'none'] as const) {
  test(`humaneval checker (isolation ${isolation}): the candidate cannot ptrace the checker or open its memory`, async () => {
    const h = await grader({ workers: 1, isolation });
    try {
      assert.equal((await h.grade({ problem: DOUBLE, code: CORRECT })).status, 'passed'); // the checker runs
      const v = await h.grade({ problem: DOUBLE, code: REACH_CHECKER });
      assert.equal(v.status, 'wrong_answer', `the candidate reached the checker: ${JSON.stringify(v)}`);
      assert.equal((await h.grade({ problem: DOUBLE, code: CORRECT })).status, 'passed');
      assert.equal((await h.grade({ problem: DOUBLE, code: WRONG })).status, 'wrong_answer');
    } finally {
      await h.close();
    }
  });
}
