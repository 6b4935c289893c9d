"""Every function of the harness files listed here has annotated parameters and return type
(pyright checks them in `make lint`; this keeps them from being left out). Each file joins the
list once it is typed (the other evaluator files are being typed by their owners)."""
import ast
import os
import unittest

import passk_harness

PYTHON_DIR = os.path.dirname(os.path.abspath(passk_harness.__file__))
TYPED = ("passk_guard.py", "passk_harness.py", "passk_isolation.py", "passk_precompile.py", "passk_report.py",
         "passk_sandbox.py", "passk_seccomp.py", "passk_values.py",
         "passk_lcb.py", "passk_lcb_server.py", "passk_lcb_values.py", "passk_starvation.py",
         "passk_candidate.py", "passk_checker.py", "passk_forkserver.py", "passk_humaneval.py", "passk_wire.py")


def unannotated(source: str) -> list[str]:
    missing = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            a = node.args
            params = a.posonlyargs + a.args + a.kwonlyargs + [p for p in (a.vararg, a.kwarg) if p is not None]
            names = [p.arg for p in params if p.annotation is None and p.arg not in ("self", "cls")]
            if names or node.returns is None:
                missing.append(f"line {node.lineno} {node.name}({', '.join(names)}){'' if node.returns else ' (return)'}")
    return missing


class AnnotationsTest(unittest.TestCase):
    def test_checker_sees_a_missing_annotation(self) -> None:
        self.assertEqual(unannotated("def f(x: int) -> int:\n    return x\n"), [])
        self.assertEqual(unannotated("def f(self, x, *a: int) -> None:\n    pass\n"), ["line 1 f(x)"])
        self.assertEqual(unannotated("def g(x: int):\n    pass\n"), ["line 1 g() (return)"])

    def test_typed_files_are_fully_annotated(self) -> None:
        for name in TYPED:
            with open(os.path.join(PYTHON_DIR, name)) as f:
                self.assertEqual(unannotated(f.read()), [], name)


if __name__ == "__main__":
    unittest.main()
