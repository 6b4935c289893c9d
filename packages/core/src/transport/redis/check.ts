/**
 * passk refuses a Redis that may evict keys: an evicted job, lock or mark is a lost sample or a
 * sample counted twice. The policy is read with `CONFIG GET` and, where CONFIG is disabled (managed
 * Redis services often rename it), from `INFO memory`.
 */
import type { Redis } from 'ioredis';
import { PasskError } from '../../errors.js';

/** The exact refusal message (tests match it). */
export function evictionMessage(where: string, policy: string): string {
  return (
    `Redis at ${where} has maxmemory-policy \`${policy}\`; passk needs \`noeviction\` (an evicted key is a lost or double-counted job). ` +
    'Fix: start Redis with `redis-server --maxmemory-policy noeviction`, or run `redis-cli CONFIG SET maxmemory-policy noeviction` ' +
    '(and set `maxmemory-policy noeviction` in redis.conf so it survives a restart)'
  );
}

export async function readEvictionPolicy(conn: Redis): Promise<string | undefined> {
  try {
    const reply = (await conn.call('CONFIG', 'GET', 'maxmemory-policy')) as string[];
    if (Array.isArray(reply) && reply.length >= 2) return String(reply[1]);
  } catch {
    // CONFIG disabled or renamed: fall back to INFO
  }
  const info = await conn.info('memory');
  const match = /^maxmemory_policy:(\S+)/m.exec(info);
  return match?.[1];
}

/** Throw ERR_REDIS_CONFIG unless the server's eviction policy is `noeviction`. */
export async function assertNoEviction(conn: Redis, where: string): Promise<void> {
  const policy = await readEvictionPolicy(conn);
  if (policy === undefined) {
    throw new PasskError('ERR_REDIS_CONFIG', `Redis at ${where} does not report its maxmemory-policy (neither CONFIG GET nor INFO memory); passk needs \`noeviction\` and cannot check it`);
  }
  if (policy !== 'noeviction') throw new PasskError('ERR_REDIS_CONFIG', evictionMessage(where, policy));
}
