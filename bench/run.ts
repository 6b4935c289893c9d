/** `make bench`: every benchmark, one after another (they share 2 cores; never in parallel). */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
const benches = ['pipeline.ts', 'evaluator.ts', 'backends.ts', 'problems.ts', 'redis.ts'].filter((b) => !only || b.startsWith(only));
let failed = 0;
for (const bench of benches) {
  process.stdout.write(`\n## bench/${bench}\n\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, bench)], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
