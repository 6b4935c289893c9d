"""What may leave a child as a result: the JSON text of a functional result (by the base types'
own methods) and HumanEval's guard that a candidate's result is made of builtin types."""
import json
import types

_encode_str = json.encoder.encode_basestring_ascii  # captured before any program runs


class Unequal(Exception):
    pass


def encode(v):
    """JSON text of a result, by the base types' own methods (a subclass's __eq__/__repr__ is
    ignored: Node compares values, so a result cannot fake equality). Values that can never
    equal a json.loads value (tuples inside, sets, non-str keys, other objects) raise Unequal."""
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return int.__repr__(v)
    if isinstance(v, float):
        if v != v:
            return "NaN"
        if v in (float("inf"), float("-inf")):
            return "Infinity" if v > 0 else "-Infinity"
        return float.__repr__(v)
    if isinstance(v, str):
        return _encode_str(str.__str__(v))
    if isinstance(v, list):
        return "[" + ",".join([encode(x) for x in list.__iter__(v)]) + "]"
    if isinstance(v, dict):
        parts = []
        for k, x in dict.items(v):
            if not isinstance(k, str):
                raise Unequal(f"a dict key of type {type(k).__name__} never equals a JSON object key")
            parts.append(_encode_str(str.__str__(k)) + ":" + encode(x))
        return "{" + ",".join(parts) + "}"
    raise Unequal(f"a {type(v).__name__} never equals a JSON value")


_PLAIN = (type(None), bool, int, float, str, complex, bytes)


def check_plain(v, depth=0):
    """HumanEval guard: a candidate's result must be built from builtin types (no objects with a
    forged __eq__). Exact types only; containers are checked recursively."""
    t = type(v)
    if t in _PLAIN:
        return
    if depth > 200:
        raise TypeError("passk: candidate result nested too deeply")
    if t in (list, tuple, set, frozenset):
        for x in v:
            check_plain(x, depth + 1)
        return
    if t is dict:
        for k, x in v.items():
            check_plain(k, depth + 1)
            check_plain(x, depth + 1)
        return
    if t in (types.GeneratorType, map, filter, zip, range, reversed, enumerate):
        return
    raise TypeError(f"passk: candidate returned a {t.__name__}; only builtin types are accepted")
