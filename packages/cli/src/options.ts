/** Options shared by several commands, each with its default, and their eager validation. */
import type { Argv } from 'yargs';
import { PasskError, runLayout, isValidRunName, openTransport, type RunLayout, type Transport } from '@passk/core';
import { passkHome } from './home.js';

export const SEED_TEMPERATURES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.4, 1.5, 1.7, 2.0];

export function withRunOptions<T>(y: Argv<T>) {
  return y
    .option('run', { type: 'string', default: 'default', describe: 'Run name: queue under HOME/queue/NAME, results under HOME/results/NAME (HOME: --home, PASSK_HOME or the passk checkout; `passk runs` lists them)' })
    .option('queue-dir', { type: 'string', describe: 'Queue directory (default: HOME/queue/<run>)' })
    .option('results-dir', { type: 'string', describe: 'Results directory (default: HOME/results/<run>)' })
    .option('queue', { type: 'string', describe: 'Shared queue: redis://host:port/db for several machines (BullMQ) (default: the queue directory)' });
}

/** The run's transport: the queue directory, or BullMQ on Redis with `--queue redis://…`. */
export function transportFrom(
  layout: RunLayout,
  argv: { queue?: string; staleMs?: number; maxAttempts?: number },
): Promise<Transport> {
  if (argv.queue && !/^rediss?:\/\//.test(argv.queue)) {
    throw new PasskError('ERR_BAD_OPTION', `Expected \`--queue\` to be a redis://host:port/db URL, got \`${argv.queue}\` (the filesystem queue is the default: use --queue-dir to move it)`);
  }
  return openTransport({ layout, queueUrl: argv.queue, staleMs: argv.staleMs, maxAttempts: argv.maxAttempts });
}

export function layoutFrom(argv: { run: string; queueDir?: string; resultsDir?: string }): RunLayout {
  if (!isValidRunName(argv.run)) {
    throw new PasskError('ERR_BAD_OPTION', `Expected \`--run\` to be a name of letters, digits, '.', '_' or '-' (not starting with '.' or '-'), got \`${argv.run}\``);
  }
  return runLayout({ root: passkHome(), run: argv.run, queueDir: argv.queueDir, resultsDir: argv.resultsDir });
}

export function withWorkerOptions<T>(y: Argv<T>) {
  return y
    .option('parent-pid', { type: 'number', describe: 'Stop when this process (the orchestrator) exits; set by `passk run` (default: none, run until the run completes or is stopped)' })
    .option('max-attempts', { type: 'number', default: 5, describe: 'Attempts after which an item goes to failed/' })
    .option('stale-ms', { type: 'number', default: 60_000, describe: 'Heartbeat age after which another worker reclaims a claim (any host)' });
}

export function parseNumberList(text: string, flag: string): number[] {
  const values = String(text)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (!values.length || values.some((v) => !Number.isFinite(v) || v < 0)) {
    throw new PasskError('ERR_BAD_OPTION', `Expected \`${flag}\` to be a comma-separated list of numbers ≥ 0, got \`${text}\``);
  }
  if (new Set(values).size !== values.length) throw new PasskError('ERR_BAD_OPTION', `\`${flag}\` lists a value twice: \`${text}\``);
  return values;
}

export function positiveInt(value: unknown, flag: string, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new PasskError('ERR_BAD_OPTION', `Expected \`${flag}\` to be an integer from ${min} and up, got \`${value}\``);
  return n;
}

/** Backend flags, shared by `passk run` (passed on to generators) and `passk generator`. */
export function withBackendFlags<T>(y: Argv<T>) {
  return y
    .option('threads', { type: 'number', describe: 'llama: CPU threads (default: cores − 1, never more)' })
    .option('vllm-url', { type: 'string', describe: 'vllm: use an engine already running at this URL instead of starting one (default: none: each generator starts and owns an engine on port 8100 + GPU index, or the preset basePort + index)' })
    .option('openai-url', { type: 'string', describe: 'openai: base URL of an OpenAI-compatible endpoint, with or without /v1; required with --backend openai (default: none)' })
    .option('api-key-env', { type: 'string', default: 'OPENAI_API_KEY', describe: 'openai/vllm: environment variable holding the API key' })
    .option('engine-config', { type: 'string', describe: 'Engine presets file, JSON (docs/backends.md) (default: none: the built-in presets)' })
    .option('preset', { type: 'string', describe: 'Preset name: built in (balanced, performance, memory_optimized) or in --engine-config (default: the file\'s "default", else balanced)' })
    .option('max-concurrency', { type: 'number', describe: 'openai/vllm: HTTP requests in flight per generator (default: the preset\'s maxConcurrency; balanced: 16)' })
    .option('inflight', { type: 'number', describe: 'Shards each generator works on at once (default: vllm/openai the max concurrency, llama and sim 1)' })
    .option('strict-extraction', { type: 'boolean', describe: "Extract code with LiveCodeBench's rule exactly, no fallbacks (docs/extraction.md); --no-strict-extraction opts in to the fallbacks [default: on with --grading lcb (the default), off with judge; passk generator: the run's plan]" })
    .option('sim-tps', { type: 'number', default: 200_000, describe: 'sim backend: output tokens/s per generator (0 = no pacing)' })
    .option('sim-time-limit-rate', { type: 'number', default: 0, describe: 'sim backend: fraction of wrong samples that loop forever' });
}

export interface BackendFlagArgs {
  threads?: number;
  vllmUrl?: string;
  openaiUrl?: string;
  apiKeyEnv: string;
  engineConfig?: string;
  preset?: string;
  maxConcurrency?: number;
  inflight?: number;
  strictExtraction?: boolean;
  simTps: number;
  simTimeLimitRate: number;
}

/** The same flags as command-line arguments for a generator process. */
export function backendFlagArgs(argv: BackendFlagArgs): string[] {
  const out: string[] = ['--api-key-env', argv.apiKeyEnv, '--sim-tps', String(argv.simTps), '--sim-time-limit-rate', String(argv.simTimeLimitRate)];
  if (argv.threads !== undefined) out.push('--threads', String(argv.threads));
  if (argv.vllmUrl) out.push('--vllm-url', argv.vllmUrl);
  if (argv.openaiUrl) out.push('--openai-url', argv.openaiUrl);
  if (argv.engineConfig) out.push('--engine-config', argv.engineConfig);
  if (argv.preset) out.push('--preset', argv.preset);
  if (argv.maxConcurrency !== undefined) out.push('--max-concurrency', String(argv.maxConcurrency));
  if (argv.inflight !== undefined) out.push('--inflight', String(argv.inflight));
  if (argv.strictExtraction) out.push('--strict-extraction');
  return out;
}

export function backendConfigFlags(argv: BackendFlagArgs) {
  return {
    threads: argv.threads,
    vllmUrl: argv.vllmUrl,
    openaiUrl: argv.openaiUrl,
    apiKeyEnv: argv.apiKeyEnv,
    engineConfig: argv.engineConfig,
    preset: argv.preset,
    maxConcurrency: argv.maxConcurrency,
    simTokensPerSecond: argv.simTps,
    simTimeLimitRate: argv.simTimeLimitRate,
  };
}
