"""Starvation-aware wall limits (docs/grading.md, "Wall limits under load").

A wall limit alone makes a verdict depend on machine load: a program that needs 4 s of CPU takes
more than 6 s of wall time on a machine loaded 3x. The time a process spent runnable but not
running (its run-queue wait: the second field of /proc/<pid>/task/<tid>/schedstat, ns) is the
machine's doing, not the program's, so it does not count: when the wall deadline passes, it moves
on by the run-queue wait accumulated since the phase started, at most to MAX_FACTOR x the limit.
A program that sleeps or blocks is not runnable, so it still fails at the limit.
Only posix.* is used (the server runs under passk_guard's reliability guard).
"""
import os
import posix
from typing import Callable

MAX_FACTOR = 4  # a wall limit never stretches past 4 x its length, however starved the program


def read_proc(path: str, size: int) -> bytes:
    """The first `size` bytes of a /proc file (one read: /proc files of this size come whole);
    OSError when the process or thread is gone. The one /proc reader of the server's side."""
    fd = posix.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        return posix.read(fd, size)
    finally:
        posix.close(fd)


def runq_wait_ns(pids: list[int]) -> int:
    """Run-queue wait (ns) of every thread of `pids` so far; gone processes and threads count 0."""
    total = 0
    for pid in pids:
        try:
            tids = posix.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tids:
            try:
                total += int(read_proc(f"/proc/{pid}/task/{tid}/schedstat", 128).split()[1])
            except (OSError, ValueError, IndexError):
                pass
    return total


class WallDeadline:
    """A wall limit of `limit_s` from `start` (time.monotonic()) for the processes `pids()` lists.
    `base_ns` is their run-queue wait when the phase started (0 for a process forked at `start`:
    the kernel zeroes a new task's counters)."""

    def __init__(self, limit_s: float, start: float, pids: Callable[[], list[int]], base_ns: int = 0) -> None:
        self.limit_s, self.start, self.pids, self.base_ns = limit_s, start, pids, base_ns
        self.end = start + limit_s

    def expired(self, now: float) -> bool:
        """True when the limit is used up at `now`; otherwise `end` is where it ends now."""
        if now < self.end:
            return False
        waited_s = max(0, runq_wait_ns(self.pids()) - self.base_ns) / 1e9
        self.end = self.start + self.limit_s + min(waited_s, (MAX_FACTOR - 1) * self.limit_s)
        return now >= self.end
