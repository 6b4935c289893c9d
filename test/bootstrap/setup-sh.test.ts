/**
 * test/setup.sh on a machine missing python3, redis-server and Chromium (PATH without them):
 * when apt-get is absent or fails, it stops with one message per package naming the Debian/Ubuntu
 * package to install, instead of a test failing obscurely later; with everything present it is silent.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO } from '../helpers/passk.js';

const SETUP = path.join(REPO, 'test', 'setup.sh');
const HIDDEN = /^(python3.*|redis-server|chromium|apt-get|sudo)$/;
let dir: string;
let bare: string; // /usr/bin without python3, redis-server, chromium, apt-get, sudo

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'passk-setup-'));
  bare = path.join(dir, 'bin');
  mkdirSync(bare);
  for (const name of readdirSync('/usr/bin')) if (!HIDDEN.test(name)) symlinkSync(path.join('/usr/bin', name), path.join(bare, name));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function setup(pathDirs: string[], extra: NodeJS.ProcessEnv = {}) {
  const r = spawnSync('/usr/bin/bash', [SETUP], { env: { ...process.env, PATH: pathDirs.join(':'), ...extra }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('test/setup.sh', () => {
  it('everything present: silent, exit 0', () => {
    assert.deepEqual(setup([process.env.PATH ?? '/usr/bin']), { code: 0, stdout: '', stderr: '' });
  });

  it('no apt-get: names each missing package', () => {
    const r = setup([bare]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^setup: no apt-get here to install python3 redis-server chromium/m);
    assert.match(r.stderr, /^setup: missing python3: evaluated programs run on it \(3\.10-3\.13.*\)\. Install it: sudo apt-get install python3 \(Debian\/Ubuntu package `python3`\)$/m);
    assert.match(r.stderr, /^setup: missing redis-server: .*sudo apt-get install redis-server/m);
    assert.match(r.stderr, /^setup: note: no chromium \(report\.html is checked in it; that test is skipped without it\); Debian\/Ubuntu package `chromium`$/m);
  });

  it('apt-get fails: says so, then names each missing package', () => {
    const fake = path.join(dir, 'fake-apt');
    mkdirSync(fake, { recursive: true });
    writeFileSync(path.join(fake, 'apt-get'), '#!/bin/sh\necho "E: Unable to locate package $*" >&2\nexit 100\n');
    chmodSync(path.join(fake, 'apt-get'), 0o755);
    const r = setup([fake, bare]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^setup: installing python3 redis-server chromium with apt-get$/m);
    assert.match(r.stderr, /^setup: apt-get could not install python3 redis-server chromium \(exit 100\)$/m);
    assert.match(r.stderr, /^setup: missing redis-server: .*sudo apt-get install redis-server/m);
  });

  it('on Ubuntu, Chromium (a snap there) is not attempted; the browser test is said to be skipped', () => {
    const osRelease = path.join(dir, 'os-release');
    writeFileSync(osRelease, 'ID=ubuntu\nVERSION_ID="22.04"\n');
    const r = setup([bare], { PASSK_OS_RELEASE: osRelease });
    assert.match(r.stderr, /^setup: no apt-get here to install python3 redis-server$/m);
    assert.match(r.stderr, /^setup: note: no chromium: Ubuntu packages it only as a snap, so the report's browser test is skipped$/m);
  });
});
