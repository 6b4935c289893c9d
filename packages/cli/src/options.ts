/** Options shared by several commands, each with its default, and their eager validation. */
import type { InferredOptionTypes, Options } from 'yargs';
import { PasskError, runLayout, isValidRunName, openTransport, type RunLayout, type Transport } from '@passk/core';
import { passkHome } from './home.js';

export const SEED_TEMPERATURES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.4, 1.5, 1.7, 2.0];

/** Naming the run and where its queue and results live: every command that works on a run. */
export const RUN_OPTIONS = {
  run: { type: 'string', default: 'default', describe: 'Run name: queue under HOME/queue/NAME, results under HOME/results/NAME (HOME: --home, PASSK_HOME or the passk checkout; `passk runs` lists them)' },
  'queue-dir': { type: 'string', describe: 'Queue directory (default: HOME/queue/<run>)' },
  'results-dir': { type: 'string', describe: 'Results directory (default: HOME/results/<run>)' },
  queue: { type: 'string', describe: 'Shared queue: redis://host:port/db for several machines (BullMQ) (default: the queue directory)' },
} as const satisfies Record<string, Options>;

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

/** The daemons' own options (`passk generator|evaluator|combiner`). */
export const WORKER_OPTIONS = {
  'parent-pid': { type: 'number', describe: 'Stop when this process (the orchestrator) exits; set by `passk run` (default: none, run until the run completes or is stopped)' },
  'max-attempts': { type: 'number', default: 5, describe: 'Attempts after which an item goes to failed/' },
  'stale-ms': { type: 'number', default: 60_000, describe: 'Heartbeat age after which another worker reclaims a claim (any host)' },
} as const satisfies Record<string, Options>;

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

/**
 * Backend flags, shared by `passk run` (passed on to generators) and `passk generator`: declared once here,
 * their type (BackendFlagArgs), their forwarding (backendFlagArgs) and `passk run`'s help group follow.
 */
export const BACKEND_FLAGS = {
  threads: { type: 'number', describe: 'llama: CPU threads (default: cores − 1, never more)' },
  'vllm-url': { type: 'string', describe: 'vllm: use an engine already running at this URL instead of starting one (default: none: each generator starts and owns an engine on port 8100 + GPU index, or the preset basePort + index)' },
  'openai-url': { type: 'string', describe: 'openai: base URL of an OpenAI-compatible endpoint, with or without /v1; required with --backend openai (default: none)' },
  'api-key-env': { type: 'string', default: 'OPENAI_API_KEY', describe: 'openai/vllm: environment variable holding the API key' },
  'engine-config': { type: 'string', describe: 'Engine presets file, JSON (docs/backends.md) (default: none: the built-in presets)' },
  preset: { type: 'string', describe: 'Preset name: built in (balanced, performance, memory_optimized) or in --engine-config (default: the file\'s "default", else balanced)' },
  'max-concurrency': { type: 'number', describe: 'openai/vllm: HTTP requests in flight per generator (default: the preset\'s maxConcurrency; balanced: 16)' },
  inflight: { type: 'number', describe: 'Shards each generator works on at once (default: vllm/openai the max concurrency, llama and sim 1)' },
  'strict-extraction': { type: 'boolean', describe: "Extract code with LiveCodeBench's rule exactly, no fallbacks (docs/extraction.md); --no-strict-extraction opts in to the fallbacks [default: on with --grading lcb (the default), off with judge; passk generator: the run's plan]" },
  'sim-tps': { type: 'number', default: 200_000, describe: 'sim backend: output tokens/s per generator (0 = no pacing)' },
  'sim-time-limit-rate': { type: 'number', default: 0, describe: 'sim backend: fraction of wrong samples that loop forever' },
} as const satisfies Record<string, Options>;

/** The options' argv as a handler sees it: the declared (kebab-case) keys and their camelCase twins. */
export type ArgsOf<O extends Record<string, Options>> = CamelCased<InferredOptionTypes<O>>;
/** yargs' ArgumentsCamelCase without its `_`, `$0` and catch-all index (which would make every key `unknown`). */
type CamelCased<T> = { [K in keyof T & string as K | CamelCase<K>]: T[K] };
type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

export type BackendFlagArgs = ArgsOf<typeof BACKEND_FLAGS>;

/** The same flags as command-line arguments for a generator process: each one given a value (a boolean: when on). */
export function backendFlagArgs(argv: InferredOptionTypes<typeof BACKEND_FLAGS>): string[] {
  const out: string[] = [];
  for (const key of Object.keys(BACKEND_FLAGS) as Array<keyof typeof BACKEND_FLAGS>) {
    const value = argv[key];
    if (value === undefined || value === false) continue;
    out.push(`--${key}`, ...(value === true ? [] : [String(value)]));
  }
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
