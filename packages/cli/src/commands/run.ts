/**
 * `passk run`: the orchestrator, in the foreground. Plans (or resumes) the run, starts G generators
 * (staggered), E evaluators and the combiner as separate processes, restarts crashed workers, shows
 * progress, and exits 0 once every summary is written. SIGINT/SIGTERM (or `passk stop`) stop the
 * workers in the safe order. If the orchestrator itself is SIGKILLed its workers notice within a
 * second and stop cleanly; running the same command again resumes. The orchestrator itself, with its loop, is
 * orchestrator/orchestrate.ts; this module declares the command.
 */
import os from 'node:os';
import type { Argv, CommandModule } from 'yargs';
import { withSelectionOptions } from '@passk/problems';
import { BACKEND_NAMES } from '@passk/generator';
import { withRunOptions, withBackendFlags, SEED_TEMPERATURES } from '../options.js';
import { withLimitOptions, limitArgs } from '../grader-factory.js';
import { orchestrate } from '../orchestrator/orchestrate.js';
import { unifyDefaults, groupRunOptions } from '../help.js';
import type { RunArgs } from '../orchestrator/run-args.js';

export type { RunArgs };
export { orchestrate, shellQuote, statusHint } from '../orchestrator/orchestrate.js';


/** `passk resume --run NAME`: `passk run` on an existing run, every plan flag not given taken from its plan.json. */
export const resumeCommand: CommandModule<object, RunArgs> = {
  command: 'resume',
  describe: 'Resume (or extend: a larger --n, more --temperatures or questions) an existing run by name, its plan taken from plan.json',
  builder: (y) => runBuilder(y),
  handler: async (argv) => {
    limitArgs(argv);
    process.exitCode = await orchestrate({ ...argv, resume: true });
  },
};

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run',
  describe: 'Plan (or resume) a sweep and run it to the end: generators, evaluators and the combiner as separate processes',
  builder: (y) => runBuilder(y),
  handler: async (argv) => {
    limitArgs(argv); // the evaluators' limit flags, checked before anything starts (ERR_BAD_OPTION)
    process.exitCode = await orchestrate(argv);
  },
};

function runBuilder(y: Argv) {
  const built = withLimitOptions(withSelectionOptions(withBackendFlags(withRunOptions(y))))
      .option('problems', { type: 'string', default: 'demo', describe: 'Problem file or dataset spec (demo, humaneval, livecodebench:v6, path.jsonl); narrowed by the selection flags (--release, --start-date, …) as in `passk dataset check`' })
      .option('backend', { type: 'string', default: 'auto', choices: [...BACKEND_NAMES], describe: 'Generation backend; auto = vllm with GPUs, else the embedded engine' })
      .option('model', { type: 'string', default: '', describe: 'Model: GGUF path (llama), model name (vllm/openai)' })
      .option('gpus', { type: 'number', default: 1, describe: 'Generators to start here (one per GPU; 0 when they run on other machines)' })
      .option('evaluators', { type: 'number', default: Math.max(1, os.availableParallelism() - 1), describe: 'Evaluator processes to start here (more can be added by hand mid-run, on any machine)' })
      .option('combiner', { type: 'boolean', default: true, describe: 'Start the combiner here (--no-combiner when it runs on another machine)' })
      .option('eval-workers', { type: 'number', default: 1, describe: 'Sandboxed fork servers per evaluator' })
      .option('n', { type: 'number', default: 10, describe: 'Samples per (question, temperature)' })
      .option('shard-size', { type: 'number', default: 100, describe: 'Samples per work item (shard)' })
      .option('temperatures', { type: 'string', default: SEED_TEMPERATURES.join(','), describe: 'Comma-separated temperatures' })
      .option('start', { type: 'number', default: 0, describe: 'First question index (inclusive)' })
      .option('end', { type: 'number', describe: 'Last question index (exclusive) (default: all)' })
      .option('max-tokens', { type: 'number', default: 2000, describe: 'Max completion tokens per sample' })
      .option('top-p', { type: 'number', default: 0.95, describe: 'Nucleus sampling top_p' })
      .option('seed', { type: 'number', default: 0, describe: 'seed_base: sample i uses seed seed_base + i' })
      .option('stop', { type: 'string', array: true, default: [], describe: "Stop strings (none by default: LiveCodeBench's '###' truncates chat models)" })
      .option('max-restarts', { type: 'number', default: 3, describe: 'Restarts of a crashed worker before giving up (resets after 5 healthy minutes)' })
      .option('restart-backoff-ms', { type: 'number', default: 1000, describe: 'First restart delay of a crashed worker, ms (doubles per restart, capped at 30 s)' })
      .option('max-attempts', { type: 'number', default: 5, describe: 'Attempts after which an item goes to failed/' })
      .option('stale-ms', { type: 'number', default: 60_000, describe: 'Heartbeat age after which a claim is reclaimed (any host)' })
      .option('python', { type: 'string', describe: 'Python interpreter for evaluators (default: resolved from python3)' })
      .option('dedup', { type: 'boolean', default: true, describe: 'Grade identical programs once per question' })
      .option('metrics-port', { type: 'number', describe: 'Serve Prometheus metrics on 127.0.0.1:PORT/metrics (queue depths, throughput, verdicts, restarts) (default: off)' })
      .option('metrics-host', { type: 'string', default: '127.0.0.1', describe: 'Interface --metrics-port listens on (0.0.0.0: reachable from other machines, e.g. a RunPod exposed HTTP port)' })
      .option('retry-failed', { type: 'boolean', default: false, describe: "Put the plan's items in failed/ back to work (attempts reset; their files kept in failed/retried/), then run" })
      .option('progress-interval', { type: 'number', default: 10, describe: 'Seconds between progress lines when stdout is not a TTY' });
  return groupRunOptions(unifyDefaults(built)) as never;
}

