/**
 * `vllm` backend: stopping a process group with no orphan left (vLLM's engine-core processes may
 * hold GPU memory): SIGTERM, wait, SIGKILL, wait until no process of the group is left.
 */
import { procTable } from '@passk/core';
import { sleep } from '../common.js';

/**
 * True while any live process of group `pgid` is left (EPERM: it exists but is not ours). Zombies
 * (exited, not yet reaped: an orphan waits for init to reap it) hold nothing and do not count.
 */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return liveMembers(pgid);
}

function liveMembers(pgid: number): boolean {
  const table = procTable();
  if (!table) return true; // no /proc: trust kill(0)
  return table.some((p) => p.pgid === pgid && p.state !== 'Z');
}

export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    /* already gone */
  }
}

/** Wait until group `pgid` is gone; false when it is still there after `timeoutMs`. */
export async function waitGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (groupAlive(pgid)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/**
 * SIGTERM the group, wait up to `termTimeoutMs`; if it is still there, call `onSigkill` (to log),
 * SIGKILL it and wait up to 10 s more.
 */
export async function killGroup(pgid: number, termTimeoutMs: number, onSigkill: () => void): Promise<void> {
  signalGroup(pgid, 'SIGTERM');
  const gone = await waitGroupGone(pgid, termTimeoutMs);
  if (!gone) {
    onSigkill();
    signalGroup(pgid, 'SIGKILL');
    await waitGroupGone(pgid, 10_000);
  }
}
