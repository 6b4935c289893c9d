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

/**
 * Iterative (an explicit stack, not recursion: any nesting depth is read without overflowing
 * Node's stack) and linear. An int of more than MAX_INT_DIGITS digits is refused as Python's
 * json.loads refuses it under LiveCodeBench's limit (and BigInt parsing is quadratic).
 * `maxValues`: stop with PyJsonTooLarge once more values than this were read (a result is read
 * with the expected value's count as budget: memory bounded by the expected output, not by what
 * a program returns).
 */
export function parsePyJson(text: string, maxValues = Infinity): PyValue {
  let i = 0;
  let values = 0;
  const ws = (): void => {
    for (let c = text.charCodeAt(i); c === 32 || c === 9 || c === 10 || c === 13; c = text.charCodeAt(++i));
  };
  const fail = (what: string): never => {
    throw new PyJsonError(`${what} at char ${i}`);
  };
  const str = (): string => {
    const start = i;
    i++;
    let raw = false;
    for (let c = text.charCodeAt(i); i < text.length && c !== 34; c = text.charCodeAt(i)) {
      if (c === 92) {
        raw = true;
        i++;
      }
      i++;
    }
    if (i >= text.length) fail('unterminated string');
    i++;
    const literal = text.slice(start, i);
    try {
      return raw ? (JSON.parse(literal) as string) : literal.slice(1, -1);
    } catch {
      return fail('bad string escape');
    }
  };
  const key = (): string => {
    ws();
    if (text[i] !== '"') fail('expected a string key');
    const k = str();
    ws();
    if (text[i++] !== ':') fail("expected ':'");
    return k;
  };
  const scalar = (): PyValue => {
    if (text[i] === '"') return { t: 'str', v: str() };
    for (const [word, v] of WORDS) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v as PyValue;
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) return fail('unexpected character');
    i += m[0].length;
    if (m[1] || m[2]) return { t: 'float', v: Number(m[0]) };
    if (m[0].length - (m[0][0] === '-' ? 1 : 0) > MAX_INT_DIGITS) fail(`an int of more than ${MAX_INT_DIGITS} digits`);
    return { t: 'int', v: BigInt(m[0]) };
  };
  const stack: Open[] = [];
  for (;;) {
    ws();
    if (++values > maxValues) throw new PyJsonTooLarge(`more than ${maxValues} values`);
    let v: PyValue;
    const c = text[i];
    if (c === '[' || c === '{') {
      i++;
      ws();
      const close = c === '[' ? ']' : '}';
      if (text[i] !== close) {
        stack.push(c === '[' ? { t: 'list', v: [] } : { t: 'dict', v: new Map(), key: key() });
        continue;
      }
      i++;
      v = c === '[' ? { t: 'list', v: [] } : { t: 'dict', v: new Map() };
    } else {
      v = scalar();
    }
    for (;;) {
      const top = stack[stack.length - 1];
      if (!top) {
        ws();
        if (i !== text.length) fail('extra data');
        return v;
      }
      if (top.t === 'list') top.v.push(v);
      else top.v.set(top.key, v);
      ws();
      const d = text[i++];
      if (d === ',') {
        if (top.t === 'dict') top.key = key();
        break;
      }
      if (d !== (top.t === 'list' ? ']' : '}')) fail(top.t === 'list' ? "expected ',' or ']'" : "expected ',' or '}'");
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
