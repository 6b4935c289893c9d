/** `vllm` backend: the `openai` client that talks to the engine, with vLLM's sampling fields explicit. */
import type { BackendLogger } from '../common.js';
import { OpenAIBackend } from '../openai.js';
import type { EnginePreset } from '../presets.js';
import type { VllmBackendOptions } from './options.js';

/** vLLM-specific fields sent with every request, so no model or endpoint default applies. */
export const VLLM_EXPLICIT_SAMPLING = {
  top_k: -1,
  min_p: 0,
  repetition_penalty: 1,
  presence_penalty: 0,
  frequency_penalty: 0,
  ignore_eos: false,
  skip_special_tokens: true,
  include_stop_str_in_output: false,
} as const;

/**
 * The client for the engine at `url`; `owned`: we started it (and restart it when it dies). The
 * preset's `openai` section overrides the defaults here; `extraBody` is merged over vLLM's explicit
 * sampling fields (and `return_token_ids` stays on unless exactTokenCounts is false).
 */
export function createVllmClient(
  opts: VllmBackendOptions,
  preset: EnginePreset,
  url: string,
  owned: boolean,
  logger: BackendLogger,
): OpenAIBackend {
  const { extraBody, metricsIntervalMs: _metrics, ...rest } = preset.openai ?? {};
  return new OpenAIBackend({
    name: 'vllm',
    baseUrl: url,
    ...(opts.model !== undefined ? { model: opts.model } : {}),
    endpoint: 'auto',
    maxConcurrency: opts.maxConcurrency ?? preset.maxConcurrency ?? 16,
    maxN: opts.maxN ?? preset.maxN ?? 64,
    seedFanout: 'server',
    // vLLM seeds child i of an n request with seed + i: nothing to check (unless the preset asks).
    seedCheck: false,
    stream: true,
    // An owned engine that dies is restarted by us: fail fast, then resend after the restart.
    retries: owned ? 2 : 6,
    // The preset's openai section (timeouts, retries, headers, …) applies to this client too.
    ...rest,
    extraBody: { ...VLLM_EXPLICIT_SAMPLING, ...(extraBody ?? {}), ...(opts.exactTokenCounts === false ? {} : { return_token_ids: true }) },
    metricsIntervalMs: opts.metricsIntervalMs ?? preset.openai?.metricsIntervalMs ?? 10_000,
    ...(opts.apiKeyEnv !== undefined ? { apiKeyEnv: opts.apiKeyEnv } : {}),
    logger,
  });
}
