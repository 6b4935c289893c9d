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
  | { kind: 'finite'; negative: boolean; digits: string; exponent: bigint } // value = ±digits × 10^exponent, digits without leading/trailing zeros ('' = zero)
  | { kind: 'inf'; negative: boolean }
  | { kind: 'nan' };

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
  let i = 0;
  const sign = t[0];
  if (sign === '+' || sign === '-') i++;
  const negative = sign === '-';
  const intStart = i;
  const intEnd = digitsEnd(t, i);
  let fracStart = intEnd;
  let fracEnd = intEnd;
  if (t[intEnd] === '.') {
    fracStart = intEnd + 1;
    fracEnd = digitsEnd(t, fracStart);
  }
  if (intEnd === intStart && fracEnd === fracStart) {
    return SPECIAL.test(t.slice(i)) ? (/^s?nan/i.test(t.slice(i)) ? { kind: 'nan' } : { kind: 'inf', negative }) : null;
  }
  let literal = 0n;
  i = fracEnd;
  if (t[i] === 'e' || t[i] === 'E') {
    let j = i + 1;
    if (t[j] === '+' || t[j] === '-') j++;
    const end = digitsEnd(t, j);
    if (end === j || end !== t.length) return null;
    const first = skipZeros(t, j, end);
    if (end - first > MAX_EXPONENT_DIGITS) return null;
    literal = BigInt(t.slice(first, end) || '0') * (t[i + 1] === '-' ? -1n : 1n);
  } else if (i !== t.length) {
    return null;
  }
  return finite(t, negative, intStart, intEnd, fracStart, fracEnd, literal);
}

/** The finite value of the digits t[intStart,intEnd) . t[fracStart,fracEnd) × 10^literal. */
function finite(t: string, negative: boolean, intStart: number, intEnd: number, fracStart: number, fracEnd: number, literal: bigint): Dec | null {
  const coefficient = t.slice(intStart, intEnd) + t.slice(fracStart, fracEnd);
  const exponent = literal - BigInt(fracEnd - fracStart);
  const lead = skipZeros(coefficient, 0, coefficient.length);
  let last = coefficient.length;
  while (last > lead && coefficient.charCodeAt(last - 1) === 48) last--;
  const significant = Math.max(1, coefficient.length - lead);
  if (exponent + BigInt(significant - 1) > EMAX || exponent < ETINY) return null; // CPython: InvalidOperation
  if (last === lead) return { kind: 'finite', negative, digits: '', exponent: 0n };
  return { kind: 'finite', negative, digits: coefficient.slice(lead, last), exponent: exponent + BigInt(coefficient.length - last) };
}

/** Python `Decimal(a) == Decimal(b)`: NaN is never equal; -0 == 0. */
export function decimalEquals(a: Dec, b: Dec): boolean {
  if (a.kind === 'nan' || b.kind === 'nan') return false;
  if (a.kind === 'inf' || b.kind === 'inf') return a.kind === b.kind && a.negative === b.negative;
  if (b.kind !== 'finite') return false;
  if (a.digits === '' || b.digits === '') return a.digits === b.digits;
  return a.negative === b.negative && a.digits === b.digits && a.exponent === b.exponent;
}
