/**
 * ControlChannel on Redis: flags in a hash (`<p>:<run>:control`, flag → "<iso time> <reason>"), plus a
 * pub/sub message on the channel of the same name when one is set. `watch` subscribes (instant) and
 * also polls the hash every `pollMs` (pub/sub messages sent while a watcher was disconnected are
 * lost; the poll catches those). Both work across machines.
 */
import type { Redis } from 'ioredis';
import { CONTROL_FLAGS, type ControlFlag } from '../../worker/control.js';
import type { ControlChannel } from '../types.js';
import { retrying, type RetryPolicy } from './conn.js';

export interface RedisControlOptions {
  conn: Redis;
  /** A new connection for a subscriber (pub/sub needs its own). */
  subscriber: () => Redis;
  key: string;
  policy: RetryPolicy;
  /** Poll interval of `watch`, ms. @default 1000 */
  pollMs?: number;
}

export class RedisControl implements ControlChannel {
  private readonly subscribers = new Set<Redis>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly pollMs: number;

  constructor(private readonly options: RedisControlOptions) {
    this.pollMs = options.pollMs ?? 1000;
  }

  async set(flag: ControlFlag, reason = ''): Promise<void> {
    const { conn, key, policy } = this.options;
    await retrying(policy, `set control flag ${flag}`, async () => {
      await conn.hset(key, flag, `${new Date().toISOString()} ${reason}`);
      await conn.publish(key, flag);
    });
  }

  async clear(flag: ControlFlag): Promise<void> {
    const { conn, key, policy } = this.options;
    await retrying(policy, `clear control flag ${flag}`, () => conn.hdel(key, flag));
  }

  async has(flag: ControlFlag): Promise<boolean> {
    const { conn, key, policy } = this.options;
    return (await retrying(policy, `read control flag ${flag}`, () => conn.hexists(key, flag))) === 1;
  }

  async watch(flags: ControlFlag[], onSet: (flag: ControlFlag) => void): Promise<() => Promise<void>> {
    const { conn, key } = this.options;
    const wanted = flags.filter((f) => CONTROL_FLAGS.includes(f));
    /** Flags seen set: onSet fires once per transition to set (again after a clear). */
    const seen = new Set<ControlFlag>();
    let stopped = false;
    const fire = (flag: ControlFlag) => {
      if (stopped || seen.has(flag)) return;
      seen.add(flag);
      onSet(flag);
    };
    const poll = async () => {
      const values = await conn.hmget(key, ...wanted);
      wanted.forEach((flag, i) => {
        if (values[i] === null) seen.delete(flag);
        else fire(flag);
      });
    };
    const subscriber = this.options.subscriber();
    this.subscribers.add(subscriber);
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === key && wanted.includes(message as ControlFlag)) fire(message as ControlFlag);
    });
    // Subscribing must not block a worker's start while Redis is briefly away; the poll covers it.
    subscriber.subscribe(key).catch(() => {});
    if (wanted.length) await retrying(this.options.policy, 'read control flags', poll);
    let busy = false;
    const timer = setInterval(() => {
      if (busy || !wanted.length) return;
      busy = true;
      poll()
        .catch(() => {})
        .finally(() => {
          busy = false;
        });
    }, this.pollMs);
    timer.unref();
    this.timers.add(timer);
    return async () => {
      stopped = true;
      clearInterval(timer);
      this.timers.delete(timer);
      this.subscribers.delete(subscriber);
      subscriber.disconnect();
    };
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.clear();
    for (const subscriber of this.subscribers) subscriber.disconnect();
    this.subscribers.clear();
  }
}
