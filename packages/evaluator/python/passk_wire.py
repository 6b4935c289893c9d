"""Values by value between the HumanEval checker and candidate processes (passk_candidate.py).

A message is an 8-byte big-endian length and that many bytes of JSON. A value is JSON made only
of strings, booleans, null and tagged lists (`["i", "-0x1f"]`, `["l", ...]`): ints, floats and
complexes travel as hex text (exact, linear in size, no digit limit), so `json.loads` never
builds a number. `decode` is the checker's only view of what the candidate returned: it builds
builtin values (and the stdlib types `passk_values.plain` lets through: Counter, OrderedDict,
defaultdict with a builtin factory, deque, Decimal, Fraction) from the text, and refuses
anything else. Nothing the candidate sends can run code in the checker or reach an object of
the candidate's: the checker's comparisons are its own untouched builtin code.
"""
import collections
import decimal
import fractions
import json
import posix
import types
from typing import Any

_Counter, _OrderedDict, _defaultdict, _deque = (collections.Counter, collections.OrderedDict,
                                                collections.defaultdict, collections.deque)
_Decimal, _Fraction = decimal.Decimal, fractions.Fraction
_FACTORIES = {"None": None, "int": int, "float": float, "complex": complex, "str": str, "bytes": bytes,
              "list": list, "tuple": tuple, "dict": dict, "set": set, "frozenset": frozenset, "bool": bool}
_FACTORY_NAMES = {id(v): k for k, v in _FACTORIES.items()}
_SEQUENCES = {list: "l", tuple: "t", set: "s", frozenset: "F"}
_BUILD = {"l": list, "t": tuple, "s": set, "F": frozenset}
_MAPPINGS = {dict: "d", _Counter: "C", _OrderedDict: "O"}
_BUILD_MAPPING = {"d": dict, "C": _Counter, "O": _OrderedDict}
_ITERATORS = (types.GeneratorType, map, filter, zip, reversed, enumerate)
MAX_MESSAGE = 1 << 31
MAX_DEPTH = 1000


class Malformed(TypeError):
    """What the candidate sent is not a value this codec writes."""


# --- framing -------------------------------------------------------------------------------------
def send(fd: int, obj: Any) -> None:
    data = json.dumps(obj, ensure_ascii=True, separators=(",", ":")).encode()
    view = memoryview(len(data).to_bytes(8, "big") + data)
    while view:
        view = view[posix.write(fd, view):]


def _read_exact(fd: int, n: int) -> bytes | None:
    chunks, got = [], 0
    while got < n:
        chunk = posix.read(fd, min(n - got, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def receive(fd: int) -> Any:
    """The next message, or None at end of file (the other side is gone)."""
    head = _read_exact(fd, 8)
    if head is None:
        return None
    size = int.from_bytes(head, "big")
    if size > MAX_MESSAGE:
        raise Malformed(f"passk: the candidate sent a {size}-byte message")
    body = _read_exact(fd, size)
    if body is None:
        return None
    try:
        return json.loads(body)
    except ValueError as e:
        raise Malformed(f"passk: the candidate sent a malformed message ({e})") from None


# --- encoding (either side; in the candidate, of what passk_values.plain returned) ---------------
def encode(v: Any, depth: int = 0) -> Any:
    if v is None or v is True or v is False:
        return v
    t = type(v)
    if t is str:
        return v
    if depth > MAX_DEPTH:
        raise TypeError("passk: value nested too deeply")
    d = depth + 1
    if t is int:
        return ["i", hex(v)]
    if t is float:
        return ["f", float.hex(v)]
    if t is complex:
        return ["c", float.hex(v.real), float.hex(v.imag)]
    if t is bytes:
        return ["b", v.hex()]
    if t is range:
        return ["r", hex(v.start), hex(v.stop), hex(v.step)]
    tag = _SEQUENCES.get(t)
    if tag is not None:
        return [tag] + [encode(x, d) for x in v]
    tag = _MAPPINGS.get(t)
    if tag is not None or t is _defaultdict:
        flat = []
        for k, x in v.items():
            flat += (encode(k, d), encode(x, d))
        if t is _defaultdict:
            name = _FACTORY_NAMES.get(id(v.default_factory))
            if name is None:
                raise TypeError("passk: a defaultdict whose factory is not a builtin type")
            return ["D", name] + flat
        return [tag] + flat
    if t is _deque:
        return ["q", None if v.maxlen is None else hex(v.maxlen)] + [encode(x, d) for x in v]
    if t is _Decimal:
        return ["M", str(v)]
    if t is _Fraction:
        return ["Q", hex(v.numerator), hex(v.denominator)]
    if any(t is c for c in _ITERATORS):  # by identity, as every type test here
        return ["g"] + [encode(x, d) for x in v]
    raise TypeError(f"passk: a {t.__name__} cannot cross between the candidate and check()")


# --- decoding (strict: only what encode writes) --------------------------------------------------
def _int(x: Any) -> int:
    if type(x) is not str or len(x) < 3 or "x" not in x[:3]:
        raise Malformed("passk: malformed int from the candidate")
    return int(x, 16)


def _float(x: Any) -> float:
    if type(x) is not str:
        raise Malformed("passk: malformed float from the candidate")
    return float.fromhex(x)


def decode(x: Any, depth: int = 0) -> Any:
    t = type(x)
    if x is None or t is bool or t is str:
        return x
    if t is not list or not x or type(x[0]) is not str or depth > MAX_DEPTH:
        raise Malformed("passk: malformed value from the candidate")
    tag, rest, d = x[0], x[1:], depth + 1
    if tag == "i" and len(rest) == 1:
        return _int(rest[0])
    if tag == "f" and len(rest) == 1:
        return _float(rest[0])
    if tag == "c" and len(rest) == 2:
        return complex(_float(rest[0]), _float(rest[1]))
    if tag == "b" and len(rest) == 1 and type(rest[0]) is str:
        return bytes.fromhex(rest[0])
    if tag == "r" and len(rest) == 3:
        return range(_int(rest[0]), _int(rest[1]), _int(rest[2]))
    build = _BUILD.get(tag)
    if build is not None:
        return build([decode(e, d) for e in rest])
    if tag == "g":
        return iter([decode(e, d) for e in rest])
    build = _BUILD_MAPPING.get(tag)
    if build is not None or (tag == "D" and rest and rest[0] in _FACTORIES):
        pairs = rest if build is not None else rest[1:]
        if len(pairs) % 2:
            raise Malformed("passk: malformed mapping from the candidate")
        items = [(decode(pairs[i], d), decode(pairs[i + 1], d)) for i in range(0, len(pairs), 2)]
        if build is not None:
            return build(items) if build is not _Counter else _Counter(dict(items))
        return _defaultdict(_FACTORIES[rest[0]], items)
    if tag == "q" and rest:
        maxlen = None if rest[0] is None else _int(rest[0])
        return _deque([decode(e, d) for e in rest[1:]], maxlen)
    if tag == "M" and len(rest) == 1 and type(rest[0]) is str:
        return _Decimal(rest[0])
    if tag == "Q" and len(rest) == 2:
        return _Fraction(_int(rest[0]), _int(rest[1]))
    raise Malformed(f"passk: malformed value from the candidate (tag {tag[:20]!r})")
