"""The seccomp filter of every execution (docs/sandbox.md, "Once per server"), built by hand.

A classic-BPF program over `struct seccomp_data` (nr at 0, arch at 4, args at 16 + 8*i),
installed with prctl(PR_SET_NO_NEW_PRIVS) + seccomp(2) once in the fork server, after its own
setup; every child inherits it at fork (installing it per child costs ~0.1-0.2 ms: JIT and the
kernel's per-syscall cache). Everything is allowed except what no Python program needs and a
hostile one could use against the host or the next execution; denied calls fail with EPERM (the
program sees an ordinary OSError), never a kill. mount/umount2 stay allowed (the server mounts
each execution's scratch tmpfs) and unshare only as unshare(CLONE_NEWIPC) (child setup): both
need CAP_SYS_ADMIN, which a program (another uid, no capabilities) lacks and cannot get, since
user namespaces (clone/unshare with CLONE_NEWUSER) are denied.

  * kernel keyrings (keyctl, add_key, request_key): keys outlive the process and are per uid;
  * io_uring, bpf, perf_event_open, userfaultfd: large attack surface, no use in a solution;
  * ptrace, process_vm_*, kcmp, pidfd_getfd; the new mount API, pivot_root, chroot, setns,
    unshare of anything but CLONE_NEWIPC; kexec, modules, reboot, swap, acct, quotactl, syslog,
    file handles;
  * socket(AF_KEY | AF_NETLINK | AF_PACKET | AF_ALG | AF_VSOCK) (AF_UNIX/INET/INET6 stay);
  * clone with any CLONE_NEW* flag; clone3 gets ENOSYS (its flags are in memory a filter cannot
    read), so glibc falls back to clone for threads and fork, whose flags it can check.

Another architecture's calls (i386 `int 0x80` on x86_64) and x32 numbers are denied as a whole.
"""
import ctypes
import errno
import platform
import struct
from typing import Optional, Union

Target = Union[int, str]  # a jump offset, or a label name resolved by _Prog.assemble

# name: (x86_64, aarch64)
DENIED = {
    "ptrace": (101, 117), "pivot_root": (155, 41), "chroot": (161, 51), "setns": (308, 268), "kexec_load": (246, 104),
    "kexec_file_load": (320, 294), "init_module": (175, 105), "finit_module": (313, 273),
    "delete_module": (176, 106), "bpf": (321, 280), "perf_event_open": (298, 241),
    "keyctl": (250, 219), "add_key": (248, 217), "request_key": (249, 218),
    "io_uring_setup": (425, 425), "io_uring_enter": (426, 426), "io_uring_register": (427, 427),
    "userfaultfd": (323, 282), "reboot": (169, 142), "swapon": (167, 224), "swapoff": (168, 225),
    "acct": (163, 89), "open_by_handle_at": (304, 265), "name_to_handle_at": (303, 264),
    "process_vm_readv": (310, 270), "process_vm_writev": (311, 271), "syslog": (103, 116),
    "quotactl": (179, 60), "quotactl_fd": (443, 443), "lookup_dcookie": (212, 18),
    "open_tree": (428, 428), "move_mount": (429, 429), "fsopen": (430, 430), "fsconfig": (431, 431),
    "fsmount": (432, 432), "fspick": (433, 433), "mount_setattr": (442, 442),
    "fanotify_init": (300, 262), "kcmp": (312, 272), "pidfd_getfd": (438, 438),
}
CLONE = (56, 220)
CLONE3 = (435, 435)
SOCKET = (41, 198)
UNSHARE = (272, 97)
AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
X32_SYSCALL_BIT = 0x40000000
DENIED_FAMILIES = (15, 16, 17, 38, 40)  # AF_KEY, AF_NETLINK, AF_PACKET, AF_ALG, AF_VSOCK
CLONE_NEW_FLAGS = 0x7E020080
CLONE_NEWIPC = 0x08000000  # NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET|NEWTIME

LD_W_ABS, JEQ, JGE, JSET, RET = 0x20, 0x15, 0x35, 0x45, 0x06
RET_ALLOW = 0x7FFF0000
RET_ERRNO = 0x00050000
PR_SET_NO_NEW_PRIVS = 38
SECCOMP_SET_MODE_FILTER = 1
SECCOMP_NR = {"x86_64": 317, "aarch64": 277}
OFF_NR, OFF_ARCH, OFF_ARG0 = 0, 4, 16


class _Prog:
    """Instructions with symbolic jump targets ("allow", "eperm", "enosys", or a label)."""

    def __init__(self) -> None:
        self.ins: list[tuple[int, Target, Target, int]] = []  # (code, jt, jf, k)
        self.labels: dict[str, int] = {}

    def add(self, code: int, k: int, jt: Target = 0, jf: Target = 0) -> None:
        self.ins.append((code, jt, jf, k))

    def label(self, name: str) -> None:
        self.labels[name] = len(self.ins)

    def _offset(self, target: Target, i: int) -> int:
        return self.labels[target] - i - 1 if isinstance(target, str) else target

    def assemble(self) -> bytes:
        out = []
        for i, (code, jt, jf, k) in enumerate(self.ins):
            t, f = self._offset(jt, i), self._offset(jf, i)
            if not (0 <= t < 256 and 0 <= f < 256):
                raise ValueError("seccomp filter: jump out of range")
            out.append(struct.pack("=HBBI", code, t, f, k))
        return b"".join(out)


def build(machine: Optional[str] = None) -> bytes:
    """The filter for this machine's architecture, as bytes of `struct sock_filter`."""
    machine = machine or platform.machine()
    idx = {"x86_64": 0, "aarch64": 1}[machine]
    p = _Prog()
    p.add(LD_W_ABS, OFF_ARCH)
    p.add(JEQ, AUDIT_ARCH[machine], 0, "eperm")
    p.add(LD_W_ABS, OFF_NR)
    if machine == "x86_64":
        p.add(JGE, X32_SYSCALL_BIT, "eperm", 0)
    for nrs in DENIED.values():
        p.add(JEQ, nrs[idx], "eperm", 0)
    p.add(JEQ, CLONE3[idx], "enosys", 0)
    p.add(JEQ, SOCKET[idx], "socket", 0)
    p.add(JEQ, UNSHARE[idx], "unshare", 0)
    p.add(JEQ, CLONE[idx], "clone", "allow")
    p.label("unshare")  # only what child setup does (a program lacks CAP_SYS_ADMIN for it anyway)
    p.add(LD_W_ABS, OFF_ARG0)
    p.add(JEQ, CLONE_NEWIPC, "allow", "eperm")
    p.label("socket")
    p.add(LD_W_ABS, OFF_ARG0)
    for family in DENIED_FAMILIES:
        p.add(JEQ, family, "eperm", 0)
    p.add(RET, RET_ALLOW)
    p.label("clone")
    p.add(LD_W_ABS, OFF_ARG0)
    p.add(JSET, CLONE_NEW_FLAGS, "eperm", "allow")
    p.label("allow")
    p.add(RET, RET_ALLOW)
    p.label("eperm")
    p.add(RET, RET_ERRNO | errno.EPERM)
    p.label("enosys")
    p.add(RET, RET_ERRNO | errno.ENOSYS)
    return p.assemble()


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


class Filter:
    """Built and installed in the server; children inherit it."""

    def __init__(self) -> None:
        machine = platform.machine()
        if machine not in AUDIT_ARCH:
            raise OSError(0, f"seccomp: no filter for {machine}")
        code = build(machine)
        self._buf = ctypes.create_string_buffer(code, len(code))
        self._prog = _SockFprog(len(code) // 8, ctypes.cast(self._buf, ctypes.c_void_p))
        self._nr = ctypes.c_long(SECCOMP_NR[machine])
        libc = ctypes.CDLL(None, use_errno=True)
        self._prctl = libc.prctl
        self._syscall = libc.syscall
        self._ref = ctypes.byref(self._prog)

    def install(self) -> None:
        """No new privileges, then the filter (for this process and every later child)."""
        if self._prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"prctl(PR_SET_NO_NEW_PRIVS): {errno.errorcode.get(err, err)}")
        if self._syscall(self._nr, SECCOMP_SET_MODE_FILTER, 0, self._ref) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"seccomp(SET_MODE_FILTER): {errno.errorcode.get(err, err)}")
