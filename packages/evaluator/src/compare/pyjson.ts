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

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

export function parsePyJson(text: string): PyValue {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const fail = (what: string): never => {
    throw new PyJsonError(`${what} at char ${i}`);
  };
  const value = (depth: number): PyValue => {
    if (depth > 10_000) fail('nested too deeply');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const map = new Map<string, PyValue>();
      ws();
      if (text[i] === '}') return i++, { t: 'dict', v: map };
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a string key');
        const key = str();
        ws();
        if (text[i++] !== ':') fail("expected ':'");
        map.set(key, value(depth + 1));
        ws();
        const d = text[i++];
        if (d === '}') return { t: 'dict', v: map };
        if (d !== ',') fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const list: PyValue[] = [];
      ws();
      if (text[i] === ']') return i++, { t: 'list', v: list };
      for (;;) {
        list.push(value(depth + 1));
        ws();
        const d = text[i++];
        if (d === ']') return { t: 'list', v: list };
        if (d !== ',') fail("expected ',' or ']'");
      }
    }
    if (c === '"') return { t: 'str', v: str() };
    for (const [word, v] of [
      ['null', { t: 'none' }],
      ['true', { t: 'bool', v: true }],
      ['false', { t: 'bool', v: false }],
      ['NaN', { t: 'float', v: NaN }],
      ['Infinity', { t: 'float', v: Infinity }],
      ['-Infinity', { t: 'float', v: -Infinity }],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v as PyValue;
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) return fail('unexpected character');
    i += m[0].length;
    return m[1] || m[2] ? { t: 'float', v: Number(m[0]) } : { t: 'int', v: BigInt(m[0]) };
  };
  const str = (): string => {
    const start = i;
    i++;
    let raw = false;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
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
  const v = value(0);
  ws();
  if (i !== text.length) fail('extra data');
  return v;
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

/** Python `a == b` for values json.loads can produce (bool is an int; 1 == 1.0; NaN != NaN). */
export function pyEquals(a: PyValue, b: PyValue): boolean {
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
      return a.v.length === bl.length && a.v.every((x, k) => pyEquals(x, bl[k]!));
    }
    case 'dict': {
      const bm = (b as { v: Map<string, PyValue> }).v;
      if (a.v.size !== bm.size) return false;
      for (const [k, x] of a.v) {
        const y = bm.get(k);
        if (y === undefined || !pyEquals(x, y)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}
