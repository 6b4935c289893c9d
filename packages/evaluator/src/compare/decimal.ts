/**
 * Exact decimal numbers as Python's `decimal.Decimal(str)` parses them, compared exactly (no
 * floats): what LiveCodeBench's stdin rule does token by token.
 *
 * Accepted (like CPython's C decimal): optional sign; digits with an optional point
 * (`5.`, `.5`); an optional exponent `e|E[sign]digits`; `Inf`/`Infinity`, `NaN`/`sNaN` with an
 * optional payload, case-insensitively; underscores anywhere are ignored (`1_000`). Not
 * accepted here: non-ASCII digits (CPython accepts `１`); see docs/grading.md.
 */

export type Dec =
  | { kind: 'finite'; negative: boolean; digits: string; exponent: bigint } // value = ±digits × 10^exponent, digits without leading/trailing zeros ('' = zero)
  | { kind: 'inf'; negative: boolean }
  | { kind: 'nan' };

const FINITE = /^([+-]?)(?:(\d+)\.?(\d*)|\.(\d+))(?:[eE]([+-]?\d+))?$/;
const SPECIAL = /^([+-]?)(?:(inf|infinity)|(s?nan)\d*)$/i;

export function parseDecimal(token: string): Dec | null {
  const t = token.includes('_') ? token.replace(/_/g, '') : token;
  const m = FINITE.exec(t);
  if (m) {
    const intPart = m[2] ?? '';
    const frac = m[3] ?? m[4] ?? '';
    let digits = (intPart + frac).replace(/^0+/, '');
    let exponent = (m[5] ? BigInt(m[5]) : 0n) - BigInt(frac.length);
    const trimmed = digits.replace(/0+$/, '');
    exponent += BigInt(digits.length - trimmed.length);
    digits = trimmed;
    if (digits === '') exponent = 0n;
    return { kind: 'finite', negative: m[1] === '-', digits, exponent };
  }
  const s = SPECIAL.exec(t);
  if (s) return s[2] ? { kind: 'inf', negative: s[1] === '-' } : { kind: 'nan' };
  return null;
}

/** Python `Decimal(a) == Decimal(b)`: NaN is never equal; -0 == 0. */
export function decimalEquals(a: Dec, b: Dec): boolean {
  if (a.kind === 'nan' || b.kind === 'nan') return false;
  if (a.kind === 'inf' || b.kind === 'inf') return a.kind === b.kind && a.negative === b.negative;
  if (b.kind !== 'finite') return false;
  if (a.digits === '' || b.digits === '') return a.digits === b.digits;
  return a.negative === b.negative && a.digits === b.digits && a.exponent === b.exponent;
}
