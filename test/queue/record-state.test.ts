/**
 * A worker's record leaves 'starting' when the worker starts working, not at its next heartbeat: with the
 * heartbeat at 10 minutes, `passk status` (which reads the records) must still see 'working' while the first
 * item is being processed. Filesystem transport, a real claim loop.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as core from '@passk/core';
import type { Plan, WorkItem } from '@passk/core';
import { fsWorld } from '../transport/worlds.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/passk.js';

const plan = { n: 4, shard_size: 4, seed: 7, temperatures: [0.5], questions: [{ idx: 1, id: 'a', title: 'a' }] } as unknown as Plan;

test('the record says working while the first item is processed, long before the next heartbeat', { timeout: 60_000 }, async () => {
  const world = await fsWorld();
  const transport = await world.open();
  const layout = core.runLayout({ run: 'rec', root: await tempDir() });
  await core.ensureLayout(layout);
  await transport.queue(core.makeIdentity('seed', 'generator')).put('gen', core.workItemFor(plan, 1, 0.5, 0));
  await transport.control.set('complete');
  const runtime = await core.WorkerRuntime.start({ transport, layout, role: 'generator', name: 'gpu0', heartbeatMs: 600_000, reapEveryMs: 600_000, stopOn: [] });
  const record = async () => (await transport.workers.list()).find((r) => r.name === 'gpu0');
  assert.equal((await record())?.state, 'starting', 'the record as first written');
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let processing!: () => void;
  const started = new Promise<void>((resolve) => (processing = resolve));
  const loop = core.runClaimLoop<WorkItem, WorkItem>(runtime, {
    from: 'gen', to: 'eval', what: 'generation', pollMs: 50,
    process: async (claim) => {
      processing();
      await held;
      return claim.value;
    },
    done: () => {},
    samples: () => 0,
  });
  try {
    await started;
    await waitFor(async () => (await record())?.state === 'working', 20_000, 'the record to say working');
  } finally {
    release();
    await loop;
    await runtime.close();
    await world.close();
  }
});
