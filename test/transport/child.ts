/**
 * A stand-in worker for the contract suite: opens a world, does one action, prints one JSON line,
 * then idles (heartbeats running) until it is killed.
 *   {"kind":"claim","stage":"gen"}            → {"stem": …, "attempts": …} (or {"stem": null})
 *   {"kind":"acquire","name":"eval0"|{"prefix":"eval"}} → {"name": …, "pid": …}
 */
import { makeIdentity, type Stage } from '@passk/core';
import { openWorld, type WorldSpec } from './worlds.js';

const { spec, action } = JSON.parse(process.argv[2]!) as { spec: WorldSpec; action: Record<string, any> };
const transport = await openWorld(spec);
const identity = makeIdentity('child', 'evaluator');
if (action.kind === 'claim') {
  const queue = transport.queue(identity);
  const claim = await queue.claim(action.stage as Stage);
  process.stdout.write(`${JSON.stringify({ stem: claim?.stem ?? null, attempts: claim?.value.attempts ?? null, pid: process.pid })}\n`);
} else if (action.kind === 'acquire') {
  const name = await transport.workers.acquire(action.name, identity, action.waitMs ?? 0);
  process.stdout.write(`${JSON.stringify({ name, pid: process.pid })}\n`);
} else {
  throw new Error(`unknown action ${JSON.stringify(action)}`);
}
setInterval(() => {}, 1 << 30);
