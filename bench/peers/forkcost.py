"""Standalone experiment (not passk's code): what one fork-per-program costs, and what changes it.

Usage: python3 forkcost.py HumanEval.jsonl.gz CONDITION [REPEAT]  ->  one JSON line.
A server-like parent (the modules a grading server imports, the 164 canonical HumanEval programs compiled
in the parent, as passk's serverCompile does) forks once per program; the child sends stdout to
/dev/null, execs the program, and _exits. Per program it reports the child's CPU (wait4 rusage) and
minor faults, and the parent's own CPU and minor faults per fork (getrusage(RUSAGE_SELF) over the loop).
Conditions: "plain" (gc on, nothing frozen), "freeze" (gc.collect(); gc.freeze() before the loop),
"freeze-nogc" (freeze, and gc.disable() in the child: cannot be adopted as-is, a verdict could change for
programs that make cyclic garbage under a memory limit), "numpy" (freeze, with numpy imported first:
a bigger image, as the peers' workers have), "bare" (freeze; the child only _exits: the fork floor);
"bare-small" / "freeze-small": the same without the server-like imports (a smaller image).
Run it with each interpreter to see the effect of immortal objects (3.12+).
"""
import gc
import gzip
import json
import os
import resource
import sys
import time

SERVER_MODULES = ("collections decimal fractions statistics typing re datetime heapq bisect copy math random itertools "
                  "functools operator io traceback ctypes platform shutil select signal").split()


def main() -> None:
    path, condition = sys.argv[1], sys.argv[2]
    repeat = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    if not condition.endswith("-small"):  # "-small": only what this script needs (a smaller image)
        for name in SERVER_MODULES:
            __import__(name)
    if condition == "numpy":
        import numpy  # noqa: F401
    with gzip.open(path, "rt") as handle:
        problems = [json.loads(line) for line in handle if line.strip()]
    codes = [compile(f"{p['prompt']}{p['canonical_solution']}\n{p['test']}\ncheck({p['entry_point']})\n", "<program>", "exec")
             for p in problems] * repeat
    if condition != "plain":
        gc.collect()
        gc.freeze()
    devnull = os.open(os.devnull, os.O_WRONLY)
    child_cpu, child_flt = 0.0, 0
    before = resource.getrusage(resource.RUSAGE_SELF)
    wall = time.perf_counter()
    for code in codes:
        pid = os.fork()
        if pid == 0:
            if not condition.startswith("bare"):
                if condition == "freeze-nogc":
                    gc.disable()
                os.dup2(devnull, 1)
                try:
                    exec(code, {})
                except BaseException:
                    os._exit(1)
            os._exit(0)
        _, status, usage = os.wait4(pid, 0)
        child_cpu += usage.ru_utime + usage.ru_stime
        child_flt += usage.ru_minflt
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_SELF)
    n = len(codes)
    print(json.dumps({
        "python": sys.version.split()[0], "condition": condition, "programs": n,
        "child_cpu_ms": 1000 * child_cpu / n, "child_minflt": child_flt / n,
        "parent_cpu_ms": 1000 * ((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) / n,
        "parent_minflt": (after.ru_minflt - before.ru_minflt) / n, "wall_ms": 1000 * wall / n,
        "maxrss_mb": after.ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
