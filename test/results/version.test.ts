/**
 * passkVersion(): the version is packages/cli/package.json's, the commit is the checkout's HEAD, and the
 * answer is cached (the same object on a second call).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { passkVersion } from '../../packages/core/src/version.js';

test('passkVersion reads the cli version and the git commit of this checkout, once', () => {
  const v = passkVersion();
  const pkg = JSON.parse(readFileSync(new URL('../../packages/cli/package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(v.version, pkg.version);
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: new URL('../..', import.meta.url), encoding: 'utf8' }).trim();
  assert.equal(v.commit, head);
  assert.equal(passkVersion(), v);
});
