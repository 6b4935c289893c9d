"""passk fork server: one warm Python per core, driven by Node over pipes.

Start: python3.11 -s passk_forkserver.py '<options JSON>', environment set by Node (PYTHONHASHSEED=0)
Protocol (binary, one request in flight):
  request  = header JSON line + payload parts (raw bytes, lengths in header["parts"])
  response = header JSON line + stdout bytes + stderr bytes (lengths in the header)
The first line the server writes is a hello: {"hello": 1, "pid", "python", "sandbox"}.
Per request: fork, new session, limits, run, collect, kill the whole tree, fresh scratch and memfds.
"""
import gc
import json
import os
import posix
import select
import signal
import sys
import time
from types import CodeType
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import passk_checker  # noqa: E402
import passk_guard  # noqa: E402
import passk_harness  # noqa: E402
import passk_isolation  # noqa: E402
import passk_lcb  # noqa: E402
import passk_lcb_server  # noqa: E402
import passk_report  # noqa: E402
import passk_sandbox  # noqa: E402
import passk_starvation  # noqa: E402
from passk_precompile import Precompiler  # noqa: E402

STDERR_TAIL = 4096
LCB_MODES = ("lcb-stdin", "lcb-functional")  # --grading lcb: every test in one child
DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
SETTLE_S = 10.0  # settle_memory: how long a dead execution's shared memory may take to be freed
Req = dict[str, Any]  # a request header (JSON from Node)


class Server:
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        self.limits = {k: options[k] for k in ("mem_bytes", "output_bytes", "max_procs")}
        self.pid = os.getpid()
        oom_protected = passk_sandbox.protect_from_oom() if os.geteuid() == 0 else True
        # Protocol fds move out of 0/1 so nothing a child inherits can reach them.
        self.proto_in = os.fdopen(os.dup(0), "rb", buffering=1 << 16)
        self.proto_out = os.dup(1)
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        os.dup2(devnull, 1)
        os.close(devnull)
        passk_harness.warm_up()
        self.info, self.cgroups, self.uid, self.scratch = passk_sandbox.setup(options)
        if not oom_protected:
            self.info["warnings"].append(
                "oom_score_adj -1000 refused (no CAP_SYS_RESOURCE): a host-wide OOM may pick the server"
                + (" (its children's memory cgroup is separate: a sample's OOM never does)" if self.cgroups else ""))
        self.fresh = passk_isolation.Fresh(self.info, self.cgroups, self.scratch, self.uid, options["tmp_bytes"])
        if not self.fresh.mounts:
            os.makedirs(self.scratch, mode=0o700, exist_ok=True)
            if self.uid is not None:
                os.chown(self.scratch, self.uid, self.uid)
        passk_harness.set_environment(self.scratch)
        self.fds = passk_isolation.new_fds()
        self.precompiler = Precompiler(options.get("server_compile", True))
        self.checker_slot = False
        self.euid = os.geteuid()  # root: the candidate runs as another uid than the checker (passk_checker)
        self.last_inputs = (None, None)  # lcb modes: (raw JSON, parsed list) of the last request
        self.oom_seen = self.cgroups.oom_kills() if self.cgroups else 0
        self.checker = passk_checker.Checker(options["mem_bytes"], passk_harness._exception_report)
        passk_sandbox.install_filter(self.info, options)
        for w in self.info["warnings"]:
            sys.stderr.write(f"passk fork server {self.pid}: WARNING: {w}\n")
        # os.fork, os.kill, os.chdir, shutil.rmtree, ... are None from here on: the server uses posix.*.
        passk_guard.apply_reliability_guard()
        gc.collect()
        gc.freeze()

    def send(self, header: dict[str, Any], *blobs: bytes) -> None:
        data = passk_report.encode_header(header) + b"\n" + b"".join(blobs)
        view = memoryview(data)
        while view:
            n = os.write(self.proto_out, view)
            view = view[n:]

    def serve(self) -> None:
        self.send({"hello": 1, "pid": self.pid, "python": sys.version.split()[0], "executable": sys.executable,
                   "sandbox": self.info})
        while True:
            line = self.proto_in.readline()
            if not line:
                return
            req = json.loads(line)
            parts = {}
            for name, size in req["parts"]:
                data = self.proto_in.read(size)
                if data is None or len(data) != size:
                    return
                parts[name] = data
            try:
                header, out, err = self.execute(req, parts)
            except Exception as e:  # infrastructure: report, then die so that Node restarts us
                self.send({"id": req["id"], "status": "error", "message": f"{type(e).__name__}: {e}"})
                raise
            self.send(header, out, err)

    def execute(self, req: Req, parts: dict[str, bytes]) -> tuple[dict[str, Any], bytes, bytes]:
        stdin_fd, out_fd, err_fd, rep_fd = self.fds  # new and empty: made by renew() after the last execution
        data = parts.get("input", b"")
        lcb = req["mode"] in LCB_MODES
        if req["mode"] != "functional" and not lcb and data:
            os.write(stdin_fd, data)
            os.lseek(stdin_fd, 0, 0)
        payload, program, compile_ms = self.program(req, parts, lcb)
        channel = passk_lcb_server.Channel() if lcb else None
        link = self.humaneval_link() if req["mode"] == "humaneval" else None
        checker_base_ns = self.start_checker(req, parts, link) if link else 0
        start = time.monotonic()
        pid = -1
        started_r, started_w = posix.pipe2(os.O_CLOEXEC | os.O_NONBLOCK)  # fd 4 in the child (passk_report)
        child_fds = self.fds + [started_w] + (link.candidate_fds() if link else [])  # 5-6: HumanEval's pipes
        try:
            pid = posix.fork()
        except BaseException:
            posix.close(started_r)
            if link:  # the checker waits for a candidate that never comes: the server dies (serve)
                link.after_fork()
            raise
        finally:
            if pid != 0:
                posix.close(started_w)
        if pid == 0:
            try:
                if channel:  # fds 0-3 memfds, 4 the started pipe, 5-6 the frame/go pipes (passk_lcb)
                    passk_lcb.run_child(req, payload, self.fds + [started_w] + channel.child_fds(), self.scratch,
                                        self.uid, self.limits)
                passk_harness.run_child(req, payload, child_fds, self.scratch, self.uid, self.limits, program)
            finally:
                os._exit(127)
        lcb_info, decided, checker_ms = None, None, 0.0
        if channel:
            status, ru, lcb_info = self.supervise_lcb(req, pid, start, channel)
            timed_out = lcb_info["ended"] in ("timeout", "cpu")
        elif link:
            link.after_fork()
            status, ru, timed_out, decided, checker_ms = self.supervise_humaneval(req, pid, start, checker_base_ns)
        else:
            status, ru, timed_out = self.wait_child(req, pid, start)
        wall_ms = (time.monotonic() - start) * 1000
        self.kill_tree(pid)
        tree_cpu_ms = self.renew()
        oom = False
        if self.cgroups:  # OOM kills happen only while an execution runs: compare with the last count
            oom_now = self.cgroups.oom_kills()
            oom, self.oom_seen = oom_now > self.oom_seen, oom_now
        out_size = os.fstat(out_fd).st_size
        cap = self.limits["output_bytes"]
        out = os.pread(out_fd, min(out_size, cap), 0)
        err_size = os.fstat(err_fd).st_size
        err = os.pread(err_fd, STDERR_TAIL, max(0, min(err_size, cap) - STDERR_TAIL))
        report, report_invalid = self.report(req, started_r, rep_fd)
        self.fresh.close_retired()  # out, err and the report are read: their memfds' pages go now
        self.settle_memory()  # before the verdict goes out: the next sample starts with none of it
        exit_code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
        sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        if link:  # the checker's reply decides; the report memfd only for a setup failure (never forged)
            report, report_invalid, exit_code, sig = passk_checker.humaneval_report(report, decided, exit_code, sig)
        header = {
            "id": req["id"], "status": "ok", "wall_ms": round(wall_ms, 3),
            "cpu_ms": round(max((ru.ru_utime + ru.ru_stime) * 1000 + checker_ms, tree_cpu_ms) + compile_ms, 3),
            "exit_code": exit_code, "signal": sig,
            "timed_out": timed_out, "oom": oom, "output_full": out_size >= cap,
            "report": report, "report_invalid": report_invalid,
            "stdout_bytes": len(out), "stderr_bytes": len(err),
        }
        if lcb_info is not None:  # in lcb mode the real stdout is not the program's output
            header["lcb"], header["stdout_bytes"], out = lcb_info, 0, b""
        return header, out, err

    def program(self, req: Req, parts: dict[str, bytes], lcb: bool) -> tuple[dict[str, Any], CodeType | None, float]:
        """(payload, the program compiled here or None, the compile's CPU ms)."""
        payload: dict[str, Any] = {k: v.decode("utf-8", "replace") for k, v in parts.items()
                                   if (k != "input" or req["mode"] == "functional") and k != "inputs"}
        if lcb:  # the child transforms and compiles the program as lcb_runner does (passk_lcb.py)
            payload["inputs"] = self.lcb_inputs(parts.get("inputs", b"[]"))
            return payload, None, 0.0
        # LCB programs compile under LCB's limit (server and child); Python < 3.10.7 has no limit at all.
        digits = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else 0
        passk_harness._set_digits(passk_harness.LCB_INT_DIGITS if req["mode"] != "humaneval" else digits)
        try:
            program, compile_ms = self.precompiler.get(*passk_harness.program_source(req["mode"], payload))
        finally:
            passk_harness._set_digits(digits)
        return payload, program, compile_ms

    @staticmethod
    def report(req: Req, started_r: int, rep_fd: int) -> tuple[dict[str, Any] | None, bool]:
        """The child's report memfd, read once every process of the execution is dead (passk_report)."""
        try:  # every process of the execution is dead: a read cannot block
            started = posix.read(started_r, 1) == passk_report.STARTED
        except BlockingIOError:
            started = False
        finally:
            posix.close(started_r)
        rep_size = os.fstat(rep_fd).st_size
        raw = os.pread(rep_fd, rep_size, 0) if rep_size else b""
        return passk_report.parse(raw, req["nonce"], started)

    def lcb_inputs(self, raw: bytes) -> Any:
        """The tests' inputs (a JSON list of str from Node), parsed here once for the consecutive
        samples of a problem and inherited by each child at fork (it only reads them)."""
        if raw != self.last_inputs[0]:
            self.last_inputs = (raw, json.loads(raw.decode("utf-8", "replace")))
        return self.last_inputs[1]

    def wait_child(self, req: Req, pid: int, start: float) -> tuple[int, Any, bool]:
        """Wait for a child with the wall backstop, which the tree's run-queue wait does not use up
        (passk_starvation): (status, rusage, timed_out)."""
        timed_out = False
        deadline = passk_starvation.WallDeadline(req["wall_ms"] / 1000, start, lambda: self.tree(pid))
        pidfd = os.pidfd_open(pid)
        try:
            poller = select.poll()
            poller.register(pidfd, select.POLLIN)
            while not poller.poll(max(0.0, deadline.end - time.monotonic()) * 1000):
                if deadline.expired(time.monotonic()):
                    timed_out = True
                    posix.kill(pid, signal.SIGKILL)  # the rest of the tree goes in kill_tree below
                    break
            _, status, ru = os.wait4(pid, 0)
        finally:
            os.close(pidfd)
        return status, ru, timed_out

    def tree(self, pid: int) -> list[int]:
        """The execution's processes: the child and, with cgroups, every process charged to them."""
        if self.cgroups is None:
            return [pid]
        return [p for p in self.cgroups.members() if p != self.pid]  # the checker's too, if it runs

    def supervise_lcb(self, req: Req, pid: int, start: float, channel: Any) -> tuple[int, Any, dict[str, Any]]:
        """lcb mode's wait loop (passk_lcb_server.py): test frames to Node, its go/stop back."""
        channel.after_fork()
        sup = passk_lcb_server.Supervisor(req, channel, self.limits["output_bytes"],
                                          lambda h, body: self.send(h, body), self.proto_in.readline)
        try:
            info = sup.run(pid, start)
        finally:
            passk_lcb_server.kill(pid)  # stop, done, time-out: the child's verdict is already known
            channel.close()
        _, status, ru = os.wait4(pid, 0)
        return status, ru, info

    def kill_tree(self, pid: int) -> None:
        """Kill every process of the execution, including setsid'd grandchildren (cgroup sweep)."""
        if self.cgroups is not None and self.alone():
            return  # no task but the server (and checker) is charged to the cgroup: nothing is left to kill or reap
        try:
            posix.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self.cgroups is None:
            self.reap()
            return
        for attempt in range(5000):
            members = [p for p in self.cgroups.members() if p != self.pid and p != self.checker.pid]
            if not members:
                self.reap()
                return
            for p in members:
                try:
                    posix.kill(p, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.reap()
            if attempt:
                time.sleep(0.001)
        raise RuntimeError("the execution's processes survived 5000 SIGKILL sweeps")

    def renew(self) -> float:
        """After the tree is dead: a fresh scratch dir, /dev/shm and memfds for the next execution
        (passk_isolation). Returns the CPU ms of the whole tree (0 without cgroups)."""
        if not self.fresh.renew_mounts():  # no private view: empty the host temp dir instead
            self.clean(self.scratch)
            if posix.stat(self.scratch).st_mode & 0o7777 != 0o700:  # the program chmod'ed its cwd
                posix.chmod(self.scratch, 0o700)
            if self.info["mountns"]:  # private view, but no tmpfs could be mounted per execution
                self.clean(passk_isolation.SHM)
        self.fds = self.fresh.renew_fds(self.fds)
        return self.fresh.tree_cpu_ms()

    def settle_memory(self) -> None:
        """After an execution, before its verdict goes out: no shared memory of it stays charged to the
        children's memory group, so the next sample has its whole memory limit. A SysV segment dies
        with its IPC namespace, which the kernel frees tens of ms later (after an RCU grace period;
        later under load). Bounded: memory that is never freed is the machine's trouble; the server
        then fails and is restarted, and the sample is run again on the new one.
        Only with the per-execution tmpfs and IPC namespace, which free everything an execution can
        leave: without them (degraded) a file a program leaves in the host's /dev/shm stays charged,
        and waiting for it would make the program stall the server for every later sample."""
        if self.cgroups is None or not (self.fresh.mounts and self.info["netns"]):
            return
        deadline = time.monotonic() + SETTLE_S
        pause = 0.0002
        while (left := self.cgroups.shmem_bytes()) > 0:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{left} bytes of shared memory of finished executions stay charged to their memory cgroup")
            time.sleep(pause)
            pause = min(2 * pause, 0.01)

    def reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid == self.checker.pid:  # died between samples: replaced before the next one
                self.checker.status = status

    def alone(self) -> bool:
        """Nobody but the server (and the HumanEval checker, if one runs) is charged to the pids cgroup."""
        assert self.cgroups is not None
        return int(os.pread(self.cgroups.pids_current, 64, 0)) == 1 + (self.checker.pid is not None)

    def humaneval_link(self) -> passk_checker.Link:
        """A live checker (the pids cgroup gets a slot for it) and this sample's pipes."""
        if self.checker.ensure() and self.cgroups is not None and not self.checker_slot:
            fd = os.open("pids.max", os.O_WRONLY | os.O_CLOEXEC, dir_fd=self.cgroups.pids_dir)
            try:  # server + checker + the execution's max_procs
                os.write(fd, str(self.limits["max_procs"] + 2).encode())
            finally:
                os.close(fd)
            self.checker_slot = True
        return passk_checker.Link()

    def start_checker(self, req: Req, parts: dict[str, bytes], link: passk_checker.Link) -> int:
        """Before the fork (the server's Python after it pays a copy-on-write fault per page it
        writes): the checker gets the sample and its pipe ends and waits for the candidate.
        Returns the checker's run-queue wait so far (the wall deadline's base)."""
        if not self.checker.start(parts.get("prompt", b""), parts.get("test", b""), req["entry_point"],
                                  req["cpu_ms"], link.checker_fds()):  # two checkers in a row failed: the machine's, retried
            link.after_fork()
            raise RuntimeError("the HumanEval checker could not be started")
        assert self.checker.pid is not None  # set once start() succeeded
        return passk_starvation.runq_wait_ns([self.checker.pid])

    def supervise_humaneval(self, req: Req, pid: int, start: float,
                            base_ns: int) -> tuple[int, Any, bool, dict[str, Any] | None, float]:
        """The checker's reply (passk_checker): (status, rusage, timed_out, decided or None, checker CPU ms)."""
        checker = self.checker
        checker_pids = [checker.pid] if checker.pid is not None else []
        tree = (lambda: self.tree(pid)) if self.cgroups else (lambda: [pid, *checker_pids])
        deadline = passk_starvation.WallDeadline(req["wall_ms"] / 1000, start, tree, base_ns)
        reply, timed_out = None, False
        while not checker.poller.poll(max(0.0, deadline.end - time.monotonic()) * 1000):
            if deadline.expired(time.monotonic()):
                timed_out = True
                break
        else:
            reply = checker.reply()
        if reply is None:  # hung, died or sent garbage: replaced for the next sample
            posix.kill(pid, signal.SIGKILL)
            _, status, ru = os.wait4(pid, 0)
            checker_ms = checker.stop()
            return status, ru, timed_out, passk_checker.died(checker.status), checker_ms
        # A checker the candidate could reach (the same uid: a server not run as root) is never reused.
        checker_ms = reply["cpu_ms"] + (0.0 if reply["reuse"] and self.euid == 0 else checker.stop())
        if reply["gone"]:  # the candidate ended (or closed its pipe): its own end decides
            status, ru, timed_out = self.wait_child(req, pid, start)
            return status, ru, timed_out, None, checker_ms
        posix.kill(pid, signal.SIGKILL)
        _, status, ru = os.wait4(pid, 0)
        return status, ru, False, passk_checker.decided(reply["report"]), checker_ms

    @staticmethod
    def clean(path: str) -> None:
        """Empty `path` (scratch dir, /dev/shm) with posix calls only (the reliability_guard took
        os.unlink and shutil.rmtree). Iterative, one open directory at a time, relative to it: no
        recursion limit, no PATH_MAX, whatever depth the program nested; symlinks never followed."""
        with posix.scandir(path) as entries:
            if next(entries, None) is None:
                return  # the usual case: nothing was left
        fd = posix.open(path, DIR_FLAGS)
        names = []  # from `path` down to the directory `fd` is open on
        try:
            while True:
                sub = None
                with posix.scandir(fd) as entries:
                    for entry in entries:
                        if entry.is_dir(follow_symlinks=False):
                            sub = entry.name
                            break
                        posix.unlink(entry.name, dir_fd=fd)
                if sub is not None:
                    nfd = posix.open(sub, DIR_FLAGS | os.O_NOFOLLOW, dir_fd=fd)
                    posix.close(fd)
                    fd = nfd
                    names.append(sub)
                    continue
                if not names:
                    return
                parent = posix.open("..", DIR_FLAGS, dir_fd=fd)
                posix.close(fd)
                fd = parent
                posix.rmdir(names.pop(), dir_fd=fd)
        finally:
            posix.close(fd)


def main() -> None:
    options = json.loads(sys.argv[1])
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # Node went away: die quietly
    Server(options).serve()


if __name__ == "__main__":
    main()
