/**
 * Worker identity and the owner-tag grammar `<host>-<pid>-<token>` that names a worker in claim files
 * (claim-names.ts) and temp files (temp-names.ts). host is sanitised to [A-Za-z0-9-]; token is 6
 * random [a-z0-9] chosen at worker start, so a reused pid is never mistaken for the old worker. Also
 * the one rule for "is this owner gone": on this host and its pid dead.
 */
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { procStat } from '../proc.js';

export interface WorkerIdentity {
  /** Human name: gpu0, eval3, combiner, orchestrator. */
  name: string;
  role: 'generator' | 'evaluator' | 'combiner' | 'orchestrator' | 'reaper' | 'cli';
  host: string;
  pid: number;
  token: string;
}

export function sanitizeHost(host: string): string {
  return host.replace(/[^A-Za-z0-9-]/g, '-').replace(/^-+|-+$/g, '') || 'host';
}

export function newToken(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(6)].map((b) => alphabet[b % alphabet.length]).join('');
}

export function localHost(): string {
  return sanitizeHost(os.hostname());
}

export function makeIdentity(name: string, role: WorkerIdentity['role']): WorkerIdentity {
  return { name, role, host: localHost(), pid: process.pid, token: newToken() };
}

export function ownerTag(identity: Pick<WorkerIdentity, 'host' | 'pid' | 'token'>): string {
  return `${identity.host}-${identity.pid}-${identity.token}`;
}

/** Pattern (no anchors) of an owner tag, capturing host, pid and token. */
export const OWNER_PATTERN = '([A-Za-z0-9-]+)-(\\d+)-([a-z0-9]{6})';

/**
 * True when a process with this pid runs on this host (EPERM counts as alive). A zombie is dead: a
 * SIGKILLed worker whose parent died too waits as a zombie until init reaps it, which in a container
 * whose pid 1 does not reap can be forever, and it holds nothing any more.
 */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const state = procStat(pid)?.state; // undefined off Linux (or gone meanwhile): trust kill(0)
  return state !== 'Z' && state !== 'X';
}

/** An owner that ran on `host` (this one) and whose pid is gone: what it holds can be taken at once. */
export function localOwnerGone(owner: { host: string; pid: number }, host: string): boolean {
  return owner.host === host && !pidAlive(owner.pid);
}
