/**
 * Waiting for the GPU memory of stopped generators to be released. Node never holds GPU memory:
 * the engine does (vLLM's API server and its EngineCore processes, under the generator's launcher).
 * So before the generators are stopped, `engineProcesses()` notes every process that may hold GPU
 * memory for them: their descendants, and the members of the process groups in the engine records
 * (`gpu{i}.engine.json`). After they stopped, `waitForGpuRelease()` polls
 * `nvidia-smi --query-compute-apps=pid,used_memory` until none of those pids is listed any more
 * (the driver may list a process for a while after it exited), bounded by a timeout, logging what
 * it waits for and the per-GPU `memory.used` when done.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { procTable, readRegularTailSync } from '@passk/core';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface GpuLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** The process groups named by the engine records in `resultsDir`. */
export function recordedEngineGroups(resultsDir: string): number[] {
  const groups: number[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(resultsDir).filter((n) => /^gpu\d+\.engine\.json$/.test(n));
  } catch {
    return groups;
  }
  for (const name of names) {
    try {
      const pgid = Number((JSON.parse(readRegularTailSync(path.join(resultsDir, name), 65_536) ?? '{}') as { pgid?: unknown }).pgid);
      if (Number.isInteger(pgid) && pgid > 1) groups.push(pgid);
    } catch {
      // unreadable: nothing to note
    }
  }
  return groups;
}

/** The live `generatorPids`, every live process below them, and the members of `groups` (call it before stopping them). */
export function engineProcesses(generatorPids: number[], groups: number[] = []): number[] {
  const table = procTable() ?? []; // no /proc (not Linux): nothing to note
  const children = new Map<number, number[]>();
  for (const p of table) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const live = new Set(table.map((p) => p.pid));
  // The generators themselves count too: the embedded engine on CUDA runs inside the generator.
  const found = new Set<number>([...generatorPids.filter((p) => live.has(p)), ...table.filter((p) => groups.includes(p.pgid)).map((p) => p.pid)]);
  const stack = [...generatorPids];
  while (stack.length) {
    for (const c of children.get(stack.pop()!) ?? []) {
      if (!found.has(c)) stack.push(c);
      found.add(c);
    }
  }
  return [...found].sort((a, b) => a - b);
}

function nvidiaSmi(args: string[]): Promise<{ ok: true; stdout: string } | { ok: false; missing: boolean; error: string }> {
  return new Promise((resolve) => {
    execFile('nvidia-smi', args, { timeout: 10_000 }, (error, stdout, stderr) => {
      if (!error) return resolve({ ok: true, stdout });
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      resolve({ ok: false, missing, error: (stderr || error.message).trim().slice(0, 300) });
    });
  });
}

/** `memory.used` per GPU (MiB), for the log; {} when it cannot be read. */
export async function gpuMemoryUsed(): Promise<Record<string, number>> {
  const r = await nvidiaSmi(['--query-gpu=index,memory.used', '--format=csv,noheader,nounits']);
  const out: Record<string, number> = {};
  if (!r.ok) return out;
  for (const line of r.stdout.split('\n')) {
    const [index, used] = line.split(',').map((s) => s.trim());
    if (index && used && Number.isFinite(Number(used))) out[`gpu${index}`] = Number(used);
  }
  return out;
}

export interface GpuReleaseOptions {
  /** Give up (log an error, return false) after this long, ms. @default 120000 */
  timeoutMs?: number;
  /** Poll interval, ms. @default 1000 */
  intervalMs?: number;
}

/**
 * Wait until no process of `pids` (from engineProcesses, noted before the stop) is listed by
 * `nvidia-smi --query-compute-apps` any more. True when released (or nothing to wait for: no
 * nvidia-smi, no engine process); false after the timeout.
 */
export async function waitForGpuRelease(pids: number[], logger: GpuLogger, options: GpuReleaseOptions = {}): Promise<boolean> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const started = Date.now();
  if (!pids.length) return true;
  let lastLog = 0;
  for (;;) {
    const r = await nvidiaSmi(['--query-compute-apps=pid,used_memory', '--format=csv,noheader,nounits']);
    if (!r.ok) {
      if (r.missing) logger.info({}, 'no nvidia-smi here: GPU memory release not checked');
      else logger.warn({ error: r.error }, 'nvidia-smi failed: GPU memory release not checked');
      return true;
    }
    const held = r.stdout
      .split('\n')
      .map((l) => l.split(',').map((s) => s.trim()))
      .filter(([pid]) => pid && pids.includes(Number(pid)))
      .map(([pid, mib]) => ({ pid: Number(pid), used_mib: Number(mib) || 0 }));
    const waited = Date.now() - started;
    if (!held.length) {
      logger.info({ waited_ms: waited, engine_pids: pids, memory_used_mib: await gpuMemoryUsed() }, 'GPU memory of the stopped engines is released');
      return true;
    }
    if (waited > timeoutMs) {
      logger.error({ held, waited_ms: waited, memory_used_mib: await gpuMemoryUsed() }, `GPU memory still held by stopped engine processes after ${Math.round(timeoutMs / 1000)} s; going on`);
      return false;
    }
    if (Date.now() - lastLog >= 10_000) {
      logger.info({ held, used_mib: held.reduce((s, h) => s + h.used_mib, 0) }, 'waiting for the stopped engines to release GPU memory');
      lastLog = Date.now();
    }
    await sleep(options.intervalMs ?? 1000);
  }
}
