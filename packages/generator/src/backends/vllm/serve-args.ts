/** `vllm` backend: the `vllm serve` command line and environment (options and preset → flags). */
import { type EnginePreset, vllmPresetArgs } from '../presets.js';
import type { VllmBackendOptions } from './options.js';

/** `serve MODEL --host H --port P --seed S`, then the preset's flags, then `extraArgs`. */
export function vllmServeArgs(opts: VllmBackendOptions, port: number, preset: EnginePreset | undefined): string[] {
  const p = preset ?? {};
  return [
    'serve',
    opts.model!,
    '--host',
    opts.host ?? '127.0.0.1',
    '--port',
    String(port),
    '--seed',
    String(opts.engineSeed ?? 0),
    ...vllmPresetArgs(p),
    ...(opts.extraArgs ?? []),
  ];
}

/** The engine's environment: ours, the preset's `env`, and `CUDA_VISIBLE_DEVICES=<gpu>`. */
export function vllmEngineEnv(preset: EnginePreset | undefined, gpu: number): NodeJS.ProcessEnv {
  return { ...process.env, ...(preset?.env ?? {}), CUDA_VISIBLE_DEVICES: String(gpu) };
}
