/**
 * A real redis-server for tests (Debian's redis-server; `make test` installs it): listens on
 * 127.0.0.1 on a free port, in its own temp dir, with AOF on (`appendfsync always`), no RDB
 * snapshots and `maxmemory-policy noeviction`. `restart()` SIGKILLs it and starts it again on the
 * same port and dir: the AOF brings the data back. Every server started here is SIGKILLed when the
 * test process exits, whatever happened, and its dir removed (stop() removes it at once).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './ports.js';

export interface RedisServer {
  url: string;
  port: number;
  dir: string;
  /** Clean shutdown (SIGTERM), waits for the exit, removes the dir. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL, waits for the exit. */
  kill(): Promise<void>;
  /** SIGKILL, then start again on the same port and dir and wait until it answers PING. */
  restart(): Promise<void>;
  /** Start again after stop()/kill() (same port and dir). */
  start(): Promise<void>;
}

export interface StartRedisOptions {
  /** @default 'noeviction' */
  maxmemoryPolicy?: string;
  /** AOF persistence. @default true */
  appendonly?: boolean;
  /** Extra redis-server arguments. */
  args?: string[];
}

const running = new Set<ChildProcess>();
const dirs = new Set<string>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** True when the server answers PING with PONG (not LOADING). */
export function ping(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let data = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      data += chunk.toString();
      if (data.includes('\r\n')) done(data.startsWith('+PONG'));
    });
  });
}

function waitExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'passk-redis-'));
  dirs.add(dir);
  let child: ChildProcess | undefined;
  let port = 0;
  let stderr = '';

  const launch = async (): Promise<void> => {
    const args = [
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--dir', dir,
      '--appendonly', options.appendonly === false ? 'no' : 'yes',
      '--appendfsync', 'always',
      '--maxmemory-policy', options.maxmemoryPolicy ?? 'noeviction',
      '--save', '',
      '--daemonize', 'no',
      '--logfile', path.join(dir, 'redis.log'),
      ...(options.args ?? []),
    ];
    const proc = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    proc.stderr!.on('data', (chunk) => (stderr += chunk.toString()));
    running.add(proc);
    proc.once('exit', () => running.delete(proc));
    child = proc;
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`redis-server exited (${proc.exitCode ?? proc.signalCode}): ${stderr}`);
      if (await ping(port)) return;
      await sleep(25);
    }
    proc.kill('SIGKILL');
    throw new Error(`redis-server on port ${port} did not answer PING within 15 s: ${stderr}`);
  };

  const kill = async (signal: NodeJS.Signals) => {
    const proc = child;
    child = undefined;
    if (!proc) return;
    proc.kill(signal);
    await waitExit(proc);
  };

  for (let tries = 0; ; tries++) {
    port = await freePort();
    try {
      await launch();
      break;
    } catch (error) {
      if (tries >= 3) throw error;
    }
  }

  return {
    url: `redis://127.0.0.1:${port}/0`,
    port,
    dir,
    async stop() {
      await kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
      dirs.delete(dir);
    },
    kill: () => kill('SIGKILL'),
    async restart() {
      await kill('SIGKILL');
      await launch();
    },
    async start() {
      if (!child) await launch();
    },
  };
}
