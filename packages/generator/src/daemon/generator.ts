/**
 * The generator daemon (`passk generator --gpu I`): load the model once, then claim generation
 * items from pending_gen/ (dynamic: a dead or slow generator never stalls the run), up to
 * `inflight` of them at once so the engine stays full across shard boundaries, generate each
 * shard's samples with seeds seed_base + i (shard.ts), and hand the shard to pending_eval/.
 */
import {
  WorkerRuntime, runClaimLoop, PasskError, checkItemAgainstPlan,
  type RunLayout, type WorkItem, type Shard, type GenerationBackend, type Transport,
} from '@passk/core';
import { createBackend, type BackendConfig } from '../backends/registry.js';
import { BusyClock, generateShard } from './shard.js';

export { generateShard, BusyClock, type ShardContext } from './shard.js';

export interface GeneratorDaemonOptions {
  transport: Transport;
  /** Local directories (logs, prompts). */
  layout: RunLayout;
  /** GPU index; the worker is named gpu{I}. */
  gpu: number;
  parentPid?: number;
  /** Poll interval when no work is pending, ms. @default 500 */
  pollMs?: number;
  /**
   * Shards (claims) in flight at once (`--inflight`). @default the backend's: vllm and openai the
   * client's maxConcurrency (the preset's: balanced 16), llama and sim 1
   */
  inflight?: number;
  /** LiveCodeBench's extraction rule exactly, no fallbacks (`--strict-extraction`). @default false */
  strictExtraction?: boolean;
  /** Backend settings beyond the plan's backend and model. */
  backend?: Partial<Omit<BackendConfig, 'logger' | 'logDir' | 'gpu'>>;
}

/** The backend's own choice of shards in flight (after init), else 1. */
export function defaultInflight(backend: GenerationBackend): number {
  const n = backend.defaultInflight?.();
  return n !== undefined && Number.isInteger(n) && n >= 1 ? n : 1;
}

export async function runGenerator(options: GeneratorDaemonOptions): Promise<number> {
  const runtime = await WorkerRuntime.start({
    transport: options.transport,
    layout: options.layout,
    role: 'generator',
    name: `gpu${options.gpu}`,
    parentPid: options.parentPid,
    stopOn: ['stop-generators', 'stop-all', 'complete'],
  });
  const { logger, layout, transport } = runtime;
  let backend: GenerationBackend | undefined;
  try {
    const plan = await transport.store.readPlan();
    if (!plan) throw new PasskError('ERR_NO_PLAN', `run \`${layout.run}\` has no plan in ${transport.where}: start it with \`passk run\``);
    backend = await createBackend({
      backend: options.backend?.backend ?? plan.backend,
      model: options.backend?.model ?? plan.model,
      gpu: options.gpu,
      logDir: layout.resultsDir,
      logger,
      ...options.backend,
    });
    logger.info({ backend: backend.name, model: plan.model, simulated: backend.simulated }, 'loading model');
    await backend.init(runtime.signal);
    const generator = backend;
    const inflight = options.inflight ?? defaultInflight(generator);
    // The flag, else the plan's rule (passk run records it: on with --grading lcb).
    const strictExtraction = options.strictExtraction ?? plan.strict_extraction ?? false;
    logger.info({ inflight, strict_extraction: strictExtraction }, 'model ready');
    const clock = new BusyClock();
    const ctx = { backend: generator, plan, problems: transport.store, layout, generatorName: runtime.identity.name, clock, strictExtraction };
    await runClaimLoop<WorkItem, Shard>(runtime, {
      from: 'gen',
      to: 'eval',
      what: 'generation',
      pollMs: options.pollMs ?? 500,
      inflight,
      check: (claim) => checkItemAgainstPlan(plan, claim.value, `${claim.stem} (${claim.stage})`),
      process: (claim, signal) => generateShard(ctx, claim.value, signal),
      samples: (shard) => shard.samples.length,
      done: (claim, shard) => {
        // Backends that measure requests (openai, vllm) expose cumulative TTFT/TPOT/ITL/E2EL summaries.
        const latency = generator.latency?.();
        logger.info(
          { item: claim.stem, samples: shard.samples.length, completion_tokens: shard.gen.completion_tokens, gen_tps: shard.gen.gen_tps, wall_s: shard.gen.wall_s, elapsed_s: shard.gen.elapsed_s, finish_reasons: shard.gen.finish_reasons, ...(latency ? { latency } : {}) },
          'shard generated',
        );
      },
    });
    return 0;
  } catch (error) {
    logger.fatal({ err: error }, 'generator failed');
    return 1;
  } finally {
    await backend?.close().catch((error) => logger.error({ err: error }, 'backend close failed'));
    await runtime.close();
  }
}
