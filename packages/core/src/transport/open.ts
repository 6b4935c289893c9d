/**
 * `--queue` → a Transport: nothing (or a directory path) is the filesystem queue of the run layout;
 * `redis://host:port/db` is BullMQ on Redis (loaded only when asked for).
 */
import type { RunLayout } from '../queue/layout.js';
import type { Logger } from '../log.js';
import type { Transport } from './types.js';
import { openFsTransport } from './fs/index.js';

export interface OpenTransportOptions {
  layout: RunLayout;
  /** `redis://…` for the multi-machine mode; undefined for the filesystem. */
  queueUrl?: string;
  heartbeatMs?: number;
  staleMs?: number;
  maxAttempts?: number;
  fsync?: boolean;
  logger?: Logger;
}

export function isRedisUrl(url: string | undefined): url is string {
  return !!url && /^rediss?:\/\//.test(url);
}

export async function openTransport(options: OpenTransportOptions): Promise<Transport> {
  if (isRedisUrl(options.queueUrl)) {
    // Loaded only in Redis mode (BullMQ and ioredis stay out of filesystem runs).
    const { openRedisTransport } = await import('./redis/index.js');
    return openRedisTransport({
      url: options.queueUrl,
      run: options.layout.run,
      lockDurationMs: options.staleMs,
      heartbeatMs: options.heartbeatMs,
      maxAttempts: options.maxAttempts,
      localPlanFile: options.layout.planFile,
      logger: options.logger,
    });
  }
  return openFsTransport(options.layout, options);
}
