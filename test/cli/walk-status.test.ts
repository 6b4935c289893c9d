/**
 * `passk status` in the first seconds of `passk run`, before the workers it launched have written their
 * first record (here the generator is held at its start by a gate, through NODE_OPTIONS, which workers
 * inherit): RUNNING, and no "no generator is alive … start one with `passk generator`" hint, which pasted
 * would start a second generator. Once the gate opens the run ends as usual.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startPassk, runPassk, waitFor } from '../helpers/passk.js';
import { tempDir } from '../helpers/tmp.js';

test('status while passk run is still launching its workers: RUNNING, no hint to start another generator', async () => {
  const home = await tempDir();
  const gate = path.join(home, 'gate');
  const hold = path.join(home, 'hold.mjs');
  // Only the generator waits (main.js generator …); everything else starts at once. It stops waiting if its
  // orchestrator dies (a killed test), so no generator is left stuck in the gate.
  writeFileSync(hold, `import { existsSync } from 'node:fs';\nif (process.argv[2] === 'generator') { const a = new Int32Array(new SharedArrayBuffer(4)); const parent = process.ppid; while (!existsSync(${JSON.stringify(gate)}) && process.ppid === parent) Atomics.wait(a, 0, 0, 50); }\n`);
  const env = { NODE_OPTIONS: `--import ${hold}` };
  const run = startPassk(['run', '--run', 'early', '--backend', 'sim', '--problems', 'demo', '--end', '2', '--n', '5', '--temperatures', '0.2'], { cwd: home, env });
  try {
    await waitFor(() => /starting run early/.test(run.stdout()), 60_000, 'the run to start');
    const status = await runPassk(['status', '--run', 'early'], { cwd: home });
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^RUNNING {2}run early/, status.stdout);
    assert.doesNotMatch(status.stdout, /no generator is alive|start one with/, status.stdout);
    assert.doesNotMatch(status.stdout, /gpu0/, 'the generator has not written its record yet: the window this test is about');
  } finally {
    writeFileSync(gate, '');
  }
  const end = await run.exit;
  assert.equal(end.code, 0, run.stdout() + run.stderr());
});
