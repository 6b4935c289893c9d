"""LiveCodeBench's and human-eval's reliability_guard, applied once in the fork server.

The names they set to None before the program runs (docs/grading.md, "reliability_guard"). Not a
sandbox (posix.*, ctypes, os.posix_spawn still work there and here); it is kept so that a program
that depends on these names fails here as it fails there. Applied once in the server (which then
uses posix.* itself), so children inherit it at no cost per execution.
"""
import builtins
import os
import shutil
import sys
from collections.abc import Sequence
from importlib.abc import Loader
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Optional, cast

GUARD_OS = ("kill", "system", "putenv", "remove", "removedirs", "rmdir", "fchdir", "setuid", "fork", "forkpty",
            "killpg", "rename", "renames", "truncate", "replace", "unlink", "fchmod", "fchown", "chmod", "chown",
            "chroot", "lchflags", "lchmod", "lchown", "getcwd", "chdir")
GUARD_MODULES = ("ipdb", "joblib", "psutil", "tkinter")  # sys.modules[name] = None: import fails
# ... and "resource" too, but only in the child: the server's os.wait4 imports it for its result.
# sys.modules as the import system reads it: a None entry makes `import name` raise ImportError
# (typeshed declares the values ModuleType only). The same dict object, so no cost per use.
MODULES = cast("dict[str, Optional[ModuleType]]", sys.modules)


class _GuardedSubprocess:
    """sys.meta_path finder: a program that imports subprocess gets it with Popen = None, as after
    the guard's `import subprocess; subprocess.Popen = None`. The server does not import
    subprocess itself: it would bring threading, whose at-fork hook then runs in every child."""

    @staticmethod
    def find_spec(name: str, path: Optional[Sequence[str]] = None,
                  target: Optional[ModuleType] = None) -> Optional[ModuleSpec]:
        if name != "subprocess":
            return None
        for finder in sys.meta_path:
            if finder is not _GuardedSubprocess and hasattr(finder, "find_spec"):
                spec = finder.find_spec(name, path, target)
                if spec is not None:
                    if spec.loader is not None:  # a module's spec always has one (only namespace packages lack it)
                        spec.loader = _PopenNone(spec.loader)
                    return spec
        return None


class _PopenNone(Loader):
    def __init__(self, loader: Loader) -> None:
        self.loader = loader

    def create_module(self, spec: ModuleSpec) -> Optional[ModuleType]:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self.loader.exec_module(module)
        setattr(module, "Popen", None)


ENV_WRITERS = ("numpy",)  # packages whose import writes os.environ (numpy/_core/__init__.py: os.putenv)
_putenv = os.putenv  # captured before the guard sets it to None


class _EnvDuringImport:
    """sys.meta_path finder: numpy's import calls os.putenv, which the guard set to None, so after
    the guard `import numpy` fails. lcb_runner's process imports numpy before its guard runs
    (testing_util.py: `import numpy as np`), so there a program's import of it works; here the
    import of the packages in ENV_WRITERS runs with the real os.putenv and the guard's None is put
    back afterwards. Imported in the child that asks for it, as `python3` would: the server stays
    small (numpy would make every fork dearer) and never has threads (numpy imports threading)."""

    @staticmethod
    def find_spec(name: str, path: Optional[Sequence[str]] = None,
                  target: Optional[ModuleType] = None) -> Optional[ModuleSpec]:
        if name not in ENV_WRITERS:
            return None
        for finder in sys.meta_path:
            if finder is not _EnvDuringImport and hasattr(finder, "find_spec"):
                spec = finder.find_spec(name, path, target)
                if spec is not None:
                    if spec.loader is not None:
                        spec.loader = _WithPutenv(spec.loader)
                    return spec
        return None


class _WithPutenv(Loader):
    def __init__(self, loader: Loader) -> None:
        self.loader = loader

    def create_module(self, spec: ModuleSpec) -> Optional[ModuleType]:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        guarded = os.putenv
        os.putenv = _putenv
        try:
            self.loader.exec_module(module)
        finally:
            os.putenv = guarded


def _not_dumpable() -> None:
    """The server, and by fork every child until it runs a program, cannot be ptraced or have its
    /proc/<pid>/{mem,fd} opened by a process without CAP_SYS_PTRACE, even of the same uid (degraded
    mode, where no uid separates them): a program cannot reach the server's report memfd."""
    import ctypes
    try:
        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE
    except (OSError, AttributeError):
        pass


def apply_reliability_guard() -> None:
    """In the server, once, last thing before serving: LiveCodeBench's reliability_guard (which
    leaves `exit` alone; HumanEval children set it to None, as human-eval's guard does). From here
    on the server calls only posix.* and functions it captured before (passk_harness._chdir, ...)."""
    _not_dumpable()
    for name in GUARD_OS:
        setattr(os, name, None)
    shutil.rmtree = shutil.move = shutil.chown = None
    if "subprocess" in sys.modules:
        setattr(sys.modules["subprocess"], "Popen", None)
    else:
        sys.meta_path.insert(0, _GuardedSubprocess)
    sys.meta_path.insert(0, _EnvDuringImport)
    builtins.help = builtins.quit = None
    for name in GUARD_MODULES:
        MODULES[name] = None
