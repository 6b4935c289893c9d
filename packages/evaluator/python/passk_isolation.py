"""Per-execution isolation: nothing one execution leaves behind reaches the next (docs/sandbox.md).

Server side (`Fresh`), between two executions, O(1) whatever the program left:
  * the scratch dir and /dev/shm are each a tmpfs mounted anew (lazily unmounted after the tree
    is dead: no file, directory, timestamp, xattr or mode carries over, and no per-entry cleanup);
  * the four stdio/report memfds are created anew (their open file descriptions and inodes:
    O_APPEND/O_NONBLOCK/F_SETOWN, flock/OFD locks and user.* xattrs do not carry over);
(The seccomp filter, passk_seccomp, is installed once in the server by passk_sandbox and
inherited at fork at no cost per execution.)
Child side (`enter_child`, called by passk_harness.setup_child as root, before the uid drop):
  * a fresh IPC namespace: SysV shm/msg/sem and POSIX mqueues die with the execution;
  * the children's own memory cgroup (the server stays out of it: an OOM there never picks it);
  * RLIMIT_NOFILE.
"""
import ctypes
import os
import resource
import time
from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:  # for the annotation only: at run time this module does not depend on passk_sandbox
    from passk_sandbox import Cgroups

CLONE_NEWIPC = 0x08000000
MS_NOSUID = 2
MS_NODEV = 4
MNT_DETACH = 2
NOFILE = 1024  # soft = hard, as a judge's default ulimit -n
SHM = "/dev/shm"

_libc = ctypes.CDLL(None, use_errno=True)
_unshare = _libc.unshare
_mount = _libc.mount
_umount2 = _libc.umount2
_CHILD: dict[str, Any] = {"ipc": False, "run_dirs": []}  # set once in the server by Fresh


def _err(what: str) -> OSError:
    err = ctypes.get_errno()
    return OSError(err, f"{what}: {os.strerror(err)}")


class Fresh:
    """What the server renews between executions. `mounts`: the private filesystem view is on
    (scratch and /dev/shm can be mounted); otherwise the caller cleans the scratch dir itself."""

    def __init__(self, info: dict[str, Any], cgroups: Optional["Cgroups"], scratch: str, uid: Optional[int],
                 tmp_bytes: int) -> None:
        self.mounts = bool(info["mountns"])
        self.scratch = scratch
        owner = uid if uid is not None else 0
        self._scratch_opts = f"size={tmp_bytes},mode=700,uid={owner},gid={owner}".encode()
        self._shm_opts = f"size={tmp_bytes},mode=1777".encode()
        self._flags = ctypes.c_ulong(MS_NOSUID | MS_NODEV)
        self.retired: list[int] = []  # the previous execution's memfds, still being read by the caller
        self.cgroups = cgroups
        self.mark = self._cpu()
        _CHILD["ipc"] = bool(info["netns"])  # root with namespaces: the child can unshare too
        _CHILD["run_dirs"] = cgroups.run_dirs if cgroups is not None else []
        if self.mounts:
            os.makedirs(scratch, mode=0o700, exist_ok=True)
            try:
                self._mount_all()
            except OSError as e:  # the caller then empties the scratch dir after each execution
                self.mounts = False
                info["warnings"].append(f"per-execution tmpfs unavailable ({e}): the scratch dir is emptied instead")

    def _mount_all(self) -> None:
        for target, opts in ((self.scratch, self._scratch_opts), (SHM, self._shm_opts)):
            if _mount(b"tmpfs", target.encode(), b"tmpfs", self._flags, opts) != 0:
                raise _err(f"mount tmpfs {target}")

    def renew_mounts(self) -> bool:
        """After the tree is dead: detach the used tmpfs mounts (freed with their last reference)
        and mount empty ones. False without a private view (the caller empties the dir)."""
        if not self.mounts:
            return False
        for target in (self.scratch, SHM):
            if _umount2(target.encode(), MNT_DETACH) != 0:
                raise _err(f"umount {target}")
        self._mount_all()
        return True

    def close_retired(self) -> None:
        """The last execution's memfds, once read: their pages, charged to the children's memory
        group, are freed now rather than during the next execution."""
        for fd in self.retired:
            os.close(fd)
        self.retired = []

    def renew_fds(self, fds: list[int]) -> list[int]:
        """Fresh memfds for the next execution; `fds` (this one's) stay open until close_retired(),
        once the caller has read them (or until the next call, if an error came between)."""
        self.close_retired()
        self.retired = list(fds)
        return new_fds()

    def _cpu(self) -> tuple[int, int]:
        """(server's own CPU ns, its cpuacct group's CPU ns). Reading the process clock first makes
        the kernel charge the server's running slice to the group too (task_sched_runtime ->
        update_curr -> cpuacct_charge), so the difference is the children's to within the µs
        between the two reads, without moving each child into a group of its own."""
        if self.cgroups is None or not self.cgroups.acct:
            return 0, 0
        own = time.process_time_ns()
        return own, self.cgroups.usage_ns()

    def tree_cpu_ms(self) -> float:
        """CPU time of every process of the execution (grandchildren the program did not wait for
        included), once all are dead: the group's CPU since the last call minus the server's."""
        now = self._cpu()
        used = (now[1] - self.mark[1]) - (now[0] - self.mark[0])
        self.mark = now
        return max(0, used) / 1e6


def new_fds() -> list[int]:
    return [os.memfd_create(name, os.MFD_CLOEXEC) for name in ("stdin", "stdout", "stderr", "report")]


def enter_child() -> None:
    """In the child, as root, after fds 0-3 are wired and before the uid drop."""
    resource.setrlimit(resource.RLIMIT_NOFILE, (NOFILE, NOFILE))
    for run_dir in _CHILD["run_dirs"]:
        fd = os.open("cgroup.procs", os.O_WRONLY | os.O_CLOEXEC, dir_fd=run_dir)
        try:
            os.write(fd, b"0")
        finally:
            os.close(fd)
    if _CHILD["ipc"] and _unshare(CLONE_NEWIPC) != 0:
        raise _err("unshare(CLONE_NEWIPC)")
