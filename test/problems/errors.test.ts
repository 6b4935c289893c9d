import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { isPasskError } from '@passk/core';
import { loadProblems, unpickleString } from '@passk/problems';
import { jsonl, lcbRows, pickleExpr, stdinTest, tempDir } from './fixtures.js';

const tmp = tempDir();
after(() => tmp.cleanup());

async function rejects(promise: Promise<unknown>, expected: { code: string; message: string | RegExp; line?: number; field?: string }): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isPasskError(error), `expected a PasskError, got ${String(error)}`);
    assert.equal(error.code, expected.code, error.message);
    if (typeof expected.message === 'string') assert.equal(error.message, expected.message);
    else assert.match(error.message, expected.message);
    if (expected.line !== undefined) assert.equal(error.line, expected.line);
    if (expected.field !== undefined) assert.equal(error.field, expected.field);
    return true;
  });
}

const good = (id: string): Record<string, string> => lcbRows([{ id, privateTests: [stdinTest('1', '2')] }])[0]!;
const blob = (payload: Buffer): string => deflateSync(payload).toString('base64');

describe('invalid rows name the file, line and field', () => {
  it('malformed JSON line', async () => {
    const file = tmp.write('malformed.jsonl', jsonl([good('a'), '{"question_id": "b", oops}', good('c')]));
    await rejects(loadProblems(file), { code: 'ERR_PROBLEM_INVALID', message: new RegExp(`^${file}, line 2, field \\(line\\): not valid JSON \\(`), line: 2 });
  });

  it('a row that is not an object, and an unknown row format', async () => {
    const arr = tmp.write('array.jsonl', jsonl([good('a'), '[1, 2]']));
    await rejects(loadProblems(arr), { code: 'ERR_PROBLEM_INVALID', message: `${arr}, line 2, field (line): expected a JSON object` });
    const unknown = tmp.write('unknown.jsonl', jsonl([{ name: 'x' }]));
    await rejects(loadProblems(unknown), { code: 'ERR_PROBLEM_INVALID', message: /^.*, line 1, field \(line\): unknown row format: expected LiveCodeBench/ });
  });

  it('missing field and wrongly typed field', async () => {
    const missing = good('b');
    delete (missing as Record<string, unknown>).question_content;
    const file = tmp.write('missing.jsonl', jsonl([good('a'), '', missing]));
    await rejects(loadProblems(file), { code: 'ERR_PROBLEM_INVALID', message: `${file}, line 3, field question_content: missing` });
    const typed = { ...good('b'), difficulty: 3 };
    const file2 = tmp.write('typed.jsonl', jsonl([typed]));
    await rejects(loadProblems(file2), { code: 'ERR_PROBLEM_INVALID', message: `${file2}, line 1, field difficulty: must be a string, got number` });
  });

  it('bad test lists and metadata', async () => {
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ public_test_cases: '{"input": "1"}' }, 'public_test_cases', /expected a JSON list of test cases, got object/],
      [{ public_test_cases: '[{"input": "1", "testtype": "stdin"}]' }, 'public_test_cases[0].output', /output must be a string, got undefined/],
      [{ public_test_cases: '[{"input": "1", "output": "2", "testtype": "x"}]' }, 'public_test_cases[0].testtype', /testtype must be/],
      [{ metadata: '{"func_name": 3}' }, 'metadata.func_name', /non-empty string/],
      [{ metadata: 'nope' }, 'metadata', /not valid JSON/],
      [{ public_test_cases: '[{"input": "1", "output": "2", "testtype": "functional"}]' }, 'public_test_cases[0].testtype', /needs metadata\.func_name/],
      [{ contest_date: 'yesterday' }, 'contest_date', /not an ISO date/],
      [{ question_id: '' }, 'question_id', /must not be empty/],
    ];
    for (const [patch, field, message] of cases) {
      const file = tmp.write('bad.jsonl', jsonl([{ ...good('a'), ...patch }]));
      await rejects(loadProblems(file), { code: 'ERR_PROBLEM_INVALID', message, line: 1, field });
    }
  });

  it('undecodable private-test blobs', async () => {
    const cases: [string, RegExp][] = [
      ['not base64 at all!', /field private_test_cases: neither JSON nor base64/],
      ['', /field private_test_cases: empty/],
      [Buffer.from('plain bytes, not zlib').toString('base64'), /field private_test_cases: base64 decoded but zlib failed/],
      [blob(Buffer.from([0x80, 0x04, 0x8c, 0x05, 0x61])), /field private_test_cases: pickle truncated/],
      [blob(Buffer.from([0x80, 0x04, 0x8c, 0x01, 0x61, 0x94])), /field private_test_cases: pickle truncated: no STOP/],
      [pickleExpr('"[not json"'), /field private_test_cases: not valid JSON/],
      [pickleExpr('"{}"'), /field private_test_cases: expected a JSON list of test cases/],
    ];
    for (const [value, message] of cases) {
      const file = tmp.write('blob.jsonl', jsonl([{ ...good('a'), private_test_cases: value }]));
      await rejects(loadProblems(file), { code: 'ERR_PROBLEM_INVALID', message, line: 1 });
    }
  });

  it('unsupported pickle opcodes are ERR_PICKLE_UNSUPPORTED naming the opcode', async () => {
    const cases: [string, RegExp][] = [
      [pickleExpr('[{"input": "1", "output": "2", "testtype": "stdin"}]'), /pickle opcode EMPTY_LIST at byte 11 is not supported/],
      [pickleExpr('collections.OrderedDict()'), /pickle opcode (SHORT_BINUNICODE after the string|STACK_GLOBAL)/],
      [pickleExpr('b"bytes"'), /pickle opcode SHORT_BINBYTES/],
      [pickleExpr('("a", "b")', 2), /pickle opcode (BINUNICODE after the string|TUPLE2|0x86)/],
      [blob(Buffer.from('cos\nsystem\n(S"echo hi"\ntR.', 'latin1')), /pickle opcode GLOBAL at byte 0/],
      [blob(Buffer.from([0x80, 0x06, 0x2e])), /pickle protocol 6 is newer than 5/],
    ];
    for (const [value, message] of cases) {
      const file = tmp.write('opcode.jsonl', jsonl([good('ok'), { ...good('a'), private_test_cases: value }]));
      await rejects(loadProblems(file), { code: 'ERR_PICKLE_UNSUPPORTED', message, line: 2, field: 'private_test_cases' });
    }
  });

  it('unpickleString never executes anything: a GLOBAL/REDUCE payload is refused', () => {
    assert.throws(() => unpickleString(Buffer.from('cos\nsystem\n(S"touch /tmp/pwned"\ntR.', 'latin1'), { file: 'f', line: 1, field: 'private_test_cases' }), {
      message: /^f, line 1, field private_test_cases: pickle opcode GLOBAL/,
    });
  });

  it('duplicate ids', async () => {
    const file = tmp.write('dupes.jsonl', jsonl([good('a'), good('b'), good('a')]));
    await rejects(loadProblems(file), { code: 'ERR_PROBLEM_INVALID', message: `${file}, line 3, field question_id: duplicate id \`a\` (first seen at ${file}, line 1)` });
  });
});

describe('--skip-invalid', () => {
  it('skips bad rows with a warning each and a count', async () => {
    const missing = good('m');
    delete (missing as Record<string, unknown>).metadata;
    const file = tmp.write(
      'mixed-bad.jsonl',
      jsonl([good('a'), 'garbage', missing, { ...good('p'), private_test_cases: pickleExpr('[1]') }, good('a'), good('b')]),
    );
    const seen: string[] = [];
    const result = await loadProblems(file, { skipInvalid: true, onWarning: (w) => seen.push(w) });
    assert.deepEqual(result.problems.map((p) => p.id), ['a', 'b']);
    assert.equal(result.skipped, 4);
    assert.deepEqual(result.warnings, seen);
    assert.equal(result.warnings.length, 5);
    assert.match(result.warnings[0]!, /^skipped: .*line 2, field \(line\): not valid JSON/);
    assert.match(result.warnings[1]!, /line 3, field metadata: missing/);
    assert.match(result.warnings[2]!, /line 4, field private_test_cases: pickle opcode EMPTY_LIST/);
    assert.match(result.warnings[3]!, /line 5, field question_id: duplicate id `a`/);
    assert.equal(result.warnings[4], 'skipped 4 invalid row(s)');
  });

  it('does not hide non-row errors', async () => {
    await assert.rejects(loadProblems('livecodebench:v9', { skipInvalid: true }), /unknown LiveCodeBench release/);
  });
});
