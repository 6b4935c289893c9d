/**
 * LiveCodeBench's stdin output rule (lcb_runner/evaluation/testing_util.py, grade_stdio):
 *   lines(v) = [l.strip() for l in v.strip().split("\n")]
 *   equal line counts; per line: exact string match, else every token of both lines parses as a
 *   Decimal and the two Decimal lists are equal (exactly; no tolerance).
 * Python's str.strip()/split() whitespace is used, not JavaScript's trim().
 *
 * Linear in the output's length, whatever its shape (docs/grading.md, "stdin comparison"): hand
 * scanners instead of backtracking regexes, lines and tokens walked with cursors instead of
 * arrays, counts compared before any Decimal is parsed (the verdict is the same: LCB's rule
 * fails on any unparsable token or any count mismatch alike), Decimals parsed pair by pair.
 */
import { decimalEquals, parseDecimal } from './decimal.js';

/** Python's str.isspace() for one UTF-16 code unit (every such character is in the BMP). */
export function isPyWs(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  if (c < 0x85) return false;
  return c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

/** [start, end) of s[from, to) without leading/trailing Python whitespace. */
function stripRange(s: string, from: number, to: number): [number, number] {
  while (from < to && isPyWs(s.charCodeAt(from))) from++;
  while (to > from && isPyWs(s.charCodeAt(to - 1))) to--;
  return [from, to];
}

export function pyStrip(s: string): string {
  const [a, b] = stripRange(s, 0, s.length);
  return s.slice(a, b);
}

/** Python's str.split() (no argument). */
export function pySplit(s: string): string[] {
  const out: string[] = [];
  for (let i = tokenStart(s, 0); i < s.length; ) {
    const e = tokenEnd(s, i);
    out.push(s.slice(i, e));
    i = tokenStart(s, e);
  }
  return out;
}

function tokenCount(s: string): number {
  let n = 0;
  let inToken = false;
  for (let i = 0; i < s.length; i++) {
    const ws = isPyWs(s.charCodeAt(i));
    if (!ws && !inToken) n++;
    inToken = !ws;
  }
  return n;
}

function count(s: string, from: number, to: number, ch: string): number {
  let n = 0;
  for (let i = s.indexOf(ch, from); i >= 0 && i < to; i = s.indexOf(ch, i + 1)) n++;
  return n;
}

export function strippedLines(v: string): string[] {
  const [a, b] = stripRange(v, 0, v.length);
  return v.slice(a, b).split('\n').map(pyStrip);
}

/** End of the token starting at `i` (the first whitespace after it). */
function tokenEnd(s: string, i: number): number {
  while (i < s.length && !isPyWs(s.charCodeAt(i))) i++;
  return i;
}

/** Start of the next token at or after `i` (s.length if none). */
function tokenStart(s: string, i: number): number {
  while (i < s.length && isPyWs(s.charCodeAt(i))) i++;
  return i;
}

/** LCB's element-wise Decimal comparison of two (stripped) lines that differ as strings. */
function decimalLinesEqual(a: string, b: string): boolean {
  if (tokenCount(a) !== tokenCount(b)) return false;
  for (let i = 0, j = 0; i < a.length; ) {
    const ie = tokenEnd(a, i);
    const je = tokenEnd(b, j);
    const dx = parseDecimal(a.slice(i, ie));
    const dy = dx && parseDecimal(b.slice(j, je));
    if (!dx || !dy || !decimalEquals(dx, dy)) return false;
    i = tokenStart(a, ie);
    j = tokenStart(b, je);
  }
  return true;
}

export interface StdioComparison {
  equal: boolean;
  /** LiveCodeBench's message on a mismatch. */
  message: string;
}

const clip = (s: string, n = 100): string => (s.length <= n ? s : `${s.slice(0, n / 2)}...(truncated) ...${s.slice(-n / 2)}`);

/** End of the line starting at `from` in v[.., to) (its '\n', or `to`). */
function lineEnd(v: string, from: number, to: number): number {
  const nl = v.indexOf('\n', from);
  return nl < 0 || nl > to ? to : nl;
}

export function compareStdout(prediction: string, expected: string): StdioComparison {
  const [pa, pb] = stripRange(prediction, 0, prediction.length);
  const [ga, gb] = stripRange(expected, 0, expected.length);
  const pn = count(prediction, pa, pb, '\n') + 1;
  const gn = count(expected, ga, gb, '\n') + 1;
  if (pn !== gn) {
    return { equal: false, message: `Wrong answer: mismatched output length (${pn} lines, expected ${gn})` };
  }
  for (let i = 0, ps = pa, gs = ga; i < pn; i++) {
    const pe = lineEnd(prediction, ps, pb);
    const ge = lineEnd(expected, gs, gb);
    const [a0, a1] = stripRange(prediction, ps, pe);
    const [b0, b1] = stripRange(expected, gs, ge);
    const a = prediction.slice(a0, a1);
    const b = expected.slice(b0, b1);
    if (a !== b && !decimalLinesEqual(a, b)) {
      return { equal: false, message: `Wrong answer at output_line_idx=${i}: ${clip(a)} != ${clip(b)}` };
    }
    ps = pe + 1;
    gs = ge + 1;
  }
  return { equal: true, message: '' };
}
