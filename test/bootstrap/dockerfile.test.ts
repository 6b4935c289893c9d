/**
 * The Dockerfile cannot be built here (no Docker daemon in CI); what can be checked statically is
 * checked: every workspace's package.json is copied before `make install` (a package added later
 * would otherwise break `npm ci` in the image), Node comes from the bootstrap script, and the
 * build context leaves out what the image makes itself.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from '../helpers/passk.js';

const dockerfile = readFileSync(path.join(REPO, 'Dockerfile'), 'utf8');
const ignore = readFileSync(path.join(REPO, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());

describe('Dockerfile', () => {
  it('copies every workspace package.json before make install', () => {
    const install = dockerfile.indexOf('RUN make install');
    assert.ok(install > 0);
    for (const pkg of readdirSync(path.join(REPO, 'packages'))) {
      const copy = dockerfile.indexOf(`COPY packages/${pkg}/package.json packages/${pkg}/`);
      assert.ok(copy > 0 && copy < install, `packages/${pkg}/package.json is not copied before make install`);
    }
  });

  it('gets Node from scripts/node-bootstrap.sh and builds with make; the context skips local artefacts', () => {
    assert.match(dockerfile, /^RUN .*sh scripts\/node-bootstrap\.sh$/m);
    assert.match(dockerfile, /^ENV PATH=\/opt\/passk-tools\/node\/bin:\$PATH$/m);
    assert.match(dockerfile, /^RUN make build$/m);
    for (const entry of ['node_modules', '**/dist', '.tools', 'queue', 'results']) assert.ok(ignore.includes(entry), entry);
  });
});
