/**
 * The interpreter probe (core/src/provenance.ts) reads package versions from sys.path without
 * importing importlib.metadata, and must give importlib.metadata.version's answer for every package:
 * the installed ones of python3, and synthetic layouts on PYTHONPATH (dist-info, egg-info directory
 * and file, a version with a -py suffix, two candidates in one directory, dotted and dashed names).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { INTERPRETER_PROBE, probeInterpreter } from '@passk/core';

const dir = mkdtempSync(path.join(tmpdir(), 'passk-probe-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function allVersions(env: NodeJS.ProcessEnv = {}): [string, string | null, string | null][] {
  return JSON.parse(execFileSync('python3', ['-c', INTERPRETER_PROBE, '--all'], { env: { ...process.env, ...env }, encoding: 'utf8' })) as [string, string | null, string | null][];
}

test('the probe gives importlib.metadata\'s version of every installed package of python3', () => {
  const rows = allVersions();
  assert.ok(rows.length > 0);
  assert.deepEqual(rows.filter(([, fast, slow]) => fast !== slow), []);
});

test('the probe gives importlib.metadata\'s version on unusual layouts', () => {
  const meta = (name: string, version: string): string => `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`;
  const dist = (entry: string, name: string, version: string, file = 'METADATA'): void => {
    mkdirSync(path.join(dir, entry));
    writeFileSync(path.join(dir, entry, file), meta(name, version));
  };
  dist('foo_bar-1.2.3.dist-info', 'foo-bar', '1.2.3');
  dist('Zed.Pkg-0.9.egg-info', 'Zed.Pkg', '0.9', 'PKG-INFO');
  dist('suffixed-2.0-py3.11.egg-info', 'suffixed', '2.0', 'PKG-INFO');
  dist('twice-1.0.dist-info', 'twice', '1.0');
  dist('twice-2.0.dist-info', 'twice', '2.0');
  dist('renamed-0.1.dist-info', 'renamed', '0.2'); // the directory's name and METADATA disagree
  writeFileSync(path.join(dir, 'flat-3.1.egg-info'), meta('flat', '3.1'));
  const rows = allVersions({ PYTHONPATH: dir });
  const names = rows.map(([n]) => n);
  for (const n of ['foo-bar', 'Zed.Pkg', 'suffixed', 'twice', 'flat']) assert.ok(names.includes(n), `${n} in ${names.join(', ')}`);
  const known = rows.filter(([n]) => n !== 'renamed');
  assert.deepEqual(known.filter(([, fast, slow]) => fast !== slow), []);
});

test('probeInterpreter still reports path, version and numpy', async () => {
  const info = await probeInterpreter('python3');
  assert.ok(info && info.path.startsWith('/') && /^3\.\d+\.\d+/.test(info.version) && 'numpy' in info.packages, JSON.stringify(info));
});
