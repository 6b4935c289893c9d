/**
 * Exact decimal numbers as Python's `decimal.Decimal(str)` parses them, compared exactly (no
 * floats): what LiveCodeBench's stdin rule does token by token.
 *
 * Accepted (like CPython's C decimal): optional sign; digits with an optional point
 * (`5.`, `.5`); an optional exponent `e|E[sign]digits`; `Inf`/`Infinity`, `NaN`/`sNaN` with an
 * optional payload, case-insensitively; underscores anywhere are ignored (`1_000`). As in
 * CPython, a finite value must be exact in libmpdec's largest context (exponent between
 * Etiny = -1999999999999999997 and an adjusted exponent of Emax = 999999999999999999), else it
 * is not a Decimal (InvalidOperation). Not accepted here: non-ASCII digits (CPython accepts
 * `１`); see docs/grading.md.
 *
 * Every step is one left-to-right scan (no backtracking regex, no BigInt of a long digit
 * string): a token of any length is parsed in linear time (test/evaluator/compare-linear.test.ts).
 */

export type Dec =
  | { kind: 'finite'; negative: boolean; digits: string; exponent: Exponent } // value = ±digits × 10^exponent, digits without leading/trailing zeros ('' = zero)
  | { kind: 'inf'; negative: boolean }
  | { kind: 'nan' };

/** A number when a safe integer, else a bigint: one canonical form, so `===` is equality. */
type Exponent = number | bigint;

const SPECIAL = /^(?:(inf|infinity)|s?nan\d*)$/i;
const EMAX = 999_999_999_999_999_999n;
const ETINY = -1_999_999_999_999_999_997n;
/** Exponent literals longer than this (leading zeros aside) are out of libmpdec's range. */
const MAX_EXPONENT_DIGITS = 19;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** End of the run of ASCII digits starting at `i`. */
function digitsEnd(t: string, i: number): number {
  while (i < t.length && isDigit(t.charCodeAt(i))) i++;
  return i;
}

/** First index in [from, to) whose char is not '0' (to if none). */
function skipZeros(t: string, from: number, to: number): number {
  while (from < to && t.charCodeAt(from) === 48) from++;
  return from;
}

export function parseDecimal(token: string): Dec | null {
  const t = token.includes('_') ? token.replaceAll('_', '') : token;
  const n = t.length;
  let i = 0;
  const sign = t.charCodeAt(0);
  if (sign === 43 || sign === 45) i++; // + -
  const negative = sign === 45;
  const intStart = i;
  const intEnd = digitsEnd(t, i);
  let fracStart = intEnd;
  let fracEnd = intEnd;
  if (t.charCodeAt(intEnd) === 46) { // .
    fracStart = intEnd + 1;
    fracEnd = digitsEnd(t, fracStart);
  }
  if (intEnd === intStart && fracEnd === fracStart) {
    const rest = t.slice(i);
    return SPECIAL.test(rest) ? (/^s?nan/i.test(rest) ? { kind: 'nan' } : { kind: 'inf', negative }) : null;
  }
  let literal: Exponent = 0;
  i = fracEnd;
  const e = t.charCodeAt(i);
  if (e === 101 || e === 69) { // e E
    let j = i + 1;
    const s = t.charCodeAt(j);
    if (s === 43 || s === 45) j++;
    const end = digitsEnd(t, j);
    if (end === j || end !== n) return null;
    const first = skipZeros(t, j, end);
    if (end - first > MAX_EXPONENT_DIGITS) return null;
    // up to 15 digits, exactly a number, and then nowhere near libmpdec's limits
    literal = end - first <= 15 ? Number(t.slice(first, end) || '0') : BigInt(t.slice(first, end));
    if (s === 45) literal = -literal;
  } else if (i !== n) {
    return null;
  }
  return finite(t, negative, intStart, intEnd, fracStart, fracEnd, literal);
}

/** The finite value of the digits t[intStart,intEnd) . t[fracStart,fracEnd) × 10^literal. */
function finite(t: string, negative: boolean, intStart: number, intEnd: number, fracStart: number, fracEnd: number, literal: Exponent): Dec | null {
  const coefficient = fracEnd > fracStart ? t.slice(intStart, intEnd) + t.slice(fracStart, fracEnd) : t.slice(intStart, intEnd);
  const lead = skipZeros(coefficient, 0, coefficient.length);
  let last = coefficient.length;
  while (last > lead && coefficient.charCodeAt(last - 1) === 48) last--;
  const fraction = fracEnd - fracStart;
  let exponent: Exponent;
  if (typeof literal === 'number') {
    exponent = literal - fraction; // |literal| < 10^15, lengths < 2^32: exact, and within Etiny..Emax
  } else {
    const e = literal - BigInt(fraction);
    const significant = Math.max(1, coefficient.length - lead);
    if (e + BigInt(significant - 1) > EMAX || e < ETINY) return null; // CPython: InvalidOperation
    exponent = e;
  }
  if (last === lead) return { kind: 'finite', negative, digits: '', exponent: 0 };
  const trailing = coefficient.length - last;
  exponent = typeof exponent === 'number' ? exponent + trailing : canonical(exponent + BigInt(trailing));
  return { kind: 'finite', negative, digits: coefficient.slice(lead, last), exponent };
}

function canonical(e: bigint): Exponent {
  return e >= BigInt(Number.MIN_SAFE_INTEGER) && e <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(e) : e;
}

/** Python `Decimal(a) == Decimal(b)`: NaN is never equal; -0 == 0. */
export function decimalEquals(a: Dec, b: Dec): boolean {
  if (a.kind === 'nan' || b.kind === 'nan') return false;
  if (a.kind === 'inf' || b.kind === 'inf') return a.kind === b.kind && a.negative === b.negative;
  if (b.kind !== 'finite') return false;
  if (a.digits === '' || b.digits === '') return a.digits === b.digits;
  return a.negative === b.negative && a.digits === b.digits && a.exponent === b.exponent;
}
