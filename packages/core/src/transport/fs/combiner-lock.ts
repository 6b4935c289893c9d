/**
 * The combiner singleton on the filesystem: a proper-lockfile lock on the queue dir
 * (queue/<run>/combiner.lock). The worker-name lock is pid-based (one host); this one also keeps a
 * second combiner on another host sharing the queue dir out. The filesystem has one combiner home
 * (the queue dir), so no home is recorded.
 */
import path from 'node:path';
import type { CombinerLease, CombinerLeaseOptions } from '../types.js';

export async function lockCombiner(queueDir: string, options: CombinerLeaseOptions): Promise<CombinerLease | undefined> {
  const stale = options.staleMs;
  const { default: lockfile } = await import('proper-lockfile'); // only the combiner loads it
  for (;;) {
    try {
      const release = await lockfile.lock(queueDir, {
        lockfilePath: path.join(queueDir, 'combiner.lock'),
        realpath: false,
        stale,
        update: Math.max(1000, Math.floor(stale / 4)),
        onCompromised: (error) => options.onLost(error),
      });
      return { release };
    } catch (error) {
      if ((error as { code?: string }).code !== 'ELOCKED') throw error;
      if (!(await options.waitAgain())) return undefined;
    }
  }
}
