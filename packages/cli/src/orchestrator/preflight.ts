/**
 * Backend settings checked by `passk run` before any worker starts, so a bad setting fails at once
 * with a clear message (exit 2) instead of inside gpu{i} after its restarts. Only what can be known
 * on this machine is checked; with `--gpus 0` (generators elsewhere) nothing is.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { PasskError } from '@passk/core';
import { resolveEnginePreset } from '@passk/generator';
import type { BackendFlagArgs } from '../options.js';

export interface PreflightInput {
  /** The concrete backend (auto already resolved). */
  backend: string;
  model: string;
  gpus: number;
  flags: Pick<BackendFlagArgs, 'vllmUrl' | 'openaiUrl' | 'engineConfig' | 'preset' | 'maxConcurrency' | 'inflight'>;
}

const bad = (message: string) => new PasskError('ERR_BAD_OPTION', message);

function onPath(exe: string): boolean {
  if (exe.includes('/')) return existsSync(exe);
  return (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, exe)));
}

function httpUrl(value: string, flag: string): void {
  let u: URL | undefined;
  try {
    u = new URL(value);
  } catch {
    u = undefined;
  }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) throw bad(`Expected \`${flag}\` to be an http:// or https:// URL, got \`${value}\``);
}

function positive(value: number | undefined, flag: string): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 1)) throw bad(`Expected \`${flag}\` to be an integer from 1 and up, got \`${value}\``);
}

/** GPUs `nvidia-smi -L` lists, or undefined when there is no (working) nvidia-smi. */
function listedGpus(): number | undefined {
  if (!onPath('nvidia-smi')) return undefined;
  const r = spawnSync('nvidia-smi', ['-L'], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0 && !/No devices were found/.test(r.stdout ?? '')) return undefined;
  return (r.stdout ?? '').split('\n').filter((l) => l.startsWith('GPU ')).length;
}

export async function preflight(input: PreflightInput): Promise<void> {
  const { backend, model, gpus, flags } = input;
  if (gpus === 0) return;
  positive(flags.inflight, '--inflight');
  positive(flags.maxConcurrency, '--max-concurrency');
  // Reads, parses and validates the file, and resolves the preset (ERR_BAD_OPTION / ERR_JSON_MALFORMED).
  if (flags.engineConfig !== undefined || flags.preset !== undefined) await resolveEnginePreset(flags.preset, flags.engineConfig);
  if (backend === 'openai') {
    if (!flags.openaiUrl) throw bad('Expected `--openai-url` with `--backend openai` (the server\'s base URL, e.g. http://127.0.0.1:8000/v1)');
    httpUrl(flags.openaiUrl, '--openai-url');
  }
  if (backend === 'vllm') {
    if (flags.vllmUrl) {
      httpUrl(flags.vllmUrl, '--vllm-url');
      return;
    }
    if (!model || model === 'vllm') throw bad('Expected `--model` with `--backend vllm` (the model `vllm serve` loads: a Hugging Face id or a local path), or `--vllm-url` for an engine you started');
    if (!onPath('vllm')) throw new PasskError('ERR_BACKEND_UNAVAILABLE', 'vllm backend: vllm is not on PATH (pip install vllm), or pass --vllm-url');
    if (!onPath('python3')) throw new PasskError('ERR_BACKEND_UNAVAILABLE', 'vllm backend: python3 is not on PATH; passk starts the engine through a Python launcher that stops it if the generator dies');
    const listed = listedGpus();
    if (listed !== undefined && gpus > listed) throw bad(`Expected \`--gpus\` to be at most ${listed} with \`--backend vllm\` (nvidia-smi lists ${listed} GPU(s)), got \`${gpus}\``);
  }
  if (backend === 'llama' && model) {
    let isFile = false;
    try {
      isFile = statSync(model).isFile();
    } catch {
      isFile = false;
    }
    if (!isFile) throw bad(`Expected \`--model\` to be a GGUF file with \`--backend llama\`, got \`${model}\` (no such file)`);
  }
}
