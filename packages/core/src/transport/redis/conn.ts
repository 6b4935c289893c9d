/**
 * Connections and the outage policy. Every connection reconnects forever (backoff 100 ms … 2 s) and
 * has `maxRetriesPerRequest: null`, so a command issued while Redis is down waits in ioredis's
 * offline queue and is sent on reconnect (and a command in flight when the socket dropped is sent
 * again). `retrying` bounds that wait: an operation that has not succeeded after `retryForMs` throws
 * ERR_BACKEND_UNAVAILABLE; connection errors inside the window are retried with backoff.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { PasskError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { RedisLocation } from './url.js';

export function connectionOptions(location: RedisLocation, name: string): RedisOptions {
  return {
    host: location.host,
    port: location.port,
    db: location.db,
    username: location.username,
    password: location.password,
    tls: location.tls ? {} : undefined,
    connectionName: name,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times: number) => Math.min(100 * times, 2000),
    // READONLY after a failover: reconnect (to the new primary behind the same address).
    reconnectOnError: (error: Error) => /READONLY|LOADING/.test(error.message),
  };
}

/** A new connection; errors are logged (at most once per outage), never thrown as events. */
export function connect(location: RedisLocation, name: string, logger?: Logger): Redis {
  const conn = new Redis(connectionOptions(location, name));
  let warned = false;
  conn.on('error', (error: Error) => {
    if (warned) return;
    warned = true;
    logger?.warn({ where: location.where, err: error.message }, 'Redis connection error; reconnecting');
  });
  conn.on('ready', () => {
    if (warned) logger?.info({ where: location.where }, 'Redis connection is back');
    warned = false;
  });
  return conn;
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** Errors that mean "Redis is not reachable right now" (worth retrying), not "the command is wrong". */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  if (code && CONNECTION_CODES.has(code)) return true;
  return /Connection is closed|Stream isn't writeable|connect ECONNREFUSED|ECONNRESET|socket hang up|^LOADING|^READONLY|^MASTERDOWN|^TRYAGAIN|^CLUSTERDOWN/.test(error.message);
}

export interface RetryPolicy {
  /** How long an operation keeps trying through an outage, ms. */
  retryForMs: number;
  where: string;
  logger?: Logger;
}

export function unavailable(where: string, what: string, ms: number, cause?: unknown): PasskError {
  const detail = cause instanceof Error ? ` (last error: ${cause.message})` : '';
  return new PasskError('ERR_BACKEND_UNAVAILABLE', `Redis at ${where} did not answer for ${Math.round(ms / 1000)} s during ${what}${detail}`, { cause });
}

/** Run `fn` until it succeeds, retrying connection errors, for at most `policy.retryForMs`. */
export async function retrying<T>(policy: RetryPolicy, what: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const deadline = started + policy.retryForMs;
  let delay = 100;
  let lastError: unknown;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) throw unavailable(policy.where, what, Date.now() - started, lastError);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(unavailable(policy.where, what, Date.now() - started, lastError)), left);
      timer.unref();
    });
    try {
      return await Promise.race([fn(), timeout]);
    } catch (error) {
      if (!isConnectionError(error)) throw error;
      lastError = error;
      policy.logger?.debug({ what, err: (error as Error).message }, 'Redis unreachable; retrying');
      await sleep(Math.min(delay, Math.max(0, deadline - Date.now())));
      delay = Math.min(delay * 2, 2000);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Wait until `conn` answers PING, or throw ERR_BACKEND_UNAVAILABLE after `timeoutMs`. */
export async function waitReachable(conn: Redis, where: string, timeoutMs: number): Promise<void> {
  let lastError: unknown;
  const onError = (error: Error) => {
    lastError = error;
  };
  conn.on('error', onError);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      conn.ping(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(unavailable(where, 'connect', timeoutMs, lastError)), timeoutMs);
      }),
    ]);
  } catch (error) {
    if (error instanceof PasskError) throw error;
    throw new PasskError('ERR_BACKEND_UNAVAILABLE', `Redis at ${where} refused the connection: ${(error as Error).message}`, { cause: error });
  } finally {
    clearTimeout(timer);
    conn.off('error', onError);
  }
}
