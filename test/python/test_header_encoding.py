"""passk_report.encode_header, the fork server's response header for Node: byte for byte what
json.dumps(header).encode() gives, for every kind of value a header or a report can hold."""
import json
import unittest
from typing import Any

import passk_report as R


class EncodeHeaderTest(unittest.TestCase):
    def test_the_same_bytes_as_json_dumps(self) -> None:
        headers: list[dict[str, Any]] = [
            {},
            {"id": 7, "status": "ok", "wall_ms": 3.125, "cpu_ms": 0.1, "exit_code": 0, "signal": None,
             "timed_out": False, "oom": True, "output_full": False, "report": {"kind": "done"},
             "report_invalid": False, "stdout_bytes": 0, "stderr_bytes": 12},
            {"id": 2 ** 70, "report": {"kind": "exception", "type": "ValueError", "errno": None,
                                       "message": "é ✓ \u2028 \x00 \"quoted\" \\ \ud83d\ude00 \udcff"}},
            {"nested": [1, [2, [3, {"a": []}]]], "floats": [1e-7, 1e300, -0.0, 2.5e-308, 123456789.123456789]},
            {"nan": float("nan"), "inf": float("inf"), "-inf": float("-inf")},
            {"hello": 1, "pid": 42, "python": "3.11.2", "sandbox": {"level": "full", "warnings": ["a", "b"]}},
        ]
        for header in headers:
            self.assertEqual(R.encode_header(header), json.dumps(header).encode(), header)

    def test_a_value_json_cannot_encode_is_a_type_error_as_with_json_dumps(self) -> None:
        bads: list[dict[str, Any]] = [{"x": object()}, {"x": b"bytes"}, {"y": {1, 2}}]
        for bad in bads:
            with self.assertRaises(TypeError):
                json.dumps(bad)
            with self.assertRaises(TypeError):
                R.encode_header(bad)


if __name__ == "__main__":
    unittest.main()
