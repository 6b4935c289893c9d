"""`--grading lcb`: one sample, all of its tests, in ONE forked child, as lcb_runner's
testing_util.run_test runs them (docs/grading.md, "lcb mode").

The child never sees an expected output. After each test it writes a frame with what the test
produced (captured stdout, or the functional result as JSON) on FRAME_FD and waits for one byte on
GO_FD: b"g" = the test passed in Node, run the next one; anything else = stop (the server usually
SIGKILLs the child instead). Frames: b"<nonce> <index> <kind> <length>\n" + body; index -1 is the
"ready" frame sent once the program is compiled and loaded (the time limits are per phase).
kinds: ready, out (stdin kind: the captured stdout), ret (functional: JSON), unrep (functional: a
value that never equals a JSON value), exc (the test raised: JSON {type, message}).
"""
import ast
import builtins
import io
import json
import os
import sys
from types import CodeType
from typing import Any, Callable, Iterator, cast

import passk_harness as H
from passk_lcb_values import Unequal, encode_result

FRAME_FD = 5  # fd 4 is the started pipe (passk_report)
GO_FD = 6
_MISSING = object()
# Captured before any program runs (as lcb_runner's module binds them at import): a program that
# rebinds io.StringIO or json.loads does not change the harness.
_read = os.read
_StringIO = io.StringIO
_json_loads = json.loads
_json_dumps = json.dumps


# --- lcb_runner's code transformation (stdin kind) ------------------------------------------------
def unwrap_main_guard(code: str) -> tuple[str, ast.Module | None]:
    """If the LAST top-level statement is `if <test>:` whose test unparses to exactly
    `__name__ == '__main__'`, replace it by its body (its `else:` is dropped). Any failure: unchanged.
    Returns (code, its tree when the code is unchanged and parsed, else None)."""
    tree: ast.Module | None = None
    try:
        tree = ast.parse(code)
        last = tree.body[-1]
        if isinstance(last, ast.If) and ast.unparse(last.test).strip() == "__name__ == '__main__'":
            return _unparse_all(tree.body[:-1]) + "\n" + _unparse_all(last.body), None
    except BaseException:
        pass
    return code, tree


def _unparse_all(stmts: list[Any]) -> str:
    """ast.unparse of a statement list, as lcb_runner calls it (unparse traverses a list; the stubs
    want one node, and an ast.Module would unparse a leading string as a docstring, not the same)."""
    return ast.unparse(cast(ast.AST, stmts))


def wrap_top_level(code: str, tree: ast.Module | None = None) -> tuple[list[ast.stmt], str] | None:
    """Top-level imports stay at module level; every other top-level statement becomes the body of
    `def wrapped_function():` (so top-level names are locals of it). Returns (imports, source) or
    None when lcb_runner's transformation fails (it then runs the raw text, which fails there).
    `tree`: ast.parse(code) when already parsed."""
    try:
        tree = tree or ast.parse(code)
        imports: list[ast.stmt] = [s for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom))]
        others = [s for s in tree.body if not isinstance(s, (ast.Import, ast.ImportFrom))]
        no_args = ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[])
        fn = ast.FunctionDef(name="wrapped_function", args=no_args, body=others, decorator_list=[], lineno=-1)
        return imports, _unparse_all(imports) + "\n" + ast.unparse(fn)
    except BaseException:
        return None


def _has_future_import(stmts: list[ast.stmt]) -> bool:
    """lcb_runner prepends its import preamble as text, so `from __future__` is a SyntaxError there."""
    return any(isinstance(s, ast.ImportFrom) and s.module == "__future__" for s in stmts)


def _compile(src: str) -> CodeType:
    try:
        return compile(src, "<solution>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, OverflowError, MemoryError, RecursionError) as e:
        detail = f"{e.msg} (line {e.lineno})" if isinstance(e, SyntaxError) else str(e)
        raise H._Syntax(f"{type(e).__name__}: {detail}")


def load_stdin_program(code: str) -> Callable[[], object]:
    """(module, wrapped_function) as lcb_runner's grade_stdio has them after compile_code."""
    wrapped = wrap_top_level(*unwrap_main_guard(code))
    if wrapped is None:
        _compile(code)  # the program's own SyntaxError, if that is why
        raise H._Syntax("SyntaxError: lcb_runner cannot transform the program")
    imports, src = wrapped
    if _has_future_import(imports):
        raise H._Syntax("SyntaxError: from __future__ imports must occur at the beginning of the file "
                        "(lcb_runner prepends its import preamble)")
    program = _compile(src)
    module = H._lcb_globals("tmp_sol")
    exec(program, module.__dict__)
    entry = module.Solution() if "class Solution" in src else module  # lcb_runner: text test
    method = getattr(entry, "wrapped_function", None)
    if method is None:
        raise AttributeError("lcb_runner finds no wrapped_function")
    return method


def load_functional_program(code: str, func_name: str) -> Callable[..., object]:
    """The bound method (or module function) lcb_runner's grade_call_based calls for every test."""
    try:  # (parsed only when it can matter)
        tree = ast.parse(code) if "__future__" in code else None
    except BaseException:
        tree = None
    if tree is not None and _has_future_import(tree.body):
        raise H._Syntax("SyntaxError: from __future__ imports must occur at the beginning of the file "
                        "(lcb_runner prepends its import preamble)")
    program = _compile(code)
    module = H._lcb_globals("tmp_sol")
    exec(program, module.__dict__)
    entry = module.Solution() if "class Solution" in code else module
    method = getattr(entry, func_name, None)
    if method is None:
        raise _Missing(f"function {func_name!r} not found")
    return method


class _Missing(Exception):
    pass


# --- lcb_runner's mocked stdin and captured stdout (stdin kind) -----------------------------------
class _StdinBytes:
    """`sys.stdin.buffer` during a test: read() = all the input, every call; readline() = the first
    line + b"\\n", every call; nothing else."""

    def __init__(self, text: str) -> None:
        # Encoded at first use (most programs never touch sys.stdin.buffer); a text that cannot be
        # encoded (a lone surrogate) fails when the test starts, as it always has.
        self._text = text
        self._bytes: bytes | None = None if text.isascii() else text.encode("utf-8")

    @property
    def _data(self) -> bytes:
        if self._bytes is None:
            self._bytes = self._text.encode("utf-8")
        return self._bytes

    def read(self, *args: object) -> bytes:
        return self._data

    def readline(self, *args: object) -> bytes:
        return self._data.split(b"\n")[0] + b"\n"


class _MockStdin:
    """`sys.stdin` during a test: read() = all the input (not consumed), readlines() = the input
    split on "\\n" (no line ends), readline() consumes; any other attribute is a StringIO's over the
    input; no __iter__ (`for line in sys.stdin` is a TypeError)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._stream: io.StringIO | None = None  # made at first use: a StringIO of a 1 MB input is 4 MB
        self.buffer = _StdinBytes(text)

    @property
    def _io(self) -> io.StringIO:
        if self._stream is None:
            self._stream = _StringIO(self._text)
        return self._stream

    def read(self, *args: object) -> str:
        return self._text

    def readline(self, *args: Any) -> str:
        return self._io.readline(*args)

    def readlines(self, *args: object) -> list[str]:
        return self._text.split("\n")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._io, name)


class _OpenMock:
    """`builtins.open` during a test (what the program's own `open` is not: the preamble bound the
    real one; library code and `builtins.open` see this): every call returns the same file-like
    handle, its data reset to the input; reads consume it; writes and close() do nothing."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._stream: io.StringIO | None = None  # made at first use (most programs never call it)

    @property
    def _io(self) -> io.StringIO:
        if self._stream is None:
            self._stream = _StringIO(self._text)
        return self._stream

    def __call__(self, *args: object, **kwargs: object) -> "_OpenMock":
        self._stream = None  # the data reset to the input
        return self

    def read(self, *args: Any) -> str:
        return self._io.read(*args)

    def readline(self, *args: Any) -> str:
        return self._io.readline(*args)

    def readlines(self, *args: Any) -> list[str]:
        return self._io.readlines(*args)

    def __iter__(self) -> Any:
        return iter(self._io.readline, "")

    def __enter__(self) -> "_OpenMock":
        return self

    def __exit__(self, *exc: object) -> bool:
        return False

    def write(self, *args: object) -> None:
        return None

    def close(self, *args: object) -> None:
        return None


def _close_takes_one_argument(arg: object) -> int:
    """The captured stdout's close(): `sys.stdout.close()` without an argument is a TypeError."""
    return 1


def _split_lines(text: str) -> Iterator[str]:
    yield from text.split("\n")


def _patched_real_stdin(real: Any, text: str) -> list[tuple[str, object]]:
    """During a test the REAL stdin object (what `from sys import stdin` bound) answers read(),
    readline() (the next line WITHOUT its "\\n", StopIteration at the end) and readlines()."""
    lines = _split_lines(text)  # split at the first readline(), not for every test
    patches = {"read": lambda *a: text, "readlines": lambda *a: text.split("\n"),
               "readline": lambda *a: next(lines)}
    saved: list[tuple[str, object]] = []
    for name, value in patches.items():
        saved.append((name, getattr(real, "__dict__", {}).get(name, _MISSING)))
        setattr(real, name, value)
    return saved


def _unpatch(real: Any, saved: list[tuple[str, object]]) -> None:
    for name, old in reversed(saved):
        try:
            if old is _MISSING:
                delattr(real, name)
            else:
                setattr(real, name, old)
        except BaseException:
            pass


def run_stdin_test(method: Callable[[], object], text: str) -> str:
    """One call of wrapped_function as lcb_runner's call_method + Capturing: returns the captured
    stdout; a SystemExit ends the test normally; any other exception propagates."""
    saved_stdout = sys.stdout
    captured = _StringIO()
    setattr(captured, "close", _close_takes_one_argument)  # lcb_runner's Capturing: `lambda x: 1`
    sys.stdout = captured
    try:
        real = sys.stdin
        saved = _patched_real_stdin(real, text)
        try:
            sys.stdin = _MockStdin(text)
            real_open, builtins.open = builtins.open, _OpenMock(text)
            try:
                method()
            except SystemExit:
                pass
            finally:
                builtins.open = real_open
                sys.stdin = real
        finally:
            _unpatch(real, saved)
    finally:
        output = captured.getvalue()
        sys.stdout = saved_stdout
    return output


def run_functional_test(method: Callable[..., object], args: list[object]) -> tuple[str, str]:
    """(kind, body) of one call: the result (a top-level tuple becomes a list) as JSON text."""
    result = method(*args)
    if isinstance(result, tuple):
        result = list(result)
    H._set_digits(0)
    try:
        return "ret", encode_result(result)
    except Unequal as e:
        return "unrep", e.args[0]
    except RecursionError:
        return "unrep", "the result is nested too deeply or is self-referential"
    finally:
        H._set_digits(50000)


# --- the frame channel ----------------------------------------------------------------------------
def send_frame(nonce: bytes, index: int, kind: str, body: bytes) -> None:
    data = b"%s %d %s %d\n" % (nonce, index, kind.encode(), len(body)) + body
    view = memoryview(data)
    while view:
        try:
            view = view[H._write(FRAME_FD, view):]
        except InterruptedError:
            continue


def wait_for_go() -> bool:
    """True when Node says the test passed and the next one may run."""
    while True:
        try:
            return _read(GO_FD, 1) == b"g"
        except BaseException:  # a program's signal handler raised while we wait: wait again
            continue


def _exception_body(e: BaseException) -> bytes:
    report = H._exception_report(e)
    return _json_dumps({"type": report["type"], "message": report["message"], "errno": report["errno"]}).encode()


def run_tests(req: dict[str, Any], payload: dict[str, Any], nonce: bytes) -> int:
    inputs: list[str] = payload["inputs"]  # parsed once in the server (passk_forkserver.lcb_inputs)
    functional = req["mode"] == "lcb-functional"
    # lcb_runner parses every test's arguments before loading the program
    args: list[list[object]] = [[_json_loads(line) for line in text.split("\n")] for text in inputs] if functional else []
    try:
        method = (load_functional_program(payload["code"], req["func_name"]) if functional
                  else load_stdin_program(payload["code"]))
    except _Missing as e:
        H._report(nonce, {"kind": "missing_function", "message": e.args[0]})
        return 1
    send_frame(nonce, -1, "ready", b"")
    for i, text in enumerate(inputs):
        try:
            if functional:
                kind, body = run_functional_test(method, args[i])
                frame = (kind, body.encode("utf-8", "surrogatepass"))
            else:
                frame = ("out", run_stdin_test(method, text).encode("utf-8", "surrogatepass"))
        except BaseException as e:  # lcb_runner: -4 (or the whole process dies: every test -1)
            H._flush()
            H._print_traceback(e)
            send_frame(nonce, i, "exc", _exception_body(e))
            return 1
        send_frame(nonce, i, *frame)
        if not wait_for_go():
            return 0
    return 0


def run_child(req: dict[str, Any], payload: dict[str, Any], fds: list[int], scratch: str, uid: int | None,
              limits: dict[str, Any]) -> None:
    """The child's whole life in lcb mode: set up as every child, then load and test the program."""
    nonce = req["nonce"].encode()
    tests = max(1, req["tests"])
    budget = dict(req, cpu_ms=req["cpu_ms"] * (tests + 1))  # RLIMIT_CPU backstop for the whole sample
    try:
        H.setup_child(budget, fds, scratch, uid, limits)
    except BaseException as e:
        H._report(nonce, {"kind": "setup_failed", "message": f"{type(e).__name__}: {e}"})
        H._exit(120)
    H.mark_started(nonce)
    cast("dict[str, object]", sys.modules)["resource"] = None  # lcb_runner's guard: `import resource` fails
    sys.stdin = sys.__stdin__ = H.STREAMS[0]
    sys.stdout = sys.__stdout__ = H.STREAMS[1]
    sys.stderr = sys.__stderr__ = H.STREAMS[2]
    try:
        code = run_tests(req, payload, nonce)
    except H._Syntax as e:
        H._report(nonce, {"kind": "syntax_error", "message": e.args[0]})
        code = 1
    except BaseException as e:
        H._flush()
        H._print_traceback(e)
        H._report(nonce, H._exception_report(e))
        code = 1
    H._flush()
    H._exit(code)
