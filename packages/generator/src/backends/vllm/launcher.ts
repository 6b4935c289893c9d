/**
 * `vllm` backend: the engine launcher. `vllm serve` is not spawned directly but through a tiny
 * Python program (Python is there wherever vLLM is) that makes an orphaned engine impossible:
 *
 * - `PR_SET_PDEATHSIG`: the kernel sends the launcher SIGTERM the moment the generator that started
 *   it dies, however it dies (SIGKILL, crash, OOM killer). Then, like a normal stop, the launcher
 *   sends SIGTERM to the engine and everything it started, waits up to `graceMs`, and SIGKILLs what
 *   is left.
 * - `PR_SET_CHILD_SUBREAPER`: engine processes whose parent dies are re-parented to the launcher
 *   (not to init), so the launcher still finds and kills them, even in another process group.
 * - The engine itself gets `PR_SET_PDEATHSIG = SIGKILL` towards the launcher, so it cannot outlive
 *   the launcher either.
 * - When the engine's main process exits (a crash), the rest of the engine is SIGKILLed at once (it
 *   may hold GPU memory) and the launcher exits with the engine's status (same code, same signal).
 *
 * The launcher is the leader of the engine's process group (spawned detached), so stopping the
 * group from the generator still works as before.
 */

/** First argument of every launcher: how a leftover engine is recognised in /proc/<pid>/cmdline. */
export const LAUNCHER_MARKER = 'passk-vllm-launcher';

/** argv: [-c, MARKER, parent_pid, grace_s, exe, args...] */
export const LAUNCHER_PY = `
import ctypes, os, signal, sys, time
PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER = 1, 36
parent, grace, cmd = int(sys.argv[2]), float(sys.argv[3]), sys.argv[4:]
libc = ctypes.CDLL(None, use_errno=True)
def prctl(option, value):
    if libc.prctl(option, value, 0, 0, 0) != 0:
        sys.stderr.write('passk launcher: prctl(%d) failed: %s\\n' % (option, os.strerror(ctypes.get_errno())))
        os._exit(126)
prctl(PR_SET_CHILD_SUBREAPER, 1)
prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
if os.getppid() != parent:
    sys.stderr.write('passk launcher: the generator (pid %d) is already gone\\n' % parent)
    os._exit(125)
me, group = os.getpid(), os.getpgrp()
stop = []
for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(s, lambda sig, frame: stop.append(sig))
engine = os.fork()
if engine == 0:
    try:
        for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(s, signal.SIG_DFL)
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != me:
            os._exit(125)
        os.execvp(cmd[0], cmd)
    except BaseException as e:
        sys.stderr.write('passk launcher: cannot start %s: %s\\n' % (cmd[0], e))
    os._exit(127)
def others():
    pids = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit() or int(entry) == me:
            continue
        try:
            with open('/proc/%s/stat' % entry) as f:
                fields = f.read().rsplit(')', 1)[1].split()
        except OSError:
            continue
        if fields[0] != 'Z' and (int(fields[1]) == me or int(fields[2]) == group):
            pids.append(int(entry))
    return pids
def kill_all(sig):
    for pid in others():
        try:
            os.kill(pid, sig)
        except OSError:
            pass
def reap():
    global status
    while True:
        try:
            pid, st = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if pid == engine:
            status = st
status, deadline = None, None
while status is None:
    if stop and deadline is None:
        kill_all(signal.SIGTERM)
        deadline = time.monotonic() + grace
    if deadline is not None and time.monotonic() > deadline:
        kill_all(signal.SIGKILL)
    reap()
    if status is None:
        time.sleep(0.05)
end = time.monotonic() + 10
while others() and time.monotonic() < end:
    kill_all(signal.SIGKILL)
    time.sleep(0.02)
    reap()
if os.WIFSIGNALED(status):
    if os.WTERMSIG(status) not in (signal.SIGKILL, signal.SIGSTOP):
        signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
    os.kill(me, os.WTERMSIG(status))
sys.exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1)
`;

/** The command that runs `exe args…` under the launcher, owned by `parentPid`. */
export function launcherCommand(python: string, exe: string, args: string[], parentPid: number, graceMs: number): { command: string; args: string[] } {
  return { command: python, args: ['-c', LAUNCHER_PY, LAUNCHER_MARKER, String(parentPid), String(graceMs / 1000), exe, ...args] };
}
