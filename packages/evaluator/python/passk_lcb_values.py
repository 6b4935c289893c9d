"""The JSON text of a functional result in lcb mode, for Node to compare with Python's `==` rules.

lcb_runner checks `prediction == json.loads(expected)`. Node compares JSON values exactly as
Python does (compare/pyjson.ts), so this module turns a result into the JSON value that is `==`
to exactly the same JSON values as the result is:
  * None, bool, int, float, str, list, dict with str keys: themselves, by the base types' own
    methods (a subclass's __eq__/__repr__/__iter__ never runs: a result cannot forge equality);
  * decimal.Decimal, fractions.Fraction (exact stdlib types, an intact Fraction class) and numpy
    scalars (np.integer, np.floating, np.bool_): an int when integral, a float when the value is
    exactly a double, NaN/Infinity as themselves; any other such value never equals a JSON value;
  * anything else (a tuple below the top level, a set, a dict with a non-str key, an object) never
    equals a JSON value: Unequal (a wrong answer, as `==` is False there).
"""
import decimal
import fractions
import json
import sys
from typing import Any

import passk_values

_encode_str = json.encoder.encode_basestring_ascii
_Decimal, _Fraction = decimal.Decimal, fractions.Fraction
_float_repr = float.__repr__
_int_repr, _float = passk_values.encode_int, passk_values.encode_float  # one rule for both modes (digit cap)
_scalar = passk_values.encode  # None, bool, int, float, str: the same text in every mode
Unequal = passk_values.Unequal


def _rational(numerator: int, denominator: int) -> str:
    """JSON text of the exact rational numerator/denominator (denominator > 0), or Unequal."""
    if denominator == 1:
        return _int_repr(numerator)
    if denominator & (denominator - 1) == 0:  # a power of two: maybe exactly a double
        try:
            f = numerator / denominator
        except OverflowError:
            raise Unequal("a number outside the double range never equals a JSON value")
        if _Fraction(f) == _Fraction(numerator, denominator):
            return _float_repr(f)
    raise Unequal("a non-integral number that is not exactly a double never equals a JSON value")


def _decimal(v: decimal.Decimal) -> str:
    if v.is_nan():
        if v.is_snan():
            raise Unequal("a signalling NaN Decimal never equals a JSON value")
        return "NaN"
    if v.is_infinite():
        return "-Infinity" if v.is_signed() else "Infinity"
    n, d = v.as_integer_ratio()
    return _rational(n, d)


def _numpy_scalar(v: Any, t: type) -> str | None:
    np = sys.modules.get("numpy")
    if np is None or getattr(t, "__module__", None) != "numpy" or getattr(np, t.__name__, None) is not t:
        return None  # not one of numpy's own scalar types (C types: their methods cannot be changed)
    if issubclass(t, np.bool_):
        return "true" if bool(v) else "false"
    if issubclass(t, np.integer):
        return _int_repr(int(v))
    if issubclass(t, np.floating):
        f = float(v)
        if f != f or f in (float("inf"), float("-inf")):
            return _float(f)
        n, d = v.as_integer_ratio()
        return _rational(int(n), int(d))
    return None


def encode_result(v: Any, depth: int = 0) -> str:
    """The JSON text (see the module's doc) of a result, or Unequal."""
    if depth > 5000:
        raise RecursionError
    if v is None or isinstance(v, (int, str)):  # None, bool, int, str: passk_values' one rule (digit cap)
        return _scalar(v)
    t = type(v)
    if t is _Decimal:
        return _decimal(v)
    if t is _Fraction:
        passk_values._fraction(v)  # TypeError if the program tampered with the class or module
        return _rational(v.numerator, v.denominator)
    if isinstance(v, float):  # as the float it is (a subclass's __eq__/__gt__ must not run in the rule)
        return _scalar(float.__pos__(v))
    if isinstance(v, list):
        return "[" + ",".join([encode_result(x, depth + 1) for x in list.__iter__(v)]) + "]"
    if isinstance(v, dict):
        parts: list[str] = []
        for k, x in dict.items(v):
            if type(k) is not str and not isinstance(k, str):
                raise Unequal(f"a dict key of type {type(k).__name__} never equals a JSON object key")
            parts.append(_encode_str(str.__str__(k)) + ":" + encode_result(x, depth + 1))
        return "{" + ",".join(parts) + "}"
    text = _numpy_scalar(v, t)
    if text is not None:
        return text
    raise Unequal(f"a {t.__name__} never equals a JSON value")
