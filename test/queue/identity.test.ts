import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { pidAlive } from '@passk/core';

test('pidAlive: a live process is alive; a zombie (SIGKILLed, never reaped) and a gone pid are dead', async () => {
  // The parent forks a child, SIGKILLs it and never waits for it: the child stays a zombie.
  const parent = spawn('python3', ['-c', 'import os, signal, sys, time\npid = os.fork()\nif pid == 0:\n    time.sleep(60)\nos.kill(pid, signal.SIGKILL)\ntime.sleep(0.2)\nprint(pid, flush=True)\ntime.sleep(60)\n'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [line] = (await once(createInterface({ input: parent.stdout! }), 'line')) as [string];
    const zombie = Number(line);
    assert.ok(zombie > 0);
    assert.equal(pidAlive(parent.pid!), true);
    assert.equal(pidAlive(process.pid), true);
    assert.equal(pidAlive(zombie), false, 'a zombie holds nothing');
  } finally {
    parent.kill('SIGKILL');
    await once(parent, 'exit');
  }
  assert.equal(pidAlive(parent.pid!), false, 'a reaped pid is gone');
});
