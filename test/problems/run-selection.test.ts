/**
 * `passk run` takes the problem-set selection flags of `passk dataset check`, records the
 * selection in plan.json, refuses to resume under another one (naming each differing flag), and
 * refuses --release where it selects nothing. Real CLI processes, sim backend.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import { loadProblems } from '@passk/problems';
import { runPassk, runDirs, readJson } from '../helpers/passk.js';
import { tempDir } from './fixtures.js';

const tmp = tempDir('passk-run-selection-');
after(() => tmp.cleanup());

const SIM = ['--backend', 'sim', '--n', '2', '--shard-size', '2', '--temperatures', '0.5', '--gpus', '1', '--evaluators', '1', '--sim-tps', '0', '--progress-interval', '1'];
const dirs = (run: string) => runDirs(tmp.dir, run);
const planFile = (run: string) => path.join(tmp.dir, 'results', run, 'plan.json');

describe('passk run: problem-set selection', () => {
  const selection = ['--problems', 'demo', '--difficulty', 'Medium,easy', '--start-date', '2025-02-01', '--end', '3'];
  let first: Awaited<ReturnType<typeof runPassk>>;
  before(async () => {
    first = await runPassk(['run', ...dirs('sel'), ...SIM, ...selection]);
  });

  it('loads with the same semantics as `dataset check` and records the selection in plan.json', async () => {
    assert.equal(first.code, 0, first.stderr);
    const plan = await readJson(planFile('sel'));
    assert.deepEqual(plan.selection, {
      release: null,
      start_date: '2025-02-01',
      end_date: null,
      platform: null,
      difficulty: 'easy,medium',
      exclude_errata: false,
      skip_invalid: false,
    });
    const expected = (await loadProblems('demo', { difficulty: 'Medium,easy', startDate: '2025-02-01' })).problems.slice(0, 3);
    assert.ok(expected.every((p) => ['easy', 'medium'].includes(p.difficulty!) && p.contest_date! >= '2025-02-01'));
    assert.deepEqual(plan.questions.map((q: { id: string }) => q.id), expected.map((p) => p.id));
  });

  it('resumes under the same selection spelled differently', async () => {
    const again = await runPassk(['run', ...dirs('sel'), ...SIM, '--problems', 'demo', '--difficulty', 'EASY, medium', '--start-date', '2025-02-01', '--end', '3']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /resuming run sel/);
  });

  it('refuses to resume under another selection, naming each differing flag', async () => {
    const before = await readFile(planFile('sel'), 'utf8');
    // Same questions (demo has no ERRATA problem), different selection: only the flag differs.
    const errata = await runPassk(['run', ...dirs('sel'), ...SIM, ...selection, '--exclude-errata']);
    assert.equal(errata.code, 2);
    assert.match(errata.stderr, /^passk: ERR_PLAN_MISMATCH: .*plan\.json: run `sel` exists with a different plan \(selection\.exclude_errata: was false, now true\)\. Use another --run name/m);
    const other = await runPassk(['run', ...dirs('sel'), ...SIM, '--problems', 'demo', '--difficulty', 'easy', '--end', '3']);
    assert.equal(other.code, 2);
    assert.match(other.stderr, /selection\.start_date: was "2025-02-01", now null; selection\.difficulty: was "easy,medium", now "easy"/);
    assert.equal(await readFile(planFile('sel'), 'utf8'), before, 'plan.json untouched');
  });

  it('a plan written before selections were recorded counts as one without selection flags', async () => {
    const plan = await readJson(planFile('sel'));
    delete plan.selection;
    await writeFile(planFile('sel'), JSON.stringify(plan, null, 2));
    const r = await runPassk(['run', ...dirs('sel'), ...SIM, ...selection]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /\(selection\.start_date: was null, now "2025-02-01"; selection\.difficulty: was null, now "easy,medium"\)/);
  });

  it('--release where it selects nothing is an error, and no plan is written', async () => {
    const demo = await runPassk(['run', ...dirs('rel'), ...SIM, '--problems', 'demo', '--release', 'v6']);
    assert.equal(demo.code, 2);
    assert.match(demo.stderr, /^passk: ERR_BAD_OPTION: `--release v6` does not apply to `demo` \(demo has no LiveCodeBench releases\)/m);
    await assert.rejects(readFile(planFile('rel')), /ENOENT/);
  });

  it('--skip-invalid and the "excluded" warning reach passk run', async () => {
    const row = (id: string, extra: Record<string, string> = {}) => ({
      question_title: `T ${id}`, question_content: 'Print 1.', platform: 'atcoder', question_id: id, contest_id: 'c', contest_date: '2025-02-01T00:00:00',
      starter_code: '', difficulty: 'easy', public_test_cases: JSON.stringify([{ input: '', output: '1', testtype: 'stdin' }]), private_test_cases: '[]', metadata: '{}',
      reference_solution: 'print(1)\n', ...extra,
    });
    const file = tmp.write('set.jsonl', [row('ok1'), { ...row('bad'), private_test_cases: 'bm90IHpsaWI=' }, row('abc311_c'), row('ok2')].map((r) => JSON.stringify(r)).join('\n') + '\n');
    const failed = await runPassk(['run', ...dirs('skip0'), ...SIM, '--problems', file]);
    assert.equal(failed.code, 2);
    assert.match(failed.stderr, new RegExp(`passk: ERR_PROBLEM_INVALID: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}, line 2, field private_test_cases: `));
    const ok = await runPassk(['run', ...dirs('skip1'), ...SIM, '--problems', file, '--skip-invalid', '--exclude-errata']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /passk: warning: excluded 1 problem\(s\) on LiveCodeBench's ERRATA list: abc311_c\n/);
    assert.match(ok.stdout, /passk: warning: skipped 1 invalid row\(s\)\n/);
    const plan = await readJson(planFile('skip1'));
    assert.deepEqual(plan.questions.map((q: { id: string }) => q.id), ['ok1', 'ok2']);
    assert.equal(plan.selection.skip_invalid, true);
    assert.equal(plan.selection.exclude_errata, true);
  });
});
