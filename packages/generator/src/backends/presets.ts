/**
 * Engine presets (`--engine-config FILE`): named bundles of engine settings. Three are built in,
 * after the settings the seed scripts used for vLLM; a JSON file can override them or add more.
 *
 * File format (JSON):
 * {
 *   "default": "balanced",                       // preset used when none is named
 *   "presets": {
 *     "balanced": { "gpuMemoryUtilization": 0.9, "maxNumSeqs": 256, "enablePrefixCaching": true },
 *     "long": { "extends": "performance", "maxModelLen": 16384, "extraArgs": ["--enforce-eager"],
 *               "env": { "VLLM_LOGGING_LEVEL": "INFO" }, "maxN": 64, "maxConcurrency": 24,
 *               "llama": { "sequences": 4, "contextSize": 8192 },
 *               "openai": { "seedFanout": "client", "requestTimeoutMs": 600000, "extraBody": { "top_k": 20 } } }
 *   }
 * }
 * A preset in the file with a built-in name replaces that built-in's fields it sets.
 */
import { readFile } from 'node:fs/promises';
import { PasskError } from '@passk/core';
import type { OpenAIBackendOptions } from './openai/options.js';

export interface EnginePreset {
  /** Inherit from another preset (built-in or in the same file). */
  extends?: string;
  /** vLLM `--gpu-memory-utilization` (fraction of total GPU memory). */
  gpuMemoryUtilization?: number;
  /** vLLM `--max-num-seqs` (sequences scheduled at once). */
  maxNumSeqs?: number;
  /** vLLM `--enable-prefix-caching` / `--no-enable-prefix-caching`. */
  enablePrefixCaching?: boolean;
  /** vLLM `--max-model-len`. */
  maxModelLen?: number;
  /** vLLM `--max-num-batched-tokens`. */
  maxNumBatchedTokens?: number;
  /** The owned engine of GPU i listens on basePort + i (two runs on one machine need different ones). Default 8100. */
  basePort?: number;
  /** More `vllm serve` arguments, appended verbatim. */
  extraArgs?: string[];
  /** Extra environment variables for the engine process. */
  env?: Record<string, string>;
  /** Client side: largest n per HTTP request. */
  maxN?: number;
  /** Client side: HTTP requests in flight. */
  maxConcurrency?: number;
  /** Embedded engine settings. */
  llama?: { sequences?: number; contextSize?: number; batchSize?: number };
  /** HTTP client settings of the `openai` backend (and of the `vllm` backend's client). */
  openai?: OpenAIPresetSettings;
}

/** The `openai` section of a preset: these fields of OpenAIBackendOptions, declared (and documented) there (docs/backends.md). */
export type OpenAIPresetSettings = Pick<
  OpenAIBackendOptions,
  | 'endpoint' | 'seedFanout' | 'seedCheck' | 'stream' | 'chatMaxTokensField' | 'requestTimeoutMs' | 'idleTimeoutMs'
  | 'retries' | 'retryBaseMs' | 'retryMaxMs' | 'extraBody' | 'headers' | 'metricsIntervalMs'
>;

export interface EngineConfigFile {
  default?: string;
  presets?: Record<string, EnginePreset>;
}

export const BUILTIN_PRESETS: Record<string, EnginePreset> = {
  balanced: { gpuMemoryUtilization: 0.9, maxNumSeqs: 256, enablePrefixCaching: true, maxN: 64, maxConcurrency: 16 },
  performance: { gpuMemoryUtilization: 0.95, maxNumSeqs: 512, enablePrefixCaching: true, maxN: 64, maxConcurrency: 32 },
  memory_optimized: { gpuMemoryUtilization: 0.7, maxNumSeqs: 128, enablePrefixCaching: false, maxN: 32, maxConcurrency: 8 },
};

export const DEFAULT_PRESET = 'balanced';

function bad(message: string, file?: string): PasskError {
  return new PasskError('ERR_BAD_OPTION', message, file ? { file } : {});
}

export async function readEngineConfig(file: string): Promise<EngineConfigFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new PasskError('ERR_BAD_OPTION', `cannot read engine config: ${(cause as Error).message}`, { file, cause });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new PasskError('ERR_JSON_MALFORMED', `engine config is not valid JSON: ${(cause as Error).message}`, { file, cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw bad('engine config must be a JSON object', file);
  const cfg = parsed as EngineConfigFile;
  if (cfg.default !== undefined && typeof cfg.default !== 'string') throw bad('"default" must be a preset name', file);
  if (cfg.presets !== undefined && (typeof cfg.presets !== 'object' || cfg.presets === null)) throw bad('"presets" must be an object', file);
  for (const [name, p] of Object.entries(cfg.presets ?? {})) validatePreset(name, p, file);
  return cfg;
}

function validatePreset(name: string, p: EnginePreset, file?: string): void {
  const num = (k: keyof EnginePreset, min: number, max: number) => {
    const v = p[k];
    if (v !== undefined && (typeof v !== 'number' || !(v >= min && v <= max))) throw bad(`preset ${name}: ${k} must be a number in [${min}, ${max}]`, file);
  };
  num('gpuMemoryUtilization', 0.01, 1);
  num('maxNumSeqs', 1, 1e6);
  num('maxModelLen', 1, 1e8);
  num('maxNumBatchedTokens', 1, 1e8);
  num('maxN', 1, 1e6);
  num('maxConcurrency', 1, 1e5);
  num('basePort', 1, 65535);
  if (p.enablePrefixCaching !== undefined && typeof p.enablePrefixCaching !== 'boolean') throw bad(`preset ${name}: enablePrefixCaching must be a boolean`, file);
  if (p.extraArgs !== undefined && (!Array.isArray(p.extraArgs) || p.extraArgs.some((a) => typeof a !== 'string'))) {
    throw bad(`preset ${name}: extraArgs must be an array of strings`, file);
  }
  if (p.openai !== undefined) validateOpenAI(name, p.openai, file);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const OPENAI_ENUMS: Record<string, readonly string[]> = {
  endpoint: ['auto', 'completions', 'chat'],
  seedFanout: ['server', 'client'],
  chatMaxTokensField: ['max_tokens', 'max_completion_tokens'],
};
const OPENAI_MS = ['requestTimeoutMs', 'idleTimeoutMs', 'retryBaseMs', 'retryMaxMs', 'metricsIntervalMs'] as const;

function validateOpenAI(name: string, o: unknown, file?: string): void {
  if (!isObject(o)) throw bad(`preset ${name}: openai must be an object`, file);
  const known = new Set([...Object.keys(OPENAI_ENUMS), ...OPENAI_MS, 'seedCheck', 'stream', 'retries', 'extraBody', 'headers']);
  for (const k of Object.keys(o)) if (!known.has(k)) throw bad(`preset ${name}: openai.${k} is not a setting (known: ${[...known].join(', ')})`, file);
  for (const [k, values] of Object.entries(OPENAI_ENUMS)) {
    if (o[k] !== undefined && !values.includes(o[k] as string)) throw bad(`preset ${name}: openai.${k} must be one of ${values.map((v) => `"${v}"`).join(', ')}`, file);
  }
  for (const k of OPENAI_MS) {
    const v = o[k];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0)) throw bad(`preset ${name}: openai.${k} must be an integer number of ms ≥ 0`, file);
  }
  if (o.retries !== undefined && (typeof o.retries !== 'number' || !Number.isInteger(o.retries) || o.retries < 0)) throw bad(`preset ${name}: openai.retries must be an integer ≥ 0`, file);
  for (const k of ['seedCheck', 'stream']) if (o[k] !== undefined && typeof o[k] !== 'boolean') throw bad(`preset ${name}: openai.${k} must be a boolean`, file);
  if (o.extraBody !== undefined && !isObject(o.extraBody)) throw bad(`preset ${name}: openai.extraBody must be an object`, file);
  if (o.headers !== undefined && (!isObject(o.headers) || Object.values(o.headers).some((v) => typeof v !== 'string'))) {
    throw bad(`preset ${name}: openai.headers must be an object of strings`, file);
  }
}

/** Resolve a preset by name (default: the file's `default`, else `balanced`), following `extends`. */
export async function resolveEnginePreset(name?: string, file?: string): Promise<EnginePreset & { name: string }> {
  const cfg = file ? await readEngineConfig(file) : {};
  const all: Record<string, EnginePreset> = { ...BUILTIN_PRESETS };
  for (const [k, v] of Object.entries(cfg.presets ?? {})) all[k] = { ...(BUILTIN_PRESETS[k] ?? {}), ...v };
  const chosen = name ?? cfg.default ?? DEFAULT_PRESET;
  const seen = new Set<string>();
  const resolve = (n: string): EnginePreset => {
    const p = all[n];
    if (!p) throw bad(`unknown engine preset "${n}" (known: ${Object.keys(all).join(', ')})`, file);
    if (seen.has(n)) throw bad(`engine preset "${n}" extends itself`, file);
    seen.add(n);
    const base = p.extends ? resolve(p.extends) : {};
    const { extends: _ignored, ...own } = p;
    return { ...base, ...own, llama: { ...(base.llama ?? {}), ...(own.llama ?? {}) }, openai: { ...(base.openai ?? {}), ...(own.openai ?? {}) } };
  };
  return { ...resolve(chosen), name: chosen };
}

/** The `vllm serve` arguments a preset implies. */
export function vllmPresetArgs(p: EnginePreset): string[] {
  const args: string[] = [];
  if (p.gpuMemoryUtilization !== undefined) args.push('--gpu-memory-utilization', String(p.gpuMemoryUtilization));
  if (p.maxNumSeqs !== undefined) args.push('--max-num-seqs', String(p.maxNumSeqs));
  if (p.maxModelLen !== undefined) args.push('--max-model-len', String(p.maxModelLen));
  if (p.maxNumBatchedTokens !== undefined) args.push('--max-num-batched-tokens', String(p.maxNumBatchedTokens));
  if (p.enablePrefixCaching === true) args.push('--enable-prefix-caching');
  if (p.enablePrefixCaching === false) args.push('--no-enable-prefix-caching');
  args.push(...(p.extraArgs ?? []));
  return args;
}
