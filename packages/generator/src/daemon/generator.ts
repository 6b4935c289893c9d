/**
 * The generator daemon (`passk generator --gpu I`): load the model once, then claim generation
 * items from pending_gen/ one at a time (dynamic: a dead or slow generator never stalls the run),
 * generate the shard's samples with seeds seed_base + i, and hand the shard to pending_eval/.
 */
import path from 'node:path';
import {
  WorkerRuntime, ProblemStore, readPlan, writeResultFile, jsonText, PasskError, hasControl,
  type RunLayout, type WorkItem, type Shard, type ShardSample, type Plan, type GenerationBackend,
} from '@passk/core';
import { createBackend, type BackendConfig } from '../backends/registry.js';
import { buildPrompt } from '../prompts.js';
import { extractCode } from '../extract.js';
import { access } from 'node:fs/promises';

export interface GeneratorDaemonOptions {
  layout: RunLayout;
  /** GPU index; the worker is named gpu{I}. */
  gpu: number;
  parentPid?: number;
  /** Poll interval when no work is pending, ms. @default 500 */
  pollMs?: number;
  /** Backend settings beyond the plan's backend and model. */
  backend?: Partial<Omit<BackendConfig, 'logger' | 'logDir' | 'gpu'>>;
  maxAttempts?: number;
  staleMs?: number;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(() => true, () => false);
}

export async function runGenerator(options: GeneratorDaemonOptions): Promise<number> {
  const runtime = await WorkerRuntime.start({
    layout: options.layout,
    role: 'generator',
    name: `gpu${options.gpu}`,
    parentPid: options.parentPid,
    stopOn: ['stop-generators', 'stop-all', 'complete'],
    maxAttempts: options.maxAttempts,
    staleMs: options.staleMs,
  });
  const { logger, queue, layout } = runtime;
  let backend: GenerationBackend | undefined;
  try {
    const plan = await readPlan(layout);
    if (!plan) throw new PasskError('ERR_BAD_OPTION', `no plan.json in ${layout.resultsDir}: start the run with \`passk run\``);
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
    const problems = new ProblemStore(layout);
    const pollMs = options.pollMs ?? 500;
    while (!runtime.stopping) {
      const claim = await queue.claim<WorkItem>('gen');
      if (!claim) {
        runtime.progress({ state: 'idle', item: null });
        if (await hasControl(layout.controlDir, 'complete')) break;
        await runtime.sleep(pollMs);
        continue;
      }
      runtime.progress({ state: 'working', item: claim.stem });
      const signal = AbortSignal.any([claim.signal, runtime.signal]);
      try {
        const shard = await generateShard(backend, plan, claim.value, problems, layout, runtime.identity.name, signal);
        if (claim.signal.aborted) {
          logger.warn({ item: claim.stem }, 'claim was lost while generating; handing the shard on anyway (the combiner counts it once)');
        }
        await queue.complete(claim, { stage: 'eval', value: shard });
        runtime.progress({ items: 1, samples: shard.samples.length });
        logger.info(
          { item: claim.stem, samples: shard.samples.length, completion_tokens: shard.gen.completion_tokens, gen_tps: shard.gen.gen_tps, wall_s: shard.gen.wall_s },
          'shard generated',
        );
      } catch (error) {
        if (runtime.stopping) {
          await queue.release(claim);
          logger.info({ item: claim.stem }, 'released the item on stop');
          break;
        }
        if (claim.signal.aborted) continue;
        const outcome = await queue.fail(claim, `generation failed: ${(error as Error).message}`);
        logger.error({ item: claim.stem, err: error, outcome }, 'generation failed');
        await runtime.sleep(1000);
      }
    }
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
  problems: ProblemStore,
  layout: RunLayout,
  generatorName: string,
  signal: AbortSignal,
): Promise<Shard> {
  const problem = await problems.get(item.question_idx);
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
    stop: plan.stop,
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
