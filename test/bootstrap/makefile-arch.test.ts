/**
 * The Makefile's install step on an arm64 machine: it strips node-llama-cpp's other-platform binaries
 * but keeps the machine's own CPU one (linux-arm64 there). Checked with `make -n` and a `uname` that
 * says aarch64, since this machine is x86-64.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO } from '../helpers/passk.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'passk-arch-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function stripped(machine: string): string[] {
  writeFileSync(path.join(dir, 'uname'), `#!/bin/sh\necho ${machine}\n`);
  chmodSync(path.join(dir, 'uname'), 0o755);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(MAKE(FLAGS|LEVEL|OVERRIDES)|MFLAGS|CUDA)$/.test(k)));
  const r = spawnSync('make', ['-n', '-B', 'node_modules/.passk-installed'], { cwd: REPO, env: { ...env, PATH: `${dir}:${process.env.PATH}` }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const m = /for b in ([^;]*); do rm -rf node_modules\/@node-llama-cpp/.exec(r.stdout);
  assert.ok(m, r.stdout);
  return m[1]!.trim().split(/\s+/);
}

describe('make install: node-llama-cpp binaries kept', () => {
  it('arm64 keeps linux-arm64; x86-64 strips it', () => {
    const arm = stripped('aarch64');
    assert.ok(!arm.includes('linux-arm64'), arm.join(' '));
    assert.ok(arm.includes('linux-x64-cuda'));
    const x64 = stripped('x86_64');
    assert.ok(x64.includes('linux-arm64'));
    assert.ok(!x64.includes('linux-x64'));
  });
});
