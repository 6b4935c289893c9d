/**
 * The two backends of the contract suite as "worlds": a place several transports (in this process
 * or in child processes) share — a queue directory, or a run on a redis-server — plus the few
 * backend-specific probes a behaviour test needs (where a failed item's reason is, how to steal a
 * claim). Everything else in contract.test.ts goes through the Transport interfaces only.
 */
import path from 'node:path';
import { readFile, unlink } from 'node:fs/promises';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import * as core from '@passk/core';
import type { Claim, Transport, Stage } from '@passk/core';
import { tempDir } from '../helpers/tmp.js';
import type { RedisServer } from '../helpers/redis.js';

export interface Timing {
  /** fs: --stale-ms; redis: lockDuration. */
  staleMs?: number;
  heartbeatMs?: number;
  maxAttempts?: number;
}

export interface WorldSpec {
  backend: 'fs' | 'redis';
  run: string;
  /** fs: the root of the queue/results dirs. */
  root?: string;
  /** redis: the server URL. */
  url?: string;
  timing: Timing;
}

export const FAST: Required<Timing> = { staleMs: 1500, heartbeatMs: 200, maxAttempts: 5 };
/** Redis-side knobs scaled for tests (the defaults are seconds to minutes). */
export const REDIS_TEST_KNOBS = { stalledIntervalMs: 250, nameTtlMs: 1500, controlPollMs: 200 };

/** Open a transport on a world (used by this process and by child.ts). */
export async function openWorld(spec: WorldSpec): Promise<Transport> {
  const timing = { ...FAST, ...spec.timing };
  if (spec.backend === 'fs') {
    const layout = core.runLayout({ run: spec.run, root: spec.root! });
    return core.openFsTransport(layout, { staleMs: timing.staleMs, heartbeatMs: timing.heartbeatMs, maxAttempts: timing.maxAttempts, fsync: false });
  }
  const { openRedisTransport } = await import('../../packages/core/dist/transport/redis/index.js');
  return openRedisTransport({
    url: spec.url!,
    run: spec.run,
    lockDurationMs: timing.staleMs,
    heartbeatMs: timing.heartbeatMs,
    maxAttempts: timing.maxAttempts,
    ...REDIS_TEST_KNOBS,
  });
}

export interface World {
  name: 'fs' | 'redis';
  spec(timing?: Timing): WorldSpec;
  open(timing?: Timing): Promise<Transport>;
  /** The reason recorded for a failed (quarantined or exhausted) item. */
  failedReason(stem: string, stage: Stage): Promise<Record<string, any> | undefined>;
  /** Make a claim lost behind its holder's back (fs: the claim file vanishes; redis: the lock key does). */
  loseClaim(claim: Claim): Promise<void>;
  close(): Promise<void>;
}

let runSeq = 0;

export async function fsWorld(): Promise<World> {
  const root = await tempDir('passk-contract-');
  const run = `c${++runSeq}`;
  const layout = core.runLayout({ run, root });
  const opened: Transport[] = [];
  const world: World = {
    name: 'fs',
    spec: (timing = {}) => ({ backend: 'fs', run, root, timing }),
    async open(timing = {}) {
      const t = await openWorld(world.spec(timing));
      opened.push(t);
      return t;
    },
    async failedReason(stem, stage) {
      try {
        return JSON.parse(await readFile(path.join(layout.failedDir, `${stem}.${stage}.reason.json`), 'utf8'));
      } catch {
        return undefined;
      }
    },
    async loseClaim(claim) {
      await unlink(claim.handle as string);
    },
    async close() {
      for (const t of opened) await t.close();
    },
  };
  return world;
}

export function redisWorld(server: RedisServer): World {
  const run = `c${++runSeq}-${process.pid}`;
  const opened: Transport[] = [];
  const raw = new Redis(server.url, { maxRetriesPerRequest: null, lazyConnect: true }).on('error', () => {});
  const world: World = {
    name: 'redis',
    spec: (timing = {}) => ({ backend: 'redis', run, url: server.url, timing }),
    async open(timing = {}) {
      const t = await openWorld(world.spec(timing));
      opened.push(t);
      return t;
    },
    async failedReason(stem, stage) {
      const text = await raw.hget(`passk:${run}:${stage}:${stem}`, 'failedReason');
      return text ? JSON.parse(text) : undefined;
    },
    async loseClaim(claim) {
      await raw.del(`passk:${run}:${claim.stage}:${claim.stem}:lock`);
    },
    async close() {
      for (const t of opened) await t.close();
      raw.disconnect();
    },
  };
  return world;
}

/** A child process that opens the world and does one thing, then idles until killed. */
export interface Child {
  child: ChildProcess;
  /** The first JSON line it printed. */
  first: Promise<Record<string, any>>;
  kill(): Promise<void>;
}

export function startChild(spec: WorldSpec, action: Record<string, unknown>): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'child.ts'), JSON.stringify({ spec, action })], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr += c.toString()));
  const first = new Promise<Record<string, any>>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve(JSON.parse(line)));
    child.once('exit', (code, signal) => reject(new Error(`child exited (${code ?? signal}) before answering: ${stderr}`)));
  });
  first.catch(() => {});
  return {
    child,
    first,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
