/** `vllm` backend options (defaults are applied where each option is used). */
import type { BackendLogger } from '../common.js';

export interface VllmBackendOptions {
  /** Model to serve (`--model`): a Hugging Face id or a local path. Required unless `vllmUrl` is set. */
  model?: string;
  /** GPU index (`--gpu`): the engine runs with `CUDA_VISIBLE_DEVICES=<gpu>`. @default 0 */
  gpu?: number;
  /**
   * Use an engine the user already runs (`--vllm-url`), e.g. `http://10.0.0.5:8000`; no process is
   * started or stopped. @default undefined (start and own an engine)
   */
  vllmUrl?: string;
  /** Port of the owned engine. @default 8100 + gpu */
  port?: number;
  /** Host the owned engine binds to. @default '127.0.0.1' */
  host?: string;
  /** The vLLM executable. @default 'vllm' (looked up on PATH) */
  executable?: string;
  /**
   * Python interpreter for the engine launcher (it stops the engine when the generator dies:
   * PR_SET_PDEATHSIG). @default 'python3' (looked up on PATH)
   */
  python?: string;
  /** Directory for `gpu{i}.vllm.log`, the engine record `gpu{i}.engine.json` and `gpu_trace.csv`. @default process.cwd() */
  logDir?: string;
  /** Engine presets file (`--engine-config FILE`, see presets.ts). @default built-in presets only */
  engineConfig?: string;
  /** Preset name. @default the file's "default", else 'balanced' */
  preset?: string;
  /** More `vllm serve` arguments, after the preset's. @default [] */
  extraArgs?: string[];
  /** `--seed` for the engine (per-request seeds are always sent; this only fixes unseeded state). @default 0 */
  engineSeed?: number;
  /** Delay before starting the engine = gpu × staggerMs (engines loading at once fight over disk and CPU). @default 5000 */
  staggerMs?: number;
  /** Give up if the engine is not healthy (and the canary answered) after this long, ms. @default 900000 (15 min) */
  startupTimeoutMs?: number;
  /** Health poll interval, ms. @default 1000 */
  healthIntervalMs?: number;
  /** Restarts after the engine dies, per generator; then generate() fails. @default 2 */
  maxRestarts?: number;
  /** SIGTERM → wait this long → SIGKILL, ms. @default 30000 */
  stopTimeoutMs?: number;
  /** How long a start waits for the engine port to be free before failing (ERR_BACKEND_UNAVAILABLE), ms. @default 5000 */
  portWaitMs?: number;
  /** HTTP requests in flight (`--max-concurrency`). @default the preset's maxConcurrency (balanced: 16) */
  maxConcurrency?: number;
  /** Largest n per HTTP request. @default the preset's maxN (balanced: 64) */
  maxN?: number;
  /** Ask vLLM for token ids (`return_token_ids`) so per-sample token counts are exact. @default true */
  exactTokenCounts?: boolean;
  /** Scrape `/metrics` into the log every this many ms; 0 = off. @default 10000 */
  metricsIntervalMs?: number;
  /** Sample `nvidia-smi` into `{logDir}/gpu_trace.csv` every this many ms, when it exists; 0 = off. @default 5000 */
  gpuTraceIntervalMs?: number;
  /** API key env var for a user-started engine (`--api-key-env`). @default 'OPENAI_API_KEY' */
  apiKeyEnv?: string;
  /** Log sink. @default silent */
  logger?: BackendLogger;
}
