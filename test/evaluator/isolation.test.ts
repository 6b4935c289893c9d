/**
 * Nothing one execution leaves behind reaches the next (docs/sandbox.md, "Per execution"): for
 * each kind of state, a first sample leaves it on a one-server grader and a second sample, on the
 * same server, checks that it is gone (it prints the right answer only then). Root + namespaces.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { grader, DOUBLE } from './helpers.js';
import { childrenMatching } from '../helpers/procs.js';

const g = await grader({ workers: 1 });
after(() => g.close());
const isRoot = process.getuid?.() === 0;
const ANSWER = 'print(int(input()) * 2)';
const LIBC = 'import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\n';
/** add_key and keyctl numbers (no libc wrapper); KEY_SPEC_USER_KEYRING = -4, KEYCTL_SEARCH = 10. */
const KEYS = 'import platform\nADD_KEY, KEYCTL = {"x86_64": (248, 250), "aarch64": (217, 219)}[platform.machine()]\n';

/** [what, the leaving sample, the checking sample (asserts, then answers)] */
const leaks: [string, string, string][] = [
  [
    'SysV shared memory',
    `${LIBC}shm = libc.shmget(0x5a5a, 1 << 20, 0o1666)\nassert shm >= 0, ctypes.get_errno()\n${ANSWER}`,
    `${LIBC}assert libc.shmget(0x5a5a, 0, 0o666) == -1 and ctypes.get_errno() == 2, "segment still there"\n${ANSWER}`,
  ],
  [
    'SysV message queue',
    `${LIBC}assert libc.msgget(0x5a5b, 0o1666) >= 0\n${ANSWER}`,
    `${LIBC}assert libc.msgget(0x5a5b, 0o666) == -1, "queue still there"\n${ANSWER}`,
  ],
  [
    'POSIX message queue',
    `${LIBC}libc.mq_open.restype = ctypes.c_int\nassert libc.mq_open(b"/passk-q", os.O_CREAT | os.O_RDWR, 0o666, None) >= 0, ctypes.get_errno()\n${ANSWER}`,
    `${LIBC}libc.mq_open.restype = ctypes.c_int\nassert libc.mq_open(b"/passk-q", os.O_RDWR) == -1, "mqueue still there"\n${ANSWER}`,
  ],
  [
    "the uid's keyring",
    `${LIBC}${KEYS}libc.syscall(ADD_KEY, b"user", b"passk-key", b"secret", 6, -4)\n${ANSWER}`,
    `${LIBC}${KEYS}assert libc.syscall(KEYCTL, 10, -4, b"user", b"passk-key", 0) == -1, "key still there"\n${ANSWER}`,
  ],
  [
    'O_APPEND / O_NONBLOCK / F_SETOWN on the stdio descriptions',
    `import fcntl, os\nfor fd in (0, 1, 2, 3):\n    fcntl.fcntl(fd, fcntl.F_SETFL, os.O_APPEND | os.O_NONBLOCK)\n    fcntl.fcntl(fd, fcntl.F_SETOWN, os.getpid())\n${ANSWER}`,
    `import fcntl, os\nfor fd in (0, 1, 2, 3):\n    fl = fcntl.fcntl(fd, fcntl.F_GETFL)\n    assert not fl & (os.O_APPEND | os.O_NONBLOCK), (fd, fl)\n    assert fcntl.fcntl(fd, fcntl.F_GETOWN) == 0, fd\n${ANSWER}`,
  ],
  [
    'user.* xattrs on the stdio files',
    `import os\nfor fd in (0, 1, 2):\n    os.setxattr(fd, "user.passk", b"x")\n${ANSWER}`,
    `import os\nfor fd in (0, 1, 2):\n    assert os.listxattr(fd) == [], fd\n${ANSWER}`,
  ],
  [
    "the scratch dir's timestamps, mode and xattrs",
    `import os\nos.setxattr(".", "user.passk", b"x")\nos.utime(".", (1, 1))\n${ANSWER}`,
    `import os\nassert os.stat(".").st_mtime > 1, os.stat(".")\nassert os.listxattr(".") == []\n${ANSWER}`,
  ],
  [
    '/dev/shm files',
    `open("/dev/shm/passk-left", "w").write("x")\n${ANSWER}`,
    `import os\nassert os.listdir("/dev/shm") == [], os.listdir("/dev/shm")\n${ANSWER}`,
  ],
];

test('state left by one execution is gone for the next', { skip: !isRoot && 'needs root' }, async (t) => {
  for (const [what, leave, check] of leaks) {
    await t.test(what, async () => {
      const a = await g.grade({ problem: DOUBLE, code: leave });
      assert.equal(a.status, 'passed', `${what} (leaving): ${JSON.stringify(a)}`);
      const b = await g.grade({ problem: DOUBLE, code: check });
      assert.equal(b.status, 'passed', `${what} (checking): ${JSON.stringify(b)}`);
    });
  }
});

test("200 MB of SysV shared memory left by one sample is not charged to the next", { skip: !isRoot && 'needs root' }, async () => {
  // Never IPC_RMID'd: before, the segments stayed charged to the server's memory cgroup for good.
  const leave = [
    LIBC.trim(),
    'libc.shmat.restype = ctypes.c_void_p',
    'for k in range(2):',
    '    shm = libc.shmget(0x7000 + k, 100 << 20, 0o1666)',
    '    assert shm >= 0, ctypes.get_errno()',
    '    p = libc.shmat(shm, None, 0)',
    '    ctypes.memset(p, 1, 100 << 20)',
    '    libc.shmdt(ctypes.c_void_p(p))',
    ANSWER,
  ].join('\n');
  const a = await g.grade({ problem: DOUBLE, code: leave });
  assert.equal(a.status, 'passed', JSON.stringify(a));
  // The kernel frees the segments with the IPC namespace tens of ms after the execution ends (later
  // under load): the server waits for that before the verdict goes out, so none is charged now.
  const charged = runShmem();
  if (charged !== null) assert.equal(charged, 0, 'no shared memory of the last sample is charged when its verdict arrives');
  const b = await g.grade({ problem: DOUBLE, code: `x = bytearray(200 << 20)\n${ANSWER}` });
  assert.equal(b.status, 'passed', JSON.stringify(b));
});

/** Bytes of shared memory charged to the children's memory group of this file's one fork server (null without cgroup v1 memory). */
function runShmem(): number | null {
  const [server] = childrenMatching(process.pid, 'passk_forkserver');
  assert.ok(server, 'the fork server runs');
  const file = `/sys/fs/cgroup/memory/passk/${server}/run/memory.stat`;
  if (!existsSync(file)) return null;
  return Number(/^shmem (\d+)$/m.exec(readFileSync(file, 'utf8'))?.[1]);
}

test('60k empty directories cost the next execution nothing (the scratch tmpfs is replaced)', { skip: !isRoot && 'needs root' }, async () => {
  const a = await g.grade({ problem: DOUBLE, code: `import posix\nfor i in range(60000):\n    posix.mkdir(str(i))\n${ANSWER}` });
  assert.ok(['passed', 'time_limit'].includes(a.status), JSON.stringify(a));
  const b = await g.grade({ problem: DOUBLE, code: `import os\nassert os.listdir(".") == []\n${ANSWER}` });
  assert.equal(b.status, 'passed', JSON.stringify(b));
  assert.equal(g.stats.infraErrors, 0);
});

test('no server restart along the way', () => {
  assert.equal(g.stats.serverStarts, 1);
  assert.equal(g.stats.retries, 0);
});
