"""passk_isolation and passk_sandbox helpers that run unprivileged: fresh memfds, the fallback
without a private filesystem view, the child's RLIMIT_NOFILE, mountinfo parsing."""
import fcntl
import os
import sys
import textwrap
import unittest
from typing import Any

import passk_isolation as ISO
import passk_sandbox as SB
from pyproc import run_json


def info(**kw: Any) -> dict[str, Any]:
    return {"level": "degraded", "netns": False, "mountns": False, "cgroup": False, "uid": None, "warnings": [], **kw}


class FreshTest(unittest.TestCase):
    def test_new_fds_are_four_close_on_exec_memfds(self) -> None:
        fds = ISO.new_fds()
        try:
            self.assertEqual(len(set(fds)), 4)
            for fd in fds:
                self.assertTrue(fcntl.fcntl(fd, fcntl.F_GETFD) & fcntl.FD_CLOEXEC)
                self.assertTrue(os.readlink(f"/proc/self/fd/{fd}").startswith("/memfd:"))
        finally:
            for fd in fds:
                os.close(fd)

    def test_renew_fds_closes_the_previous_executions_fds_one_call_later(self) -> None:
        fresh = ISO.Fresh(info(), None, "/nonexistent-scratch", None, 1 << 20)
        first = ISO.new_fds()
        inodes = [os.fstat(fd).st_ino for fd in first]
        second = fresh.renew_fds(first)
        self.assertEqual(fresh.retired, first)
        self.assertEqual([os.fstat(fd).st_ino for fd in first], inodes)  # still open: the caller reads them
        third = fresh.renew_fds(second)
        self.assertEqual(fresh.retired, second)
        for fd, ino in zip(first, inodes):  # closed (its number may be reused by `third`)
            try:
                self.assertNotEqual(os.fstat(fd).st_ino, ino)
            except OSError:
                pass
        self.assertTrue(set(inodes).isdisjoint(os.fstat(fd).st_ino for fd in second + third))
        for fd in second + third:
            os.close(fd)

    def test_without_mounts_the_caller_cleans_up_and_no_cpu_is_measured(self) -> None:
        fresh = ISO.Fresh(info(), None, "/nonexistent-scratch", None, 1 << 20)
        self.assertFalse(fresh.mounts)
        self.assertFalse(fresh.renew_mounts())
        self.assertEqual(fresh.tree_cpu_ms(), 0)
        self.assertEqual(ISO._CHILD, {"ipc": False, "run_dirs": []})

    def test_enter_child_sets_nofile(self) -> None:
        got = run_json(textwrap.dedent("""
            import json, resource, passk_isolation
            passk_isolation.enter_child()
            print(json.dumps(resource.getrlimit(resource.RLIMIT_NOFILE)))
        """))
        self.assertEqual(got, [ISO.NOFILE, ISO.NOFILE])

    def test_err_names_the_call_and_errno(self) -> None:
        e = ISO._err("mount x")
        self.assertIsInstance(e, OSError)
        self.assertTrue(str(e).startswith("[Errno"), str(e))


class SandboxHelpersTest(unittest.TestCase):
    def test_unescape_mountinfo_octal(self) -> None:
        self.assertEqual(SB._unescape(b"/a\\040b\\011c\\134d\\012"), b"/a b\tc\\d\n")
        self.assertEqual(SB._unescape(b"/x\\04"), b"/x\\04")  # too short to be an escape

    def test_mounts_under_root_lists_parents_first(self) -> None:
        mounts = SB._mounts_under("/")
        self.assertEqual(mounts[0][0], "/")
        depths = [p.count("/") for p, _ in mounts]
        self.assertEqual(depths, sorted(depths))
        self.assertTrue(all(isinstance(f, int) for _, f in mounts))

    def test_python_dirs_leave_out_system_dirs(self) -> None:
        for d in SB._python_dirs():
            self.assertFalse(any(d == s or d.startswith(s + "/") for s in SB.SYSTEM_DIRS), d)
        if not sys.prefix.startswith("/usr"):
            self.assertIn(sys.prefix, SB._python_dirs())

    def test_kill_members_of_a_missing_group_is_done(self) -> None:
        self.assertTrue(SB.kill_members("/nonexistent/cgroup", rounds=1))
        self.assertIsNone(SB.controller_root("no-such-controller"))
        self.assertFalse(SB._live_server(0))

    def test_filter_not_installed_with_isolation_none(self) -> None:
        i = info()
        SB.install_filter(i, {"isolation": "none"})
        self.assertEqual((i["seccomp"], i["warnings"]), (False, []))


if __name__ == "__main__":
    unittest.main()
