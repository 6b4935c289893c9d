import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile, utimes, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { sweepTmp, tmpName, tmpWriter, localHost } from '@passk/core';
import { tempDir } from '../helpers/tmp.js';

function sleeper() {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { pid: child.pid!, kill: async () => (child.kill('SIGKILL'), exited) };
}

test('tmpName names its writer; tmpWriter reads the host and pid back, hosts with dashes included', () => {
  assert.deepEqual(tmpWriter(tmpName('q5_t0_3_s0.json')), { host: localHost(), pid: process.pid });
  assert.deepEqual(tmpWriter('q1_t1_0_s2.json.gpu-box-7-4242-ab12cd-9.tmp'), { host: 'gpu-box-7', pid: 4242 });
  assert.equal(tmpWriter('q1_t1_0_s2.json.4242-ab12cd-9'), undefined);
});

test('sweepTmp removes a SIGKILLed local writer\'s file at once; keeps a live writer\'s and another host\'s until they are old', async () => {
  const dir = path.join(await tempDir(), 'tmp');
  await mkdir(dir);
  const dead = sleeper();
  const live = sleeper();
  try {
    const host = localHost();
    const names = {
      dead: `q1_t0_3_s0.json.${host}-${dead.pid}-aaaaaa-1.tmp`,
      live: `q1_t0_3_s1.json.${host}-${live.pid}-bbbbbb-2.tmp`,
      mine: tmpName('q1_t0_3_s2.json'),
      remote: `q1_t0_3_s3.json.other-machine-${dead.pid}-cccccc-3.tmp`,
      unnamed: 'q1_t0_3_s4.json.tmp',
    };
    for (const name of Object.values(names)) await writeFile(path.join(dir, name), '{}');
    await dead.kill();
    assert.equal(await sweepTmp(dir, 3_600_000), 1);
    assert.deepEqual((await readdir(dir)).sort(), [names.live, names.mine, names.remote, names.unnamed].sort());
    const old = new Date(Date.now() - 2 * 3_600_000);
    for (const name of [names.remote, names.unnamed]) await utimes(path.join(dir, name), old, old);
    assert.equal(await sweepTmp(dir, 3_600_000), 2);
    assert.deepEqual((await readdir(dir)).sort(), [names.live, names.mine].sort());
  } finally {
    await live.kill();
  }
});
