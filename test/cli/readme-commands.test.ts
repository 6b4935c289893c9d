/**
 * The README's commands are the CLI's: every `passk …` in its shell blocks and inline code names a command
 * that exists (its `--help` works) and only flags that command's help lists; the shell blocks run from any
 * directory (no `bin/passk`, no path relative to the checkout: a user reads the README in another directory).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runPassk, REPO } from '../helpers/passk.js';
import { tempDir } from '../helpers/tmp.js';

const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
/** The lines of the ```sh blocks, a trailing backslash joining the next line, comments dropped. */
const shellLines = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.replace(/\\\n\s*/g, ' ').split('\n')).map((l) => l.replace(/\s+#.*$/, '').trim()).filter(Boolean);
const inline = [...readme.matchAll(/`((?:bin\/)?passk (?:[a-z-]+|--[a-z-]+)[^`]*)`/g)].map((m) => m[1]!);

/** `passk dataset pull x --a` → { words: ['dataset', 'pull'], flags: ['--a'] }. */
function parse(line: string): { words: string[]; flags: string[] } {
  const tokens = line.replace(/[[\]]/g, ' ').split(/\s+/).slice(1);
  const words: string[] = [];
  for (const t of tokens) {
    if (t.startsWith('-') || words.length === (words[0] === 'dataset' ? 2 : 1)) break;
    words.push(t);
  }
  const flags = tokens.filter((t) => /^--[a-z]/.test(t)).map((t) => t.split('=')[0]!);
  return { words, flags };
}

test('README: shell blocks use `passk` and no path relative to the checkout', () => {
  for (const line of shellLines) {
    assert.doesNotMatch(line, /^bin\/passk\b/, `works only from the checkout: ${line}`);
    assert.doesNotMatch(line, /(^|[\s|])(results|queue|node_modules)\//, `a path relative to the current directory: ${line}`);
  }
});

test('README: every passk command exists and takes the flags the README gives it', async () => {
  const cwd = await tempDir(); // not the checkout
  const commands = [...shellLines.filter((l) => /^(bin\/)?passk\s/.test(l)), ...inline];
  assert.ok(commands.length >= 15, `found ${commands.length} commands`);
  const helps = new Map<string, string>();
  for (const line of commands) {
    const { words, flags } = parse(line);
    const key = words.join(' ');
    if (!helps.has(key)) {
      const r = await runPassk([...words, '--help'], { cwd });
      assert.equal(r.code, 0, `\`passk ${key} --help\` (from: ${line}): ${r.stderr}`);
      helps.set(key, r.stdout);
    }
    for (const flag of flags) assert.match(helps.get(key)!, new RegExp(`(^|\\s)${flag}(\\s|,|=|$)`, 'm'), `\`${line}\`: \`passk ${key}\` has no ${flag}`);
  }
});
