"""Standalone experiment (not passk's code): a fork per test against a fork per sample on LCB stdin rows.

Usage: python3 forkmode.py PROBLEMS.jsonl SAMPLES.jsonl MODE  ->  one JSON line.
The parent imports LiveCodeBench's preamble modules, compiles every sample, gc.freeze()s, then grades:
  per-test    one fork per test: the test's input in a memfd as the child's real stdin, stdout into a memfd
              the parent reads after wait4 (today's passk shape, without Node, limits or sandbox);
  per-sample  one fork per sample: the child runs the tests one after another in-process (stdin a
              TextIOWrapper over the input, stdout captured, as lcb_runner does) and writes the outputs
              to a memfd (the shape of the `lcb` grading mode);
  floor       no fork at all (as bench/peers/floor.py).
Tests stop at the first wrong output. stdin rows only: functional rows are not called (they count as failed). Reports the CPU of parent + children (getrusage SELF + CHILDREN),
the executions run, and the samples passed, so the overhead over the floor can be read off.
"""
import gc
import io
import json
import os
import resource
import sys

PREAMBLE = ("from string import *\nfrom re import *\nfrom datetime import *\nfrom collections import *\n"
            "from heapq import *\nfrom bisect import *\nfrom copy import *\nfrom math import *\nfrom random import *\n"
            "from statistics import *\nfrom itertools import *\nfrom functools import *\nfrom operator import *\n"
            "from io import *\nfrom sys import *\nfrom json import *\nfrom builtins import *\nfrom typing import *\n")


def _lines(text):
    return [line.strip() for line in text.strip().split("\n")]


def _run_in_process(code, base, data):
    """One test in this process; returns its stdout (as lcb_runner runs a test)."""
    out = io.StringIO()
    sys.stdin, sys.stdout = io.TextIOWrapper(io.BytesIO(data)), out
    try:
        exec(code, dict(base, __name__="__main__"))
    except SystemExit:
        pass
    except BaseException:
        return None
    finally:
        sys.stdin, sys.stdout = sys.__stdin__, sys.__stdout__
    return out.getvalue()


def _per_test(code, base, tests):
    runs = 0
    for data, expected in tests:
        runs += 1
        fd_in, fd_out = os.memfd_create("in"), os.memfd_create("out")
        os.write(fd_in, data)
        os.lseek(fd_in, 0, 0)
        pid = os.fork()
        if pid == 0:
            os.dup2(fd_in, 0)
            os.dup2(fd_out, 1)
            sys.stdin = io.TextIOWrapper(io.FileIO(0, closefd=False))
            sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False))
            try:
                exec(code, dict(base, __name__="__main__"))
                sys.stdout.flush()
            except SystemExit:
                sys.stdout.flush()
            except BaseException:
                os._exit(1)
            os._exit(0)
        _, status, _ = os.wait4(pid, 0)
        os.lseek(fd_out, 0, 0)
        output = os.read(fd_out, 1 << 26).decode()
        os.close(fd_in)
        os.close(fd_out)
        if status != 0 or _lines(output) != _lines(expected):
            return False, runs
    return True, runs


def _per_sample(code, base, tests):
    fd = os.memfd_create("results")
    pid = os.fork()
    if pid == 0:
        results = []
        for data, _ in tests:
            output = _run_in_process(code, base, data)
            results.append(output)
            if output is None or _lines(output) != _lines(tests[len(results) - 1][1]):
                break
        os.write(fd, json.dumps(results).encode())
        os._exit(0)
    os.wait4(pid, 0)
    os.lseek(fd, 0, 0)
    chunks = []
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(fd)
    results = json.loads(b"".join(chunks))
    ok = len(results) == len(tests) and all(o is not None and _lines(o) == _lines(t[1]) for o, t in zip(results, tests))
    return ok, len(results)


def _floor(code, base, tests):
    runs = 0
    for data, expected in tests:
        runs += 1
        output = _run_in_process(code, base, data)
        if output is None or _lines(output) != _lines(expected):
            return False, runs
    return True, runs


def _compile(text):
    try:
        return compile(text, "<program>", "exec")
    except (SyntaxError, ValueError):
        return None  # a syntax error: failed, no execution (as the graders)


def main():
    problems_path, samples_path, mode = sys.argv[1:4]
    base = {}
    exec(PREAMBLE, base)
    tests = {}
    with open(problems_path) as handle:
        for line in handle:
            row = json.loads(line)
            cases = json.loads(row["public_test_cases"]) + json.loads(row["private_test_cases"])
            tests[row["question_id"]] = [(c["input"].encode(), c["output"]) for c in cases]
    with open(samples_path) as handle:
        samples = [json.loads(line) for line in handle if line.strip()]
    codes = [_compile(s["code"]) for s in samples]
    gc.collect()
    gc.freeze()
    grade = {"per-test": _per_test, "per-sample": _per_sample, "floor": _floor}[mode]
    before = (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN))
    passed = executions = 0
    for sample, code in zip(samples, codes):
        ok, runs = grade(code, base, tests[sample["question_id"]]) if code else (False, 0)
        passed += ok
        executions += runs
    after = (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN))
    cpu = sum((a.ru_utime - b.ru_utime) + (a.ru_stime - b.ru_stime) for a, b in zip(after, before))
    print(json.dumps({"mode": mode, "samples": len(samples), "executions": executions, "passed": passed, "cpu_s": cpu}))


if __name__ == "__main__":
    sys.setrecursionlimit(50000)
    main()
