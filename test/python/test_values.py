"""passk_values: the JSON encoder of functional results and HumanEval's `plain`, what Node cannot
see from outside (a subclass's own methods are never called, the digit cap, the trusted classes)."""
import collections
import decimal
import fractions
import sys
import unittest
from typing import Any

import passk_values as V


class EncodeTest(unittest.TestCase):
    def setUp(self) -> None:
        self.digits = sys.get_int_max_str_digits()
        sys.set_int_max_str_digits(0)  # as the harness does before it encodes

    def tearDown(self) -> None:
        sys.set_int_max_str_digits(self.digits)

    def test_json_values(self) -> None:
        self.assertEqual(V.encode([None, True, False, 1, -2, 0.5, "é\n", {"a": [1]}]),
                         '[null,true,false,1,-2,0.5,"\\u00e9\\n",{"a":[1]}]')
        self.assertEqual(V.encode([float("nan"), float("inf"), float("-inf")]), "[NaN,Infinity,-Infinity]")

    def test_digit_cap_is_exact(self) -> None:
        self.assertEqual(len(V.encode(10 ** V.MAX_INT_DIGITS - 1)), V.MAX_INT_DIGITS)
        self.assertEqual(len(V.encode(-(10 ** V.MAX_INT_DIGITS - 1))), V.MAX_INT_DIGITS + 1)
        for too_big in (10 ** V.MAX_INT_DIGITS, -(10 ** V.MAX_INT_DIGITS), 1 << 1_000_000):
            with self.assertRaises(V.Unequal):
                V.encode(too_big)

    def test_subclass_methods_are_ignored(self) -> None:
        class S(str):
            def __str__(self) -> str:
                return "fake"

        class Int(int):
            def __repr__(self) -> str:
                return "99"

        class L(list):
            def __iter__(self) -> Any:
                return iter([42])

        class D(dict):
            def items(self) -> Any:
                return [("x", 1)]

        self.assertEqual(V.encode([S("real"), Int(3), L([1, 2]), D(a=2)]), '["real",3,[1,2],{"a":2}]')

    def test_values_that_equal_no_json_value(self) -> None:
        for v in ((1, 2), [(1,)], {1: 2}, {1, 2}, object(), b"x", 1j):
            with self.assertRaises(V.Unequal, msg=repr(v)):
                V.encode(v)

    def test_self_reference_is_a_recursion_error(self) -> None:
        v: list[Any] = []
        v.append(v)
        with self.assertRaises(RecursionError):
            V.encode(v)


class PlainTest(unittest.TestCase):
    def test_builtin_values_are_returned_as_they_are(self) -> None:
        v = [1, "a", (2.5, None), {"k": {3}}, frozenset([1])]
        self.assertIs(V.plain(v), v)

    def test_plain_subclasses_are_converted_by_value(self) -> None:
        class Int(int):
            pass

        class S(str):
            pass

        got = V.plain([Int(5), S("x")])
        self.assertEqual(got, [5, "x"])
        self.assertEqual([type(x) for x in got], [int, str])

    def test_a_class_that_defines_equality_is_refused(self) -> None:
        class Liar(int):
            def __eq__(self, other: object) -> bool:
                return True

            __hash__ = int.__hash__

        with self.assertRaisesRegex(TypeError, "whose __eq__ is defined by Liar"):
            V.plain([Liar(1)])
        with self.assertRaisesRegex(TypeError, "only builtin types"):
            V.plain(object())

    def test_intact_stdlib_classes_pass_themselves(self) -> None:
        for v in (collections.Counter("aab"), collections.OrderedDict(a=1), decimal.Decimal("0.1"),
                  fractions.Fraction(1, 3), collections.defaultdict(int, a=1)):
            self.assertIs(V.plain(v), v)

    def test_a_patched_counter_is_refused(self) -> None:
        def eq(self: object, other: object) -> bool:
            return True

        original = collections.Counter.__dict__["__eq__"]
        collections.Counter.__eq__ = eq
        try:
            with self.assertRaisesRegex(TypeError, "changed by the program"):
                V.plain(collections.Counter("a"))
        finally:
            collections.Counter.__eq__ = original
        self.assertTrue(V._intact(collections.Counter))

    def test_a_fraction_with_a_forged_numerator_is_refused(self) -> None:
        f = fractions.Fraction(1, 2)
        fractions.Fraction._numerator.__set__(f, 0.5)
        with self.assertRaisesRegex(TypeError, "not an int"):
            V.plain(f)

    def test_defaultdict_with_a_program_factory_becomes_a_dict(self) -> None:
        v = collections.defaultdict(lambda: 0, a=1)
        got = V.plain(v)
        self.assertIs(type(got), dict)
        self.assertEqual(got, {"a": 1})

    def test_deque_keeps_maxlen_when_copied(self) -> None:
        class Int(int):
            pass

        got = V.plain(collections.deque([Int(1), 2], maxlen=5))
        self.assertEqual((list(got), got.maxlen, type(got[0])), ([1, 2], 5, int))

    def test_iterators_are_checked_item_by_item(self) -> None:
        self.assertEqual(list(V.plain(x for x in [1, 2])), [1, 2])
        lazy = V.plain(iter(map(lambda x: x, [1, object()])))
        self.assertEqual(next(lazy), 1)
        with self.assertRaises(TypeError):
            next(lazy)

    def test_nesting_is_bounded(self) -> None:
        v: list[Any] = []
        for _ in range(300):
            v = [v]
        with self.assertRaisesRegex(TypeError, "nested too deeply"):
            V.plain(v)


if __name__ == "__main__":
    unittest.main()
