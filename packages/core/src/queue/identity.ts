/**
 * Worker identity and the claim-file grammar:
 *   claimed/<stem>.<stage>.<host>-<pid>-<token>.claim
 * host is sanitised to [A-Za-z0-9-]; token is 6 random [a-z0-9] chosen at worker start, so a
 * reused pid is never mistaken for the old worker.
 */
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Stage } from './layout.js';
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

export function claimFileName(stem: string, stage: Stage, identity: WorkerIdentity): string {
  return `${stem}.${stage}.${ownerTag(identity)}.claim`;
}

export interface ParsedClaim {
  stem: string;
  stage: Stage;
  host: string;
  pid: number;
  token: string;
}

const CLAIM_RE = /^(q\d+_t\d+_\d+_s\d+)\.(gen|eval|combine)\.([A-Za-z0-9-]+)-(\d+)-([a-z0-9]{6})\.claim$/;

export function parseClaimFileName(name: string): ParsedClaim | undefined {
  const match = CLAIM_RE.exec(name);
  if (!match) return undefined;
  return { stem: match[1]!, stage: match[2] as Stage, host: match[3]!, pid: Number(match[4]), token: match[5]! };
}

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
