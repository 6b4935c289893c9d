/**
 * WorkerRegistry on Redis. A worker name is the key `<p>:<run>:name:<name>` holding
 * {host,pid,token}, created with `SET … NX PX ttl` and refreshed every ttl/3 by the holder (and at
 * every `write` of its record). A SIGKILLed holder stops refreshing, so its name frees itself after
 * the TTL (default 15 s); a holder on this host whose pid is gone is taken over at once, as on the
 * filesystem. A fixed name held by a dying worker is waited for up to `waitMs`. Records live in the
 * hash `<p>:<run>:workers` (name → JSON) and stay listed after their worker is gone; readers judge
 * liveness from `heartbeat_at` (and `state: 'exited'`).
 */
import type { Redis } from 'ioredis';
import { PasskError } from '../../errors.js';
import { localOwnerGone, type WorkerIdentity } from '../../queue/identity.js';
import type { WorkerRecord } from '../../worker/record.js';
import type { WorkerRegistry } from '../types.js';
import type { RunKeys } from './keys.js';
import { retrying, type RetryPolicy } from './conn.js';

interface Holder {
  host: string;
  pid: number;
  token: string;
}

/** Replace the holder only if it is still `expected` (compare-and-set). */
const REPLACE = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 end return 0`;
/** Extend the lock only if we still hold it. */
const REFRESH = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end return 0`;
/** Delete the lock only if we hold it. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export interface RedisRegistryOptions {
  conn: Redis;
  keys: RunKeys;
  policy: RetryPolicy;
  /** Name-lock TTL, ms. @default 15000 */
  nameTtlMs?: number;
  /** Highest N tried for `<prefix>N`. @default 10000 */
  limit?: number;
}

function holderText(identity: Pick<WorkerIdentity, 'host' | 'pid' | 'token'>): string {
  return JSON.stringify({ host: identity.host, pid: identity.pid, token: identity.token });
}

function parseHolder(text: string | null): Holder | undefined {
  if (text === null) return undefined;
  try {
    const holder = JSON.parse(text) as Holder;
    return typeof holder.pid === 'number' && typeof holder.host === 'string' ? holder : undefined;
  } catch {
    return undefined;
  }
}

export class RedisRegistry implements WorkerRegistry {
  readonly nameTtlMs: number;
  /** Names this process holds → their refresh timers. */
  private readonly held = new Map<string, { value: string; timer: NodeJS.Timeout }>();

  constructor(private readonly options: RedisRegistryOptions) {
    this.nameTtlMs = options.nameTtlMs ?? 15_000;
  }

  private get conn(): Redis {
    return this.options.conn;
  }

  /** One attempt at a name: undefined when taken, else the live holder. */
  private async tryTake(name: string, identity: WorkerIdentity): Promise<Holder | undefined> {
    const key = this.options.keys.name(name);
    const value = holderText(identity);
    return retrying(this.options.policy, `take worker name ${name}`, async () => {
      for (let tries = 0; tries < 3; tries++) {
        if ((await this.conn.set(key, value, 'PX', this.nameTtlMs, 'NX')) === 'OK') return undefined;
        const current = await this.conn.get(key);
        if (current === null) continue; // expired in between: try again
        const holder = parseHolder(current);
        if (holder && holder.host === identity.host && holder.pid === identity.pid && holder.token === identity.token) return undefined;
        const dead = !holder || localOwnerGone(holder, identity.host);
        if (!dead) return holder;
        // The holder is a dead pid on this host: take the name over at once (if nobody did meanwhile).
        if ((await this.conn.eval(REPLACE, 1, key, current, value, this.nameTtlMs)) === 1) return undefined;
      }
      return { host: '?', pid: 0, token: '' };
    });
  }

  private hold(name: string, identity: WorkerIdentity): void {
    this.unhold(name);
    const key = this.options.keys.name(name);
    const value = holderText(identity);
    const timer = setInterval(() => {
      // Refresh; if the name expired meanwhile (Redis away longer than the TTL), take it back if free.
      this.conn
        .eval(REFRESH, 1, key, value, this.nameTtlMs)
        .then((ok) => (ok === 1 ? undefined : this.conn.set(key, value, 'PX', this.nameTtlMs, 'NX')))
        .catch(() => {});
    }, Math.max(100, Math.floor(this.nameTtlMs / 3)));
    timer.unref();
    this.held.set(name, { value, timer });
  }

  private unhold(name: string): void {
    const entry = this.held.get(name);
    if (entry) clearInterval(entry.timer);
    this.held.delete(name);
  }

  async acquire(name: string | { prefix: string }, identity: WorkerIdentity, waitMs = 0): Promise<string> {
    if (typeof name !== 'string') {
      const limit = this.options.limit ?? 10_000;
      for (let i = 0; i < limit; i++) {
        const candidate = `${name.prefix}${i}`;
        if (!(await this.tryTake(candidate, identity))) {
          this.hold(candidate, identity);
          return candidate;
        }
      }
      throw new PasskError('ERR_LOCKED', `no free worker name \`${name.prefix}N\` below ${limit}`);
    }
    const deadline = Date.now() + waitMs;
    for (;;) {
      const holder = await this.tryTake(name, identity);
      if (!holder) {
        this.hold(name, identity);
        return name;
      }
      if (Date.now() >= deadline) {
        throw new PasskError(
          'ERR_LOCKED',
          `worker name \`${name}\` is held by pid ${holder.pid} on ${holder.host}; stop it or pick another id (a killed holder frees it within ${Math.round(this.nameTtlMs / 1000)} s)`,
        );
      }
      await new Promise((r) => setTimeout(r, Math.min(200, Math.max(1, deadline - Date.now()))));
    }
  }

  async release(name: string, identity: WorkerIdentity): Promise<void> {
    this.unhold(name);
    await retrying(this.options.policy, `release worker name ${name}`, () => this.conn.eval(RELEASE, 1, this.options.keys.name(name), holderText(identity)));
  }

  /** Write the record; a held name is refreshed at the same time. */
  async write(record: WorkerRecord): Promise<void> {
    const entry = this.held.get(record.name);
    await retrying(this.options.policy, 'write the worker record', async () => {
      await this.conn.hset(this.options.keys.workers, record.name, JSON.stringify(record));
      if (entry) await this.conn.eval(REFRESH, 1, this.options.keys.name(record.name), entry.value, this.nameTtlMs);
    });
  }

  async list(): Promise<WorkerRecord[]> {
    const all = await retrying(this.options.policy, 'list the workers', () => this.conn.hgetall(this.options.keys.workers));
    const out: WorkerRecord[] = [];
    for (const text of Object.values(all)) {
      try {
        out.push(JSON.parse(text) as WorkerRecord);
      } catch {
        // not a record: ignore
      }
    }
    return out;
  }

  /** Stop refreshing names (they expire after the TTL unless released). */
  async close(): Promise<void> {
    for (const name of [...this.held.keys()]) this.unhold(name);
  }
}
