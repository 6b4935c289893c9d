/**
 * What a user sees when a command fails, through the real CLI (bin/passk as a process): one line
 * `passk: CODE: message` on stderr and the code's exit status (docs/errors.md), 2 for a command line
 * yargs cannot parse.
 */
import { test } from 'node:test';
import { existsSync } from 'node:fs';
import assert from 'node:assert/strict';
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { exitStatusOf, type ErrorCode } from '@passk/core';
import { runPassk } from '../helpers/passk.js';
import { tempDir } from '../helpers/tmp.js';

/** The command's last stderr line is `passk: CODE: …` and its exit status is CODE's. */
async function failsWith(args: string[], code: ErrorCode, message: RegExp): Promise<void> {
  const r = await runPassk(args, { timeoutMs: 60_000 });
  const last = r.stderr.trim().split('\n').at(-1) ?? '';
  assert.match(last, new RegExp(`^passk: ${code}: `), `passk ${args.join(' ')}: ${r.stderr}`);
  assert.match(last, message);
  assert.equal(r.code, exitStatusOf(code), `passk ${args.join(' ')} exit status`);
}

test('a bad option: `passk: ERR_BAD_OPTION: Expected …, got …`, exit 2', async () => {
  await failsWith(['status', '--run', '../x'], 'ERR_BAD_OPTION', /Expected `--run` to be a name .*, got `\.\.\/x`$/);
});

test('passk report on a directory no run wrote: ERR_NO_PLAN naming the file, exit 2', async () => {
  const root = await tempDir();
  const dir = path.join(root, 'nothing');
  await failsWith(['report', '--run', 'nope', '--results-dir', dir], 'ERR_NO_PLAN', new RegExp(`${dir.replace(/[/.]/g, '\\$&')}/plan\\.json: no plan\\.json`));
});

test('passk run over a bad problem set: ERR_PROBLEM_INVALID with file, line and field, exit 2', async () => {
  const root = await tempDir();
  const file = path.join(root, 'set.jsonl');
  await writeFile(file, '{"task_id": "t/0", "prompt": "def f():\\n", "entry_point": "f", "test": 3}\n');
  const args = ['run', '--run', 'bad', '--queue-dir', path.join(root, 'q'), '--results-dir', path.join(root, 'r'), '--problems', file, '--backend', 'sim'];
  await failsWith(args, 'ERR_PROBLEM_INVALID', new RegExp(`${file.replace(/[/.]/g, '\\$&')}, line 1, field test: must be a string, got number$`));
});

test('a daemon naming a run that does not exist is refused before it starts: `passk: ERR_NO_PLAN: …`, exit 2, nothing created', async () => {
  const root = await tempDir();
  const r = await runPassk(['combiner', '--run', 'nope', '--queue-dir', path.join(root, 'q'), '--results-dir', path.join(root, 'r')], { timeoutMs: 60_000 });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr.trim().split('\n').at(-1) ?? '', /^passk: ERR_NO_PLAN: .*there is no run `nope`/);
  assert.equal(existsSync(path.join(root, 'r')), false, 'no run skeleton created');
});

test('a command line yargs cannot parse: `passk: …`, exit 2', async () => {
  const r = await runPassk(['status', '--no-such-flag']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^passk: unknown option `--no-such-flag` \(`passk status --help` lists the options\)$/m);
});

test('passk evaluate follows the rule', async () => {
  const root = await tempDir();
  const r = await runPassk(['evaluate', '--problems', 'demo', '--samples', path.join(root, 'missing.jsonl'), '--out', path.join(root, 'out.jsonl')]);
  assert.match(r.stderr.trim().split('\n').at(-1) ?? '', /^passk: ERR_[A-Z_]+: /);
  assert.equal(r.code, 2);
});

test('passk dataset check follows the rule', async () => {
  const root = await tempDir();
  const file = path.join(root, 'bad.jsonl');
  await writeFile(file, '{not json\n');
  const r = await runPassk(['dataset', 'check', file]);
  assert.match(r.stderr.trim().split('\n').at(-1) ?? '', /^passk: ERR_[A-Z_]+: /);
  assert.equal(r.code, 2);
});
