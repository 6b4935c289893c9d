import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { isPasskError } from '@passk/core';
import { loadProblems, streamProblems, newStats } from '@passk/problems';
import { fnTest, jsonl, lcbRows, stdinTest, tempDir } from './fixtures.js';

const tmp = tempDir();
after(() => tmp.cleanup());

async function rejects(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isPasskError(error), `expected a PasskError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, message);
    return true;
  });
}

describe('LiveCodeBench rows in both encodings', () => {
  const big = Array.from({ length: 3000 }, (_, i) => stdinTest(`${i}\n${'x'.repeat(20)}`, `${i * 7}\n`));
  let file: string;
  before(() => {
    const rows = lcbRows([
      { id: 'abc001_a', privateTests: [stdinTest('5\n', '25\n')] },
      { id: '3001', funcName: 'addTwo', title: 'Add Two', publicTests: [fnTest('1\n2', '3')], privateTests: [fnTest('[1, 2]\n"é✓"', '"ok"')], pickle: 4 },
      { id: 'abc002_b', privateTests: [stdinTest('héllo ✓ 😀\n', 'x\n')], pickle: 0 },
      { id: 'abc003_c', privateTests: [stdinTest('a', 'b')], pickle: 1 },
      { id: 'abc004_d', privateTests: [stdinTest('a', 'b'), stdinTest('c', 'd')], pickle: 2 },
      { id: 'abc005_e', privateTests: [stdinTest('a', 'b')], pickle: 3 },
      { id: 'abc006_f', privateTests: big, pickle: 5 },
      { id: 'abc007_g', privateTests: [], pickle: 4 },
    ]);
    file = tmp.write('mixed.jsonl', jsonl(rows));
  });

  it('decodes every field, public tests first then private', async () => {
    const { problems, skipped, warnings } = await loadProblems(file);
    assert.equal(skipped, 0);
    assert.deepEqual(warnings, []);
    assert.deepEqual(problems.map((p) => p.id), ['abc001_a', '3001', 'abc002_b', 'abc003_c', 'abc004_d', 'abc005_e', 'abc006_f', 'abc007_g']);
    const [plain, fn] = problems;
    assert.deepEqual(plain, {
      id: 'abc001_a',
      title: 'Title abc001_a',
      kind: 'stdin',
      content: 'Statement of abc001_a',
      starter_code: '',
      tests: [{ input: '1\n2', output: '3' }, { input: '5\n', output: '25\n' }],
      public_test_count: 1,
      platform: 'atcoder',
      difficulty: 'easy',
      contest_date: '2025-02-15T00:00:00',
      contest_id: 'c1',
      source: { dataset: 'livecodebench', file, line: 1 },
    });
    assert.equal(fn!.kind, 'functional');
    assert.equal(fn!.func_name, 'addTwo');
    assert.equal(fn!.title, 'Add Two');
    assert.match(fn!.starter_code, /^class Solution:\n {4}def addTwo\(self/);
    assert.deepEqual(fn!.tests, [{ input: '1\n2', output: '3' }, { input: '[1, 2]\n"é✓"', output: '"ok"' }]);
    assert.equal(fn!.platform, 'leetcode');
  });

  it('carries contest_id through; an empty one is left out', async () => {
    const f = tmp.write('contest.jsonl', jsonl(lcbRows([{ id: 'abc400_a', contestId: 'abc400' }, { id: 'abc400_b', contestId: '' }])));
    const { problems } = await loadProblems(f);
    assert.deepEqual(problems.map((p) => p.contest_id), ['abc400', undefined]);
    assert.ok(!('contest_id' in problems[1]!));
  });

  it('reads pickles of protocols 0–5, non-ASCII text, >64 KiB strings and empty lists', async () => {
    const { problems } = await loadProblems(file);
    const byId = new Map(problems.map((p) => [p.id, p]));
    assert.equal(byId.get('abc002_b')!.tests[1]!.input, 'héllo ✓ 😀\n');
    assert.equal(byId.get('abc004_d')!.tests.length, 3);
    assert.equal(byId.get('abc006_f')!.tests.length, 1 + big.length);
    assert.deepEqual(byId.get('abc006_f')!.tests[3000], { input: '2999\nxxxxxxxxxxxxxxxxxxxx', output: `${2999 * 7}\n` });
    assert.equal(byId.get('abc007_g')!.tests.length, 1);
  });

  it('streams problems one at a time', async () => {
    const stats = newStats();
    const ids: string[] = [];
    for await (const p of streamProblems(file, {}, stats)) ids.push(p.id);
    assert.equal(ids.length, 8);
    assert.equal(stats.skipped, 0);
  });
});

describe('release selection', () => {
  const cache = join(tmp.dir, 'cache');
  const lcbDir = join(cache, 'livecodebench');
  const dates = ['2023-06-01', '2024-04-10', '2024-06-20', '2024-08-05', '2024-11-30', '2025-03-01'];
  before(() => {
    mkdirSync(lcbDir, { recursive: true });
    ['test.jsonl', 'test2.jsonl', 'test3.jsonl', 'test4.jsonl', 'test5.jsonl', 'test6.jsonl'].forEach((name, i) => {
      const rows = lcbRows([
        { id: `v${i + 1}a`, date: `${dates[i]}T00:00:00`, privateTests: [stdinTest('1', '1')], pickle: 4 },
        { id: `v${i + 1}b`, date: `${dates[i]}T00:00:00`, funcName: 'f', publicTests: [fnTest('1', '1')] },
      ]);
      tmp.write(join('cache', 'livecodebench', name), jsonl(rows));
    });
  });
  const ids = async (spec: string, options = {}): Promise<string[]> =>
    (await loadProblems(spec, { cacheDir: cache, ...options })).problems.map((p) => p.id);

  it('vN is one increment; release_vN is cumulative; vA_vB a range; latest is all', async () => {
    assert.deepEqual(await ids('livecodebench:v6'), ['v6a', 'v6b']);
    assert.deepEqual(await ids('livecodebench:release_v2'), ['v1a', 'v1b', 'v2a', 'v2b']);
    assert.deepEqual(await ids('livecodebench:v4_v5'), ['v4a', 'v4b', 'v5a', 'v5b']);
    assert.equal((await ids('livecodebench:release_latest')).length, 12);
    assert.equal((await ids('livecodebench')).length, 12);
    assert.deepEqual(await ids('livecodebench', { release: 'v3' }), ['v3a', 'v3b']);
    assert.deepEqual(await ids('lcb:v1'), ['v1a', 'v1b']);
  });

  it('a directory and a testN.jsonl file select by file name', async () => {
    assert.deepEqual(await ids(lcbDir, { release: 'release_v1' }), ['v1a', 'v1b']);
    assert.equal((await ids(lcbDir)).length, 12);
    assert.deepEqual(await ids(join(lcbDir, 'test6.jsonl'), { release: 'v6' }), ['v6a', 'v6b']);
    assert.deepEqual(await ids(join(lcbDir, 'test6.jsonl'), { release: 'v5' }), []);
  });

  it('another file name selects by contest-date window, with a warning', async () => {
    const all = tmp.write('all.jsonl', jsonl(lcbRows(dates.map((d, i) => ({ id: `w${i + 1}`, date: `${d}T00:00:00` })))));
    const result = await loadProblems(all, { release: 'v5_v6' });
    assert.deepEqual(result.problems.map((p) => p.id), ['w5', 'w6']);
    assert.match(result.warnings[0]!, /contest-date window/);
  });

  it('--release where it cannot select anything is an error, never ignored', async () => {
    const notApplicable = /^`--release v6` does not apply to `(demo|humaneval)` \((demo|humaneval) has no LiveCodeBench releases\); --release selects LiveCodeBench releases/;
    await rejects(loadProblems('demo', { release: 'v6' }), 'ERR_BAD_OPTION', notApplicable);
    // Before the cache is looked at: the option is wrong whatever is installed.
    await rejects(loadProblems('humaneval', { release: 'v6', cacheDir: join(tmp.dir, 'empty') }), 'ERR_BAD_OPTION', notApplicable);
    await rejects(ids('livecodebench:v6', { release: 'v5' }), 'ERR_BAD_OPTION', /^`--release v5` conflicts with the release in `livecodebench:v6`; give the release once$/);
    // The same increments spelled twice are not a conflict.
    assert.deepEqual(await ids('livecodebench:v6', { release: 'v6_v6' }), ['v6a', 'v6b']);
    const he = tmp.write(
      'he.jsonl',
      jsonl([{ task_id: 'HumanEval/0', prompt: 'def f():\n', canonical_solution: '    return 1\n', test: 'def check(candidate):\n    assert candidate() == 1\n', entry_point: 'f' }]),
    );
    await rejects(loadProblems(he, { release: 'v6' }), 'ERR_BAD_OPTION', /^`--release v6` does not apply to `.*he\.jsonl` \(its rows are humaneval, which has no LiveCodeBench releases\)/);
    // Without --release the same file loads.
    assert.equal((await loadProblems(he)).problems.length, 1);
  });

  it('unknown releases and missing files are clear errors', async () => {
    await rejects(ids('livecodebench:v7'), 'ERR_DATASET_UNKNOWN', /unknown LiveCodeBench release `v7`/);
    await rejects(ids('livecodebench:v6_v2'), 'ERR_DATASET_UNKNOWN', /unknown LiveCodeBench release/);
    await rejects(loadProblems('livecodebench:v6', { cacheDir: join(tmp.dir, 'empty') }), 'ERR_DATASET_UNKNOWN', /test6\.jsonl not found .*passk dataset pull livecodebench/);
    await rejects(loadProblems('no/such/file.jsonl'), 'ERR_DATASET_UNKNOWN', /neither a file nor a dataset spec/);
    await rejects(loadProblems('humaneval', { cacheDir: join(tmp.dir, 'empty') }), 'ERR_DATASET_UNKNOWN', /passk dataset pull humaneval/);
  });
});

describe('filters', () => {
  let file: string;
  before(() => {
    file = tmp.write(
      'filters.jsonl',
      jsonl(
        lcbRows([
          { id: 'a1', date: '2025-01-31T00:00:00', difficulty: 'easy' },
          { id: 'a2', date: '2025-02-01T00:00:00', difficulty: 'medium' },
          { id: 'l1', date: '2025-03-15T12:30:00', difficulty: 'hard', funcName: 'f', publicTests: [fnTest('1', '1')] },
          { id: 'a3', date: '2025-04-30T23:59:59', difficulty: 'hard', platform: 'codeforces' },
          { id: 'a4', date: '2025-05-01T00:00:00', difficulty: 'Medium' },
        ]),
      ),
    );
  });
  const ids = async (options: object): Promise<string[]> => (await loadProblems(file, options)).problems.map((p) => p.id);

  it('dates are inclusive on contest_date (whole days for bare dates)', async () => {
    assert.deepEqual(await ids({ startDate: '2025-02-01', endDate: '2025-04-30' }), ['a2', 'l1', 'a3']);
    assert.deepEqual(await ids({ startDate: '2025-03-15' }), ['l1', 'a3', 'a4']);
    assert.deepEqual(await ids({ endDate: '2025-01-31' }), ['a1']);
    assert.deepEqual(await ids({ startDate: '2025-03-15T12:30:01' }), ['a3', 'a4']);
  });

  it('platform and difficulty are case-insensitive lists', async () => {
    assert.deepEqual(await ids({ platform: 'leetcode' }), ['l1']);
    assert.deepEqual(await ids({ platform: 'AtCoder,codeforces' }), ['a1', 'a2', 'a3', 'a4']);
    assert.deepEqual(await ids({ difficulty: 'medium' }), ['a2', 'a4']);
    assert.deepEqual(await ids({ difficulty: 'hard', platform: 'atcoder' }), []);
    assert.deepEqual(await ids({ difficulty: 'hard', startDate: '2025-04-01' }), ['a3']);
  });

  it('a malformed date is ERR_BAD_OPTION', async () => {
    await rejects(ids({ startDate: '01/02/2025' }), 'ERR_BAD_OPTION', /--start-date must be an ISO date/);
  });
});

describe('ERRATA', () => {
  it('flags by question_id and by LeetCode title slug; excludeErrata drops them', async () => {
    const file = tmp.write(
      'errata.jsonl',
      jsonl(
        lcbRows([
          { id: 'abc311_c' },
          { id: '2951', title: 'Find the Peaks', funcName: 'findPeaks', publicTests: [fnTest('[1]', '[]')] },
          { id: 'abc999_z', title: 'Find the Peaks' },
          { id: 'abc337_e' },
          { id: 'ok1' },
        ]),
      ),
    );
    const { problems } = await loadProblems(file);
    assert.deepEqual(
      problems.map((p) => [p.id, p.errata]),
      [
        ['abc311_c', 'several valid outputs, but only one is graded as correct'],
        ['2951', 'several valid outputs, but only one is graded as correct'],
        ['abc999_z', undefined],
        ['abc337_e', 'interactive problem (unsolvable here)'],
        ['ok1', undefined],
      ],
    );
    const excluded = await loadProblems(file, { excludeErrata: true });
    assert.deepEqual(excluded.problems.map((p) => p.id), ['abc999_z', 'ok1']);
    assert.deepEqual(excluded.warnings, ["excluded 3 problem(s) on LiveCodeBench's ERRATA list: abc311_c, 2951, abc337_e"]);
    assert.deepEqual(excluded.errataExcluded.map((e) => [e.id, e.reason]), [
      ['abc311_c', 'several valid outputs, but only one is graded as correct'],
      ['2951', 'several valid outputs, but only one is graded as correct'],
      ['abc337_e', 'interactive problem (unsolvable here)'],
    ]);
    assert.equal(excluded.filtered, 3);
  });

  it('counts as excluded only the ERRATA problems the other filters kept', async () => {
    const file = tmp.write(
      'errata2.jsonl',
      jsonl(
        lcbRows([
          { id: 'abc311_c', difficulty: 'hard' },
          { id: '2951', title: 'Find the Peaks', funcName: 'findPeaks', publicTests: [fnTest('[1]', '[]')], difficulty: 'easy' },
          { id: 'abc337_e', difficulty: 'easy', date: '2024-01-20T00:00:00' },
          { id: 'ok1', difficulty: 'easy' },
        ]),
      ),
    );
    // abc311_c is hard and abc337_e before the start date: the other filters drop them, not --exclude-errata.
    const r = await loadProblems(file, { excludeErrata: true, difficulty: 'easy', startDate: '2025-01-01' });
    assert.deepEqual(r.problems.map((p) => p.id), ['ok1']);
    assert.deepEqual(r.warnings, ["excluded 1 problem(s) on LiveCodeBench's ERRATA list: 2951"]);
    assert.deepEqual(r.errataExcluded.map((e) => e.id), ['2951']);
    assert.equal(r.filtered, 3);
    // Nothing on the list survives the other filters: no exclusion warning at all.
    const none = await loadProblems(file, { excludeErrata: true, difficulty: 'hard', platform: 'leetcode' });
    assert.deepEqual(none.problems, []);
    assert.deepEqual(none.warnings, []);
  });
});
