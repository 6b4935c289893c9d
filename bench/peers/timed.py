"""Run one whole command and measure it from outside (bench/peers; docs/benchmarks.md, "Side by side").

Usage: python3 timed.py -- CMD ARG...   ->  one JSON line on stdout:
  {"rc", "wall_s", "user_s", "sys_s", "lines": [[seconds_since_start, text], ...], "stderr": tail}
wall_s is the command's wall time from spawn to exit (start-up included). user_s/sys_s are the
rusage of the command's process tree as reported by wait4 (every descendant that was waited for by
its parent: passk's Node process, its Python fork servers and their children; the peers' worker
processes). Each stdout line is stamped with the time it arrived, which gives the inner figures
(the peers print progress lines; run them with PYTHONUNBUFFERED=1).
"""
import json
import os
import subprocess
import sys
import tempfile
import time


def main() -> None:
    argv = sys.argv[sys.argv.index("--") + 1:]
    start = time.perf_counter()
    err_file = tempfile.TemporaryFile(mode="w+")  # a file, not a pipe: tqdm's progress must never block the child
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=err_file, text=True)
    lines = []
    for line in child.stdout:
        lines.append([time.perf_counter() - start, line.rstrip("\n")[:2000]])
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    err_file.seek(0)
    err = err_file.read()
    child.returncode = os.waitstatus_to_exitcode(status)
    print(json.dumps({"rc": child.returncode, "wall_s": wall, "user_s": usage.ru_utime, "sys_s": usage.ru_stime,
                      "lines": lines, "stderr": err[-4000:]}))


if __name__ == "__main__":
    main()
