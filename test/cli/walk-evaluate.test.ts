/**
 * `passk evaluate` run as a new user runs it, from the directory holding a samples file given by a relative
 * path: the table names the results file by its absolute path (it is opened from anywhere), and every line
 * on stderr is under `passk evaluate` (a sandbox warning said `passk evaluator`, the daemon's name).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { runPassk } from '../helpers/passk.js';
import { tempDir } from '../helpers/tmp.js';

test('passk evaluate from the samples directory: absolute results path, its own name on every line', async () => {
  const dir = await tempDir();
  const prompt = 'def add(a, b):\n    """Return a + b."""\n';
  const check = 'def check(candidate):\n    assert candidate(1, 2) == 3\n';
  writeFileSync(path.join(dir, 'problem.jsonl'), JSON.stringify({ task_id: 'test/0', prompt, canonical_solution: '    return a + b\n', test: check, entry_point: 'add' }) + '\n');
  writeFileSync(path.join(dir, 'samples.jsonl'), ['    return a + b\n', '    return a - b\n'].map((completion) => JSON.stringify({ task_id: 'test/0', completion })).join('\n') + '\n');
  const r = await runPassk(['evaluate', '--problems', 'problem.jsonl', '--samples', 'samples.jsonl', '--k', '1', '--workers', '1'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '{"pass@1":0.5}\n');
  const results = path.join(dir, 'samples.jsonl_results.jsonl');
  assert.ok(existsSync(results));
  assert.match(r.stderr, new RegExp(`^ {2}results: ${results.replace(/[.]/g, '\\.')}$`, 'm'), r.stderr);
  for (const line of r.stderr.split('\n').filter(Boolean)) assert.match(line, /^(passk evaluate: | {2})/, `a line not under passk evaluate: ${line}`);
});
