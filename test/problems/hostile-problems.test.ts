/**
 * Hostile problem files (issue 11): a ~950 KB base64 blob inflating to 700 MB, a 600 MB line (kept
 * small on disk as a multi-member gzip), invalid UTF-8, a HumanEval row whose `test` defines no
 * top-level `check`, a functional test whose expected output is not JSON. Each is a clear error
 * naming file, line and field: through `passk dataset check` (no stack trace, bounded RSS) and
 * through loadProblems, which `passk run` and `passk evaluate` load with.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync, gzipSync, constants } from 'node:zlib';
import { isPasskError } from '@passk/core';
import { loadProblems } from '@passk/problems';
import { jsonl, lcbRows, fnTest, stdinTest, tempDir } from './fixtures.js';
import { runPassk, runDirs } from '../helpers/passk.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
const driver = join(here, 'dataset-cli.ts');
const tmp = tempDir();
after(() => tmp.cleanup());

const MiB = 1 << 20;

/** `dataset check FILE` in a child under /usr/bin/time: output, exit code and peak RSS (bytes). */
function check(file: string): { err: string; out: string; code: number; rss: number } {
  const r = spawnSync('/usr/bin/time', ['-f', 'MAXRSS_KB=%M', process.execPath, '--import', 'tsx', driver, 'dataset', 'check', file], { encoding: 'utf8', cwd: repoRoot });
  const m = /MAXRSS_KB=(\d+)\s*$/.exec(r.stderr);
  assert.ok(m, r.stderr);
  const err = r.stderr.slice(0, m.index).replace(/Command exited with non-zero status \d+\n$/, '');
  return { out: r.stdout, err, code: r.status ?? -1, rss: Number(m[1]) * 1024 };
}

function adler32(buf: Buffer, a = 1, b = 0): [number, number] {
  for (const x of buf) {
    a = (a + x) % 65521;
    b = (b + a) % 65521;
  }
  return [a, b];
}

/**
 * A zlib stream of `prefix`, `zeroMiB` MiB of zero bytes, `suffix`, built without compressing the
 * zeros more than once: 1 MiB of zeros deflated with a sync flush is a byte-aligned run of
 * non-final blocks that only refers back to zeros, so repeating it is a valid stream.
 */
function zlibBomb(prefix: Buffer, zeroMiB: number, suffix: Buffer): Buffer {
  const sync = { level: 9, finishFlush: constants.Z_SYNC_FLUSH };
  const zeros = deflateRawSync(Buffer.alloc(MiB), sync);
  let [a, b] = adler32(prefix);
  b = (b + ((zeroMiB * MiB) % 65521) * a) % 65521; // zero bytes leave a unchanged
  [a, b] = adler32(suffix, a, b);
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32BE(((b << 16) | a) >>> 0);
  const parts = [Buffer.from([0x78, 0xda]), deflateRawSync(prefix, sync), ...Array<Buffer>(zeroMiB).fill(zeros), deflateRawSync(suffix, { level: 9 }), trailer];
  return Buffer.concat(parts);
}

/** A pickle (protocol 4) of one str of `mib` MiB of NUL characters, zlib-compressed, base64: ~950 KB for 700 MiB. */
function inflatingBlob(mib: number): string {
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(mib * MiB));
  return zlibBomb(Buffer.concat([Buffer.from([0x80, 0x04, 0x8d]), length]), mib, Buffer.from([0x94, 0x2e])).toString('base64');
}

async function rejects(promise: Promise<unknown>, expected: { message: RegExp; line: number; field: string }): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isPasskError(error, 'ERR_PROBLEM_INVALID'), `expected ERR_PROBLEM_INVALID, got ${String(error)}`);
    assert.match(error.message, expected.message);
    assert.equal(error.line, expected.line);
    assert.equal(error.field, expected.field);
    return true;
  });
}

const good = (id: string): Record<string, string> => lcbRows([{ id, privateTests: [stdinTest('1', '2')] }])[0]!;

describe('hostile problem files: clear errors, caps, bounded memory', () => {
  it('a ~950 KB base64 blob inflating to 700 MB: capped, file/line/field named, no stack trace', { timeout: 120_000 }, () => {
    const blob = inflatingBlob(700);
    assert.ok(blob.length < 1_000_000, `blob is ${blob.length} chars`);
    const file = tmp.write('bomb.jsonl', jsonl([good('a'), { ...good('b'), private_test_cases: blob }]));
    const r = check(file);
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err, new RegExp(`^passk: ERR_PROBLEM_INVALID: ${file}, line 2, field private_test_cases: inflates to more than the cap of \\d+ bytes .*\\n$`));
    assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
    assert.ok(r.rss < 900 * MiB, `peak RSS ${Math.round(r.rss / MiB)} MiB`);
    console.log(`# inflate bomb: peak RSS ${Math.round(r.rss / MiB)} MiB`);
  });

  it('a 600 MB line (gzip on disk): refused at the line cap with file and line, bounded RSS', { timeout: 120_000 }, () => {
    const member = gzipSync(Buffer.alloc(MiB, 0x61)); // gunzip reads concatenated members as one stream
    const file = tmp.write('long.jsonl.gz', Buffer.concat([gzipSync(Buffer.from(`${JSON.stringify(good('a'))}\n`)), ...Array<Buffer>(600).fill(member)]));
    const r = check(file);
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err, new RegExp(`^passk: ERR_PROBLEM_INVALID: ${file}, line 2, field \\(line\\): line longer than the cap of \\d+ bytes .*\\n$`));
    assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
    assert.ok(r.rss < 900 * MiB, `peak RSS ${Math.round(r.rss / MiB)} MiB`);
    console.log(`# 600 MB line: peak RSS ${Math.round(r.rss / MiB)} MiB`);
  });

  it('invalid UTF-8 is an error naming the line, never silently replaced', async () => {
    const row = Buffer.from(JSON.stringify({ ...good('b'), question_title: 'TITLE' }));
    const at = row.indexOf('TITLE');
    row[at] = 0xff;
    const file = tmp.write('utf8.jsonl', Buffer.concat([Buffer.from(jsonl([good('a')])), row, Buffer.from('\n')]));
    await rejects(loadProblems(file), { message: /line 2, field \(line\): not valid UTF-8/, line: 2, field: '(line)' });
  });

  it('a HumanEval row whose test defines no top-level check is refused (field test)', async () => {
    const row = (test: string) => ({ task_id: 'T/0', prompt: 'def f(x):\n', canonical_solution: '    return x\n', entry_point: 'f', test });
    for (const test of ['# def check(candidate): kept in a comment\nassert True\n', 'class T:\n    def check(candidate):\n        pass\n', 'def check_all(candidate):\n    pass\n']) {
      const file = tmp.write('he.jsonl', jsonl([row(test)]));
      await rejects(loadProblems(file), { message: /field test: must define `def check\(candidate\):` at top level/, line: 1, field: 'test' });
    }
    const file = tmp.write('he-ok.jsonl', jsonl([row('\n\nMETADATA = {}\n\n\ndef check(candidate):\n    assert candidate(1) == 1\n')]));
    assert.equal((await loadProblems(file)).problems.length, 1);
  });

  it('a functional test whose expected output is not JSON is refused (field named)', async () => {
    const rows = lcbRows([{ id: 'fn', funcName: 'f', publicTests: [fnTest('1\n2', '3')], privateTests: [fnTest('1\n2', '[1, 2'), fnTest('1', '4')] }]);
    const file = tmp.write('fn.jsonl', jsonl(rows));
    await rejects(loadProblems(file), { message: /field tests\[1\]\.output: the expected output of private test 0 of a functional problem is not valid JSON/, line: 1, field: 'tests[1].output' });
    const ok = lcbRows([{ id: 'fn', funcName: 'f', publicTests: [fnTest('1\n2', '3'), fnTest('1', 'Infinity'), fnTest('1', '"s"')] }]);
    assert.equal((await loadProblems(tmp.write('fn-ok.jsonl', jsonl(ok)))).problems.length, 1, 'Python json.loads barewords are accepted');
  });

  it('`passk run` and `passk evaluate` load with the same checks: the same clear error, no stack trace', { timeout: 120_000 }, async () => {
    const file = tmp.write('he-run.jsonl', jsonl([{ task_id: 'T/0', prompt: 'def f(x):\n', canonical_solution: '    return x\n', entry_point: 'f', test: '# def check(candidate): only in a comment\nassert True\n' }]));
    const expected = `${file}, line 1, field test: must define \`def check(candidate):\` at top level`;
    const run = await runPassk(['run', ...runDirs(tmp.dir, 'he'), '--backend', 'sim', '--problems', file]);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.ok(run.stderr.includes(`passk: ERR_PROBLEM_INVALID: ${expected}`), run.stderr);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
    const evaluate = await runPassk(['evaluate', '--problems', file, '--samples', join(tmp.dir, 'none.jsonl'), '--out', join(tmp.dir, 'out.jsonl')]);
    assert.equal(evaluate.code, 2, evaluate.stdout + evaluate.stderr);
    assert.ok(evaluate.stderr.includes(`passk: ERR_PROBLEM_INVALID: ${expected}`), evaluate.stderr);
    assert.doesNotMatch(evaluate.stderr, /\n\s+at /);
  });
});
