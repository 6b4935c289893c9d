/**
 * `--backend NAME` → a GenerationBackend. `auto` is resolved once, at plan time, to a concrete
 * backend recorded in plan.json (see resolveAutoBackend).
 */
import os from 'node:os';
import path from 'node:path';
import { access } from 'node:fs/promises';
import { PasskError, type GenerationBackend, type Logger } from '@passk/core';
import { createSimBackend } from './sim.js';
import { createLlamaBackend } from './llama.js';
import { createOpenAIBackend } from './openai.js';
import { createVllmBackend, vllmAvailable } from './vllm.js';
import { writeTinyModel, TINY_MODEL_NAME } from '../tiny-model/index.js';
import { resolveEnginePreset } from './presets.js';

export const BACKEND_NAMES = ['auto', 'sim', 'llama', 'vllm', 'openai'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Backend flags that reach generators from `passk run` / `passk generator`. */
export interface BackendFlags {
  /** llama: CPU threads. @default max(1, cores − 1) */
  threads?: number;
  /** vllm: URL of an engine the user started, instead of starting one. */
  vllmUrl?: string;
  /** openai: base URL of the endpoint. */
  openaiUrl?: string;
  /** openai/vllm: environment variable holding the API key. @default OPENAI_API_KEY */
  apiKeyEnv?: string;
  /** Engine presets file (see docs/backends.md). */
  engineConfig?: string;
  /** Preset name within the presets file. */
  preset?: string;
  /** openai/vllm: requests in flight. */
  maxConcurrency?: number;
  /** sim: output tokens/s. @default 200000 */
  simTokensPerSecond?: number;
  /** sim: fraction of wrong samples that loop forever. @default 0 */
  simTimeLimitRate?: number;
}

export interface BackendConfig extends BackendFlags {
  backend: string;
  /** Model path (llama), model name (vllm/openai), or 'sim'. */
  model: string;
  /** GPU index this generator owns. */
  gpu: number;
  /** Directory for engine logs (gpu{i}.vllm.log). */
  logDir: string;
  logger: Logger;
}

export interface AutoChoice {
  backend: string;
  model: string;
  reason: string;
}

/** Context length of the demo's tiny model: LiveCodeBench prompts are ~1,300 byte-level tokens. */
export const TINY_DEMO_CONTEXT = 4096;

/** Where `make run` keeps the tiny model it writes (never downloaded). */
export function tinyModelPath(seed = 0): string {
  const base = process.env.PASSK_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'passk');
  return path.join(base, 'models', `${TINY_MODEL_NAME}-s${seed}-c${TINY_DEMO_CONTEXT}.gguf`);
}

/** Write the tiny model if it is not there yet; returns its path. */
export async function ensureTinyModel(seed = 0): Promise<string> {
  const file = tinyModelPath(seed);
  const present = await access(file).then(() => true, () => false);
  if (!present) await writeTinyModel(file, { seed, contextLength: TINY_DEMO_CONTEXT });
  return file;
}

export function isTinyModel(model: string): boolean {
  return path.basename(model).startsWith(TINY_MODEL_NAME);
}

/** `auto`: vLLM when GPUs and vLLM are present, else the embedded engine (tiny model without --model). */
export async function resolveAutoBackend(model: string): Promise<AutoChoice> {
  const vllm = vllmAvailable();
  if (vllm.available && vllm.gpus > 0 && model && !model.endsWith('.gguf')) {
    return { backend: 'vllm', model, reason: `${vllm.gpus} GPU(s) and vllm found` };
  }
  if (model) return { backend: 'llama', model: path.resolve(model), reason: vllm.reason || 'no GPU with vLLM here' };
  return {
    backend: 'llama',
    model: await ensureTinyModel(),
    reason: "no --model: passk's tiny random model. Its output is noise: this run demonstrates the pipeline, not a model",
  };
}

export async function createBackend(config: BackendConfig): Promise<GenerationBackend> {
  switch (config.backend) {
    case 'sim':
      return createSimBackend({ tokensPerSecond: config.simTokensPerSecond, timeLimitRate: config.simTimeLimitRate });
    case 'llama': {
      const modelPath = config.model && config.model !== 'llama' ? config.model : await ensureTinyModel();
      return createLlamaBackend({ modelPath, threads: config.threads, engineConfig: config.engineConfig, preset: config.preset, logger: config.logger });
    }
    case 'openai': {
      if (!config.openaiUrl) throw new PasskError('ERR_BAD_OPTION', 'Expected `--openai-url` with `--backend openai`');
      // The preset gives maxN, maxConcurrency and its `openai` section; --max-concurrency wins.
      const preset = await resolveEnginePreset(config.preset, config.engineConfig);
      return createOpenAIBackend({
        ...(preset.openai ?? {}),
        ...(preset.maxN !== undefined ? { maxN: preset.maxN } : {}),
        ...(preset.maxConcurrency !== undefined ? { maxConcurrency: preset.maxConcurrency } : {}),
        ...(config.maxConcurrency !== undefined ? { maxConcurrency: config.maxConcurrency } : {}),
        baseUrl: config.openaiUrl,
        ...(config.model && config.model !== 'openai' ? { model: config.model } : {}),
        ...(config.apiKeyEnv !== undefined ? { apiKeyEnv: config.apiKeyEnv } : {}),
        logger: config.logger,
      });
    }
    case 'vllm':
      return createVllmBackend({
        ...(config.model && config.model !== 'vllm' ? { model: config.model } : {}),
        gpu: config.gpu,
        vllmUrl: config.vllmUrl,
        logDir: config.logDir,
        engineConfig: config.engineConfig,
        preset: config.preset,
        maxConcurrency: config.maxConcurrency,
        apiKeyEnv: config.apiKeyEnv,
        logger: config.logger,
      });
    default:
      throw new PasskError('ERR_BACKEND_UNAVAILABLE', `backend \`${config.backend}\` is unknown (known: ${BACKEND_NAMES.join(', ')})`);
  }
}
