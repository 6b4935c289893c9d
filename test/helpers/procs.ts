/**
 * Finding every process of one run, Python fork servers and their children included, from /proc.
 *
 * A test starts `passk run` with PASSK_RUN_MARKER=<marker> in its environment. Workers inherit it
 * from the orchestrator, and the evaluator hands it to its fork servers (whose environment is
 * otherwise scrubbed); the servers' forked children keep their parent's initial environment, which is
 * what /proc/<pid>/environ shows. A program that a child execs gets a fresh environment, so on top
 * of the marker a RunProcesses tracker records every descendant of a marked process while the run is
 * alive (pid and start time, so that a reused pid is not mistaken for it) and reports those still
 * alive at the end, even after they were reparented away from the run's tree.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

export const MARKER_VAR = 'PASSK_RUN_MARKER';

export function newMarker(): string {
  return `passk-test-${process.pid}-${randomBytes(6).toString('hex')}`;
}

export interface ProcInfo {
  pid: number;
  ppid: number;
  /** Start time in clock ticks since boot (field 22 of /proc/<pid>/stat). */
  start: string;
  state: string;
}

/** One process's /proc/<pid>/stat (the fields after its name), or undefined once it has exited. */
export function readStat(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(fields[1]), start: fields[19]!, state: fields[0]! };
  } catch {
    return undefined; // exited
  }
}

/** True while `pid` runs (a zombie, exited but not yet reaped, is dead: it holds nothing but its pid). */
export function isAlive(pid: number): boolean {
  const info = readStat(pid);
  return info !== undefined && info.state !== 'Z' && info.state !== 'X';
}

/** Live children of `parent` whose command line mentions `needle`. */
export function childrenMatching(parent: number, needle: string): number[] {
  return liveProcesses()
    .filter((p) => p.ppid === parent && cmdlineOf(p.pid).includes(needle))
    .map((p) => p.pid);
}

/** Every live process (zombies excluded: they are dead and hold nothing but a pid). */
export function liveProcesses(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const info = readStat(Number(entry));
    if (info && info.state !== 'Z' && info.state !== 'X') out.push(info);
  }
  return out;
}

function hasMarker(pid: number, marker: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`${MARKER_VAR}=${marker}`);
  } catch {
    return false; // exited, or not ours to read
  }
}

export function cmdlineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

/** The processes of `procs` by parent pid. */
function byParent(procs: ProcInfo[]): Map<number, ProcInfo[]> {
  const children = new Map<number, ProcInfo[]>();
  for (const p of procs) {
    const siblings = children.get(p.ppid);
    if (siblings) siblings.push(p);
    else children.set(p.ppid, [p]);
  }
  return children;
}

/** Pids of all live descendants of `pid`. */
export function descendants(pid: number): number[] {
  const children = byParent(liveProcesses());
  const out: number[] = [];
  const stack = [pid];
  while (stack.length) for (const c of children.get(stack.pop()!) ?? []) (out.push(c.pid), stack.push(c.pid));
  return out;
}

/** Pids of live processes (this one aside) whose command line mentions `needle`. */
export function processesMatching(needle: string): number[] {
  return liveProcesses()
    .filter((p) => p.pid !== process.pid && cmdlineOf(p.pid).includes(needle))
    .map((p) => p.pid);
}

/** Live processes carrying the marker, and every live descendant of one of them. */
export function markedProcesses(marker: string): ProcInfo[] {
  const procs = liveProcesses().filter((p) => p.pid !== process.pid);
  const children = byParent(procs);
  const found = new Map<number, ProcInfo>();
  const stack = procs.filter((p) => hasMarker(p.pid, marker));
  while (stack.length) {
    const p = stack.pop()!;
    if (found.has(p.pid)) continue;
    found.set(p.pid, p);
    stack.push(...(children.get(p.pid) ?? []));
  }
  return [...found.values()];
}

export class RunProcesses {
  private readonly seen = new Map<string, ProcInfo>();
  constructor(readonly marker: string) {}

  /** The environment to start `passk run` with. */
  get env(): NodeJS.ProcessEnv {
    return { [MARKER_VAR]: this.marker };
  }

  /** Record the run's processes now; returns them. Call it often while the run is alive. */
  sample(): ProcInfo[] {
    const now = markedProcesses(this.marker);
    for (const p of now) this.seen.set(`${p.pid}:${p.start}`, p);
    return now;
  }

  /** How many distinct processes were recorded. */
  get recorded(): number {
    return this.seen.size;
  }

  /** Processes of the run still alive: marked ones, their descendants, and any recorded earlier. */
  leftovers(): Array<{ pid: number; cmd: string }> {
    const left = new Map<number, string>();
    for (const p of this.sample()) left.set(p.pid, cmdlineOf(p.pid));
    for (const p of this.seen.values()) {
      const again = readStat(p.pid);
      if (again && again.start === p.start && again.state !== 'Z' && again.state !== 'X') left.set(p.pid, cmdlineOf(p.pid));
    }
    return [...left].map(([pid, cmd]) => ({ pid, cmd }));
  }
}
