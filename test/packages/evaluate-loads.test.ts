/**
 * `passk evaluate` (the start-up a user times, docs/benchmarks.md "Start-up") loads its own command
 * only: not the other commands' modules (report, generator, the run/worker commands) nor the
 * evaluator daemon's (nor pino, chokidar, ajv: startup-loads.test.ts). Traced through the real CLI with the module hook of loads.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPassk } from '../helpers/passk.js';

const TRACE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'trace-loads.mjs');
const OTHERS = /\/packages\/(report|generator)\/dist\/|\/packages\/cli\/dist\/commands\/|\/packages\/evaluator\/dist\/daemon\//;

test('passk evaluate loads its command only: no other command, no daemon', async () => {
  const r = await runPassk(['evaluate', '--help'], { env: { NODE_OPTIONS: `--import ${TRACE}` } });
  assert.equal(r.code, 0, r.stderr.slice(-2000));
  const loaded = r.stderr.split('\n').filter((l) => l.startsWith('passk-load ')).map((l) => l.slice('passk-load '.length));
  assert.ok(loaded.some((u) => u.includes('/packages/evaluator/dist/commands/evaluate.js')), 'the trace sees the command');
  assert.deepEqual(loaded.filter((u) => OTHERS.test(u)), []);
});
