/** The options of `passk run`, as the orchestrator reads them. */
import type { SelectionArgs } from '@passk/problems';
import type { BackendFlagArgs } from '../options.js';
import type { LimitFlagArgs } from '../grader-factory.js';

export interface RunArgs extends BackendFlagArgs, SelectionArgs, LimitFlagArgs {
  run: string;
  queueDir?: string;
  resultsDir?: string;
  queue?: string;
  problems: string;
  backend: string;
  model: string;
  gpus: number;
  evaluators: number;
  evalWorkers: number;
  combiner: boolean;
  n: number;
  shardSize: number;
  temperatures: string;
  start: number;
  end?: number;
  maxTokens: number;
  topP: number;
  seed: number;
  stop: string[];
  maxRestarts: number;
  restartBackoffMs: number;
  maxAttempts: number;
  staleMs: number;
  python?: string;
  dedup: boolean;
  progressInterval: number;
  metricsPort?: number;
  metricsHost?: string;
  retryFailed: boolean;
  /** `passk resume`: the run must exist; its plan gives every plan flag not on the command line. */
  resume?: boolean;
}
