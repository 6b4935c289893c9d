"""The fork server's side of `--grading lcb` (docs/grading.md, "lcb mode"): supervise the ONE child
that runs every test of a sample (passk_lcb.py), forward each test's frame to Node, and pass Node's
go/stop back to the child.

Per phase (loading the program, then each test) the child gets `wall_ms` of wall time and `cpu_ms`
of CPU time (its own and its threads', from /proc/<pid>/stat), enforced from here: the program
cannot swallow them. The whole sample also gets lcb_runner's global limit, `total_ms`. The wall
limits are starvation-aware (passk_starvation.py): the child's run-queue wait does not count.
Node's answer to a test frame is one line on the protocol pipe: b"g" (passed: go on) or b"s" (stop).
"""
import os
import posix
import select
import signal
import time
from typing import Any, Callable

import passk_starvation

Header = dict[str, Any]

_TICK_MS = 1000.0 / os.sysconf("SC_CLK_TCK")
MAX_HEADER = 256
KINDS = {b"ready", b"out", b"ret", b"unrep", b"exc"}


def cpu_ms(pid: int) -> float | None:
    """User + system CPU of the process (all its threads) so far, ms; None if it is gone."""
    try:
        raw = passk_starvation.read_proc(f"/proc/{pid}/stat", 4096)
        fields = raw[raw.rindex(b")") + 2:].split()
        return (int(fields[11]) + int(fields[12])) * _TICK_MS
    except (OSError, ValueError, IndexError):
        return None


class Channel:
    """The two pipes of one lcb execution: frames child -> server, go/stop server -> child."""

    def __init__(self) -> None:
        self.frame_r, self.frame_w = os.pipe2(os.O_CLOEXEC)
        self.go_r, self.go_w = os.pipe2(os.O_CLOEXEC)

    def child_fds(self) -> list[int]:
        return [self.frame_w, self.go_r]

    def after_fork(self) -> None:
        """The server keeps go_r open, so that a write to go_w never raises SIGPIPE/EPIPE."""
        posix.close(self.frame_w)
        os.set_blocking(self.frame_r, False)

    def close(self) -> None:
        for fd in (self.frame_r, self.go_r, self.go_w):
            try:
                posix.close(fd)
            except OSError:
                pass


class _Frames:
    """Incremental parser of the child's frames; `error` is set on anything malformed."""

    def __init__(self, nonce: str, cap: int) -> None:
        self.nonce = nonce.encode()
        self.cap = cap
        self.buf = bytearray()
        self.error: str | None = None
        self.too_big = False

    def feed(self, data: bytes) -> list[tuple[int, str, bytes]]:
        self.buf += data
        out: list[tuple[int, str, bytes]] = []
        while self.error is None:
            nl = self.buf.find(b"\n", 0, MAX_HEADER)
            if nl < 0:
                if len(self.buf) >= MAX_HEADER:
                    self.error = "a malformed frame header"
                return out
            parts = bytes(self.buf[:nl]).split(b" ")
            if len(parts) != 4 or parts[0] != self.nonce or parts[2] not in KINDS:
                self.error = "a frame without the nonce or of an unknown kind"
                return out
            try:
                index, size = int(parts[1]), int(parts[3])
            except ValueError:
                self.error = "a malformed frame header"
                return out
            if size > self.cap:
                self.too_big = True
                self.error = "output limit reached"
                return out
            if len(self.buf) < nl + 1 + size:
                return out
            out.append((index, parts[2].decode(), bytes(self.buf[nl + 1:nl + 1 + size])))
            del self.buf[:nl + 1 + size]
        return out


class Supervisor:
    """Runs one lcb execution's wait loop. `send(header, body)` writes a frame to Node;
    `reply()` reads Node's one-line answer (b"" when Node has gone)."""

    def __init__(self, req: Header, channel: Channel, cap: int, send: Callable[[Header, bytes], None],
                 reply: Callable[[], bytes]) -> None:
        self.req, self.channel, self.send, self.reply = req, channel, send, reply
        self.frames = _Frames(req["nonce"], cap)
        self.tests = req["tests"]
        self.phase = -1  # -1: loading the program; then the index of the test running
        self.approved = 0
        self.ended: str | None = None
        self.message = ""

    def run(self, pid: int, start: float) -> Header:
        pidfd = os.pidfd_open(pid)
        poller = select.poll()
        poller.register(pidfd, select.POLLIN)
        poller.register(self.channel.frame_r, select.POLLIN)
        child = lambda: [pid]  # noqa: E731
        total = passk_starvation.WallDeadline(self.req["total_ms"] / 1000, start, child)
        phase = passk_starvation.WallDeadline(self.req["wall_ms"] / 1000, start, child)
        cpu0 = 0.0
        try:
            while self.ended is None:
                wait = max(0.0, min(phase.end, total.end) - time.monotonic())
                events = dict(poller.poll(wait * 1000))
                if not events:
                    now = time.monotonic()
                    if phase.expired(now) or total.expired(now):
                        self.ended = "timeout"
                        break
                    continue
                exited = pidfd in events
                frames, eof = self._read_frames(exited)
                if eof and self.channel.frame_r in events:  # closed by the program: never poll it again (no spin on POLLHUP)
                    poller.unregister(self.channel.frame_r)
                for index, kind, body in frames:
                    cpu0, phase = self._frame(pid, index, kind, body, cpu0, phase)
                    if self.ended:
                        break
                if self.ended is None and self.frames.error:
                    self.ended = "output_limit" if self.frames.too_big else "bad_frame"
                    self.message = self.frames.error
                if self.ended is None and exited:
                    self.ended = "exit"
        finally:
            os.close(pidfd)
        return self.info()

    def _read_frames(self, exited: bool) -> tuple[list[tuple[int, str, bytes]], bool]:
        """(complete frames read now, whether the pipe is at end of file)."""
        out: list[tuple[int, str, bytes]] = []
        while True:
            try:
                data = posix.read(self.channel.frame_r, 1 << 16)
            except BlockingIOError:
                return out, False
            if not data:
                return out, True
            out += self.frames.feed(data)
            if self.frames.error or (not exited and out):
                return out, False

    def _frame(self, pid: int, index: int, kind: str, body: bytes, cpu0: float,
               phase: passk_starvation.WallDeadline) -> tuple[float, passk_starvation.WallDeadline]:
        """Handle one frame; returns the CPU reading and wall deadline of the next phase."""
        now_cpu = cpu_ms(pid)
        if index != self.phase or (kind == "ready") != (index == -1):
            self.ended, self.message = "bad_frame", f"frame {index} {kind} out of order"
            return cpu0, phase
        if now_cpu is not None and now_cpu - cpu0 > self.req["cpu_ms"]:
            self.ended = "cpu"
            return cpu0, phase
        if kind != "ready":
            self.send({"id": self.req["id"], "status": "test", "index": index, "kind": kind,
                       "stdout_bytes": len(body), "stderr_bytes": 0}, body)
            answer = self.reply()
            if answer.strip() != b"g":
                self.ended = "stop" if answer else "node_gone"
                return cpu0, phase
            self.approved += 1
            if index + 1 >= self.tests:
                self.ended = "done"
                return cpu0, phase
            posix.write(self.channel.go_w, b"g")  # never EPIPE: the server holds a read end too
        self.phase = index + 1
        base = passk_starvation.runq_wait_ns([pid])
        deadline = passk_starvation.WallDeadline(self.req["wall_ms"] / 1000, time.monotonic(), lambda: [pid], base)
        return (now_cpu or 0.0), deadline

    def info(self) -> Header:
        return {"phase": self.phase, "approved": self.approved, "ended": self.ended, "message": self.message}


def kill(pid: int) -> None:
    try:
        posix.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
