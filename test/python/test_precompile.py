"""passk_precompile: which sources the fork server compiles itself (docs/sandbox.md), and the
one-entry cache that never hands a child another sample's code object."""
import unittest

from passk_precompile import MAX_CHARS, MAX_LAMBDAS, MAX_STARS, Precompiler, safe_to_compile


class SafeToCompileTest(unittest.TestCase):
    def test_limits(self) -> None:
        self.assertTrue(safe_to_compile("print(1)\n"))
        self.assertTrue(safe_to_compile("x" * MAX_CHARS))
        self.assertFalse(safe_to_compile("x" * (MAX_CHARS + 1)))
        self.assertTrue(safe_to_compile("*" * MAX_STARS))
        self.assertFalse(safe_to_compile("*" * (MAX_STARS + 1)))
        self.assertFalse(safe_to_compile("lambda " * (MAX_LAMBDAS + 1)))
        self.assertFalse(safe_to_compile("try:\n    pass\nfinally:\n    pass\n"))


class PrecompilerTest(unittest.TestCase):
    def test_compiles_and_remembers_the_last_program(self) -> None:
        p = Precompiler(True)
        code, _ = p.get("x = 1\n", "<solution>")
        assert code is not None
        self.assertEqual(code.co_filename, "<solution>")
        again, ms = p.get("x = 1\n", "<solution>")
        self.assertIs(again, code)
        self.assertEqual(ms, 0.0)
        other, _ = p.get("x = 1\n", "<completion>")  # another filename: compiled anew
        self.assertIsNot(other, code)

    def test_what_the_child_compiles_instead(self) -> None:
        p = Precompiler(True)
        for src in ("def f(:\n", "x = '\\d'\n", "a\0b", "try:\n    pass\nfinally:\n    pass\n"):
            code, ms = p.get(src, "<solution>")
            self.assertIsNone(code, src)
            self.assertGreaterEqual(ms, 0.0)
            self.assertIsNone(p.last, src)
        self.assertEqual(Precompiler(False).get("x = 1\n", "<solution>"), (None, 0.0))

    def test_a_refused_source_forgets_the_last_program(self) -> None:
        p = Precompiler(True)
        p.get("x = 1\n", "<solution>")
        p.get("*" * (MAX_STARS + 1), "<solution>")
        self.assertIsNone(p.last)


if __name__ == "__main__":
    unittest.main()
