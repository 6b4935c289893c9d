/**
 * Linux process facts from /proc/<pid>/stat: state, parent and process group. The fields after the
 * command name are read from after its last `)`, since the name itself may hold spaces and parens.
 */
import { readFileSync, readdirSync } from 'node:fs';

export interface ProcStat {
  pid: number;
  /** R, S, D, Z (zombie), X (dead), … */
  state: string;
  ppid: number;
  pgid: number;
}

/** One process's stat, or undefined when it is gone or there is no /proc. */
export function procStat(pid: number): ProcStat | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { pid, state: f[0]!, ppid: Number(f[1]), pgid: Number(f[2]) };
}

/** Every process's stat, or undefined when there is no /proc to read. */
export function procTable(): ProcStat[] | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const out: ProcStat[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry)); // undefined: exited meanwhile
    if (stat) out.push(stat);
  }
  return out;
}
