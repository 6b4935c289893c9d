"""The fork server's reading of a child's report (fd 3): what Node may be told about it.

The report is written by the harness inside the child, but the program runs in the same process
and can write anything there (it can find the nonce by introspection). So the server trusts no
byte of it: it must start with the execution's nonce, be strict JSON (no NaN/Infinity; a report nested
deeper than the server's recursion limit is a RecursionError, caught like a ValueError), and have exactly the shape of one
of the harness's report kinds, with fields of the right types. Anything else is `invalid` (the
program wrote into the channel: at worst its own runtime_error, never a server error). What goes
to Node is a fresh dict built from the checked fields, so the response header is always valid
JSON for Node's reader.

`setup_failed` means "the machine could not set a limit up; retry on a fresh server". Only the
harness may say it, and only before any program code ran: the child writes one byte to a pipe
(fd 4) after its setup succeeded and closes it before the program starts, so a setup_failed
report from an execution whose pipe carried that byte was written by the program: invalid.
"""
import json
from typing import Any, NoReturn, Optional

STARTED = b"S"
# The C encoder json.dumps builds on every call, built once: the same text as json.dumps(header) (ASCII,
# ", " and ": ", NaN allowed; no cycle check, which the server's own header does not need), with less of
# json's Python code touched per response: every page written after a fork is a page fault (docs/benchmarks.md).
_C_ENCODER = getattr(json.encoder, "c_make_encoder", None)
_ENCODE = _C_ENCODER(None, None, json.encoder.encode_basestring_ascii, None, ": ", ", ", False, False, True) \
    if _C_ENCODER is not None else None


def encode_header(header: dict[str, Any]) -> bytes:
    """The response header for Node: `json.dumps(header).encode()`, through the prebuilt C encoder if any."""
    if _ENCODE is None:
        return json.dumps(header).encode()
    return "".join(_ENCODE(header, 0)).encode()


MESSAGE_CHARS = 2000  # Node clips messages to 300; the rest is never shown
# kind -> the fields it has and the types each may take (exact types: bool is not an int here)
KINDS: dict[str, dict[str, tuple[type, ...]]] = {
    "exception": {"type": (str,), "message": (str,), "errno": (int, type(None))},  # errno: 0 <= e < 2**31
    "syntax_error": {"message": (str,)},
    "missing_function": {"message": (str,)},
    "return": {"value": (str,)},
    "unrepresentable": {"message": (str,)},
    "setup_failed": {"message": (str,)},
    "done": {},
}


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")


def parse(raw: bytes, nonce: str, started: bool) -> tuple[Optional[dict[str, Any]], bool]:
    """(report dict or None, invalid flag) for the bytes the child left on its report fd."""
    if not raw:
        return None, False
    prefix = nonce.encode() + b"\n"
    if not raw.startswith(prefix):
        return None, True
    body = raw[len(prefix):]
    try:
        obj = json.loads(body, parse_constant=_no_constant)
    except (ValueError, RecursionError, MemoryError):
        return None, True
    if type(obj) is not dict or type(obj.get("kind")) is not str or obj["kind"] not in KINDS:
        return None, True
    kind = obj["kind"]
    fields = KINDS[kind]
    if set(obj) != {"kind", *fields} or any(type(obj[k]) not in types for k, types in fields.items()):
        return None, True
    if kind == "exception" and obj["errno"] is not None and not 0 <= obj["errno"] < 1 << 31:
        return None, True
    if kind == "setup_failed" and started:
        return None, True
    report: dict[str, Any] = {"kind": kind}
    for k in fields:
        v = obj[k]
        report[k] = v[:MESSAGE_CHARS] if k in ("message", "type") else v
    return report, False
