"""passk_report.parse: the fork server's reading of a child's report fd. The program can write
anything there, so everything but the harness's exact shapes is `invalid` (docs/sandbox.md)."""
import json
import unittest
from typing import Any

import passk_report as R

NONCE = "n0nce"


def raw(obj: Any, nonce: str = NONCE) -> bytes:
    body = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
    return nonce.encode() + b"\n" + body


class ParseTest(unittest.TestCase):
    def test_nothing_written_is_no_report(self) -> None:
        self.assertEqual(R.parse(b"", NONCE, False), (None, False))

    def test_each_harness_shape_is_accepted_as_a_fresh_dict(self) -> None:
        good = [
            {"kind": "exception", "type": "ValueError", "message": "m", "errno": None},
            {"kind": "exception", "type": "OSError", "message": "m", "errno": 2},
            {"kind": "syntax_error", "message": "m"},
            {"kind": "missing_function", "message": "m"},
            {"kind": "return", "value": "[1]"},
            {"kind": "unrepresentable", "message": "m"},
            {"kind": "setup_failed", "message": "m"},
            {"kind": "done"},
        ]
        for obj in good:
            report, invalid = R.parse(raw(obj), NONCE, False)
            self.assertEqual((report, invalid), (obj, False))
            self.assertIsNot(report, obj)

    def test_anything_else_is_invalid(self) -> None:
        bad: list[bytes] = [
            raw({"kind": "done"}, nonce="other"),
            b"no newline",
            raw(b"{not json"),
            raw(b'{"kind": "return", "value": NaN}'),
            raw(b"[" * 100_000 + b"]" * 100_000),  # deeper than the recursion limit
            raw([1]),
            raw({"kind": "nope"}),
            raw({"kind": 1}),
            raw({"kind": "done", "extra": 1}),
            raw({"kind": "return"}),
            raw({"kind": "return", "value": 1}),
            raw({"kind": "exception", "type": "E", "message": "m", "errno": True}),  # bool is not an int here
            raw({"kind": "exception", "type": "E", "message": "m", "errno": -1}),
            raw({"kind": "exception", "type": "E", "message": "m", "errno": 1 << 31}),
            raw({"kind": "exception", "type": "E", "message": "m", "errno": 1.0}),
        ]
        for data in bad:
            self.assertEqual(R.parse(data, NONCE, False), (None, True), data[:80])

    def test_setup_failed_after_the_started_byte_is_the_programs(self) -> None:
        data = raw({"kind": "setup_failed", "message": "forged"})
        self.assertEqual(R.parse(data, NONCE, True), (None, True))

    def test_messages_are_clipped(self) -> None:
        report, _ = R.parse(raw({"kind": "exception", "type": "T" * 5000, "message": "m" * 5000, "errno": None}),
                            NONCE, False)
        assert report is not None
        self.assertEqual((len(report["type"]), len(report["message"])), (R.MESSAGE_CHARS, R.MESSAGE_CHARS))


if __name__ == "__main__":
    unittest.main()
