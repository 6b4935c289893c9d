/**
 * JSON as Python's json.loads reads it (ints stay exact, `1` is an int and `1.0` a float,
 * NaN/Infinity accepted, duplicate keys: last wins), and Python's `==` on the result. Used for
 * the functional kind: LiveCodeBench checks `prediction == json.loads(expected)`.
 */

export type PyValue =
  | { t: 'none' }
  | { t: 'bool'; v: boolean }
  | { t: 'int'; v: bigint }
  | { t: 'float'; v: number }
  | { t: 'str'; v: string }
  | { t: 'list'; v: PyValue[] }
  | { t: 'dict'; v: Map<string, PyValue> };

export class PyJsonError extends Error {}

/** The text holds more values than the budget allows (so it cannot equal the value the budget came from). */
export class PyJsonTooLarge extends PyJsonError {}

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

/** Python's int-string conversion limit as LiveCodeBench sets it (`sys.set_int_max_str_digits(50000)`). */
export const MAX_INT_DIGITS = 50_000;

type Open = { t: 'list'; v: PyValue[] } | { t: 'dict'; v: Map<string, PyValue>; key: string };

const WORDS = [
  ['null', { t: 'none' }],
  ['true', { t: 'bool', v: true }],
  ['false', { t: 'bool', v: false }],
  ['NaN', { t: 'float', v: NaN }],
  ['Infinity', { t: 'float', v: Infinity }],
  ['-Infinity', { t: 'float', v: -Infinity }],
] as const;

/** The token-level reader under parsePyJson: whitespace, strings, keys, scalars. */
class Scanner {
  i = 0;

  constructor(readonly text: string) {}

  ws(): void {
    const t = this.text;
    let i = this.i;
    for (let c = t.charCodeAt(i); c === 32 || c === 9 || c === 10 || c === 13; c = t.charCodeAt(++i));
    this.i = i;
  }

  fail(what: string): never {
    throw new PyJsonError(`${what} at char ${this.i}`);
  }

  /** The char at the cursor, then past it. */
  next(): string | undefined {
    return this.text[this.i++];
  }

  str(): string {
    const t = this.text;
    const start = this.i;
    let i = start + 1;
    let raw = false;
    for (let c = t.charCodeAt(i); i < t.length && c !== 34; c = t.charCodeAt(i)) {
      if (c === 92) {
        raw = true;
        i++;
      }
      i++;
    }
    this.i = i;
    if (i >= t.length) this.fail('unterminated string');
    this.i = i + 1;
    const literal = t.slice(start, this.i);
    try {
      return raw ? (JSON.parse(literal) as string) : literal.slice(1, -1);
    } catch {
      return this.fail('bad string escape');
    }
  }

  key(): string {
    this.ws();
    if (this.text[this.i] !== '"') this.fail('expected a string key');
    const k = this.str();
    this.ws();
    if (this.next() !== ':') this.fail("expected ':'");
    return k;
  }

  scalar(): PyValue {
    const t = this.text;
    if (t[this.i] === '"') return { t: 'str', v: this.str() };
    for (const [word, v] of WORDS) {
      if (t.startsWith(word, this.i)) {
        this.i += word.length;
        return v as PyValue;
      }
    }
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(t);
    if (!m) return this.fail('unexpected character');
    this.i += m[0].length;
    if (m[1] || m[2]) return { t: 'float', v: Number(m[0]) };
    if (m[0].length - (m[0][0] === '-' ? 1 : 0) > MAX_INT_DIGITS) this.fail(`an int of more than ${MAX_INT_DIGITS} digits`);
    return { t: 'int', v: BigInt(m[0]) };
  }
}

/**
 * Iterative (an explicit stack, not recursion: any nesting depth is read without overflowing
 * Node's stack) and linear. An int of more than MAX_INT_DIGITS digits is refused as Python's
 * json.loads refuses it under LiveCodeBench's limit (and BigInt parsing is quadratic).
 * `maxValues`: stop with PyJsonTooLarge once more values than this were read (a result is read
 * with the expected value's count as budget: memory bounded by the expected output, not by what
 * a program returns).
 */
export function parsePyJson(text: string, maxValues = Infinity): PyValue {
  const s = new Scanner(text);
  const stack: Open[] = [];
  let values = 0;
  for (;;) {
    s.ws();
    if (++values > maxValues) throw new PyJsonTooLarge(`more than ${maxValues} values`);
    let v: PyValue;
    const c = text[s.i];
    if (c === '[' || c === '{') {
      s.i++;
      s.ws();
      if (text[s.i] !== (c === '[' ? ']' : '}')) {
        stack.push(c === '[' ? { t: 'list', v: [] } : { t: 'dict', v: new Map(), key: s.key() });
        continue;
      }
      s.i++;
      v = c === '[' ? { t: 'list', v: [] } : { t: 'dict', v: new Map() };
    } else {
      v = s.scalar();
    }
    for (;;) {
      const top = stack[stack.length - 1];
      if (!top) {
        s.ws();
        if (s.i !== text.length) s.fail('extra data');
        return v;
      }
      if (top.t === 'list') top.v.push(v);
      else top.v.set(top.key, v);
      s.ws();
      const d = s.next();
      if (d === ',') {
        if (top.t === 'dict') top.key = s.key();
        break;
      }
      if (d !== (top.t === 'list' ? ']' : '}')) s.fail(top.t === 'list' ? "expected ',' or ']'" : "expected ',' or '}'");
      stack.pop();
      v = { t: top.t, v: top.v } as PyValue;
    }
  }
}

type Num = { t: 'int'; v: bigint } | { t: 'float'; v: number };

function asNumber(x: PyValue): Num | null {
  if (x.t === 'bool') return { t: 'int', v: x.v ? 1n : 0n };
  if (x.t === 'int' || x.t === 'float') return x;
  return null;
}

function numbersEqual(a: Num, b: Num): boolean {
  if (a.t === 'int' && b.t === 'int') return a.v === b.v;
  if (a.t === 'float' && b.t === 'float') return a.v === b.v;
  const [i, f] = a.t === 'int' ? [a.v, (b as { v: number }).v] : [(b as { v: bigint }).v, a.v as number];
  return Number.isFinite(f) && Number.isInteger(f) && BigInt(f) === i;
}

/** How many values `v` holds, itself included (the budget parsePyJson takes). */
export function countValues(v: PyValue): number {
  let n = 0;
  const todo: PyValue[] = [v];
  for (let x = todo.pop(); x; x = todo.pop()) {
    n++;
    if (x.t === 'list') for (const y of x.v) todo.push(y);
    else if (x.t === 'dict') for (const y of x.v.values()) todo.push(y);
  }
  return n;
}

/** Python `a == b` for one pair, the containers' items pushed on `todo` (bool is an int; 1 == 1.0; NaN != NaN). */
function shallowEquals(a: PyValue, b: PyValue, todo: [PyValue, PyValue][]): boolean {
  const na = asNumber(a);
  if (na) {
    const nb = asNumber(b);
    return nb !== null && numbersEqual(na, nb);
  }
  if (a.t !== b.t) return false;
  switch (a.t) {
    case 'none':
      return true;
    case 'str':
      return a.v === (b as { v: string }).v;
    case 'list': {
      const bl = (b as { v: PyValue[] }).v;
      if (a.v.length !== bl.length) return false;
      a.v.forEach((x, k) => todo.push([x, bl[k]!]));
      return true;
    }
    case 'dict': {
      const bm = (b as { v: Map<string, PyValue> }).v;
      if (a.v.size !== bm.size) return false;
      for (const [k, x] of a.v) {
        const y = bm.get(k);
        if (y === undefined) return false;
        todo.push([x, y]);
      }
      return true;
    }
    default:
      return false;
  }
}

/** Python `a == b` for values json.loads can produce; iterative, so any depth compares. */
export function pyEquals(a: PyValue, b: PyValue): boolean {
  const todo: [PyValue, PyValue][] = [[a, b]];
  for (let pair = todo.pop(); pair; pair = todo.pop()) {
    if (!shallowEquals(pair[0], pair[1], todo)) return false;
  }
  return true;
}
