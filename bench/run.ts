/**
 * `make bench`: every benchmark, one after another (they share 2 cores; never in parallel). The side-by-side
 * bench against the real peers (bench/peers/main.ts) runs only when a peers dir is given:
 * `PASSK_PEERS_DIR=/tmp/peers make bench` (docs/benchmarks.md, "Side by side with the peers").
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
const peers = process.env.PASSK_PEERS_DIR;
const all = ['pipeline.ts', 'evaluator.ts', 'backends.ts', 'problems.ts', 'redis.ts', ...(peers ? ['peers/main.ts'] : [])];
const benches = all.filter((b) => !only || b.startsWith(only));
if (!peers) process.stdout.write('bench/peers/main.ts: skipped (no PASSK_PEERS_DIR: the side-by-side bench needs the peers in a scratch dir)\n');
let failed = 0;
for (const bench of benches) {
  process.stdout.write(`\n## bench/${bench}\n\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, bench)], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
