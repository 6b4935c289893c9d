"""passk_seccomp: the hand-built classic-BPF filter, run here by a small interpreter over
`struct seccomp_data` for both architectures, then installed for real in a child process."""
import errno
import os
import re
import struct
import subprocess
import sys
import textwrap
import unittest

import passk_seccomp as S

ALLOW, EPERM, ENOSYS = S.RET_ALLOW, S.RET_ERRNO | errno.EPERM, S.RET_ERRNO | errno.ENOSYS
X86 = {"arch": S.AUDIT_ARCH["x86_64"], "idx": 0}
ARM = {"arch": S.AUDIT_ARCH["aarch64"], "idx": 1}
ORDINARY = {"x86_64": (0, 1, 9, 60), "aarch64": (63, 64, 222, 93)}  # read, write, mmap, exit


def run_filter(code: bytes, nr: int, arch: int, arg0: int = 0) -> int:
    """What the kernel would decide: classic BPF over seccomp_data (nr, arch, ip, args[6])."""
    data = struct.pack("=iIQ6Q", nr, arch, 0, arg0, 0, 0, 0, 0, 0)
    ins = [struct.unpack("=HBBI", code[i:i + 8]) for i in range(0, len(code), 8)]
    acc, pc = 0, 0
    while True:
        op, jt, jf, k = ins[pc]
        pc += 1
        if op == S.LD_W_ABS:
            acc = struct.unpack_from("=I", data, k)[0]
        elif op == S.RET:
            return k
        else:
            taken = {S.JEQ: acc == k, S.JGE: acc >= k, S.JSET: bool(acc & k)}[op]
            pc += jt if taken else jf


class FilterProgramTest(unittest.TestCase):
    def decide(self, machine: str, nr: int, arg0: int = 0, arch: "int | None" = None) -> int:
        a = X86 if machine == "x86_64" else ARM
        return run_filter(S.build(machine), nr, a["arch"] if arch is None else arch, arg0)

    def test_every_denied_call_gets_eperm_and_others_are_allowed(self) -> None:
        for machine, a in (("x86_64", X86), ("aarch64", ARM)):
            for name, nrs in S.DENIED.items():
                self.assertEqual(self.decide(machine, nrs[a["idx"]]), EPERM, (machine, name))
            for allowed in ORDINARY[machine]:
                self.assertEqual(self.decide(machine, allowed), ALLOW, (machine, allowed))
            self.assertEqual(self.decide(machine, S.CLONE3[a["idx"]]), ENOSYS)

    def test_argument_checks(self) -> None:
        for machine, a in (("x86_64", X86), ("aarch64", ARM)):
            i = a["idx"]
            self.assertEqual(self.decide(machine, S.SOCKET[i], 16), EPERM)  # AF_NETLINK
            for family in (15, 16, 17, 38, 40):  # AF_KEY, AF_NETLINK, AF_PACKET, AF_ALG, AF_VSOCK
                self.assertEqual(self.decide(machine, S.SOCKET[i], family), EPERM)
            for family in (1, 2, 10):  # AF_UNIX, AF_INET, AF_INET6
                self.assertEqual(self.decide(machine, S.SOCKET[i], family), ALLOW)
            self.assertEqual(self.decide(machine, S.UNSHARE[i], S.CLONE_NEWIPC), ALLOW)
            self.assertEqual(self.decide(machine, S.UNSHARE[i], 0x40000000), EPERM)  # CLONE_NEWNET
            self.assertEqual(self.decide(machine, S.UNSHARE[i], S.CLONE_NEWIPC | 0x10000000), EPERM)  # + NEWUSER
            self.assertEqual(self.decide(machine, S.CLONE[i], 0x003D0F00), ALLOW)  # glibc's thread flags
            self.assertEqual(self.decide(machine, S.CLONE[i], 0x01200011), ALLOW)  # fork's
            self.assertEqual(self.decide(machine, S.CLONE[i], 0x10000000 | 0x11), EPERM)  # CLONE_NEWUSER

    def test_other_architectures_and_x32_are_denied(self) -> None:
        self.assertEqual(self.decide("x86_64", 0, arch=0x40000003), EPERM)  # i386
        self.assertEqual(self.decide("x86_64", S.X32_SYSCALL_BIT | 1), EPERM)
        self.assertEqual(self.decide("aarch64", 0, arch=S.AUDIT_ARCH["x86_64"]), EPERM)

    def test_jumps_must_fit_a_byte(self) -> None:
        p = S._Prog()
        p.add(S.JEQ, 0, "far", 0)
        for _ in range(300):
            p.add(S.RET, S.RET_ALLOW)
        p.label("far")
        p.add(S.RET, S.RET_ALLOW)
        with self.assertRaisesRegex(ValueError, "out of range"):
            p.assemble()

    def test_unknown_machine(self) -> None:
        with self.assertRaises(KeyError):
            S.build("riscv64")


# The kernel's syscall tables as the C headers give them (linux-libc-dev), when installed.
HEADERS = {"x86_64": "/usr/include/x86_64-linux-gnu/asm/unistd_64.h", "aarch64": "/usr/include/asm-generic/unistd.h"}


class SyscallNumbersTest(unittest.TestCase):
    def test_numbers_match_the_kernel_headers(self) -> None:
        checked = 0
        for idx, (machine, header) in enumerate(HEADERS.items()):
            if not os.path.exists(header):
                continue
            with open(header) as f:
                table = {m[1]: int(m[2]) for m in re.finditer(r"#define __NR_(\w+)\s+(\d+)", f.read())}
            named = dict(S.DENIED, clone=S.CLONE, clone3=S.CLONE3, socket=S.SOCKET, unshare=S.UNSHARE)
            for name, nrs in named.items():
                if name in table:
                    self.assertEqual(nrs[idx], table[name], (machine, name))
                    checked += 1
        if checked == 0:
            self.skipTest("no kernel headers here (Debian: linux-libc-dev)")
        self.assertGreater(checked, 40)


@unittest.skipUnless(os.uname().machine in S.AUDIT_ARCH, "no filter for this architecture")
class InstalledFilterTest(unittest.TestCase):
    def test_installed_in_a_child(self) -> None:
        script = textwrap.dedent("""
            import ctypes, errno, socket, passk_seccomp
            passk_seccomp.Filter().install()
            libc = ctypes.CDLL(None, use_errno=True)
            keyctl = passk_seccomp.DENIED["keyctl"][0 if passk_seccomp.platform.machine() == "x86_64" else 1]
            out = [libc.syscall(keyctl, 0, 0, 0, 0) == -1 and ctypes.get_errno() == errno.EPERM]
            try:
                socket.socket(socket.AF_NETLINK, socket.SOCK_RAW)
                out.append(False)
            except PermissionError:
                out.append(True)
            socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
            out.append(open("/dev/null").read() == "")
            print(out)
        """)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
        r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
        if r.returncode != 0 and "seccomp(SET_MODE_FILTER)" in r.stderr:
            self.skipTest(f"seccomp unavailable here: {r.stderr.strip().splitlines()[-1]}")
        self.assertEqual((r.returncode, r.stdout.strip()), (0, "[True, True, True]"), r.stderr)


if __name__ == "__main__":
    unittest.main()
