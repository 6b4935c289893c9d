/**
 * `vllm` backend: the engine record `{logDir}/gpu{i}.engine.json` (the run's results dir), and what
 * a (re)starting generator does with it before it starts an engine:
 *
 * 1. A record left by an earlier generator of this GPU on this host whose process group is still
 *    alive (the launcher is recognised by its marker in /proc, so a reused pid is never killed) is
 *    a leftover engine: its group gets SIGTERM, then SIGKILL, and the generator waits until it is
 *    gone. The launcher normally makes this impossible (PR_SET_PDEATHSIG); this is the second line.
 * 2. The engine's port must be free: an engine this run does not know about (another run, or a
 *    server started by hand) would otherwise answer our health check.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { readRegularText, SMALL_FILE_MAX_BYTES } from '@passk/core';
import net from 'node:net';
import os from 'node:os';
import { type BackendLogger, sleep, unavailableError } from '../common.js';
import { LAUNCHER_MARKER } from './launcher.js';
import { groupAlive, killGroup } from './process-group.js';

export interface EngineRecord {
  gpu: number;
  host: string;
  port: number;
  /** The launcher's pid, which is also the engine's process group id. */
  pgid: number;
  generator_pid: number;
  started_at: string;
}

export function writeEngineRecord(file: string, record: EngineRecord): void {
  writeFileSync(file, `${JSON.stringify(record)}\n`);
}

export async function readEngineRecord(file: string): Promise<EngineRecord | undefined> {
  try {
    const r = JSON.parse(await readRegularText(file, SMALL_FILE_MAX_BYTES)) as EngineRecord;
    return Number.isInteger(r.pgid) && r.pgid > 1 ? r : undefined;
  } catch {
    return undefined;
  }
}

/** Remove the record if it still names group `pgid` (a newer engine's record is kept). */
export async function removeEngineRecord(file: string, pgid: number): Promise<void> {
  const r = await readEngineRecord(file);
  if (r?.pgid === pgid) await rm(file, { force: true });
}

function cmdline(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * True when group `pgid` is alive and is a passk engine: its leader is a launcher, or the leader
 * is gone but members are left (a group id is not reused while any member lives).
 */
export function isEngineGroup(pgid: number): boolean {
  if (!groupAlive(pgid)) return false;
  const leader = cmdline(pgid);
  return leader === undefined || leader === '' || leader.includes(LAUNCHER_MARKER);
}

/** Kill the leftover engine named by the record, if any; true when one was killed. */
export async function killLeftoverEngine(file: string, stopTimeoutMs: number, logger: BackendLogger): Promise<boolean> {
  const r = await readEngineRecord(file);
  if (!r || r.host !== os.hostname() || !isEngineGroup(r.pgid)) return false;
  logger.warn(
    { gpu: r.gpu, pgid: r.pgid, port: r.port, generator_pid: r.generator_pid, started_at: r.started_at, record: file },
    'vllm: killing a leftover engine of this GPU from an earlier generator',
  );
  await killGroup(r.pgid, stopTimeoutMs, () => logger.warn({ gpu: r.gpu, pgid: r.pgid }, 'vllm: leftover engine ignored SIGTERM; sending SIGKILL'));
  if (groupAlive(r.pgid)) throw unavailableError(`vllm: the leftover engine of GPU ${r.gpu} (process group ${r.pgid}) did not exit after SIGKILL`);
  await rm(file, { force: true });
  return true;
}

/** True when nothing listens on host:port (we can bind it). */
export function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen({ host, port, exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/** Wait up to `waitMs` for host:port to be free; else fail with what to do. */
export async function requirePortFree(host: string, port: number, gpu: number, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  while (!(await portFree(host, port))) {
    if (Date.now() > deadline) {
      throw unavailableError(
        `vllm: port ${port} on ${host} (the engine port of GPU ${gpu}) is already in use by a process this generator did not start ` +
          `(an engine of another run, or a server started by hand); stop it, or use it with --vllm-url http://${host}:${port}`,
      );
    }
    await sleep(200);
  }
}
