"""Interleaved CPU of one passk command in several checkouts (docs/benchmarks.md, per-change figures).

Usage: python3 bench/peers/interleaved.py N 'ARGS after bin/passk' CHECKOUT_A CHECKOUT_B ...
Runs `bin/passk ARGS` N times in each checkout, alternating, and prints for each checkout the medians
and every run of: the CPU of the whole process tree (user + sys from wait4: Node, the fork servers and
their children) and Node's own (bench/peers/node-cpu.cjs of that checkout). `$$` in ARGS is the shell's
pid, for a different --out per run. CPU, not wall time: on a shared machine only CPU compares.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile


def run(root: str, args: str) -> tuple[float, float]:
    """(tree CPU, Node CPU) of one `bin/passk ARGS` in checkout `root`, seconds."""
    fd, cpu_file = tempfile.mkstemp()
    os.close(fd)
    env = dict(os.environ, NODE_OPTIONS=f"--require {root}/bench/peers/node-cpu.cjs", PASSK_BENCH_NODE_CPU=cpu_file)
    p = subprocess.Popen(f"bin/passk {args}", shell=True, cwd=root, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert p.stderr is not None
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    if status != 0:
        print(f"{root}: exit status {status}: {err[-800:].decode(errors='replace')}")
    with open(cpu_file) as f:
        node = json.load(f)
    os.unlink(cpu_file)
    return usage.ru_utime + usage.ru_stime, (node["user"] + node["system"]) / 1e6


def main() -> None:
    n, args, roots = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    runs: dict[str, list[tuple[float, float]]] = {r: [] for r in roots}
    for _ in range(n):
        for r in roots:
            runs[r].append(run(r, args))
    for r in roots:
        tree = [t for t, _ in runs[r]]
        node = [x for _, x in runs[r]]
        print(f"{r}: tree {statistics.median(tree):.3f} s, Node {statistics.median(node):.3f} s, "
              f"Python {statistics.median([t - x for t, x in runs[r]]):.3f} s (medians); "
              f"tree {' '.join(f'{t:.2f}' for t in tree)}; Node {' '.join(f'{x:.2f}' for x in node)}")
    print("load average", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
