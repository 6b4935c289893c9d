/**
 * `--queue redis://[user:password@]host:port/db` (or `rediss://` for TLS): parsed into ioredis
 * options, with a display form whose password is masked (`redis://user:***@host:6379/0`).
 */
import { PasskError } from '../../errors.js';

export interface RedisLocation {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls: boolean;
  /** The URL with the password masked: what logs, `passk status` and errors show. */
  where: string;
}

const FORMAT = 'redis://[user:password@]host:port/db';

/** The URL with any password replaced by `***` (best effort, also for URLs that do not parse). */
export function maskRedisUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/[^:@/]*:)[^@/]*@/, '$1***@');
}

function bad(url: string, problem: string): PasskError {
  return new PasskError('ERR_BAD_OPTION', `Expected \`--queue\` to be ${FORMAT}, got \`${maskRedisUrl(url)}\`: ${problem}`);
}

export function parseRedisUrl(url: string): RedisLocation {
  const scheme = /^(rediss?):\/\//.exec(url);
  if (!scheme) throw bad(url, 'the scheme must be redis:// or rediss://');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw bad(url, 'not a valid URL');
  }
  if (parsed.search || parsed.hash) throw bad(url, 'no query string or fragment is allowed');
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw bad(url, 'the host is missing');
  let port = 6379;
  if (parsed.port) {
    port = Number(parsed.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad(url, `port \`${parsed.port}\` is not in 1–65535`);
  } else if (/^rediss?:\/\/(?:[^@/]*@)?(?:\[[^\]]*\]|[^:/]*):(?:\/|$)/.test(url)) {
    throw bad(url, 'the port is empty');
  }
  let db = 0;
  const dbText = parsed.pathname.replace(/^\//, '');
  if (dbText !== '') {
    if (!/^\d{1,5}$/.test(dbText)) throw bad(url, `database \`${dbText}\` is not a number (e.g. /0)`);
    db = Number(dbText);
  }
  const username = parsed.username ? decodeURIComponent(parsed.username) : undefined;
  const password = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  const tls = scheme[1] === 'rediss';
  const hostText = host.includes(':') ? `[${host}]` : host;
  const auth = username || password ? `${parsed.username}${password ? ':***' : ''}@` : '';
  return { host, port, db, username, password, tls, where: `${scheme[1]}://${auth}${hostText}:${port}/${db}` };
}
