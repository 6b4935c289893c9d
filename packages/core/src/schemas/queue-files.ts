/**
 * Schemas of the files that travel through the queue: a generation work item (pending_gen/),
 * a generated shard (pending_eval/) and an evaluated shard (pending_combine/). An evaluated shard is
 * a generated shard whose samples carry a verdict; a generated shard is a work item plus samples.
 */
import type { GeneratedSample } from '../backend.js';
import type { Verdict } from './verdict.js';
import type { Stage } from '../queue/layout.js';
import { verdictSchema } from './verdict.js';

const { $id: _verdictId, ...verdictBody } = verdictSchema;

export interface WorkItem {
  version: 1;
  /** The item stem: q{idx}_t{M}_{m}_s{shard}. */
  item: string;
  question_idx: number;
  temperature: number;
  shard: number;
  /** Index of the first sample of this shard within its (question, temperature). */
  first_sample: number;
  count: number;
  seed_base: number;
  /** Times a worker died holding this item (or failed it). */
  attempts: number;
  /** Why earlier attempts ended, newest last (bounded: HISTORY_LIMIT). */
  history?: string[];
}

/** Keep `history` short so a flapping item does not grow without bound. */
export const HISTORY_LIMIT = 20;

/** `history` with `lines` appended, the oldest dropped beyond HISTORY_LIMIT. */
export function appendHistory(history: string[] | undefined, ...lines: string[]): string[] {
  return [...(history ?? []), ...lines].slice(-HISTORY_LIMIT);
}

/** One sample of a shard: the backend's sample (its fields, its names) plus the program extracted from it. */
export interface ShardSample extends GeneratedSample {
  /** Extracted program (or completion). */
  code: string;
  extraction: string;
}

export interface GenerationInfo {
  generator: string;
  backend: string;
  model: string;
  simulated: boolean;
  started_at: string;
  finished_at: string;
  /**
   * The shard's share of its generator's time: with k shards in flight, each second counts 1/k
   * to each (Σ wall_s over a generator's shards = its busy time). One shard at a time: its duration.
   */
  wall_s: number;
  /** finished_at − started_at, s (longer than wall_s when shards overlapped). */
  elapsed_s?: number;
  prompt_tokens: number;
  completion_tokens: number;
  /** Completion tokens per second of wall_s for this shard. */
  gen_tps: number;
  finish_reasons: Record<string, number>;
  /** Extracted with LiveCodeBench's rule exactly, no fallbacks (`--strict-extraction`). */
  strict_extraction?: boolean;
  /** Backend warnings, e.g. a server that does not honour the seed rule. */
  warnings?: string[];
}

export interface Shard extends WorkItem {
  gen: GenerationInfo;
  samples: ShardSample[];
}

export interface EvaluatedSample extends ShardSample {
  verdict: Verdict;
}

export interface EvaluationInfo {
  evaluator: string;
  started_at: string;
  finished_at: string;
  wall_s: number;
  /** Samples whose verdict came from the dedup cache. */
  cached: number;
}

export interface EvaluatedShard extends WorkItem {
  gen: GenerationInfo;
  eval: EvaluationInfo;
  samples: EvaluatedSample[];
}

const workItemProperties = {
  version: { const: 1 },
  item: { type: 'string', pattern: '^q\\d+_t\\d+_\\d+_s\\d+$' },
  question_idx: { type: 'integer', minimum: 0 },
  temperature: { type: 'number', minimum: 0 },
  shard: { type: 'integer', minimum: 0 },
  first_sample: { type: 'integer', minimum: 0 },
  count: { type: 'integer', minimum: 1 },
  seed_base: { type: 'integer' },
  attempts: { type: 'integer', minimum: 0 },
  history: { type: 'array', items: { type: 'string' } },
};
const workItemRequired = ['version', 'item', 'question_idx', 'temperature', 'shard', 'first_sample', 'count', 'seed_base', 'attempts'];

export const workItemSchema = {
  $id: 'passk/work-item',
  type: 'object',
  required: workItemRequired,
  properties: workItemProperties,
  additionalProperties: false,
};

const sampleProperties = {
  index: { type: 'integer', minimum: 0 },
  seed: { type: 'integer' },
  output: { type: 'string' },
  code: { type: 'string' },
  extraction: { type: 'string' },
  finish_reason: { type: 'string', enum: ['stop', 'length', 'error'] },
  prompt_tokens: { type: 'integer', minimum: 0 },
  completion_tokens: { type: 'integer', minimum: 0 },
  ttft_ms: { type: 'number' },
  e2e_ms: { type: 'number' },
  sim_intended: { type: 'string' },
};
const sampleRequired = ['index', 'seed', 'output', 'code', 'extraction', 'finish_reason', 'prompt_tokens', 'completion_tokens'];

const generationInfoSchema = {
  type: 'object',
  required: ['generator', 'backend', 'model', 'simulated', 'started_at', 'finished_at', 'wall_s', 'prompt_tokens', 'completion_tokens', 'gen_tps', 'finish_reasons'],
  properties: {
    generator: { type: 'string' },
    backend: { type: 'string' },
    model: { type: 'string' },
    simulated: { type: 'boolean' },
    started_at: { type: 'string' },
    finished_at: { type: 'string' },
    wall_s: { type: 'number', minimum: 0 },
    prompt_tokens: { type: 'integer', minimum: 0 },
    completion_tokens: { type: 'integer', minimum: 0 },
    gen_tps: { type: 'number', minimum: 0 },
    finish_reasons: { type: 'object', additionalProperties: { type: 'integer' } },
    elapsed_s: { type: 'number', minimum: 0 },
    strict_extraction: { type: 'boolean' },
    warnings: { type: 'array', items: { type: 'string' } },
  },
  additionalProperties: false,
};

export const shardSchema: Record<string, unknown> = {
  $id: 'passk/shard',
  type: 'object',
  required: [...workItemRequired, 'gen', 'samples'],
  properties: {
    ...workItemProperties,
    gen: generationInfoSchema,
    samples: {
      type: 'array',
      items: { type: 'object', required: sampleRequired, properties: sampleProperties, additionalProperties: false },
    },
  },
  additionalProperties: false,
};

export const evaluatedShardSchema: Record<string, unknown> = {
  $id: 'passk/evaluated-shard',
  type: 'object',
  required: [...workItemRequired, 'gen', 'eval', 'samples'],
  properties: {
    ...workItemProperties,
    gen: generationInfoSchema,
    eval: {
      type: 'object',
      required: ['evaluator', 'started_at', 'finished_at', 'wall_s', 'cached'],
      properties: {
        evaluator: { type: 'string' },
        started_at: { type: 'string' },
        finished_at: { type: 'string' },
        wall_s: { type: 'number', minimum: 0 },
        cached: { type: 'integer', minimum: 0 },
      },
      additionalProperties: false,
    },
    samples: {
      type: 'array',
      items: {
        type: 'object',
        required: [...sampleRequired, 'verdict'],
        properties: { ...sampleProperties, verdict: verdictBody },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
};

/** The schema of each stage's items: a work item, a generated shard, an evaluated shard. */
export const STAGE_SCHEMAS: Record<Stage, object> = {
  gen: workItemSchema,
  eval: shardSchema,
  combine: evaluatedShardSchema,
};
