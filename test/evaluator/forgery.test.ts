/**
 * HumanEval verdicts that a wrong completion could forge from inside its own process (issue 11,
 * "Verdicts that can be forged"): the report nonce found by introspection, the harness's
 * functions replaced through sys.modules, the comparison of a builtin type patched with ctypes.
 * Each completion here is wrong; each forged a `passed` when check() ran in the completion's
 * process. check() now runs in a process where sample code never ran (docs/sandbox.md,
 * "HumanEval: one fork per sample").
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { grader, humanEvalProblem } from './helpers.js';

const g = await grader();
after(() => g.close());

const PROBLEM = humanEvalProblem(
  'def rev(xs):\n    """Return xs reversed."""\n',
  'def check(candidate):\n    assert candidate([1, 2]) == [2, 1]\n    assert candidate([1, 2, 3]) == [3, 2, 1]\n',
  'rev',
  'HumanEval/forgery',
);
/** A wrong body, then top-level attack code (the completion is appended to the prompt). */
const WRONG = '    return [0]\n';

const attacks: [string, string][] = [
  [
    'the report nonce from the harness frames (sys._getframe), a forged "done" report, os._exit(0)',
    'import sys, os\nf = sys._getframe()\nwhile f is not None and not isinstance(f.f_locals.get("nonce"), bytes):\n    f = f.f_back\n' +
      'os.write(3, f.f_locals["nonce"] + b"\\n" + b\'{"kind": "done"}\')\nos._exit(0)\n',
  ],
  [
    'the report nonce from gc.get_objects(), a forged "done" report, os._exit(0)',
    'import gc, os\nreq = next(o for o in gc.get_objects() if isinstance(o, dict) and isinstance(o.get("nonce"), str) and "mode" in o)\n' +
      'os.lseek(3, 0, 0)\nos.write(3, req["nonce"].encode() + b"\\n" + b\'{"kind": "done"}\')\nos._exit(0)\n',
  ],
  [
    "the harness's result filter replaced through sys.modules['passk_harness'] (plain)",
    'import sys\nclass Any:\n    def __eq__(self, other):\n        return True\nsys.modules["passk_harness"].plain = lambda v: Any()\n',
  ],
  [
    "the harness's reporting replaced through sys.modules['passk_harness'] (_exception_report, _exit)",
    'import sys, os\nh = sys.modules["passk_harness"]\nh._exception_report = lambda e: {"kind": "done"}\nh._exit = lambda code: os._exit(0)\n',
  ],
  [
    'ctypes overwriting tp_richcompare of list: every == between lists is true',
    'import ctypes\nCMP = ctypes.CFUNCTYPE(ctypes.py_object, ctypes.py_object, ctypes.py_object, ctypes.c_int)\n' +
      '@CMP\ndef always(a, b, op):\n    return True\n' +
      'ctypes.c_void_p.from_address(id(list) + 25 * ctypes.sizeof(ctypes.c_void_p)).value = ctypes.cast(always, ctypes.c_void_p).value\n' +
      'import builtins\nbuiltins._passk_keep = always\n',
  ],
  [
    "the report fd reopened through /proc/<parent>/fd/3 (the checker's), else fd 3, with the nonce from gc",
    'import gc, os\nreq = next(o for o in gc.get_objects() if isinstance(o, dict) and isinstance(o.get("nonce"), str) and "mode" in o)\n' +
      'try:\n    fd = os.open(f"/proc/{os.getppid()}/fd/3", os.O_WRONLY)\nexcept OSError:\n    fd = 3\n' +
      'os.lseek(fd, 0, 0)\nos.write(fd, req["nonce"].encode() + b"\\n" + b\'{"kind": "done"}\')\nos._exit(0)\n',
  ],
  [
    "the checker's memory read through /proc/<parent>/mem or ptrace (PTRACE_ATTACH)",
    'import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\nassert libc.ptrace(16, os.getppid(), 0, 0) != 0, "ptrace attached"\n' +
      'try:\n    open(f"/proc/{os.getppid()}/mem", "rb").close()\nexcept OSError:\n    pass\nelse:\n    raise SystemExit("mem opened")\n',
  ],
];

for (const [name, attack] of attacks) {
  test(`forgery: ${name} does not pass`, async () => {
    const v = await g.grade({ problem: PROBLEM, code: WRONG + attack });
    assert.notEqual(v.status, 'passed', JSON.stringify(v));
    assert.ok(['wrong_answer', 'runtime_error'].includes(v.status), JSON.stringify(v));
    if (name.includes('ptrace')) assert.equal(v.status, 'wrong_answer', `the candidate could reach the checker: ${v.message}`);
  });
}

test('forgery: the same problem still passes a correct completion, and fails the plain wrong one', async () => {
  assert.equal((await g.grade({ problem: PROBLEM, code: '    return xs[::-1]\n' })).status, 'passed');
  assert.equal((await g.grade({ problem: PROBLEM, code: WRONG })).status, 'wrong_answer');
  assert.equal(g.stats.infraErrors, 0);
});

/** The completion writes its own bytes into the candidate's result pipe (found in the harness frame
 * that runs it), ahead of the harness's own messages. */
function rawReplies(...bodies: string[]): string {
  return 'import sys, os\nresults = sys._getframe().f_back.f_locals["results"]\n' +
    `for body in [${bodies.join(', ')}]:\n    os.write(results, len(body).to_bytes(8, "big") + body)\n`;
}
const READY = 'b\'["ready"]\'';

test("forgery: bytes a completion writes into the candidate's result pipe get at worst its own failure", async () => {
  const cases: [string, string][] = [
    ['not a message', rawReplies("b'{\"not\": \"a list\"}'")],
    ['not JSON', rawReplies("b'\\xff\\xfe garbage'")],
    ['a malformed int', rawReplies(READY, 'b\'["ok", ["i", "zz"]]\'')],
    ['an unknown tag', rawReplies(READY, 'b\'["ok", ["x", 1]]\'')],
    ['a list where a set element must be hashable', rawReplies(READY, 'b\'["ok", ["s", ["l"]]]\'')],
    ['a value nested 100,000 deep', rawReplies(READY, 'b\'["ok", \' + b\'["l", \' * 100000 + b\'"x"\' + b\']\' * 100000 + b\']\'')],
    ['a forged exception of a made-up type', rawReplies(READY, 'b\'["exc", "Passed", "all tests passed", null]\'')],
  ];
  for (const [what, attack] of cases) {
    const v = await g.grade({ problem: PROBLEM, code: WRONG + attack });
    assert.equal(v.status, 'runtime_error', `${what}: ${JSON.stringify(v)}`);
  }
  const huge = 'import sys, os\nresults = sys._getframe().f_back.f_locals["results"]\nos.write(results, (1 << 40).to_bytes(8, "big"))\n';
  assert.equal((await g.grade({ problem: PROBLEM, code: WRONG + huge })).status, 'runtime_error', 'a 1 TB length header');
  assert.equal(g.stats.infraErrors, 0);
  assert.equal(g.stats.retries, 0);
});
