"""The floor: the bench's programs exec'd in this one process, no fork, no isolation (bench/peers).

Usage:
  python3 floor.py humaneval PROBLEMS.jsonl.gz SAMPLES.jsonl   (prompt + completion + test + check(entry_point))
  python3 floor.py lcb PROBLEMS.jsonl SAMPLES.jsonl            (LiveCodeBench rows, plain-JSON private tests)
-> one JSON line: {"programs", "executions", "cpu_s", "passed"}.

cpu_s is "the programs' own CPU time" of docs/benchmarks.md: time.process_time() around compile + exec of
each program (LCB: compile once per sample, then one exec per test with that test's input as sys.stdin and
stdout captured, or one call per functional test), tests in order, stopping at the first failing test as the
graders do. The output check (strip/split of the lines) is inside the timed part, small next to the
programs; the LCB import preamble is built once, outside it.
Programs run warm (modules they import stay imported), so this is the least a harness could spend.
"""
import gzip
import io
import json
import sys
import time
from types import ModuleType

PREAMBLE = ("from string import *\nfrom re import *\nfrom datetime import *\nfrom collections import *\n"
            "from heapq import *\nfrom bisect import *\nfrom copy import *\nfrom math import *\nfrom random import *\n"
            "from statistics import *\nfrom itertools import *\nfrom functools import *\nfrom operator import *\n"
            "from io import *\nfrom sys import *\nfrom json import *\nfrom builtins import *\nfrom typing import *\n"
            "import string, re, datetime, collections, heapq, bisect, copy, math, random, statistics, itertools\n"
            "import functools, operator, io, sys, json\n")


def _rows(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _lines(text):
    return [line.strip() for line in text.strip().split("\n")]


def humaneval(problems_path, samples_path):
    problems = {p["task_id"]: p for p in _rows(problems_path)}
    cpu, passed, count = 0.0, 0, 0
    real_out = sys.stdout
    for sample in _rows(samples_path):
        p = problems[sample["task_id"]]
        program = f"{p['prompt']}{sample['completion']}\n{p['test']}\ncheck({p['entry_point']})\n"
        sys.stdout = io.StringIO()
        start = time.process_time()
        try:
            exec(compile(program, "<program>", "exec"), {})
            ok = True
        except BaseException:
            ok = False
        cpu += time.process_time() - start
        sys.stdout = real_out
        passed += ok
        count += 1
    return {"programs": count, "executions": count, "cpu_s": cpu, "passed": passed}


def _run_stdin(code, test, base):
    stdin = io.TextIOWrapper(io.BytesIO(test["input"].encode()))
    out = io.StringIO()
    sys.stdin, sys.stdout = stdin, out
    try:
        exec(code, dict(base, __name__="__main__"))
    except SystemExit:
        pass
    finally:
        sys.stdin, sys.stdout = sys.__stdin__, sys.__stdout__
    return _lines(out.getvalue()) == _lines(test["output"])


def _run_call(code, test, base, fn_name, source):
    module = ModuleType("tmp_sol")
    module.__dict__.update(base)
    exec(code, module.__dict__)
    target = module.Solution() if "class Solution" in source else module
    result = getattr(target, fn_name)(*[json.loads(line) for line in test["input"].split("\n")])
    return (list(result) if isinstance(result, tuple) else result) == json.loads(test["output"])


def lcb(problems_path, samples_path):
    base = {}
    exec(PREAMBLE, base)
    problems = {}
    for row in _rows(problems_path):
        tests = json.loads(row["public_test_cases"]) + json.loads(row["private_test_cases"])
        problems[row["question_id"]] = (tests, json.loads(row["metadata"]).get("func_name"))
    cpu, passed, count, executions = 0.0, 0, 0, 0
    for sample in _rows(samples_path):
        tests, fn_name = problems[sample["question_id"]]
        count += 1
        start = time.process_time()
        ok = True
        try:
            code = compile(sample["code"], "<program>", "exec")
            for test in tests:
                executions += 1
                ok = _run_call(code, test, base, fn_name, sample["code"]) if fn_name else _run_stdin(code, test, base)
                if not ok:
                    break
        except BaseException:
            ok = False
        cpu += time.process_time() - start
        passed += ok
    return {"programs": count, "executions": executions, "cpu_s": cpu, "passed": passed}


if __name__ == "__main__":
    sys.setrecursionlimit(50000)
    print(json.dumps({"humaneval": humaneval, "lcb": lcb}[sys.argv[1]](sys.argv[2], sys.argv[3])))
