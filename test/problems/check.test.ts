import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsonl, lcbRows, fnTest, tempDir } from './fixtures.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
const driver = join(here, 'dataset-cli.ts');
const tmp = tempDir();
after(() => tmp.cleanup());

/** Run `dataset …` through yargs in a child process, as the CLI will: stdout, stderr, exit code. */
async function run(args: string[]): Promise<{ out: string; err: string; code: number }> {
  const r = spawnSync(process.execPath, ['--import', 'tsx', driver, ...args], { encoding: 'utf8', cwd: repoRoot });
  return { out: r.stdout, err: r.stderr, code: r.status ?? -1 };
}

const rows = lcbRows([
  { id: 'abc400_a', date: '2025-03-01T00:00:00', difficulty: 'easy' },
  { id: 'abc400_b', date: '2025-03-01T00:00:00', difficulty: 'hard' },
  { id: '3500', date: '2025-01-11T00:00:00', difficulty: 'medium', funcName: 'f', publicTests: [fnTest('1', '1')] },
  { id: 'abc311_c', date: '2023-07-22T00:00:00', difficulty: 'medium' },
]);

describe('passk dataset check', () => {
  it('prints counts by platform, difficulty, test type and release window', async () => {
    const file = tmp.write('ok.jsonl', jsonl(rows));
    const { out, err, code } = await run(['dataset', 'check', file]);
    assert.equal(code, 0, err);
    assert.equal(
      out,
      [
        `${file}: 4 problem(s), 4 public + 0 private test(s), 1 on the ERRATA list`,
        'contest dates: 2023-07-22 … 2025-03-01',
        'platform:',
        '  atcoder   3',
        '  leetcode  1',
        'difficulty:',
        '  easy    1',
        '  hard    1',
        '  medium  2',
        'test type:',
        '  functional  1',
        '  stdin       3',
        'release window:',
        '  v1  1',
        '  v5  1',
        '  v6  2',
        'ERRATA (loaded, flagged in results; --exclude-errata drops them):',
        '  abc311_c  several valid outputs, but only one is graded as correct',
        '',
      ].join('\n'),
    );
  });

  it('lists the ERRATA problems --exclude-errata dropped (only those the other filters kept)', async () => {
    const file = tmp.write('errata.jsonl', jsonl([...rows, ...lcbRows([{ id: 'abc350_c', date: '2024-04-13T00:00:00' }])]));
    const { out, err, code } = await run(['dataset', 'check', file, '--exclude-errata', '--start-date', '2024-01-01']);
    assert.equal(code, 0, err);
    const lines = out.split('\n');
    assert.equal(lines[0], `${file}: 3 problem(s), 3 public + 0 private test(s), 1 on the ERRATA list excluded`);
    assert.deepEqual(lines.slice(-3), ['ERRATA excluded (1):', '  abc350_c  bad tests', '']);
    assert.equal(err, "warning: excluded 1 problem(s) on LiveCodeBench's ERRATA list: abc350_c\n");
    const json = JSON.parse((await run(['dataset', 'check', file, '--json'])).out);
    assert.deepEqual(json.errataProblems.map((e: { id: string }) => e.id), ['abc311_c', 'abc350_c']);
    assert.deepEqual(json.errataExcluded, []);
  });

  it('applies filters and prints JSON', async () => {
    const file = tmp.write('ok2.jsonl', jsonl(rows));
    const { out, code } = await run(['dataset', 'check', file, '--platform', 'atcoder', '--exclude-errata', '--json']);
    assert.equal(code, 0);
    const parsed = JSON.parse(out);
    assert.equal(parsed.total, 2);
    assert.deepEqual(parsed.byDifficulty, { easy: 1, hard: 1 });
    assert.equal(parsed.skipped, 0);
  });

  it('exits 1 naming file, line and field on an invalid row; --skip-invalid counts instead', async () => {
    const bad = { ...rows[1]!, private_test_cases: 'bm90IHpsaWI=' };
    const file = tmp.write('bad.jsonl', jsonl([rows[0], bad, rows[2]]));
    const failed = await run(['dataset', 'check', file]);
    assert.equal(failed.code, 2);
    assert.equal(failed.out, '');
    assert.match(failed.err, new RegExp(`^passk: ERR_PROBLEM_INVALID: ${file}, line 2, field private_test_cases: base64 decoded but zlib failed .*\\n$`));
    const skipped = await run(['dataset', 'check', file, '--skip-invalid']);
    assert.equal(skipped.code, 0);
    assert.match(skipped.out, /2 problem\(s\), 2 public \+ 0 private test\(s\), 1 invalid row\(s\) skipped/);
    assert.match(skipped.err, /warning: skipped: .*line 2, field private_test_cases/);
    assert.match(skipped.err, /warning: skipped 1 invalid row\(s\)/);
  });

  it('--release with a spec that has no releases is an error (exit 2)', async () => {
    const r = await run(['dataset', 'check', 'demo', '--release', 'v6']);
    assert.equal(r.code, 2);
    assert.equal(r.out, '');
    assert.match(r.err, /^passk: ERR_BAD_OPTION: `--release v6` does not apply to `demo` .*\n$/);
  });

  it('accepts dataset specs (demo) and reports unknown ones', async () => {
    const demo = await run(['dataset', 'check', 'demo']);
    assert.equal(demo.code, 0);
    assert.match(demo.out, /^demo: 12 problem\(s\)/);
    const unknown = await run(['dataset', 'check', 'nope:v1']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /^passk: ERR_DATASET_UNKNOWN: .*neither a file nor a dataset spec/);
  });

  it('pull reports errors with a non-zero exit code', async () => {
    const { code, err } = await run(['dataset', 'pull', 'livecodebench', '--release', 'v9', '--dest', tmp.dir]);
    assert.equal(code, 2);
    assert.match(err, /unknown LiveCodeBench release `v9`/);
  });
});
