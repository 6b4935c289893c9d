/**
 * `--backend NAME` → a GenerationBackend. `auto` is resolved once, at plan time, to a concrete
 * backend recorded in plan.json (see resolveAutoBackend).
 */
import { PasskError, type GenerationBackend, type Logger } from '@passk/core';
import { createSimBackend } from './sim.js';

export const BACKEND_NAMES = ['auto', 'sim', 'llama', 'vllm', 'openai'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface BackendConfig {
  backend: string;
  /** Model path (llama), model name (vllm/openai), or '' for sim. */
  model: string;
  /** GPU index this generator owns. */
  gpu: number;
  /** Directory for engine logs (gpu{i}.vllm.log). */
  logDir: string;
  logger: Logger;
  /** sim: output tokens/s. @default 200000 */
  simTokensPerSecond?: number;
  /** sim: fraction of wrong samples that loop forever. @default 0 */
  simTimeLimitRate?: number;
  /** Other backend flags (threads, URLs, presets), passed through by name. */
  extra?: Record<string, unknown>;
}

export interface AutoChoice {
  backend: string;
  model: string;
  reason: string;
}

/** `auto`: vLLM when GPUs and vLLM are present, the embedded engine otherwise (sim until it lands). */
export function resolveAutoBackend(model: string): AutoChoice {
  return { backend: 'sim', model: model || 'sim', reason: 'the embedded llama backend is not available yet; using the simulated model' };
}

export async function createBackend(config: BackendConfig): Promise<GenerationBackend> {
  switch (config.backend) {
    case 'sim':
      return createSimBackend({ tokensPerSecond: config.simTokensPerSecond, timeLimitRate: config.simTimeLimitRate });
    default:
      throw new PasskError('ERR_BACKEND_UNAVAILABLE', `backend \`${config.backend}\` is not available in this build (known: ${BACKEND_NAMES.join(', ')})`);
  }
}
