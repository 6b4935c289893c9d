import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, copyFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { isPasskError } from '@passk/core';
import { customProblemSchema, loadProblems } from '@passk/problems';
import { jsonl, python, tempDir } from './fixtures.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const sharedHumanEval = join(repoRoot, '..', 'shared', 'datasets', 'HumanEval.jsonl.gz');
const tmp = tempDir();
after(() => tmp.cleanup());

describe('HumanEval', () => {
  it('loads the published HumanEval.jsonl.gz (164 problems) from ../shared/datasets', { skip: !existsSync(sharedHumanEval) && 'no ../shared/datasets' }, async () => {
    const { problems, skipped } = await loadProblems(sharedHumanEval);
    assert.equal(problems.length, 164);
    assert.equal(skipped, 0);
    const p0 = problems[0]!;
    assert.equal(p0.id, 'HumanEval/0');
    assert.equal(p0.kind, 'humaneval');
    assert.equal(p0.func_name, 'has_close_elements');
    assert.equal(p0.humaneval!.entry_point, 'has_close_elements');
    assert.match(p0.humaneval!.test, /def check\(candidate\)/);
    assert.equal(p0.content, p0.humaneval!.prompt);
    assert.deepEqual(p0.tests, []);
    assert.equal(p0.source!.dataset, 'humaneval');
    assert.equal(problems[163]!.id, 'HumanEval/163');
  });

  it('the canonical solutions pass their checks (first 20, HumanEval execution rule)', { skip: !existsSync(sharedHumanEval) && 'no ../shared/datasets' }, async () => {
    const { problems } = await loadProblems(sharedHumanEval);
    const programs = problems.slice(0, 20).map((p) => `${p.humaneval!.prompt}${p.reference_solution}\n${p.humaneval!.test}\ncheck(${p.humaneval!.entry_point})\n`);
    const out = python('import json, sys\nok = 0\nfor src in json.load(sys.stdin):\n    exec(src, {})\n    ok += 1\nprint(ok)', JSON.stringify(programs));
    assert.equal(out.trim(), '20');
  });

  it('`humaneval` resolves from the cache dir; plain .jsonl works too', { skip: !existsSync(sharedHumanEval) && 'no ../shared/datasets' }, async () => {
    const cache = join(tmp.dir, 'cache');
    mkdirSync(join(cache, 'humaneval'), { recursive: true });
    copyFileSync(sharedHumanEval, join(cache, 'humaneval', 'HumanEval.jsonl.gz'));
    assert.equal((await loadProblems('humaneval', { cacheDir: cache })).problems.length, 164);
    const file = tmp.write('HumanEval.jsonl', gunzipSync(readFileSync(sharedHumanEval)));
    assert.equal((await loadProblems(file)).problems.length, 164);
  });
});

describe('MBPP-style rows', () => {
  it('become HumanEval-kind problems graded by their asserts', async () => {
    const rows = [
      {
        task_id: 11,
        text: 'Write a python function to remove first and last occurrence of a given character from the string.',
        code: 'def remove_Occ(s,ch):\n    i = s.find(ch)\n    if i >= 0: s = s[:i] + s[i+1:]\n    j = s.rfind(ch)\n    if j >= 0: s = s[:j] + s[j+1:]\n    return s',
        test_list: ['assert remove_Occ("hello","l") == "heo"', 'assert remove_Occ("abcda","a") == "bcd"'],
        test_setup_code: '',
        challenge_test_list: ['assert remove_Occ("PHP","P") == "H"'],
      },
      { task_id: 12, prompt: 'Return the square of n.', test_list: ['assert square(3) == 9'] },
    ];
    const file = tmp.write('mbpp.jsonl', jsonl(rows));
    const { problems } = await loadProblems(file);
    assert.equal(problems.length, 2);
    const [p, q] = problems;
    assert.equal(p!.id, '11');
    assert.equal(p!.kind, 'humaneval');
    assert.equal(p!.humaneval!.entry_point, 'remove_Occ');
    assert.equal(p!.source!.dataset, 'mbpp');
    assert.equal(q!.reference_solution, undefined);
    const program = `${p!.humaneval!.prompt}${p!.reference_solution}\n${p!.humaneval!.test}\ncheck(${p!.humaneval!.entry_point})\nprint("ok")`;
    assert.equal(python(program).trim(), 'ok');
    const broken = `${p!.humaneval!.prompt}def remove_Occ(s, ch):\n    return s\n${p!.humaneval!.test}\ncheck(remove_Occ)\n`;
    assert.throws(() => python(broken));
  });

  it('a row without test_list names the field', async () => {
    const file = tmp.write('mbpp-bad.jsonl', jsonl([{ task_id: 1, text: 't', test_list: ['assert f(1) == 1'] }, { task_id: 2, text: 't', test_list: [] }]));
    await assert.rejects(loadProblems(file), { message: `${file}, line 2, field test_list: must hold at least one assert` });
  });
});

describe('custom format', () => {
  it('docs/custom-problems.schema.json is the schema the loader uses', () => {
    const doc = JSON.parse(readFileSync(join(repoRoot, 'docs', 'custom-problems.schema.json'), 'utf8'));
    assert.deepEqual(doc, JSON.parse(JSON.stringify(customProblemSchema)));
  });

  it('loads stdin, functional and humaneval rows; reference solutions optional; gzip detected by content', async () => {
    const rows = [
      { id: 'sum', kind: 'stdin', content: 'Add two numbers.', public_tests: [{ input: '1 2\n', output: '3' }], private_tests: [{ input: '5 5\n', output: '10' }], reference_solution: 'print(sum(map(int, input().split())))' },
      { id: 'twice', title: 'Twice', kind: 'functional', content: 'Double x.', starter_code: 'class Solution:\n    def twice(self, x: int) -> int:\n        ', func_name: 'twice', private_tests: [{ input: '2', output: '4' }], difficulty: 'easy', contest_date: '2025-01-01' },
      { id: 'inc', kind: 'humaneval', content: 'def inc(x):\n', prompt: 'def inc(x):\n', test: 'def check(candidate):\n    assert candidate(1) == 2\n', entry_point: 'inc', reference_solution: '    return x + 1\n' },
    ];
    const file = tmp.write('custom.data', gzipSync(jsonl(rows)));
    const { problems } = await loadProblems(file);
    assert.deepEqual(problems.map((p) => [p.id, p.kind, p.tests.length, p.public_test_count]), [['sum', 'stdin', 2, 1], ['twice', 'functional', 1, 0], ['inc', 'humaneval', 0, 0]]);
    assert.equal(problems[1]!.title, 'Twice');
    assert.equal(problems[1]!.func_name, 'twice');
    assert.equal(problems[0]!.title, 'sum');
    assert.equal(problems[0]!.source!.dataset, 'custom');
  });

  it('schema violations name line and field', async () => {
    const cases: [object, string, RegExp][] = [
      [{ id: 'f', kind: 'functional', content: 'c', public_tests: [{ input: '1', output: '1' }] }, 'func_name', /must have required property 'func_name'/],
      [{ id: 'f', kind: 'stdin', content: 'c', public_tests: [{ input: 1, output: '1' }] }, 'public_tests.0.input', /must be string/],
      [{ id: 'f', kind: 'stdin', content: 'c', tests: [] }, 'tests', /must NOT have additional properties/],
      [{ id: 'f', kind: 'stdin', content: 'c' }, 'public_tests', /at least one test/],
      [{ id: 'f', kind: 'batch', content: 'c' }, 'kind', /must be equal to one of the allowed values/],
    ];
    for (const [row, field, message] of cases) {
      const file = tmp.write('custom-bad.jsonl', jsonl([{ id: 'ok', kind: 'stdin', content: 'c', public_tests: [{ input: '', output: '' }] }, row]));
      await assert.rejects(loadProblems(file), (error: unknown) => {
        assert.ok(isPasskError(error, 'ERR_PROBLEM_INVALID'), String(error));
        assert.equal(error.line, 2);
        assert.equal(error.field, field);
        assert.match(error.message, message);
        return true;
      });
    }
  });
});
