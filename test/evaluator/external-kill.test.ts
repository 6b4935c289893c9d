/**
 * A verdict depends on the program alone (issue 12): a correct program SIGKILLed from outside
 * (the global OOM killer, an operator) is retried, not `runtime_error: killed by SIGKILL`; a
 * program that kills itself is still its own verdict once the death happens again. The killer
 * here SIGKILLs the executions of this process's own fork servers, found through their cgroups.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import type { Problem, Verdict } from '@passk/core';
import type { PasskGrader } from '@passk/evaluator';
import { grader, stdinProblem, humanEvalProblem } from './helpers.js';
import { childrenMatching, readStat } from '../helpers/procs.js';

const root = process.getuid?.() === 0;
const hasCgroups = (() => {
  try {
    readdirSync('/sys/fs/cgroup/pids');
    return true;
  } catch {
    return false;
  }
})();
const skip = root && hasCgroups ? false : 'needs root and cgroup v1 pids (the executions are found by their cgroup)';

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** This process's fork servers. */
function servers(): number[] {
  return childrenMatching(process.pid, 'passk_forkserver');
}

/** HumanEval's long-lived checker (passk_checker.py names itself so), if the server runs one. */
function checker(server: number): number | null {
  const members = (read(`/sys/fs/cgroup/pids/passk/${server}/cgroup.procs`) ?? '').split('\n').filter(Boolean).map(Number);
  return members.find((p) => read(`/proc/${p}/comm`)?.trim() === 'passk-checker') ?? null;
}

/** The running execution's processes in a server's pids cgroup: [its child (the execution), others]. */
function execution(server: number): { leader: number | null; others: number[] } {
  const members = (read(`/sys/fs/cgroup/pids/passk/${server}/cgroup.procs`) ?? '').split('\n').filter(Boolean).map(Number);
  const spare = checker(server);
  const tree = members.filter((p) => p !== server && p !== spare);
  const leader = tree.find((p) => readStat(p)?.ppid === server) ?? null;
  return { leader, others: tree.filter((p) => p !== leader) };
}

/**
 * SIGKILLs every other execution it sees (strict alternation over the executions it sees, one
 * server: the retry of a killed execution is the next one, and is spared), from outside: the
 * leader (HumanEval's candidate is the leader), or with `target` 'checker' HumanEval's checker
 * while the execution runs, as the OOM killer would.
 */
function killer(target: 'leader' | 'checker'): { stop: () => number } {
  const seen = new Set<number>();
  const firstSeen = new Map<number, number>();
  let kills = 0;
  let next = true;
  const timer = setInterval(() => {
    for (const s of servers()) {
      const { leader } = execution(s);
      if (leader === null || seen.has(leader)) continue;
      if (target === 'checker') {
        // The checker gets the sample just after the candidate's fork: strike once the candidate naps in its call.
        const t = firstSeen.get(leader) ?? performance.now();
        firstSeen.set(leader, t);
        if (performance.now() - t < 50) continue;
      }
      const victim = target === 'checker' ? checker(s) : leader;
      if (victim === null) continue;
      seen.add(leader);
      if (next) {
        try {
          process.kill(victim, 'SIGKILL');
          kills++;
        } catch {
          /* already gone */
        }
      }
      next = !next;
    }
  }, 5);
  return {
    stop: () => {
      clearInterval(timer);
      return kills;
    },
  };
}

/** Programs that live long enough (a sleep: wall time, not CPU) for the killer to see them. */
const NAP = 'import time\ntime.sleep(0.4)\n';
const DOUBLE = stdinProblem([
  ['21\n', '42\n'],
  ['5\n', '10\n'],
]);
const STDIN_SAMPLES = [
  `${NAP}print(int(input()) * 2)`,
  `${NAP}print(int(input()) * 3)`,
  `${NAP}print(int(input()) * 2)\nimport sys\nsys.exit(1)`,
  `x = int(input())\n${NAP}print(x + x)`,
];
const ADD = humanEvalProblem('def add(a, b):\n    """Return a + b."""\n', 'def check(candidate):\n    assert candidate(1, 2) == 3\n    assert candidate(2, 2) == 4\n', 'add', 'HumanEval/kill');
const HE_SAMPLES = [`    import time\n    time.sleep(0.2)\n    return a + b\n`, `    import time\n    time.sleep(0.2)\n    return a - b\n`, `    import time\n    time.sleep(0.2)\n    return b + a\n`];

async function gradeAll(g: PasskGrader, problem: Problem, samples: string[]): Promise<Verdict['status'][]> {
  const out: Verdict['status'][] = [];
  for (const code of samples) out.push((await g.grade({ problem, code })).status);
  return out;
}

const g = await grader({ workers: 1, wallLimitSeconds: 20 });
after(() => g.close());

for (const [mode, problem, samples, target] of [
  ['stdin', DOUBLE, STDIN_SAMPLES, 'leader'],
  ['humaneval (the candidate process is killed)', ADD, HE_SAMPLES, 'leader'],
  ['humaneval (the long-lived checker is killed)', ADD, HE_SAMPLES, 'checker'],
] as const) {
  test(`${mode}: executions SIGKILLed from outside get the verdicts of an undisturbed run`, { skip }, async () => {
    const undisturbed = await gradeAll(g, problem, [...samples]);
    const before = g.stats.unexplainedDeaths;
    const k = killer(target);
    let disturbed: Verdict['status'][];
    let kills: number;
    try {
      disturbed = await gradeAll(g, problem, [...samples]);
    } finally {
      kills = k.stop();
    }
    assert.deepEqual(disturbed, undisturbed);
    assert.ok(kills >= 2, `the killer killed ${kills} executions`);
    const deaths = g.stats.unexplainedDeaths - before;
    if (target === 'leader') assert.equal(deaths, kills);
    // A checker killed after its reply (the candidate not yet reaped) is replaced before the next sample, unseen.
    else assert.ok(deaths >= 1 && deaths <= kills, `${deaths} unexplained deaths for ${kills} kills of the checker`);
    assert.equal(g.stats.infraErrors, 0);
  });
}

test('a program that SIGKILLs itself is its own verdict: runtime_error after one retry', async () => {
  const before = g.stats.unexplainedDeaths;
  const v = await g.grade({ problem: DOUBLE, code: 'import os, posix, signal\nprint(int(input()) * 2, flush=True)\nposix.kill(os.getpid(), signal.SIGKILL)' });
  assert.equal(v.status, 'runtime_error');
  assert.match(v.message, /killed by SIGKILL/);
  assert.equal(g.stats.unexplainedDeaths - before, 1);
  assert.equal(g.stats.infraErrors, 0);
});

test("the memory cgroup's own OOM kill is memory_limit at once, not an unexplained death", { skip }, async () => {
  const small = await grader({ workers: 1, memoryMb: 128 });
  try {
    // Ten processes of 25 MB each: every one is under RLIMIT_AS, together they pass the cgroup's limit.
    const hog = 'import posix, os, time\nfor k in range(10):\n    if posix.fork() == 0:\n        x = bytearray(25 << 20)\n        for i in range(0, len(x), 4096):\n            x[i] = 1\n        time.sleep(0.5)\n        os._exit(0)\nfor k in range(10):\n    os.wait()\nprint(int(input()) * 2)';
    const v = await small.grade({ problem: DOUBLE, code: hog });
    assert.equal(v.status, 'memory_limit', JSON.stringify(v));
    assert.match(v.message, /memory cgroup/);
    assert.equal(small.stats.unexplainedDeaths, 0);
    assert.equal((await small.grade({ problem: DOUBLE, code: 'print(int(input()) * 2)' })).status, 'passed');
  } finally {
    await small.close();
  }
});
