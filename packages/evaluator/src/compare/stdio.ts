/**
 * LiveCodeBench's stdin output rule (lcb_runner/evaluation/testing_util.py, grade_stdio):
 *   lines(v) = [l.strip() for l in v.strip().split("\n")]
 *   equal line counts; per line: exact string match, else every token of both lines parses as a
 *   Decimal and the two Decimal lists are equal (exactly; no tolerance).
 * Python's str.strip()/split() whitespace is used, not JavaScript's trim().
 */
import { decimalEquals, parseDecimal, type Dec } from './decimal.js';

/** Characters for which Python's str.isspace() is true. */
const PY_WS = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const STRIP = new RegExp(`^[${PY_WS}]+|[${PY_WS}]+$`, 'g');
const SPLIT = new RegExp(`[${PY_WS}]+`);

export function pyStrip(s: string): string {
  return s.replace(STRIP, '');
}

export function pySplit(s: string): string[] {
  const t = pyStrip(s);
  return t === '' ? [] : t.split(SPLIT);
}

export function strippedLines(v: string): string[] {
  return pyStrip(v).split('\n').map(pyStrip);
}

function decimals(line: string): Dec[] | null {
  const out: Dec[] = [];
  for (const token of pySplit(line)) {
    const d = parseDecimal(token);
    if (!d) return null;
    out.push(d);
  }
  return out;
}

export interface StdioComparison {
  equal: boolean;
  /** LiveCodeBench's message on a mismatch. */
  message: string;
}

const clip = (s: string, n = 100): string => (s.length <= n ? s : `${s.slice(0, n / 2)}...(truncated) ...${s.slice(-n / 2)}`);

export function compareStdout(prediction: string, expected: string): StdioComparison {
  const p = strippedLines(prediction);
  const g = strippedLines(expected);
  if (p.length !== g.length) {
    return { equal: false, message: `Wrong answer: mismatched output length (${p.length} lines, expected ${g.length})` };
  }
  for (let i = 0; i < p.length; i++) {
    const a = p[i]!;
    const b = g[i]!;
    if (a === b) continue;
    const da = decimals(a);
    const db = da && decimals(b);
    if (da && db && da.length === db.length && da.every((x, j) => decimalEquals(x, db[j]!))) continue;
    return { equal: false, message: `Wrong answer at output_line_idx=${i}: ${clip(a)} != ${clip(b)}` };
  }
  return { equal: true, message: '' };
}
