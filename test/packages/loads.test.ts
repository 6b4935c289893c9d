/**
 * What each worker process loads: `passk evaluator`, `passk combiner`, `passk generator` (and every restart of
 * one) load the pass@k statistics (@passk/stats), never the report's charting stack (vega, vega-lite, resvg),
 * which only `passk report` imports, when it writes the report. Traced through the real CLI with a module hook.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPassk } from '../helpers/passk.js';

const TRACE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'trace-loads.mjs');
const CHARTING = /\/node_modules\/(vega[^/]*|@resvg\/[^/]+)\/|\/packages\/report\/dist\/(charts\/render|report\/|write\/)/;

/** The file URLs `passk <args>` loads, from its trace on stderr. */
async function loadedBy(args: string[]): Promise<string[]> {
  const r = await runPassk(args, { env: { NODE_OPTIONS: `--import ${TRACE}` } });
  assert.equal(r.code, 0, `passk ${args.join(' ')} exited ${r.code}: ${r.stderr.slice(-2000)}`);
  return r.stderr.split('\n').filter((l) => l.startsWith('passk-load ')).map((l) => l.slice('passk-load '.length));
}

for (const worker of ['evaluator', 'combiner', 'generator']) {
  test(`passk ${worker} loads the statistics and none of the charting stack`, async () => {
    const loaded = await loadedBy([worker, '--help']);
    assert.ok(loaded.some((u) => u.includes('/packages/cli/dist/main.js')), 'the trace sees the CLI');
    const charting = loaded.filter((u) => CHARTING.test(u));
    assert.deepEqual(charting, [], `passk ${worker} loaded the charting stack`);
  });
}

test('the combiner and evaluator reach pass@k through @passk/stats', async () => {
  const loaded = await loadedBy(['combiner', '--help']);
  assert.ok(loaded.some((u) => u.includes('/packages/stats/dist/passk.js')), 'the statistics are loaded');
  assert.ok(!loaded.some((u) => u.includes('/packages/report/dist/index.js')), 'the report package index is not');
});

test('passk report --help loads only the report command, not the charting stack', async () => {
  const loaded = await loadedBy(['report', '--help']);
  assert.ok(loaded.some((u) => u.includes('/packages/report/dist/command.js')));
  assert.deepEqual(loaded.filter((u) => CHARTING.test(u)), []);
});
