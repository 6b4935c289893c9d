/**
 * Programs that try to take the fork server or the host down (docs/sandbox.md): compile bombs,
 * file-table exhaustion, CPU burnt in un-waited grandchildren, writes to writable submounts of the
 * read-only system binds, the kernel interfaces the seccomp filter denies, an OOM engineered so
 * that the server would be the victim. Each gets its own failure; the server is never restarted.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { grader, DOUBLE } from './helpers.js';
import type { PasskGrader } from '@passk/evaluator';

const isRoot = process.getuid?.() === 0;
const PYTHON_DIR = fileURLToPath(new URL('../../packages/evaluator/python/', import.meta.url));
const ANSWER = 'print(int(input()) * 2)';
const LIBC = 'import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\n';
// A writable bind mount below /opt, made before the server starts (as Docker binds /etc/hosts).
const SUBMOUNT = `/opt/passk-test-${process.pid}`;
const SUBMOUNT_SRC = `/tmp/passk-test-src-${process.pid}`;
let mounted = false;
let g: PasskGrader;

before(async () => {
  if (isRoot) {
    mkdirSync(SUBMOUNT, { recursive: true });
    mkdirSync(SUBMOUNT_SRC, { recursive: true });
    chmodSync(SUBMOUNT_SRC, 0o1777); // only read-only-ness can stop the program
    execFileSync('mount', ['--bind', SUBMOUNT_SRC, SUBMOUNT]);
    mounted = true;
  }
  // A wall backstop far above the CPU limit: the grandchildren below need wall time on a loaded box.
  g = await grader({ workers: 1, wallLimitSeconds: 30 });
});

after(async () => {
  await g?.close();
  if (mounted) execFileSync('umount', [SUBMOUNT]);
  rmSync(SUBMOUNT, { recursive: true, force: true });
  rmSync(SUBMOUNT_SRC, { recursive: true, force: true });
});

test('nested try/finally (4^depth bytecode) is compiled under the child limits, not in the server', async () => {
  let src = '';
  for (let i = 0; i < 21; i++) src += `${' '.repeat(i)}try:\n${' '.repeat(i + 1)}pass\n${' '.repeat(i)}finally:\n`;
  src += `${' '.repeat(21)}x = 1\n${ANSWER}\n`;
  const v = await g.grade({ problem: DOUBLE, code: src });
  assert.ok(['syntax_error', 'memory_limit', 'time_limit', 'runtime_error'].includes(v.status), JSON.stringify(v));
  assert.equal(g.stats.serverStarts, 1, 'the server was restarted');
});

test('RLIMIT_NOFILE: a program cannot hold more than 1024 open files', async () => {
  const code = `n = []\ntry:\n    for i in range(100000):\n        n.append(open("/dev/null"))\nexcept OSError:\n    pass\nassert len(n) < 1024, len(n)\n${ANSWER}`;
  const v = await g.grade({ problem: DOUBLE, code });
  assert.equal(v.status, 'passed', JSON.stringify(v));
});

test("CPU of grandchildren the program does not wait for is charged", { skip: !isRoot && 'needs cgroups' }, async () => {
  // Three burners; the parent sleeps (no CPU) until /proc says they used 1.5 s (limit: 1 s), answers, and exits.
  const code = [
    'import os, posix, time',
    'kids = []',
    'for _ in range(3):',
    '    pid = posix.fork()',
    '    if pid == 0:',
    '        while True:',
    '            pass',
    '    kids.append(pid)',
    'tick = os.sysconf("SC_CLK_TCK")',
    'def used(pid):',
    '    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()',
    '    return (int(f[11]) + int(f[12])) / tick',
    'while sum(used(p) for p in kids) < 1.5:',
    '    time.sleep(0.02)',
    ANSWER,
  ].join('\n');
  const v = await g.grade({ problem: DOUBLE, code });
  assert.equal(v.status, 'time_limit', JSON.stringify(v));
  assert.ok(v.cpu_ms >= 1500, JSON.stringify(v));
});

test('submounts of the read-only binds are read-only too', { skip: !isRoot && 'needs root' }, async () => {
  const code = `try:\n    open("${SUBMOUNT}/pwned", "w").write("x")\nexcept OSError as e:\n    assert e.errno == 30, e\n    ${ANSWER}`;
  const v = await g.grade({ problem: DOUBLE, code });
  assert.equal(v.status, 'passed', JSON.stringify(v));
  assert.deepEqual(readdirSync(SUBMOUNT_SRC), []);
  for (const f of ['/etc/hosts', '/etc/resolv.conf']) {
    const w = await g.grade({ problem: DOUBLE, code: `try:\n    open("${f}", "a").write("x")\nexcept OSError:\n    pass\n${ANSWER}` });
    assert.equal(w.status, 'passed', `${f}: ${JSON.stringify(w)}`);
  }
});

test('the seccomp filter denies keyrings, io_uring, bpf, perf, netlink, vsock, namespaces with EPERM', { skip: !isRoot && 'needs root' }, async () => {
  const code = [
    LIBC.trim(),
    'import platform, socket',
    'NR = {"x86_64": dict(keyctl=250, add_key=248, io_uring_setup=425, bpf=321, perf_event_open=298, unshare=272, setns=308, ptrace=101),',
    '      "aarch64": dict(keyctl=219, add_key=217, io_uring_setup=425, bpf=280, perf_event_open=241, unshare=97, setns=268, ptrace=117)}[platform.machine()]',
    'buf = ctypes.create_string_buffer(256)',
    'calls = dict(keyctl=(0, -3, 0), add_key=(b"user", b"k", b"v", 1, -3), io_uring_setup=(8, buf), bpf=(0, buf, 64),',
    '             perf_event_open=(buf, 0, -1, -1, 0), unshare=(0x10000000,), setns=(0, 0), ptrace=(16, os.getppid(), 0, 0))',
    'for name, args in calls.items():',
    '    assert libc.syscall(NR[name], *args) == -1 and ctypes.get_errno() == 1, (name, ctypes.get_errno())',
    'for family, kind in ((socket.AF_NETLINK, socket.SOCK_RAW), (socket.AF_VSOCK, socket.SOCK_STREAM)):',
    '    try:',
    '        socket.socket(family, kind)',
    '        raise AssertionError(family)',
    '    except PermissionError:',
    '        pass',
    'socket.socketpair()  # AF_UNIX stays',
    ANSWER,
  ].join('\n');
  const v = await g.grade({ problem: DOUBLE, code });
  assert.equal(v.status, 'passed', `${v.status}: ${v.message}`);
});

test('the seccomp filter assembles for both architectures (x86_64 with its x32 check, aarch64)', () => {
  const check = `import sys\nsys.path.insert(0, ${JSON.stringify(PYTHON_DIR)})\nimport passk_seccomp as s\nprint(len(s.build("x86_64")) // 8, len(s.build("aarch64")) // 8)`;
  const [x86, arm] = execFileSync('python3', ['-c', check]).toString().trim().split(' ').map(Number);
  assert.equal(x86, arm! + 1); // the x32 jump
  assert.ok(arm! > 40 && x86! < 256, `${x86} ${arm}`);
});

/** Threads (clone3 gets ENOSYS, glibc falls back to clone), numpy's BLAS threads, fork, a pool. */
const UNDER_FILTER = [
  'import threading, numpy, posix, os',
  'out = []',
  'ts = [threading.Thread(target=lambda: out.append(int(numpy.arange(10).sum()))) for _ in range(4)]',
  '[t.start() for t in ts]',
  '[t.join() for t in ts]',
  'assert out == [45] * 4, out',
  'assert abs(numpy.linalg.inv(numpy.eye(3) * 2).sum() - 1.5) < 1e-9',
  'assert numpy.dot(numpy.ones((300, 300)), numpy.ones(300)).sum() == 90000',
  'import multiprocessing',
  'with multiprocessing.Pool(2) as pool:',
  '    assert pool.map(abs, [-1, -2]) == [1, 2]',
  'print("ok")',
].join('\n');

test('numpy and threads work under the filter (a Python with numpy, the filter installed as the server does)', async (t) => {
  const python = '/usr/bin/python3';
  try {
    execFileSync(python, ['-c', 'import numpy']);
  } catch {
    return t.skip('no numpy for /usr/bin/python3');
  }
  const filter = `import sys\nsys.path.insert(0, ${JSON.stringify(PYTHON_DIR)})\nimport passk_seccomp\npasskf = passk_seccomp.Filter()\npasskf.install()\n`;
  const out = execFileSync(python, ['-c', filter + UNDER_FILTER], { env: { PATH: '/usr/bin:/bin', OPENBLAS_NUM_THREADS: '4' } }).toString();
  assert.equal(out.trim(), 'ok');
});

test('threads, fork and a thread pool work in the sandbox (no numpy there: -S)', async () => {
  const code = [
    'import threading, posix, os',
    'out = []',
    'ts = [threading.Thread(target=lambda: out.append(sum(range(10)))) for _ in range(4)]',
    '[t.start() for t in ts]',
    '[t.join() for t in ts]',
    'assert out == [45] * 4, out',
    'pid = posix.fork()',
    'if pid == 0:',
    '    os._exit(7)',
    'assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 7',
    'import concurrent.futures',
    'with concurrent.futures.ThreadPoolExecutor(2) as ex:',
    '    assert list(ex.map(abs, [-1, -2])) == [1, 2]',
    ANSWER,
  ].join('\n');
  const v = await g.grade({ problem: DOUBLE, code });
  assert.equal(v.status, 'passed', `${v.status}: ${v.message}`);
});

test("the server is outside its children's memory cgroup: an OOM arranged to pick it (tmpfs pages, own oom_score_adj 0) kills only the program", { skip: !isRoot && 'needs cgroups' }, async () => {
  // Files in the scratch dir and /dev/shm are charged to the memory cgroup but to no process's RSS;
  // lowering its own oom_score_adj from 1000 to 0 (allowed: the child set 1000 without CAP_SYS_RESOURCE,
  // so that is not its floor) leaves the server the
  // biggest process in a cgroup it shares with its children.
  const code = [
    'import ctypes, os',
    'def memcg(pid):',
    '    return [line for line in open(f"/proc/{pid}/cgroup") if ":memory:" in line]',
    'assert memcg("self") != memcg(os.getppid()), "the server shares its children\'s memory cgroup"',
    'ctypes.CDLL(None).prctl(4, 1, 0, 0, 0)  # PR_SET_DUMPABLE: /proc/self is its own again',
    'open("/proc/self/oom_score_adj", "w").write("0")',
    'chunk = b"x" * (1 << 20)',
    'for path in ("fill", "/dev/shm/fill"):',
    '    try:',
    '        with open(path, "wb") as f:',
    '            while True:',
    '                f.write(chunk)',
    '    except OSError:',
    '        pass',
    'x = []',
    'while True:',
    '    x.append(bytearray(1 << 20))',
  ].join('\n');
  const v = await g.grade({ problem: DOUBLE, code });
  assert.equal(v.status, 'memory_limit', JSON.stringify(v));
  assert.equal(g.stats.serverStarts, 1, 'the server was OOM-killed');
  assert.equal(g.stats.infraErrors, 0);
});

test('a refused oom_score_adj -1000 is reported in the sandbox warnings', { skip: !isRoot && 'needs root' }, () => {
  const capEff = BigInt('0x' + (/CapEff:\s+([0-9a-f]+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0'));
  const hasSysResource = (capEff >> 24n) & 1n;
  const warned = g.sandbox.warnings.some((w) => /oom_score_adj/.test(w));
  assert.equal(warned, !hasSysResource, JSON.stringify(g.sandbox));
  assert.equal(g.sandbox.seccomp, true);
});

test('afterwards: one server start, no infra errors, nothing written below the submount', () => {
  assert.equal(g.stats.serverStarts, 1);
  assert.equal(g.stats.infraErrors, 0);
  if (mounted) assert.ok(!existsSync(`${SUBMOUNT_SRC}/pwned`));
});
