/**
 * The options of `passk run` (and `passk resume`), declared once: the run's names, the backend, selection and
 * limit flags, and its own; RunArgs, what the orchestrator reads, is derived from the declaration.
 */
import os from 'node:os';
import type { Options } from 'yargs';
import { SELECTION_FLAGS } from '@passk/problems';
import { BACKEND_NAMES } from '@passk/generator';
import { RUN_OPTIONS, BACKEND_FLAGS, SEED_TEMPERATURES, type ArgsOf } from '../options.js';
import { LIMIT_FLAGS } from '../grader-factory.js';

export const RUN_FLAGS = {
  ...RUN_OPTIONS,
  ...BACKEND_FLAGS,
  ...SELECTION_FLAGS,
  ...LIMIT_FLAGS,
  problems: { type: 'string', default: 'demo', describe: 'Problem file or dataset spec (demo, humaneval, livecodebench:v6, path.jsonl); narrowed by the selection flags (--release, --start-date, …) as in `passk dataset check`' },
  backend: { type: 'string', default: 'auto', choices: [...BACKEND_NAMES], describe: 'Generation backend; auto = vllm with GPUs, else the embedded engine' },
  model: { type: 'string', default: '', describe: 'Model: GGUF path (llama), model name (vllm/openai)' },
  gpus: { type: 'number', default: 1, describe: 'Generators to start here (one per GPU; 0 when they run on other machines)' },
  evaluators: { type: 'number', default: Math.max(1, os.availableParallelism() - 1), describe: 'Evaluator processes to start here (more can be added by hand mid-run, on any machine)' },
  combiner: { type: 'boolean', default: true, describe: 'Start the combiner here (--no-combiner when it runs on another machine)' },
  'eval-workers': { type: 'number', default: 1, describe: 'Sandboxed fork servers per evaluator' },
  n: { type: 'number', default: 10, describe: 'Samples per (question, temperature)' },
  'shard-size': { type: 'number', default: 100, describe: 'Samples per work item (shard)' },
  temperatures: { type: 'string', default: SEED_TEMPERATURES.join(','), describe: 'Comma-separated temperatures' },
  start: { type: 'number', default: 0, describe: 'First question index (inclusive)' },
  end: { type: 'number', describe: 'Last question index (exclusive) (default: all)' },
  'max-tokens': { type: 'number', default: 2000, describe: 'Max completion tokens per sample' },
  'top-p': { type: 'number', default: 0.95, describe: 'Nucleus sampling top_p' },
  seed: { type: 'number', default: 0, describe: 'seed_base: sample i uses seed seed_base + i' },
  stop: { type: 'string', array: true, default: [] as string[], describe: "Stop strings (none by default: LiveCodeBench's '###' truncates chat models)" },
  'max-restarts': { type: 'number', default: 3, describe: 'Restarts of a crashed worker before giving up (resets after 5 healthy minutes)' },
  'restart-backoff-ms': { type: 'number', default: 1000, describe: 'First restart delay of a crashed worker, ms (doubles per restart, capped at 30 s)' },
  'max-attempts': { type: 'number', default: 5, describe: 'Attempts after which an item goes to failed/' },
  'stale-ms': { type: 'number', default: 60_000, describe: 'Heartbeat age after which a claim is reclaimed (any host)' },
  python: { type: 'string', describe: 'Python interpreter for evaluators (default: resolved from python3)' },
  dedup: { type: 'boolean', default: true, describe: 'Grade identical programs once per question' },
  'metrics-port': { type: 'number', describe: 'Serve Prometheus metrics on 127.0.0.1:PORT/metrics (queue depths, throughput, verdicts, restarts) (default: off)' },
  'metrics-host': { type: 'string', default: '127.0.0.1', describe: 'Interface --metrics-port listens on (0.0.0.0: reachable from other machines, e.g. a RunPod exposed HTTP port)' },
  'retry-failed': { type: 'boolean', default: false, describe: "Put the plan's items in failed/ back to work (attempts reset; their files kept in failed/retried/), then run" },
  'progress-interval': { type: 'number', default: 10, describe: 'Seconds between progress lines when stdout is not a TTY' },
} as const satisfies Record<string, Options>;

export type RunArgs = ArgsOf<typeof RUN_FLAGS> & {
  /** `passk resume`: the run must exist; its plan gives every plan flag not on the command line. */
  resume?: boolean;
};
