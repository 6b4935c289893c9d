/**
 * Node's side of the whole-tree kill when a fork server dies (killed, crashed, hung): the server
 * can no longer sweep its own cgroup, so whatever its running execution left there (a setsid'd
 * grandchild, say) is SIGKILLed here, then the server's cgroup directories are removed. The
 * server does the same for stale cgroups at start (passk_sandbox._remove_stale); both are
 * idempotent. Without root or cgroups there is nothing to read and nothing happens.
 */
import { existsSync, realpathSync } from 'node:fs';
import { readFile, rmdir } from 'node:fs/promises';

export const CGROUP_ROOT = '/sys/fs/cgroup';
/** cpuacct may be co-mounted with cpu and have no `cpuacct` alias (passk_sandbox.controller_root); a missing one is skipped. */
const CONTROLLERS = ['pids', 'memory', 'cpuacct', 'cpu,cpuacct'] as const;
/** The children's group below the server's (memory, cpuacct): passk_sandbox.RUN. */
const RUN = 'run';
const ROUNDS = 400;

/** The mounted hierarchies among CONTROLLERS (a plain directory of the same name is not one). */
function hierarchies(): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const c of CONTROLLERS) {
    const root = `${CGROUP_ROOT}/${c}`;
    if (!existsSync(`${root}/cgroup.procs`)) continue;
    const real = realpathSync(root);
    if (seen.has(real)) continue;
    seen.add(real);
    out.push(root);
  }
  return out;
}

/** The cgroup directories a fork server with this pid uses (docs/sandbox.md). */
export function serverCgroupDirs(serverPid: number): string[] {
  return hierarchies().map((root) => `${root}/passk/${serverPid}`);
}

async function killAll(pids: number[]): Promise<void> {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone, or not ours to kill (EPERM without root) */
    }
  }
  await new Promise((r) => setTimeout(r, 5));
}

async function members(dir: string): Promise<number[] | null> {
  try {
    return (await readFile(`${dir}/cgroup.procs`, 'utf8')).split('\n').filter(Boolean).map(Number);
  } catch {
    return null; // no such cgroup (degraded mode, or already removed)
  }
}

/** SIGKILL every process left in a dead server's cgroups until none is left, then rmdir them (children's group first). */
export async function sweepServerCgroups(serverPid: number): Promise<void> {
  for (const dir of serverCgroupDirs(serverPid)) {
    // The pid was reused by a new server that joined it: not a dead server's cgroup.
    if ((await members(dir))?.includes(serverPid)) continue;
    for (const group of [`${dir}/${RUN}`, dir]) {
      for (let round = 0; round < ROUNDS; round++) {
        const pids = await members(group);
        if (pids === null || pids.includes(serverPid)) break; // gone (or taken over, as above)
        if (pids.length === 0) {
          await rmdir(group).catch(() => {});
          break;
        }
        await killAll(pids);
      }
    }
  }
}
