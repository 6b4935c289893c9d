/**
 * The claim loop's plan check on both transports (issue 11): a work item whose count disagrees with
 * the plan (3000 where the plan says 4) is quarantined (ERR_PLAN_MISMATCH, field count) without being
 * processed, on the filesystem queue and on a real redis-server alike, and the loop goes on to the
 * next item. The generator, evaluator and combiner all check with checkItemAgainstPlan.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as core from '@passk/core';
import type { Plan, WorkItem } from '@passk/core';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { fsWorld, redisWorld, type World } from '../transport/worlds.js';
import { tempDir } from '../helpers/tmp.js';

const plan = { n: 8, shard_size: 4, seed: 7, temperatures: [0.5], questions: [{ idx: 1, id: 'a', title: 'a' }] } as unknown as Plan;

async function runWorld(world: World): Promise<void> {
  const transport = await world.open();
  const layout = core.runLayout({ run: 'loop', root: await tempDir() });
  await core.ensureLayout(layout);
  const queue = transport.queue(core.makeIdentity('seed', 'generator'));
  await queue.put('gen', { ...core.workItemFor(plan, 1, 0.5, 0), count: 3000 });
  await queue.put('gen', core.workItemFor(plan, 1, 0.5, 1));
  // "complete" is set up front and not watched: the loop ends once nothing is pending.
  await transport.control.set('complete');
  const runtime = await core.WorkerRuntime.start({ transport, layout, role: 'generator', name: 'gpu0', reapEveryMs: 60_000, stopOn: [] });
  const processed: string[] = [];
  try {
    await core.runClaimLoop<WorkItem, WorkItem>(runtime, {
      from: 'gen',
      to: 'eval',
      what: 'generation',
      pollMs: 50,
      check: (claim) => core.checkItemAgainstPlan(plan, claim.value, claim.stem),
      process: async (claim) => {
        processed.push(claim.stem);
        return claim.value;
      },
      done: () => {},
      samples: () => 0,
    });
  } finally {
    await runtime.close();
  }
  assert.deepEqual(processed, ['q1_t0_5_s1'], 'only the item that fits the plan is worked on');
  const reason = await world.failedReason('q1_t0_5_s0', 'gen');
  assert.equal(reason?.code, 'ERR_PLAN_MISMATCH', JSON.stringify(reason));
  assert.equal(reason?.field, 'count');
  assert.match(String(reason?.message), /count 3000, the plan says 4/);
  await world.close();
}

describe('an item that disagrees with the plan is quarantined by the claim loop', () => {
  let server: RedisServer;
  before(async () => {
    server = await startRedis();
  });
  after(async () => {
    await server?.stop();
  });
  test('filesystem queue', { timeout: 60_000 }, async () => runWorld(await fsWorld()));
  test('redis queue', { timeout: 60_000 }, async () => runWorld(redisWorld(server)));
});
