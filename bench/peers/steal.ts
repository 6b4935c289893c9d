/**
 * The host's share of this VM's CPU time (bench/peers): "steal" in /proc/stat, the time a virtual CPU
 * was ready but the hypervisor ran something else. The load average does not show it, and a busy host
 * slows every side and the floor alike, so each raw run records the steal share over its own span.
 */
import { readFileSync } from 'node:fs';

interface CpuTimes { steal: number; total: number }

/** The machine's CPU times so far (ticks), or null where /proc/stat cannot be read (not Linux). */
function cpuTimes(): CpuTimes | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest time is inside user)
    const f = line.trim().split(/\s+/).slice(1, 9).map(Number);
    if (f.length < 8 || f.some((x) => !Number.isFinite(x))) return null;
    return { steal: f[7]!, total: f.reduce((a, b) => a + b, 0) };
  } catch {
    return null;
  }
}

/** Steal as a fraction of all CPU time between two readings (null when unknown or no time passed). */
function stealShare(before: CpuTimes | null, after: CpuTimes | null): number | null {
  if (!before || !after || after.total <= before.total) return null;
  return Number(((after.steal - before.steal) / (after.total - before.total)).toFixed(4));
}

/** `fn`'s result and the steal share over its span. */
export function withSteal<T>(fn: () => T): [T, number | null] {
  const before = cpuTimes();
  const result = fn();
  return [result, stealShare(before, cpuTimes())];
}

/** "steal 12 %" for a printed line, or '' when unknown. */
export function stealText(share: number | null): string {
  return share === null ? '' : `, steal ${(100 * share).toFixed(0)} %`;
}
