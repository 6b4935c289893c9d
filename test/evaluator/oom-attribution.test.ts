/**
 * Which OOM kills are the memory cgroup's own (memory_limit) and which are the machine's (the
 * global OOM killer: an unexplained death, retried). The kernel counts both in the cgroup's
 * `oom_kill`; only the cgroup's own come with failed charges (`memory.failcnt`). Real global
 * memory pressure cannot be made safely on a shared machine, so the rule is run here on files
 * standing in for the two cgroup files, by passk_sandbox.Cgroups.oom_kills itself; the cgroup's
 * own OOM is exercised for real in external-kill.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PYTHON_DIR = fileURLToPath(new URL('../../packages/evaluator/python/', import.meta.url));

const SCRIPT = `
import json, os, sys
sys.path.insert(0, sys.argv[1])
from passk_sandbox import Cgroups
d = sys.argv[2]
def put(kills, fails):
    with open(d + "/oom_control", "w") as f:
        f.write(f"oom_kill_disable 0\\nunder_oom 0\\noom_kill {kills}\\n")
    with open(d + "/failcnt", "w") as f:
        f.write(f"{fails}\\n")
put(0, 0)
c = Cgroups.__new__(Cgroups)
c.oom_fd = os.open(d + "/oom_control", os.O_RDONLY)
c.failcnt_fd = os.open(d + "/failcnt", os.O_RDONLY)
c._kills_seen, c._fails_seen, c._not_ours = c._raw_oom_kills(), c._failcnt(), 0
seen = [c.oom_kills()]
for kills, fails in json.loads(sys.argv[3]):
    put(kills, fails)
    seen.append(c.oom_kills())
print(json.dumps(seen))
`;

test("an OOM kill with no failed charge against the cgroup (the global OOM killer's) is not the cgroup's memory_limit", () => {
  const dir = mkdtempSync(join(tmpdir(), 'passk-oom-'));
  try {
    // executions: the cgroup's own OOM (kill + failed charges), a global OOM kill (kill only),
    // nothing, the cgroup's own again, failed charges that reclaim absorbed (no kill).
    const steps = [[1, 50], [2, 50], [2, 50], [3, 90], [3, 120]];
    const out = execFileSync('python3', ['-I', '-c', SCRIPT, PYTHON_DIR, dir, JSON.stringify(steps)], { encoding: 'utf8' });
    const counts = JSON.parse(out) as number[];
    const oomPerExecution = counts.slice(1).map((n, i) => n > counts[i]!);
    assert.deepEqual(oomPerExecution, [true, false, false, true, false]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
