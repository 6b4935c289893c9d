/**
 * The comparison code a program's output reaches is linear, whatever the output's shape, and
 * runs off the event loop when big (issue 11): 30 MB of each shape that was quadratic (a run of
 * spaces inside a line, a digit run followed by a letter, a long run of inner zeros), 15 M
 * tokens or lines, a 64 MB frame header, a result nested 1,000,000 deep. Bounds are on the CPU
 * time of the call (generous: 2 s), never on wall time. The Decimal rule is checked against
 * CPython's own `decimal` on edge cases (real Python).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { compareStdout } from '../../packages/evaluator/src/compare/stdio.js';
import { parseDecimal, decimalEquals } from '../../packages/evaluator/src/compare/decimal.js';
import { parsePyJson, pyEquals, PyJsonTooLarge } from '../../packages/evaluator/src/compare/pyjson.js';
import { StdoutComparer } from '@passk/evaluator'; // built code: the worker thread runs dist/compare/stdio-worker.js
import { FrameReader } from '../../packages/evaluator/src/sandbox/protocol.js';

const MB30 = 30 * 1024 * 1024;
/** A flat string, as Buffer#toString gives the grader (String#repeat builds a rope). */
const flat = (s: string): string => Buffer.from(s).toString('utf8');

function cpuMs(f: () => void): number {
  const start = process.cpuUsage();
  f();
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

const shapes: [string, string, string][] = [
  ['a run of spaces inside a line', '1' + ' '.repeat(MB30) + 'x', '1 2'],
  ['a digit run followed by a letter', '1'.repeat(MB30) + 'a', '1'],
  ['a number with a long run of inner zeros', '1' + '0'.repeat(MB30) + '1', '2'],
  ['a number with a long run of trailing zeros', '1' + '0'.repeat(MB30), '2'],
  ['a point then a long run of zeros', '0.' + '0'.repeat(MB30) + '1', '1'],
  ['an exponent of 30 M digits', '1e' + '9'.repeat(MB30), '1'],
  ['15 M tokens against one', '1 '.repeat(MB30 / 2), '1'],
  ['15 M lines against one', '1\n'.repeat(MB30 / 2), '1'],
];
for (const [name, prediction, expected] of shapes) {
  test(`stdout comparison is linear: 30 MB with ${name} (< 2 s CPU)`, () => {
    const p = flat(prediction);
    let equal = true;
    const ms = cpuMs(() => (equal = compareStdout(p, expected).equal));
    assert.equal(equal, false);
    assert.ok(ms < 2000, `${ms} ms of CPU`);
  });
}

test('big outputs are compared in a worker thread: timers keep firing meanwhile', async () => {
  const comparer = new StdoutComparer();
  try {
    // the costliest shape there is: 15 M tokens, each equal as a Decimal but not as text
    const prediction = flat('1 '.repeat(MB30 / 4) + '2');
    const expected = flat('1.0 '.repeat(MB30 / 4) + '2.00');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const r = await comparer.compare(prediction, expected);
    clearInterval(timer);
    assert.equal(r.equal, true);
    assert.ok(ticks >= 2, `the event loop turned ${ticks} times while comparing`);
    assert.deepEqual(await comparer.compare('1\n', '1.0'), { equal: true, message: '' }); // small: inline
  } finally {
    await comparer.close();
  }
});

test('frame reader is linear: a 64 MB header line in 16 KB chunks (< 2 s CPU)', () => {
  const value = 'x'.repeat(64 * 1024 * 1024);
  const wire = Buffer.from(JSON.stringify({ value, stdout_bytes: 3 }) + '\nabc' + '{"stdout_bytes": 0}\n');
  const frames: [Record<string, unknown>, string][] = [];
  const reader = new FrameReader(
    (h) => Number(h.stdout_bytes),
    (h, body) => frames.push([h, body.toString()]),
  );
  const ms = cpuMs(() => {
    for (let i = 0; i < wire.length; i += 16 * 1024) reader.push(wire.subarray(i, i + 16 * 1024));
  });
  assert.equal(frames.length, 2);
  assert.equal((frames[0]![0].value as string).length, value.length);
  assert.equal(frames[0]![1], 'abc');
  assert.deepEqual(frames[1], [{ stdout_bytes: 0 }, '']);
  assert.ok(ms < 2000, `${ms} ms of CPU`);
});

test('frame reader: frames split anywhere, several per chunk', () => {
  const frames: string[] = [];
  const reader = new FrameReader(
    (h) => Number(h.n),
    (h, body) => frames.push(`${String(h.k)}:${body.toString()}`),
  );
  const wire = Buffer.from('{"n":2,"k":1}\nab{"n":0,"k":2}\n{"n":3,"k":3}\nxyz');
  for (const size of [1, 2, 5, wire.length]) {
    frames.length = 0;
    for (let i = 0; i < wire.length; i += size) reader.push(wire.subarray(i, i + size));
    assert.deepEqual(frames, ['1:ab', '2:', '3:xyz']);
  }
});

test('Python JSON: 1,000,000 deep is read and compared without recursion', () => {
  const deep = '['.repeat(1_000_000) + ']'.repeat(1_000_000);
  assert.equal(pyEquals(parsePyJson(deep), parsePyJson(deep)), true);
  assert.equal(pyEquals(parsePyJson(deep), parsePyJson('[]')), false);
  assert.equal(pyEquals(parsePyJson('{"a": [1, {"b": 2.0}]}'), parsePyJson('{"a": [true, {"b": 2}]}')), true);
});

test('Python JSON: a result with more values than the budget stops early; over 50,000 digits is refused', () => {
  const many = flat('[' + '1,'.repeat(MB30 / 2) + '1]');
  let error: unknown;
  const ms = cpuMs(() => {
    try {
      parsePyJson(many, 3);
    } catch (e) {
      error = e;
    }
  });
  assert.ok(error instanceof PyJsonTooLarge);
  assert.ok(ms < 200, `${ms} ms of CPU`);
  assert.equal(parsePyJson('9'.repeat(50_000)).t, 'int');
  assert.throws(() => parsePyJson('9'.repeat(50_001)), /more than 50000 digits/);
});

test('Decimal tokens: parsed and compared exactly as CPython does (real Python)', () => {
  const tokens = [
    '1', '1.0', '1.', '.5', '0.50', '+.5', '-0', '0', '0e5', '1e3', '1000', '1E+3', '1_000', '1__0', '_1',
    'inf', '-Infinity', 'infinity', 'Inf1', 'nan', 'NaN12', 'snan', '-nan', '.', 'e1', '.e1', '1e', '1e+', '1.5.2',
    '1e999999999999999999', '10e999999999999999998', '10e999999999999999999', '1e1000000000000000000', '0e999999999999999999',
    '0e1000000000000000000', '0.0e1000000000000000000', '1e-1999999999999999997', '1e-1999999999999999998',
    '0e-1999999999999999997', '0e-1999999999999999998', '1e0000000000000000000000000000001', '1e-99999999999999999999',
    '123456789012345678901234567890e-20', '1234567890.12345678901234567890', '0001.2300e+0002', '123', '١٢', '0x10', '1e1_0',
  ];
  const script = [
    'import json, sys',
    'from decimal import Decimal',
    'toks = json.loads(sys.stdin.read())',
    'def p(t):',
    '    try:',
    '        return Decimal(t)',
    '    except Exception:',
    '        return None',
    'ds = [p(t) for t in toks]',
    'eq = [[a is not None and b is not None and not a.is_nan() and not b.is_nan() and a == b for b in ds] for a in ds]',
    'print(json.dumps({"valid": [d is not None for d in ds], "eq": eq}))',
  ].join('\n');
  const out = JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(tokens) }).toString()) as { valid: boolean[]; eq: boolean[][] };
  const ds = tokens.map(parseDecimal);
  tokens.forEach((t, i) => {
    if (t === '١٢') return; // non-ASCII digits: documented difference (docs/grading.md)
    assert.equal(ds[i] !== null, out.valid[i], `valid(${t})`);
    tokens.forEach((u, j) => {
      if (u === '١٢') return;
      const mine = ds[i] !== null && ds[j] !== null && decimalEquals(ds[i]!, ds[j]!);
      assert.equal(mine, out.eq[i]![j], `${t} == ${u}`);
    });
  });
});

test('stdout rule: 3,000 random outputs judged as LiveCodeBench\'s rule judges them in CPython', () => {
  const tokens = ['1', '1.0', '01', '-0', '0', '1e1', '10', 'nan', 'inf', '1_0', 'x', '.5', '0.50', '1.', 'a1', '2'];
  const seps = [' ', '  ', '\t', '\u00a0', '\u2003', '\u3000', '\x1c', '\n', '\r\n', '\v', '\x85', '\u2028', '\n\n', ' \n '];
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const output = (): string => {
    let s = rand(3) === 0 ? seps[rand(seps.length)]! : '';
    for (let k = rand(6); k >= 0; k--) s += tokens[rand(tokens.length)]! + seps[rand(seps.length)]!;
    return s;
  };
  const pairs: [string, string][] = [];
  for (let k = 0; k < 3000; k++) {
    const a = output();
    // half the time a variant of the same output, so that equal verdicts are frequent too
    pairs.push([a, rand(2) ? output() : a.replace(/1\.0|0\.50/g, (m) => (m === '1.0' ? '1' : '.5')).replaceAll(' ', '\t')]);
  }
  const script = [
    'import json, sys',
    'from decimal import Decimal',
    'def lines(v):',
    '    return [l.strip() for l in v.strip().split("\\n")]',
    'def decimals(line):',
    '    try:',
    '        return [Decimal(e) for e in line.split()]',
    '    except Exception:',
    '        return None',
    'def equal(p, g):',
    '    P, G = lines(p), lines(g)',
    '    if len(P) != len(G):',
    '        return False',
    '    for a, b in zip(P, G):',
    '        if a == b:',
    '            continue',
    '        da, db = decimals(a), decimals(b)',
    '        if da is None or db is None or da != db:',
    '            return False',
    '    return True',
    'print(json.dumps([equal(p, g) for p, g in json.loads(sys.stdin.read())]))',
  ].join('\n');
  const want = JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(pairs) }).toString()) as boolean[];
  let equalCount = 0;
  pairs.forEach(([p, g], k) => {
    assert.equal(compareStdout(p, g).equal, want[k], `${JSON.stringify(p)} vs ${JSON.stringify(g)}`);
    if (want[k]) equalCount++;
  });
  assert.ok(equalCount > 300, `${equalCount} equal pairs`);
});
