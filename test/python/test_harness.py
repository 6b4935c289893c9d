"""passk_harness pieces that run in the child but can be checked in this process: the exception
report (plain JSON whatever the exception holds), exit codes, compile errors, the std streams."""
import io
import json
import os
import unittest

import passk_harness as H


class ExceptionReportTest(unittest.TestCase):
    def test_plain_json_whatever_the_exception_holds(self) -> None:
        class Sneaky(str):
            def __getitem__(self, key: object) -> str:
                return "forged"

        class Unprintable(Exception):
            def __str__(self) -> str:
                raise RuntimeError("no")

        cases = [
            (ValueError("bad"), {"type": "ValueError", "message": "bad", "errno": None}),
            (OSError(2, "gone"), {"type": "FileNotFoundError", "message": "[Errno 2] gone", "errno": 2}),
            (OSError(float("nan"), "x"), {"type": "OSError", "errno": None}),
            (OSError(-1, "x"), {"type": "OSError", "errno": None}),
            (OSError(True, "x"), {"type": "PermissionError", "errno": None}),  # True == EPERM, but not an int
            (OSError(1 << 40, "x"), {"type": "OSError", "errno": None}),
            (Unprintable(), {"type": "Unprintable", "message": "<unprintable>", "errno": None}),
            (ValueError(Sneaky("s" * 600)), {"message": "s" * 500}),
        ]
        for e, expected in cases:
            got = H._exception_report(e)
            self.assertEqual(got["kind"], "exception")
            self.assertEqual({k: got[k] for k in expected}, expected, repr(e))
            self.assertIs(type(got["message"]), str)
            json.loads(json.dumps(got, allow_nan=False))


class ExitAndCompileTest(unittest.TestCase):
    def test_system_exit_codes(self) -> None:
        self.assertEqual(H._system_exit_code(SystemExit()), 0)
        self.assertEqual(H._system_exit_code(SystemExit(3)), 3)
        self.assertEqual(H._system_exit_code(SystemExit(256 + 7)), 7)
        self.assertEqual(H._system_exit_code(SystemExit(-1)), 255)
        err = io.StringIO()
        saved, H.sys.stderr = H.sys.stderr, err
        try:
            self.assertEqual(H._system_exit_code(SystemExit("bye")), 1)
        finally:
            H.sys.stderr = saved
        self.assertEqual(err.getvalue(), "bye\n")

    def test_compile_errors_become_syntax_reports(self) -> None:
        with self.assertRaisesRegex(H._Syntax, r"^SyntaxError: .* \(line 1\)$"):
            H._compile_program("def f(:\n", "<solution>")
        with self.assertRaisesRegex(H._Syntax, "^(ValueError|SyntaxError): source code string cannot contain null bytes"):
            H._compile_program("a\0b", "<solution>")
        self.assertEqual(H._compile_program("x = 1", "<solution>").co_filename, "<solution>")

    def test_program_source(self) -> None:
        payload = {"prompt": "def f():\n", "code": "    return 1\n"}
        self.assertEqual(H.program_source("humaneval", payload), ("def f():\n    return 1\n", "<completion>"))
        self.assertEqual(H.program_source("stdin", payload), ("    return 1\n", "<solution>"))


class StreamsTest(unittest.TestCase):
    def test_std_streams_as_python_makes_them(self) -> None:
        streams = [H._text_stream(fd, mode) for fd, mode in ((0, "r"), (1, "w"), (2, "w"))]
        self.assertEqual([getattr(s, "mode") for s in streams], ["r", "w", "w"])
        self.assertEqual([getattr(s.buffer, "raw").name for s in streams], ["<stdin>", "<stdout>", "<stderr>"])
        self.assertEqual((streams[2].errors, streams[2].line_buffering), ("backslashreplace", True))
        self.assertEqual((streams[1].errors, streams[1].line_buffering), ("strict", False))

    def test_humaneval_stdin_refuses_reads(self) -> None:
        s = H._NoStdin()
        self.assertFalse(s.readable())
        for read in (s.read, s.readline, s.readlines):
            with self.assertRaisesRegex(OSError, "not readable"):
                read()


class NoTestHookTest(unittest.TestCase):
    def test_production_code_has_no_fault_hook(self) -> None:
        """The tests' fault injection lives in test/python/fault/ and wraps the harness from outside."""
        python_dir = os.path.dirname(os.path.abspath(H.__file__))
        for name in sorted(os.listdir(python_dir)):
            if name.endswith(".py"):
                with open(os.path.join(python_dir, name)) as f:
                    text = f.read()
                for word in ("fail_setup", "fail_child_setup", "faultInjection"):
                    self.assertNotIn(word, text, name)


if __name__ == "__main__":
    unittest.main()
