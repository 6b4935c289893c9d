/** The filesystem transport (default): queue dirs, claim by rename, files for everything else. */
import { FsQueue } from '../../queue/fs-queue.js';
import { ensureLayout, type RunLayout } from '../../queue/layout.js';
import type { WorkerIdentity } from '../../queue/identity.js';
import type { Logger } from '../../log.js';
import type { Transport } from '../types.js';
import { FsRunStore } from './store.js';
import { FsControl } from './control.js';
import { FsRegistry } from './registry.js';
import { FsFailedItems } from './failed.js';
import { itemsInPipeline, tidyUp } from './inventory.js';
import { lockCombiner } from './combiner-lock.js';

export interface FsTransportOptions {
  /** Claim heartbeat, ms. @default 5000 */
  heartbeatMs?: number;
  /** Heartbeat age after which a claim is reclaimed, ms. @default 60000 */
  staleMs?: number;
  /** Attempts before an item goes to failed/. @default 5 */
  maxAttempts?: number;
  /** fsync at hand-offs. @default true */
  fsync?: boolean;
}

export async function openFsTransport(layout: RunLayout, options: FsTransportOptions = {}): Promise<Transport> {
  await ensureLayout(layout);
  return {
    kind: 'fs',
    where: layout.queueDir,
    queue: (identity: WorkerIdentity, logger?: Logger) => new FsQueue({ layout, identity, logger, ...options }),
    store: new FsRunStore(layout),
    control: new FsControl(layout.controlDir),
    workers: new FsRegistry(layout.workersDir),
    failed: new FsFailedItems(layout),
    inventory: (inventoryOptions) => itemsInPipeline(layout, inventoryOptions),
    tidyUp: () => tidyUp(layout),
    acquireCombiner: (lease) => lockCombiner(layout.queueDir, lease),
    close: async () => {},
  };
}
