"""Shared by the Python tests: run a script in a fresh interpreter with this one's sys.path, for
what changes a whole process (the reliability guard, a seccomp filter, rlimits)."""
import json
import os
import subprocess
import sys
from typing import Any


def run_json(script: str) -> Any:
    """The JSON value the script prints on its last stdout line; AssertionError with its stderr otherwise."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    if r.returncode != 0:
        raise AssertionError(f"exit {r.returncode}: {r.stderr}")
    return json.loads(r.stdout.strip().splitlines()[-1])
