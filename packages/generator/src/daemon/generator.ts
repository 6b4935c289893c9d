/**
 * The generator daemon (`passk generator --gpu I`): load the model once, then claim generation
 * items from pending_gen/ one at a time (dynamic: a dead or slow generator never stalls the run),
 * generate the shard's samples with seeds seed_base + i, and hand the shard to pending_eval/.
 */
import path from 'node:path';
import {
  WorkerRuntime, runClaimLoop, writeResultFile, jsonText, PasskError,
  type RunLayout, type WorkItem, type Shard, type ShardSample, type Plan, type GenerationBackend, type Transport, type RunStore,
} from '@passk/core';
import { createBackend, type BackendConfig } from '../backends/registry.js';
import { buildPrompt, stopSequences } from '../prompts.js';
import { extractCode } from '../extract.js';
import { access } from 'node:fs/promises';

export interface GeneratorDaemonOptions {
  transport: Transport;
  /** Local directories (logs, prompts). */
  layout: RunLayout;
  /** GPU index; the worker is named gpu{I}. */
  gpu: number;
  parentPid?: number;
  /** Poll interval when no work is pending, ms. @default 500 */
  pollMs?: number;
  /** Backend settings beyond the plan's backend and model. */
  backend?: Partial<Omit<BackendConfig, 'logger' | 'logDir' | 'gpu'>>;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(() => true, () => false);
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
    if (!plan) throw new PasskError('ERR_BAD_OPTION', `run \`${layout.run}\` has no plan in ${transport.where}: start it with \`passk run\``);
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
    logger.info('model ready');
    const generator = backend;
    await runClaimLoop<WorkItem, Shard>(runtime, {
      from: 'gen',
      to: 'eval',
      what: 'generation',
      pollMs: options.pollMs ?? 500,
      process: (claim, signal) => generateShard(generator, plan, claim.value, transport.store, layout, runtime.identity.name, signal),
      samples: (shard) => shard.samples.length,
      done: (claim, shard) => {
        // Backends that measure requests (openai, vllm) expose cumulative TTFT/TPOT/ITL/E2EL summaries.
        const latency = (generator as { latency?: () => unknown }).latency?.();
        logger.info(
          { item: claim.stem, samples: shard.samples.length, completion_tokens: shard.gen.completion_tokens, gen_tps: shard.gen.gen_tps, wall_s: shard.gen.wall_s, finish_reasons: shard.gen.finish_reasons, ...(latency ? { latency } : {}) },
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

export async function generateShard(
  backend: GenerationBackend,
  plan: Plan,
  item: WorkItem,
  problems: Pick<RunStore, 'problem'>,
  layout: RunLayout,
  generatorName: string,
  signal: AbortSignal,
): Promise<Shard> {
  const problem = await problems.problem(item.question_idx);
  const prompt = buildPrompt(problem);
  const promptFile = path.join(layout.resultsDir, 'prompts', `q${item.question_idx}.json`);
  if (!(await exists(promptFile))) {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(path.dirname(promptFile), { recursive: true });
    await writeResultFile(promptFile, jsonText({ question_idx: item.question_idx, backend: backend.name, prompt }), { fsync: false });
  }
  const startedAt = new Date();
  const generated = await backend.generate({
    problem,
    prompt,
    firstSample: item.first_sample,
    count: item.count,
    seedBase: item.seed_base,
    temperature: item.temperature,
    topP: plan.top_p,
    maxTokens: plan.max_tokens,
    // The plan's --stop wins; without one, the problem format's own stops (HumanEval's, none for LCB chat).
    stop: plan.stop.length ? plan.stop : stopSequences(problem),
    signal,
  });
  signal.throwIfAborted();
  const finishedAt = new Date();
  const wall = (finishedAt.getTime() - startedAt.getTime()) / 1000;
  const finishReasons: Record<string, number> = {};
  let promptTokens = 0;
  let completionTokens = 0;
  const samples: ShardSample[] = generated.map((g) => {
    const { code, method } = extractCode(problem, g.text);
    finishReasons[g.finish_reason] = (finishReasons[g.finish_reason] ?? 0) + 1;
    promptTokens += g.prompt_tokens;
    completionTokens += g.completion_tokens;
    const sample: ShardSample = {
      index: g.index,
      seed: g.seed,
      output: g.text,
      code,
      extraction: method,
      finish_reason: g.finish_reason,
      prompt_tokens: g.prompt_tokens,
      completion_tokens: g.completion_tokens,
    };
    if (g.ttft_ms !== undefined) sample.ttft_ms = g.ttft_ms;
    if (g.e2e_ms !== undefined) sample.e2e_ms = g.e2e_ms;
    if (g.sim_intended !== undefined) sample.sim_intended = g.sim_intended;
    return sample;
  });
  if (samples.length !== item.count) {
    throw new PasskError('ERR_BACKEND', `backend returned ${samples.length} samples for a shard of ${item.count}`);
  }
  return {
    ...item,
    gen: {
      generator: generatorName,
      backend: backend.name,
      model: plan.model,
      simulated: backend.simulated,
      started_at: startedAt.toISOString(),
      finished_at: finishedAt.toISOString(),
      wall_s: wall,
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      gen_tps: wall > 0 ? Math.round((completionTokens / wall) * 10) / 10 : 0,
      finish_reasons: finishReasons,
    },
    samples,
  };
}
