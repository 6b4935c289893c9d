/**
 * The queue protocol's grammars, each in one module (stems and groups: naming.ts; claims:
 * claim-names.ts; failed files: failed-names.ts; temp names: temp-names.ts) and built from each
 * other; and temp files beside real ones (control/, workers/) are swept like tmp/'s.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import path from 'node:path';
import {
  FsQueue, runLayout, ensureLayout, makeIdentity, localHost, setControl, hasControl, claimFileName, parseClaimFileName,
  failedFileName, failedReasonFileName, parseFailedFileName, tmpName, isTmpName, groupOfStem, parseGroupStem, stemInGroup, itemStem,
} from '@passk/core';
import { tempDir } from '../helpers/tmp.js';

const root = path.resolve(import.meta.dirname, '..', '..');

test('claim, failed and temp names round-trip and reject each other', () => {
  const id = makeIdentity('eval0', 'evaluator');
  const stem = itemStem({ questionIdx: 12, temperature: 0.7, shard: 3 });
  assert.deepEqual(parseClaimFileName(claimFileName(stem, 'eval', id)), { stem, stage: 'eval', host: id.host, pid: id.pid, token: id.token });
  assert.deepEqual(parseFailedFileName(failedFileName(stem, 'combine')), { stem, stage: 'combine' });
  assert.equal(parseFailedFileName(failedReasonFileName(stem, 'combine')), undefined);
  assert.equal(parseFailedFileName(`${stem}.merge.json`), undefined);
  assert.equal(parseClaimFileName(failedFileName(stem, 'gen')), undefined);
  assert.ok(isTmpName(tmpName(`${stem}.json`)));
  assert.equal(isTmpName(`${stem}.json`), false);
  assert.equal(groupOfStem(stem), 'q12_t0_7');
  assert.deepEqual(parseGroupStem('q12_t0_7'), { questionIdx: 12, temperature: 0.7 });
  assert.equal(stemInGroup('q12_t0_7', 3), stem);
  assert.equal(groupOfStem('q12_t0_7.json'), undefined);
});

test('the item-stem grammar is written out once (naming.ts) in the daemons', async () => {
  const offenders: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(file);
      else if (file.endsWith('.ts') && !file.endsWith(path.join('core', 'src', 'naming.ts'))) {
        if (/q\\d\+_t|\(gen\|eval\|combine\)/.test(await readFile(file, 'utf8'))) offenders.push(path.relative(root, file));
      }
    }
  };
  for (const pkg of ['core', 'cli', 'combiner']) await walk(path.join(root, 'packages', pkg, 'src'));
  assert.deepEqual(offenders, []);
});

test("the reaper sweeps a dead local writer's temp files in control/ and workers/, never a flag or a record", async () => {
  const layout = runLayout({ run: 'g', root: await tempDir() });
  await ensureLayout(layout);
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const dead = await new Promise<number>((resolve) => child.once('exit', () => resolve(child.pid!)));
  const orphan = (base: string) => `${base}.${localHost()}-${dead}-aaaaaa-1.tmp`;
  await setControl(layout.controlDir, 'stop-all', 'test');
  await writeFile(path.join(layout.controlDir, orphan('stop-all')), 'x');
  await mkdir(layout.workersDir, { recursive: true });
  await writeFile(path.join(layout.workersDir, 'gpu0.json'), '{}');
  await writeFile(path.join(layout.workersDir, orphan('gpu0.json')), '{}');
  await writeFile(path.join(layout.workersDir, orphan('gpu0.lock')), '{}');
  await new FsQueue({ layout, identity: makeIdentity('reaper', 'reaper') }).reap();
  assert.deepEqual(await readdir(layout.controlDir), ['stop-all']);
  assert.equal(await hasControl(layout.controlDir, 'stop-all'), true);
  assert.deepEqual(await readdir(layout.workersDir), ['gpu0.json']);
});
