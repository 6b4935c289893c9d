"""One-time isolation of a passk fork server (Linux, Python 3.11 stdlib + ctypes).

Called once at server start, before the first fork; every child inherits the result:
  * network, IPC and UTS namespaces (no network at all: only a loopback that is down);
  * a mount namespace whose root is a fresh tmpfs holding read-only binds of the system
    directories Python needs (/usr, /etc, the interpreter's prefix, ...), a fresh /proc, a few
    device nodes, a private /dev/shm and a private /tmp (where the scratch dir lives).
    Everything else (/work, /root, /home, /var, run directories, datasets) is not in the view;
  * one cgroup v1 `pids`, `memory` and `cpuacct` cgroup per server, which the server joins and
    children inherit at fork; the memory one has a `run` group below it that children move into
    (passk_isolation): the memory limit is theirs, the server is out of their OOM's reach;
  * submounts of the read-only binds (Docker's /etc/hosts, ...) are read-only too;
  * the seccomp filter (passk_seccomp), installed last by the server and inherited;
  * a per-server uid (1_000_000 + server pid) that children switch to, so that they cannot
    signal or ptrace the server, the daemon or another server's children.

Whatever cannot be set up is recorded in `info["warnings"]` and the level becomes "degraded";
nothing is skipped silently.
"""
import ctypes
import fcntl
import os
import platform
import posix
import signal
import sys
import time
from typing import Any, Optional

import passk_seccomp

Info = dict[str, Any]  # the sandbox info of the hello (docs/sandbox.md): level, netns, ..., warnings
Options = dict[str, Any]  # the server's options JSON (passk_forkserver)

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWNET = 0x40000000
MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
MNT_DETACH = 2
PR_SET_CHILD_SUBREAPER = 36
PIVOT_ROOT_NR = {"x86_64": 155, "aarch64": 41}

CGROUP_V1 = "/sys/fs/cgroup"
RUN = "run"  # the children's memory cgroup, below the server's
UID_BASE = 1_000_000
SYSTEM_DIRS = ["/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/opt"]
DEVICES = ["null", "zero", "full", "random", "urandom"]

_libc = ctypes.CDLL(None, use_errno=True)


def _check(ret: int, what: str) -> None:
    if ret != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(src: Optional[str], target: str, fstype: Optional[str], flags: int, data: Optional[str] = None) -> None:
    _check(_libc.mount(src and src.encode(), target.encode(), fstype and fstype.encode(),
                       ctypes.c_ulong(flags), data and data.encode()), f"mount {target}")


def set_subreaper() -> None:
    """Orphaned grandchildren are re-parented to the server, which reaps them."""
    _check(_libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), "prctl(PR_SET_CHILD_SUBREAPER)")


class Cgroups:
    """The server's own pids, memory and cpuacct cgroups (v1) and the children's `run` groups.
    cpuacct is optional (`self.acct`): without it, grandchildren's CPU is not charged."""

    def __init__(self, name: str, max_procs: int, mem_bytes: int) -> None:
        self.pids_dir = -1
        self.oom_fd = -1
        self.usage_fd = -1
        acct_root = controller_root("cpuacct")
        self.acct = acct_root is not None
        bases = [os.path.join(CGROUP_V1, c, "passk") for c in ("pids", "memory")]
        if acct_root is not None:
            bases.append(os.path.join(acct_root, "passk"))
        for base in bases:
            os.makedirs(base, exist_ok=True)
        _remove_stale(bases, name)
        groups = [os.path.join(base, name) for base in bases]  # pids, memory[, cpuacct]
        pids, mem, run = groups[0], groups[1], os.path.join(groups[1], RUN)
        for path in groups + [run]:
            os.makedirs(path, exist_ok=True)
        # +1: the server itself lives in the cgroup.
        _write(os.path.join(pids, "pids.max"), str(max_procs + 1))
        # Children move themselves into the memory `run` group (passk_isolation.enter_child), which
        # has the limit: a memory-cgroup OOM there can only pick them (the server's group bounds
        # server + run). cpuacct counts server + children; passk_isolation subtracts the server.
        _write(os.path.join(run, "memory.limit_in_bytes"), str(mem_bytes))
        _write(os.path.join(mem, "memory.limit_in_bytes"), str(mem_bytes + 64 * 1024 * 1024))
        for path in (mem, run):
            try:
                _write(os.path.join(path, "memory.swappiness"), "0")
            except OSError:
                pass
        for path in groups:
            _write(os.path.join(path, "cgroup.procs"), str(os.getpid()))
        # Above every fd a child wires to 0..N before it joins the group (passk_isolation.enter_child).
        self.run_dirs = [_high_fd(os.open(run, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC))]
        if self.acct:
            self.usage_fd = os.open(os.path.join(groups[2], "cpuacct.usage"), os.O_RDONLY | os.O_CLOEXEC)
        # Kept open: the directory stays reachable after the root is switched. cgroup.procs is
        # reopened for every read (v1 caches the pid list per open file for up to a second).
        self.pids_dir = os.open(pids, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        # pids.current, unlike cgroup.procs, is read fresh by every pread of one open file.
        self.pids_current = os.open(os.path.join(pids, "pids.current"), os.O_RDONLY | os.O_CLOEXEC)
        self.oom_fd = os.open(os.path.join(run, "memory.oom_control"), os.O_RDONLY | os.O_CLOEXEC)
        self.failcnt_fd = os.open(os.path.join(run, "memory.failcnt"), os.O_RDONLY | os.O_CLOEXEC)
        self.memstat_fd = os.open(os.path.join(run, "memory.stat"), os.O_RDONLY | os.O_CLOEXEC)
        self._kills_seen, self._fails_seen, self._not_ours = self._raw_oom_kills(), self._failcnt(), 0

    def alone(self) -> bool:
        """True if the server is the only task charged to the pids cgroup. A task is charged from
        fork until it is reaped, so zombies and tasks being forked count too."""
        return int(os.pread(self.pids_current, 64, 0)) == 1

    def usage_ns(self) -> int:
        """CPU time (ns) charged to the server's cpuacct group: the server and every process it
        forked (a dead one's exactly; the running server's up to its last scheduler update)."""
        return int(os.pread(self.usage_fd, 64, 0)) if self.usage_fd >= 0 else 0

    def members(self) -> list[int]:
        fd = os.open("cgroup.procs", os.O_RDONLY | os.O_CLOEXEC, dir_fd=self.pids_dir)
        try:
            data = os.read(fd, 1 << 20)
        finally:
            os.close(fd)
        return [int(x) for x in data.split()]

    def shmem_bytes(self) -> int:
        """Shared memory (SysV segments, tmpfs and memfd pages) charged to the children's group: it
        stays charged after its processes die, until the kernel frees what held it."""
        for line in os.pread(self.memstat_fd, 8192, 0).split(b"\n"):
            if line.startswith(b"shmem "):
                return int(line.split()[1])
        return 0

    def _raw_oom_kills(self) -> int:
        for line in os.pread(self.oom_fd, 4096, 0).split(b"\n"):
            if line.startswith(b"oom_kill "):
                return int(line.split()[1])
        return 0

    def _failcnt(self) -> int:
        return int(os.pread(self.failcnt_fd, 64, 0) or 0)

    def oom_kills(self) -> int:
        """OOM kills of this cgroup's own limit, counted since the server started. The kernel's
        `oom_kill` counts every OOM kill of a member, the global OOM killer's too (it picks the
        children first: oom_score_adj 1000); a kill of the cgroup's own limit comes with failed
        charges against it (`memory.failcnt` grows). Kills with no failed charge since the last
        call are the machine's, not the program's: left out, so that such a death stays
        unexplained and is retried (docs/grading.md)."""
        kills, fails = self._raw_oom_kills(), self._failcnt()
        if kills > self._kills_seen and fails == self._fails_seen:
            self._not_ours += kills - self._kills_seen
        self._kills_seen, self._fails_seen = kills, fails
        return kills - self._not_ours


def controller_root(name: str) -> Optional[str]:
    """The v1 hierarchy of controller `name` (cpuacct is often co-mounted with cpu), or None."""
    names = ("cpuacct", "cpu,cpuacct", "cpuacct,cpu") if name == "cpuacct" else (name,)
    for entry in names:
        path = os.path.join(CGROUP_V1, entry)
        if os.path.isfile(os.path.join(path, "cgroup.procs")):
            return path
    return None


def _high_fd(fd: int, low: int = 64) -> int:
    """`fd` moved to a number >= `low` (close-on-exec), so that no child's dup2 onto 0..N can clobber it."""
    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, low)
    os.close(fd)
    return high


def _write(path: str, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)


def _live_server(pid: int) -> bool:
    """True if `pid` is a running passk fork server (a zombie's cmdline is empty)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return b"passk_forkserver" in f.read()
    except OSError:
        return False


def kill_members(path: str, rounds: int = 400) -> bool:
    """SIGKILL every process in the cgroup `path` until it has none (an execution of a dead
    server can still be running there, setsid'd grandchildren included). True when empty."""
    for _ in range(rounds):
        try:
            with open(os.path.join(path, "cgroup.procs"), "rb") as f:  # reopened: v1 caches per open file
                pids = [int(x) for x in f.read().split()]
        except FileNotFoundError:
            return True
        if not pids:
            return True
        for pid in pids:
            try:
                posix.kill(pid, signal.SIGKILL)  # posix: os.kill is None once the reliability_guard is on
            except ProcessLookupError:
                pass
        time.sleep(0.005)
    return False


def _remove_stale(bases: list[str], own: str) -> None:
    """Per-server cgroups of servers that are gone: kill what still runs in them, then rmdir them
    (the children's `run` group first). A live server's cgroups are left alone; our own name (a
    reused pid) is emptied, not removed."""
    entries: set[str] = set()
    for base in bases:
        entries |= set(os.listdir(base))
    for entry in entries:
        if not entry.isdigit() or (entry != own and _live_server(int(entry))):
            continue
        for base in bases:
            path = os.path.join(base, entry)
            for group in (os.path.join(path, RUN), path):
                if not os.path.isdir(group):
                    continue
                kill_members(group)
                if entry != own:
                    try:
                        posix.rmdir(group)
                    except OSError:
                        pass


def _bind_ro(src: str, target: str) -> None:
    if os.path.isdir(src):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        open(target, "a").close()
    _mount(src, target, None, MS_BIND | MS_REC)
    # A recursive bind copies the submounts (Docker's /etc/hosts, a bind under /opt, ...) with
    # their own flags: each is remounted read-only too, the top first, keeping its other flags.
    for point, flags in _mounts_under(target):
        _mount(None, point, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | flags)


MOUNT_FLAGS = {b"nodev": MS_NODEV, b"noexec": MS_NOEXEC, b"noatime": 1024, b"nodiratime": 2048,
               b"relatime": 1 << 21}


def _unescape(field: bytes) -> bytes:
    """mountinfo escapes space, tab, newline and backslash as octal (\\040)."""
    out, i = bytearray(), 0
    while i < len(field):
        if field[i] == 0x5C and i + 3 < len(field) and field[i + 1:i + 4].isdigit():
            out.append(int(field[i + 1:i + 4], 8))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return bytes(out)


def _mounts_under(target: str) -> list[tuple[str, int]]:
    """(mount point, flags to keep) of `target` and every mount below it, parents first."""
    with open("/proc/self/mountinfo", "rb") as f:
        lines = f.read().splitlines()
    top = target.encode()
    found = []
    for line in lines:
        fields = line.split(b" ")
        point = _unescape(fields[4])
        if point == top or point.startswith(top + b"/"):
            flags = 0
            for opt in fields[5].split(b","):
                flags |= MOUNT_FLAGS.get(opt, 0)
            found.append((point.count(b"/"), point.decode("utf-8", "surrogateescape"), flags))
    found.sort()
    return [(point, flags) for _, point, flags in found]


def _python_dirs() -> list[str]:
    dirs = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable))}
    return sorted(d for d in dirs if d and not any(d == s or d.startswith(s + "/") for s in SYSTEM_DIRS))


def _build_root(new_root: str, tmp_bytes: int) -> None:
    """Populate `new_root` (a fresh tmpfs) and pivot into it."""
    for path in SYSTEM_DIRS:
        if os.path.islink(path):
            os.symlink(os.readlink(path), new_root + path)
        elif os.path.isdir(path):
            _bind_ro(path, new_root + path)
    for path in _python_dirs():
        _bind_ro(path, new_root + path)
    os.makedirs(new_root + "/dev", exist_ok=True)
    for dev in DEVICES:
        if os.path.exists("/dev/" + dev):
            os.makedirs(new_root + "/dev", exist_ok=True)
            open(new_root + "/dev/" + dev, "a").close()
            _mount("/dev/" + dev, new_root + "/dev/" + dev, None, MS_BIND)
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                         ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
        os.symlink(target, new_root + "/dev/" + name)
    for path, mode in (("/dev/shm", 0o1777), ("/tmp", 0o755)):
        os.makedirs(new_root + path, exist_ok=True)
        _mount("tmpfs", new_root + path, "tmpfs", MS_NOSUID | MS_NODEV,
               f"size={tmp_bytes},mode={mode:o}")
    os.makedirs(new_root + "/proc", exist_ok=True)
    _mount("proc", new_root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    nr = PIVOT_ROOT_NR.get(platform.machine())
    if nr is None:
        raise OSError(0, f"pivot_root: unknown syscall number on {platform.machine()}")
    os.chdir(new_root)
    _check(_libc.syscall(ctypes.c_long(nr), b".", b"."), "pivot_root")
    _check(_libc.umount2(b".", MNT_DETACH), "umount2(old root)")
    os.chdir("/")
    _mount(None, "/", None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID)


def protect_from_oom() -> bool:
    """oom_score_adj -1000 for the server; False if the kernel refused it (no CAP_SYS_RESOURCE)."""
    try:
        with open("/proc/self/oom_score_adj", "w") as f:
            f.write("-1000")
        with open("/proc/self/oom_score_adj") as f:
            return f.read().strip() == "-1000"
    except OSError:
        return False


def install_filter(info: Info, options: Options) -> None:
    """The seccomp filter (passk_seccomp), last step of the server's setup: children inherit it."""
    info["seccomp"] = False
    if options.get("isolation") == "none":
        return
    try:
        passk_seccomp.Filter().install()
        info["seccomp"] = True
    except OSError as e:
        info["warnings"].append(f"seccomp filter unavailable ({e}): keyrings, io_uring, bpf, ... reachable")
        info["level"] = "degraded"


def setup(options: Options) -> tuple[Info, Optional[Cgroups], Optional[int], str]:
    """Isolate the server. Returns (info, cgroups or None, uid or None, scratch_root)."""
    info: Info = {"level": "full", "netns": False, "mountns": False, "cgroup": False, "uid": None, "warnings": []}
    warn = info["warnings"].append
    cgroups: Optional[Cgroups] = None
    uid: Optional[int] = None
    is_root = os.geteuid() == 0
    if options.get("isolation") == "none":
        warn("isolation disabled by the caller (--isolation none)")
    elif not is_root:
        warn("not running as root: no namespaces, no cgroups, no per-execution uid")
    else:
        try:
            set_subreaper()
        except OSError as e:
            warn(str(e))
        try:
            cgroups = Cgroups(str(os.getpid()), options["max_procs"], options["mem_bytes"])
            info["cgroup"] = True
            if not cgroups.acct:
                warn("cgroup v1 cpuacct unavailable: CPU of grandchildren the program does not wait for is not charged")
        except OSError as e:
            warn(f"cgroup v1 pids/memory unavailable ({e}): whole-tree kill falls back to killpg, no process cap")
        try:
            _check(_libc.unshare(CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS), "unshare(NEWNET|NEWIPC|NEWUTS)")
            info["netns"] = True
        except OSError as e:
            warn(f"network namespace unavailable ({e}): programs can reach the network")
        try:
            _check(_libc.unshare(CLONE_NEWNS), "unshare(NEWNS)")
            _mount(None, "/", None, MS_REC | MS_PRIVATE)
            _mount("tmpfs", "/tmp", "tmpfs", 0, "size=1m,mode=755")
            _build_root("/tmp", options["tmp_bytes"])
            info["mountns"] = True
        except OSError as e:
            warn(f"private filesystem view unavailable ({e}): programs see the host filesystem")
        uid = UID_BASE + os.getpid()
        info["uid"] = uid
    if info["mountns"]:
        scratch = "/tmp/scratch"
    else:
        import tempfile
        scratch = tempfile.mkdtemp(prefix="passk-scratch-")
    if not (info["netns"] and info["mountns"] and info["cgroup"] and info["uid"] is not None):
        info["level"] = "degraded"
    return info, cgroups, uid, scratch
