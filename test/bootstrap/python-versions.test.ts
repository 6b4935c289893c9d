/**
 * The fork server on the interpreters a GPU box may have (Python 3.10 to 3.13): the harness's
 * 3.11-only calls are guarded, and a small grading through `passk evaluate --python` gives the
 * same verdicts on every interpreter found here (PASSK_TEST_PYTHONS, colon-separated, or
 * pyenv/system python3.10-3.13; the ones not installed are skipped, by name).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEMO_ROWS } from '@passk/problems';
import { REPO, runPassk } from '../helpers/passk.js';
import { tempDir } from '../helpers/tmp.js';

const PY_DIR = path.join(REPO, 'packages', 'evaluator', 'python');

function interpreters(): Map<string, string> {
  const found = new Map<string, string>();
  const listed = process.env.PASSK_TEST_PYTHONS?.split(':').filter(Boolean);
  const candidates = listed ?? [
    ...['10', '11', '12', '13'].map((m) => `/usr/bin/python3.${m}`),
    ...(existsSync('/root/.pyenv/versions') ? readdirSync('/root/.pyenv/versions').map((v) => `/root/.pyenv/versions/${v}/bin/python3`) : []),
  ];
  for (const exe of candidates) {
    if (!existsSync(exe)) continue;
    const version = execFileSync(exe, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' }).trim();
    if (['3.10', '3.11', '3.12', '3.13'].includes(version) && !found.has(version)) found.set(version, exe);
  }
  return found;
}

describe('Python 3.10-3.13', () => {
  it('the harness imports without sys.set_int_max_str_digits (3.10.0-3.10.6 have none)', () => {
    const code = [
      'import sys', `sys.path.insert(0, ${JSON.stringify(PY_DIR)})`, 'del sys.set_int_max_str_digits',
      'import passk_harness', 'passk_harness._set_digits(50000)', 'print("ok")',
    ].join('\n');
    const out = execFileSync('python3', ['-I', '-S', '-c', code], { encoding: 'utf8' });
    assert.equal(out.trim(), 'ok');
  });

  it('no interpreter: passk evaluate names the package to install', async () => {
    const dir = await tempDir();
    writeFileSync(path.join(dir, 'samples.jsonl'), JSON.stringify({ question_id: 'demo_f01', code: 'pass' }) + '\n');
    const result = await runPassk(['evaluate', '--problems', 'demo', '--samples', path.join(dir, 'samples.jsonl'), '--out', path.join(dir, 'out.jsonl'), '--python', path.join(dir, 'no-python3')]);
    assert.equal(result.code, 2); // ERR_SANDBOX: refused before grading (docs/errors.md)
    assert.match(result.stderr, /ERR_SANDBOX: cannot run .*no-python3 .*ENOENT\); evaluated programs need Python 3\.10-3\.13: install it \(Debian\/Ubuntu: apt-get install python3\) or pass --python/);
  });

  const found = interpreters();
  for (const version of ['3.10', '3.11', '3.12', '3.13']) {
    const exe = found.get(version);
    it(`grades the demo set's reference solutions with Python ${version} (${exe ?? 'not installed'})`, { skip: exe ? false : `no Python ${version} here` }, async () => {
      const dir = await tempDir();
      const [major, minor] = version.split('.');
      const check = `import sys\nassert sys.version_info[:2] == (${major}, ${minor}), sys.version\n`;
      const samples = DEMO_ROWS.flatMap((r) => [
        { question_id: r.question_id, code: check + (r as { reference_solution?: string }).reference_solution },
        // LiveCodeBench's sys.set_int_max_str_digits(50000) holds: str() of a 60001-digit int fails.
        { question_id: r.question_id, code: 'print(len(str(10 ** 60000)))\n' },
      ]);
      writeFileSync(path.join(dir, 'samples.jsonl'), samples.map((s) => JSON.stringify(s)).join('\n') + '\n');
      const out = path.join(dir, 'out.jsonl');
      const result = await runPassk(['evaluate', '--problems', 'demo', '--samples', path.join(dir, 'samples.jsonl'), '--out', out, '--k', '1', '--workers', '1', '--python', exe!]);
      assert.equal(result.code, 0, result.stderr);
      const statuses = readFileSync(out, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { status: string }).status);
      assert.deepEqual(statuses, samples.map((_, i) => (i % 2 === 0 ? 'passed' : 'runtime_error')));
    });
  }
});
