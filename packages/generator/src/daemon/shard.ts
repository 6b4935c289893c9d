/**
 * One shard: the prompt (recorded once per question in `prompts/q{idx}.json`, with the exact text
 * the embedded engine renders), the backend call for samples [first_sample, first_sample + count)
 * with seeds seed_base + i, extraction, and the shard's `gen` metadata.
 */
import path from 'node:path';
import { access, mkdir } from 'node:fs/promises';
import {
  writeResultFile, jsonText, PasskError,
  type RunLayout, type WorkItem, type Shard, type ShardSample, type Plan, type GenerationBackend, type GenerationPrompt, type RunStore,
  type Problem, type GeneratedSample,
} from '@passk/core';
import { buildPrompt, stopSequences } from '../prompts.js';
import { extractCode } from '../extract.js';

/**
 * Processor sharing over the shards a generator has in flight: with k shards in flight, each
 * second of wall time counts 1/k to each. A shard's share is its `wall_s`, so Σ wall_s over a
 * generator's shards is its busy time and tokens / Σ wall_s its throughput, however many shards
 * overlap (with one at a time, wall_s is simply the shard's own duration).
 */
export class BusyClock {
  private virtualMs = 0;
  private lastMs: number;
  private active = 0;
  /** @param now the time source, ms (a test passes its own). */
  constructor(private readonly now: () => number = () => performance.now()) {
    this.lastMs = now();
  }
  private advance(): void {
    const now = this.now();
    if (this.active > 0) this.virtualMs += (now - this.lastMs) / this.active;
    this.lastMs = now;
  }
  /** A shard starts; returns its token for end(). */
  begin(): number {
    this.advance();
    this.active++;
    return this.virtualMs;
  }
  /** The shard's share of the generator's time since begin(), seconds. */
  end(token: number): number {
    this.advance();
    this.active = Math.max(0, this.active - 1);
    return (this.virtualMs - token) / 1000;
  }
}

export interface ShardContext {
  backend: GenerationBackend;
  plan: Plan;
  problems: Pick<RunStore, 'problem'>;
  layout: RunLayout;
  generatorName: string;
  /** Shared by the generator's lanes. @default a clock of its own (one shard at a time) */
  clock?: BusyClock;
  /** LiveCodeBench's extraction rule exactly, no fallbacks (`--strict-extraction`). @default false */
  strictExtraction?: boolean;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(() => true, () => false);
}

/** results/<run>/prompts/q{idx}.json, once per question: the prompt, and the engine's rendering when it can tell. */
async function keepPrompt(ctx: ShardContext, questionIdx: number, prompt: GenerationPrompt): Promise<void> {
  const { backend, layout } = ctx;
  const promptFile = path.join(layout.resultsDir, 'prompts', `q${questionIdx}.json`);
  if (await exists(promptFile)) return;
  await mkdir(path.dirname(promptFile), { recursive: true });
  const rendered = await backend.renderPrompt?.({ prompt });
  await writeResultFile(
    promptFile,
    jsonText({ question_idx: questionIdx, backend: backend.name, prompt, ...(rendered !== undefined ? { rendered } : {}) }),
    { fsync: false },
  );
}

/** The shard's samples (code extracted) and their token and finish-reason totals. */
function shardSamples(problem: Problem, generated: GeneratedSample[], strict: boolean) {
  const finishReasons: Record<string, number> = {};
  let promptTokens = 0;
  let completionTokens = 0;
  const samples: ShardSample[] = generated.map((g) => {
    const { code, method } = extractCode(problem, g.output, { strict });
    finishReasons[g.finish_reason] = (finishReasons[g.finish_reason] ?? 0) + 1;
    promptTokens += g.prompt_tokens;
    completionTokens += g.completion_tokens;
    const sample: ShardSample = {
      index: g.index,
      seed: g.seed,
      output: g.output,
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
  return { samples, finishReasons, promptTokens, completionTokens };
}

export async function generateShard(ctx: ShardContext, item: WorkItem, signal: AbortSignal): Promise<Shard> {
  const { backend, plan } = ctx;
  const problem = await ctx.problems.problem(item.question_idx);
  const prompt = buildPrompt(problem);
  await keepPrompt(ctx, item.question_idx, prompt);
  const clock = ctx.clock ?? new BusyClock();
  const token = clock.begin();
  const startedAt = new Date();
  let generated;
  let share: number;
  try {
    generated = await backend.generate({
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
  } finally {
    share = clock.end(token);
  }
  signal.throwIfAborted();
  const finishedAt = new Date();
  const elapsed = (finishedAt.getTime() - startedAt.getTime()) / 1000;
  const wall = Math.round(share * 1000) / 1000;
  const { samples, finishReasons, promptTokens, completionTokens } = shardSamples(problem, generated, ctx.strictExtraction === true);
  if (samples.length !== item.count) {
    throw new PasskError('ERR_BACKEND', `backend returned ${samples.length} samples for a shard of ${item.count}`);
  }
  const warnings = backend.warnings?.() ?? [];
  return {
    ...item,
    gen: {
      generator: ctx.generatorName,
      backend: backend.name,
      model: plan.model,
      simulated: backend.simulated,
      started_at: startedAt.toISOString(),
      finished_at: finishedAt.toISOString(),
      wall_s: wall,
      elapsed_s: elapsed,
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      gen_tps: wall > 0 ? Math.round((completionTokens / wall) * 10) / 10 : 0,
      finish_reasons: finishReasons,
      strict_extraction: ctx.strictExtraction === true,
      ...(warnings.length ? { warnings } : {}),
    },
    samples,
  };
}
