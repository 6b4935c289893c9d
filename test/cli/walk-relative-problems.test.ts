/**
 * `passk run --problems FILE` with FILE relative to the current directory, then `passk resume --run NAME`
 * from another directory (as a new user does: start in the data dir, come back later from anywhere): the
 * plan records the file's absolute path, so the resume (here extending --n) finds it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { runPassk, readJson } from '../helpers/passk.js';
import { tempDir } from '../helpers/tmp.js';

test('a relative --problems file is recorded absolute: the run resumes from another directory', async () => {
  const home = await tempDir();
  const data = await tempDir();
  const elsewhere = await tempDir();
  const prompt = 'def add(a, b):\n    """Return a + b."""\n';
  writeFileSync(path.join(data, 'problem.jsonl'), JSON.stringify({ task_id: 'test/0', prompt, canonical_solution: '    return a + b\n', test: 'def check(candidate):\n    assert candidate(1, 2) == 3\n', entry_point: 'add' }) + '\n');
  const env = { PASSK_HOME: home };
  const run = await runPassk(['run', '--run', 'rel', '--problems', 'problem.jsonl', '--backend', 'sim', '--n', '5', '--shard-size', '5', '--temperatures', '0.2'], { cwd: data, env });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const planFile = path.join(home, 'results', 'rel', 'plan.json');
  assert.equal((await readJson(planFile)).problems, path.join(data, 'problem.jsonl'));

  const resumed = await runPassk(['resume', '--run', 'rel', '--n', '10'], { cwd: elsewhere, env });
  assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  assert.match(resumed.stdout, /extending run rel \(n: was 5, now 10\)/);
  const summary = await readJson(path.join(home, 'results', 'rel', 'q0', 'summary.json'));
  assert.equal(summary.results[0].n, 10);
});

test('an older plan with a relative --problems: refused elsewhere with where to run it; resumed from that directory', async () => {
  const home = await tempDir();
  const data = await tempDir();
  const elsewhere = await tempDir();
  writeFileSync(path.join(data, 'problem.jsonl'), JSON.stringify({ task_id: 'test/0', prompt: 'def one():\n', canonical_solution: '    return 1\n', test: 'def check(candidate):\n    assert candidate() == 1\n', entry_point: 'one' }) + '\n');
  const env = { PASSK_HOME: home };
  const run = await runPassk(['run', '--run', 'old', '--problems', 'problem.jsonl', '--backend', 'sim', '--n', '5', '--shard-size', '5', '--temperatures', '0.2'], { cwd: data, env });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  // As a passk that recorded the spelling typed wrote it.
  const planFile = path.join(home, 'results', 'old', 'plan.json');
  writeFileSync(planFile, JSON.stringify({ ...(await readJson(planFile)), problems: 'problem.jsonl' }, null, 2));

  const refused = await runPassk(['resume', '--run', 'old', '--n', '10'], { cwd: elsewhere, env });
  assert.equal(refused.code, 2, refused.stdout + refused.stderr);
  assert.match(refused.stderr, new RegExp(`^passk: ERR_DATASET_UNKNOWN: the plan of run \`old\` records --problems \`problem\\.jsonl\` relative to the directory the run was started in .*, and ${elsewhere} has no such file: run this command from that directory`, 'm'));
  const resumed = await runPassk(['resume', '--run', 'old', '--n', '10'], { cwd: data, env });
  assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  assert.match(resumed.stdout, /extending run old \(n: was 5, now 10\)/);
});
