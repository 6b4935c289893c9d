/** Stand-in executables on PATH (fake `vllm`, fake `nvidia-smi`) and small process helpers. */
import { spawn } from 'node:child_process';
import { chmod, copyFile, mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const OWNER = fileURLToPath(new URL('./vllm-owner.ts', import.meta.url));

/** A bin dir holding the requested stand-ins, named `vllm` and `nvidia-smi`. */
export async function fakeBin(dir: string, which: { vllm?: boolean; nvidiaSmi?: boolean }): Promise<string> {
  const bin = join(dir, `bin-${which.vllm ? 'v' : ''}${which.nvidiaSmi ? 'n' : ''}`);
  await mkdir(bin, { recursive: true });
  const install = async (src: string, name: string) => {
    await copyFile(fileURLToPath(new URL(src, import.meta.url)), join(bin, name));
    await chmod(join(bin, name), 0o755);
  };
  if (which.vllm) await install('./fake-vllm.mjs', 'vllm');
  if (which.nvidiaSmi) await install('./fake-nvidia-smi.mjs', 'nvidia-smi');
  return bin;
}

/** PATH with only `bins`, node's own directory and the system dirs (python3 is in /usr/bin). */
export function isolatedPath(...bins: string[]): string {
  return [...bins, join(process.execPath, '..'), '/usr/bin', '/bin'].join(':');
}

export interface FakeStart {
  argv: string[];
  cuda: string;
  pid: number;
  corePid: number;
}

/** How the fake vllm was started, in order (`start-<k>.json` in its state dir). */
export async function starts(state: string): Promise<FakeStart[]> {
  const files = (await readdir(state)).filter((f) => f.startsWith('start-')).sort((a, b) => Number(a.slice(6, -5)) - Number(b.slice(6, -5)));
  return Promise.all(files.map(async (f) => JSON.parse(await readFile(join(state, f), 'utf8')) as FakeStart));
}

export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - t0;
}

/** A process owning a VllmBackend (vllm-owner.ts); resolves once its engine serves. */
export function startOwner(options: object, env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ['--import', 'tsx', OWNER, JSON.stringify(options)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Array<Record<string, unknown>> = [];
  let err = '';
  let buf = '';
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.stderr!.on('data', (d) => (err += d));
  const ready = new Promise<{ pid: number; launcher: number }>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = JSON.parse(buf.slice(0, i)) as Record<string, unknown>;
        buf = buf.slice(i + 1);
        lines.push(line);
        if (line.ready) resolve(line as never);
      }
    });
    void exited.then((code) => reject(new Error(`owner exited (${code}) before ready: ${err}`)));
  });
  return { child, lines, ready, exited, stderr: () => err };
}
