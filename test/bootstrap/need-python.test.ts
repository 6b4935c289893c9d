/**
 * scripts/need-python.sh, `make run`'s first check: the evaluators' interpreter missing, too old or
 * unsupported is said before anything starts, with the package to install; a supported one is silent.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO } from '../helpers/passk.js';

const SCRIPT = path.join(REPO, 'scripts', 'need-python.sh');
const dir = mkdtempSync(path.join(os.tmpdir(), 'passk-needpy-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A fake interpreter that reports `version` (sys.version_info[:2] as the script prints it). */
function fakePython(version: string): string {
  const exe = path.join(dir, `python${version}`);
  writeFileSync(exe, `#!/bin/sh\necho ${version}\n`);
  chmodSync(exe, 0o755);
  return exe;
}
const check = (python: string) => spawnSync('sh', [SCRIPT], { env: { ...process.env, PASSK_PYTHON: python }, encoding: 'utf8' });

describe('make run: the Python check', () => {
  it('the real python3 (3.10-3.13 here) passes silently', () => {
    const r = check('python3');
    assert.deepEqual([r.status, r.stderr], [0, '']);
  });

  it('missing, too old, and newer than tested', () => {
    const missing = check(path.join(dir, 'no-python'));
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /need-python: .*no-python is not on PATH; evaluated programs run on it\. Debian\/Ubuntu: apt-get install python3 \(3\.10-3\.13\)/);
    const old = check(fakePython('3.8'));
    assert.equal(old.status, 1);
    assert.match(old.stderr, /is Python 3\.8; passk needs 3\.10-3\.13\. Debian\/Ubuntu: apt-get install python3/);
    const newer = check(fakePython('3.14'));
    assert.equal(newer.status, 0);
    assert.match(newer.stderr, /is Python 3\.14; passk is tested on 3\.10-3\.13 \(continuing\)/);
  });
});
