"""Tests only: make a fork server's child setup fail on purpose (never loaded in production).

A test puts this directory first on the server's PYTHONPATH (GraderOptions.serverEnv, built by
test/evaluator/fault.ts), so Python's `site` imports it at start, before passk_forkserver runs.
It wraps the harness from outside: after the real passk_harness.setup_child has set every limit,
the child sets RLIMIT_AS with its soft limit above the hard one, which the kernel refuses
(EINVAL: "ValueError: current limit exceeds maximum limit"), so a limit that cannot be set is
reported as `setup_failed` before any program code runs and the setup_failed -> retry ->
infra_error path runs for real (docs/grading.md, "Verdict statuses").

PASSK_FAULT_CHILD_SETUP: "always" fails every execution, "if:TEXT" the executions whose program
contains TEXT; unset or empty: nothing is changed.
"""
import os
import resource
from collections.abc import Callable
from typing import Any

FAULT = os.environ.get("PASSK_FAULT_CHILD_SETUP", "")
MARKER = "" if FAULT == "always" else FAULT.removeprefix("if:")  # "": every execution
_program = [""]  # the code of this child's execution (each child is a fresh fork: its own copy)


def _remember_program(run_child: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(req: dict[str, Any], payload: dict[str, Any], *rest: Any) -> Any:
        _program[0] = payload.get("code", "")
        return run_child(req, payload, *rest)
    return wrapped


def _failing(setup_child: Callable[..., None]) -> Callable[..., None]:
    def wrapped(req: dict[str, Any], fds: list[int], scratch: str, uid: Any, limits: dict[str, Any]) -> None:
        setup_child(req, fds, scratch, uid, limits)
        if MARKER in _program[0]:
            mem = limits["mem_bytes"]
            resource.setrlimit(resource.RLIMIT_AS, (mem, mem - 1))  # soft above hard: EINVAL
    return wrapped


if FAULT:
    import passk_harness
    import passk_lcb

    passk_harness.setup_child = _failing(passk_harness.setup_child)
    passk_harness.run_child = _remember_program(passk_harness.run_child)
    passk_lcb.run_child = _remember_program(passk_lcb.run_child)
