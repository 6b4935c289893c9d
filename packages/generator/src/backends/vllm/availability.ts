/** `vllm` backend: is the engine runnable here (executable on PATH, GPUs listed by nvidia-smi)? */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, delimiter } from 'node:path';

/** True when `executable` is a path that exists, or a name found in a PATH directory. */
export function onPath(executable: string): boolean {
  if (executable.includes('/')) return existsSync(executable);
  return (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, executable)));
}

/** True when `vllm` is on PATH and `nvidia-smi -L` lists at least one GPU (for `--backend auto`). */
export function vllmAvailable(executable = 'vllm'): { available: boolean; gpus: number; reason: string } {
  if (!onPath(executable)) return { available: false, gpus: 0, reason: `${executable} not on PATH` };
  if (!onPath('nvidia-smi')) return { available: false, gpus: 0, reason: 'nvidia-smi not on PATH' };
  const r = spawnSync('nvidia-smi', ['-L'], { encoding: 'utf8', timeout: 10_000 });
  const gpus = r.status === 0 ? r.stdout.split('\n').filter((l) => l.startsWith('GPU ')).length : 0;
  return gpus > 0 ? { available: true, gpus, reason: `${gpus} GPU(s)` } : { available: false, gpus: 0, reason: 'no GPU listed by nvidia-smi' };
}
