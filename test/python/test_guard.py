"""passk_guard.apply_reliability_guard, applied in a fresh interpreter (it changes the whole
process): LiveCodeBench's names are None, subprocess comes with Popen = None, numpy-like imports
still get the real os.putenv while they run."""
import os
import tempfile
import textwrap
import unittest

import passk_guard
from pyproc import run_json


class GuardTest(unittest.TestCase):
    def test_names_set_to_none_and_imports_refused(self) -> None:
        got = run_json(textwrap.dedent("""
            import builtins, json, os, shutil, sys, passk_guard
            passk_guard.apply_reliability_guard()
            out = {"os": [n for n in passk_guard.GUARD_OS if getattr(os, n, None) is not None],
                   "shutil": [shutil.rmtree, shutil.move, shutil.chown], "help": builtins.help}
            refused = []
            for name in passk_guard.GUARD_MODULES:
                try:
                    __import__(name)
                except ImportError:
                    refused.append(name)
            out["refused"] = refused
            import subprocess
            out["popen"] = subprocess.Popen
            out["exit_kept"] = builtins.exit is not None
            print(json.dumps(out))
        """))
        self.assertEqual(got, {"os": [], "shutil": [None, None, None], "help": None,
                               "refused": list(passk_guard.GUARD_MODULES), "popen": None, "exit_kept": True})

    def test_subprocess_imported_before_the_guard(self) -> None:
        got = run_json("import json, subprocess, passk_guard\n"
                       "passk_guard.apply_reliability_guard()\nprint(json.dumps(subprocess.Popen is None))")
        self.assertTrue(got)

    def test_env_writers_import_with_the_real_putenv(self) -> None:
        with tempfile.TemporaryDirectory() as d:
            pkg = os.path.join(d, "envwriter")
            os.mkdir(pkg)
            with open(os.path.join(pkg, "__init__.py"), "w") as f:
                f.write("import os\nos.putenv('PASSK_TEST', '1')\nPUTENV_WORKED = True\n")
            got = run_json(textwrap.dedent(f"""
                import json, os, sys, passk_guard
                sys.path.insert(0, {d!r})
                passk_guard.ENV_WRITERS = ("envwriter",)
                passk_guard.apply_reliability_guard()
                import envwriter
                print(json.dumps([envwriter.PUTENV_WORKED, os.putenv is None]))
            """))
        self.assertEqual(got, [True, True])


if __name__ == "__main__":
    unittest.main()
