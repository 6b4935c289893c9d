/** Pure comparison rules: LCB stdin rule with exact Decimals, Python == on JSON, pass@k, dedup keys. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareStdout, parseDecimal, decimalEquals, parsePyJson, pyEquals, passAtK, meanPassAtK, normaliseProgram, programKey } from '@passk/evaluator';
import { stdinProblem } from './helpers.js';

const eq = (a: string, b: string): boolean => compareStdout(a, b).equal;

test('stdin rule: outer whitespace and per-line strip are ignored, case is not', () => {
  assert.ok(eq('  1 2 3  \n\n', '1 2 3'));
  assert.ok(eq('a\r\nb\r\n', 'a\nb'));
  assert.ok(!eq('yes', 'Yes'));
});

test('stdin rule: an extra blank line between lines is a wrong answer; line counts must match', () => {
  assert.ok(!eq('1\n\n2', '1\n2'));
  assert.match(compareStdout('1\n2\n3', '1\n2').message, /mismatched output length/);
});

test('stdin rule: inner whitespace only ignored when every token is a Decimal', () => {
  assert.ok(eq('1  2   3', '1 2 3'));
  assert.ok(!eq('a  b', 'a b'));
});

test('stdin rule: exact Decimal equality, no tolerance', () => {
  assert.ok(eq('0.5', '0.50'));
  assert.ok(eq('1e3', '1000'));
  assert.ok(eq('-0', '0'));
  assert.ok(eq('1_000', '1000'));
  assert.ok(!eq('0.3333333333333333', '0.3333333333'));
  assert.ok(!eq('50000000000000000', '50000000000000001'));
  assert.ok(eq('123456789012345678901234567890', '123456789012345678901234567890.000'));
  assert.ok(!eq('nan', 'nan'.toUpperCase()), 'NaN never equals (not even itself, after the string compare fails)');
  assert.ok(eq('Infinity', 'inf'));
  assert.match(compareStdout('1 2', '1 3').message, /output_line_idx=0/);
});

test('Decimal parser follows Python syntax', () => {
  for (const ok of ['5.', '.5', '+.5', '1E+05', 'sNaN12', '-Infinity', '1e_5', '_1']) assert.ok(parseDecimal(ok), ok);
  for (const bad of ['0x10', '1e', 'e5', '.', '+-1', '']) assert.equal(parseDecimal(bad), null, bad);
  assert.ok(decimalEquals(parseDecimal('1.10')!, parseDecimal('1.1')!));
});

test('Python == on JSON: ints exact, 1 == 1.0 == true, NaN != NaN, dict order ignored', () => {
  const e = (a: string, b: string): boolean => pyEquals(parsePyJson(a), parsePyJson(b));
  assert.ok(e('[1, 2]', '[1.0, 2]'));
  assert.ok(e('true', '1'));
  assert.ok(!e('9007199254740993', '9007199254740992'));
  assert.ok(e('1e18', '1000000000000000000'));
  assert.ok(!e('NaN', 'NaN'));
  assert.ok(e('{"a": 1, "b": [2]}', '{"b": [2], "a": 1}'));
  assert.ok(!e('"1"', '1'));
  assert.ok(!e('null', '0'));
  assert.ok(!e('[1]', '[[1]]'));
  assert.ok(e('{"a": 1, "a": 2}', '{"a": 2}'), 'duplicate keys: last wins, as json.loads');
});

test('pass@k: unbiased estimator, stable product form, k reported only when every n >= k', () => {
  assert.equal(passAtK(10, 0, 1), 0);
  assert.equal(passAtK(10, 10, 1), 1);
  assert.ok(Math.abs(passAtK(10, 3, 1) - 0.3) < 1e-12);
  assert.ok(Math.abs(passAtK(10, 1, 5) - 0.5) < 1e-12);
  assert.equal(passAtK(10_000, 9_999, 100), 1);
  assert.ok(passAtK(10_000, 1, 100) > 0 && passAtK(10_000, 1, 100) < 1);
  assert.deepEqual(Object.keys(meanPassAtK([{ n: 10, c: 5 }, { n: 5, c: 0 }], [1, 5, 10])), ['pass@1', 'pass@5']);
});

test('dedup normalisation: line endings and trailing whitespace only', () => {
  assert.equal(normaliseProgram('a = 1\r\nprint(a)\r\n\n  '), 'a = 1\nprint(a)');
  const p = stdinProblem([['1', '1']]);
  assert.equal(programKey(p, 'x=1\r\n'), programKey(p, 'x=1'));
  assert.notEqual(programKey(p, 'x = 1'), programKey(p, 'x=1'));
  assert.notEqual(programKey(p, 'x=1', 'cpu=1'), programKey(p, 'x=1', 'cpu=2'));
  assert.notEqual(programKey(stdinProblem([['1', '2']]), 'x=1'), programKey(p, 'x=1'));
});
