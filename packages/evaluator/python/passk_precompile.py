"""Bounded compile of a sample's source in the fork server, before fork (docs/sandbox.md).

Compiling in the server means the child does not pay the compiler's copy-on-write faults, and
the tests of one stdin/functional sample share one compile. compile() of hostile source can be
expensive or deep, and the server has no RLIMIT_CPU/RLIMIT_AS of its own, so the server compiles
only sources that cannot hurt it; everything else is compiled in the child as before:

  * at most MAX_CHARS characters: parse + compile time is then bounded, as long as nothing is
    duplicated (next rule), and so is the depth (the compiler raises RecursionError well below
    the C stack at this size). Worst shapes measured (scripts in docs/sandbox.md), 2026-12-05 on
    the shared 2-core dev box: 8 KB of f-strings 3.9 ms, an if/elif ladder 3.8 ms, a chain of
    comparisons 2.5 ms; typical programs: 0.05–0.3 ms;
  * no `finally`: CPython 3.11 compiles a finally body once per way out of its try (normal,
    exception, each return/break/continue), so nested try/finally grows as 4^depth: 18 levels
    (843 bytes) take 2 s and 760 MB, 20 levels exhaust 2 GB. Such sources (rare in solutions)
    are compiled in the child, under its CPU and memory limits;
  * at most MAX_STARS `*`: CPython 3.11 folds `'a' * 4096` into a constant and then folds `+`
    chains of such constants without any size limit, which is quadratic (16 KB of
    `'a'*4096+...` takes 18 s). Every big constant needs a `*`, so few stars = small constants;
  * at most MAX_LAMBDAS `lambda`: nested lambdas are the one nesting without brackets or
    indentation (both capped by the tokenizer) and their compile time grows quadratically;
  * no warning: a compile-time warning (SyntaxWarning, DeprecationWarning for an escape) must
    be printed on the child's stderr, so such a source is compiled in the child;
  * any exception (SyntaxError, MemoryError, RecursionError, ValueError for NUL bytes, ...):
    compiled again in the child, which reports it exactly as before.

The server's CPU time for the compile is returned so that it is charged to the execution.
"""
import time
import warnings
from types import CodeType
from typing import Optional

MAX_CHARS = 8192
MAX_STARS = 64
MAX_LAMBDAS = 64


def safe_to_compile(src: str) -> bool:
    return (len(src) <= MAX_CHARS and src.count("*") <= MAX_STARS and src.count("lambda") <= MAX_LAMBDAS
            and "finally" not in src)


class Precompiler:
    """Compiles in the server when safe; remembers the last program (the tests of one sample)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        # (source, filename, code); one entry, so nothing is kept across samples
        self.last: Optional[tuple[str, str, CodeType]] = None

    def get(self, src: str, filename: str) -> tuple[Optional[CodeType], float]:
        """(code or None, CPU ms spent). None: let the child compile (and report errors)."""
        last, self.last = self.last, None  # a child never sees another sample's code object
        if not self.enabled or not safe_to_compile(src):
            return None, 0.0
        if last is not None and last[0] == src and last[1] == filename:
            self.last = last
            return last[2], 0.0
        start = time.thread_time()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                code = compile(src, filename, "exec", dont_inherit=True)
        except BaseException:  # the child compiles it again and reports it
            code: Optional[CodeType] = None
        cpu_ms = (time.thread_time() - start) * 1000
        if code is not None:
            self.last = (src, filename, code)
        return code, cpu_ms
