/**
 * Result files: the per-(question, temperature) row kept by the combiner, `q{idx}/summary.json`
 * (the seed's fields plus verdict counts) and `run_summary.json`.
 */
import type { Provenance } from '../provenance.js';

/** A mergeable latency histogram (see @passk/stats latency.ts): exact count/sum/min/max, sparse log buckets. */
export interface LatencySketchData {
  count: number;
  sum: number;
  min: number;
  max: number;
  buckets: Record<string, number>;
}

export interface TemperatureResult {
  temperature: number;
  n: number;
  passed: number;
  /** Percent, as in the seed: 100 * passed / n. */
  pass_rate: number;
  /** Completion tokens per second of generation wall time, summed over shards. */
  gen_tps: number;
  completion_tokens: number;
  gen_wall_s: number;
  /** Samples per verdict status. */
  verdicts: Record<string, number>;
  /** Samples whose verdict came from the dedup cache. */
  cached: number;
  /** Samples the sim backend meant to be correct (sim runs only). */
  sim_intended_correct?: number;
  /** The backends' warnings for this (question, temperature), each once (e.g. a server that does not honour the seed rule). */
  warnings?: string[];
  /** Samples per extraction rule (`none`: no code). Absent in rows combined before it was kept. */
  extraction?: Record<string, number>;
  /** Latency sketches (`ttft_ms`, `tpot_ms`, `itl_ms`, `e2el_ms`) from the samples' figures; absent when the backend gave none. */
  latency?: Record<string, LatencySketchData>;
}

export interface QuestionSummary {
  question_idx: number;
  question_title: string;
  question_id: string;
  /** Set when the question is on LiveCodeBench's ERRATA list: the reason (absent otherwise). */
  errata?: string;
  n: number;
  temperatures: number[];
  results: TemperatureResult[];
  backend: string;
  model: string;
  simulated: boolean;
  /** The plan's grading mode (docs/grading.md) and code-extraction rule (true: LiveCodeBench's own). Absent in older files. */
  grading?: 'lcb' | 'judge' | 'human-eval';
  strict_extraction?: boolean;
  /** What produced the numbers (docs/results.md). Absent in summaries written before it was kept. */
  provenance?: Provenance;
}

export interface RunSummary {
  run: string;
  backend: string;
  model: string;
  simulated: boolean;
  /** The plan's grading mode (docs/grading.md) and code-extraction rule (true: LiveCodeBench's own). Absent in older files. */
  grading?: 'lcb' | 'judge' | 'human-eval';
  strict_extraction?: boolean;
  n: number;
  temperatures: number[];
  questions_total: number;
  questions_done: number;
  finished: boolean;
  started_at: string;
  updated_at: string;
  samples_done: number;
  per_temperature: Array<{ temperature: number; questions: number; n: number; passed: number; pass_rate: number }>;
  /**
   * Samples the running combiner has received (evaluated shards staged), cumulative since it
   * started, one point per few seconds over the last minutes (oldest first). `passk status` takes
   * throughput and ETA from it, so time the run was stopped never counts. Absent in older files.
   */
  recent_progress?: ProgressPoint[];
  provenance?: Provenance;
}

export interface ProgressPoint {
  /** ISO time, by the combiner's clock. */
  at: string;
  samples: number;
}

const temperatureResultSchema = {
  type: 'object',
  required: ['temperature', 'n', 'passed', 'pass_rate', 'gen_tps', 'completion_tokens', 'gen_wall_s', 'verdicts', 'cached'],
  properties: {
    temperature: { type: 'number' },
    n: { type: 'integer', minimum: 0 },
    passed: { type: 'integer', minimum: 0 },
    pass_rate: { type: 'number', minimum: 0, maximum: 100 },
    gen_tps: { type: 'number', minimum: 0 },
    completion_tokens: { type: 'integer', minimum: 0 },
    gen_wall_s: { type: 'number', minimum: 0 },
    verdicts: { type: 'object', additionalProperties: { type: 'integer' } },
    cached: { type: 'integer', minimum: 0 },
    sim_intended_correct: { type: 'integer', minimum: 0 },
    warnings: { type: 'array', items: { type: 'string' } },
    extraction: { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } },
    latency: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['count', 'sum', 'min', 'max', 'buckets'],
        properties: { count: { type: 'number' }, sum: { type: 'number' }, min: { type: 'number' }, max: { type: 'number' }, buckets: { type: 'object', additionalProperties: { type: 'number' } } },
      },
    },
  },
  additionalProperties: false,
} as const;

export const temperatureResultFileSchema = { ...temperatureResultSchema, $id: 'passk/temperature-result' } as const;

export const questionSummarySchema = {
  $id: 'passk/question-summary',
  type: 'object',
  required: ['question_idx', 'question_title', 'question_id', 'n', 'temperatures', 'results', 'backend', 'model', 'simulated'],
  properties: {
    question_idx: { type: 'integer', minimum: 0 },
    question_title: { type: 'string' },
    question_id: { type: 'string' },
    errata: { type: 'string' },
    n: { type: 'integer', minimum: 1 },
    temperatures: { type: 'array', items: { type: 'number' } },
    results: { type: 'array', items: temperatureResultSchema },
    backend: { type: 'string' },
    model: { type: 'string' },
    simulated: { type: 'boolean' },
    grading: { enum: ['lcb', 'judge', 'human-eval'] },
    strict_extraction: { type: 'boolean' },
  },
  additionalProperties: true,
} as const;

export const runSummarySchema = {
  $id: 'passk/run-summary',
  type: 'object',
  required: ['run', 'backend', 'model', 'simulated', 'n', 'temperatures', 'questions_total', 'questions_done', 'finished', 'started_at', 'updated_at', 'samples_done', 'per_temperature'],
  // Every required field defined (ajv strict mode refuses to compile the schema otherwise); the
  // statistics packages/report adds beside them stay open (additionalProperties).
  properties: {
    run: { type: 'string' },
    backend: { type: 'string' },
    model: { type: 'string' },
    simulated: { type: 'boolean' },
    grading: { enum: ['lcb', 'judge', 'human-eval'] },
    strict_extraction: { type: 'boolean' },
    n: { type: 'integer', minimum: 1 },
    temperatures: { type: 'array', items: { type: 'number' } },
    questions_total: { type: 'integer', minimum: 0 },
    questions_done: { type: 'integer', minimum: 0 },
    finished: { type: 'boolean' },
    started_at: { type: 'string' },
    updated_at: { type: 'string' },
    samples_done: { type: 'integer', minimum: 0 },
    per_temperature: {
      type: 'array',
      items: { type: 'object', required: ['temperature', 'questions', 'n', 'passed', 'pass_rate'], properties: { temperature: { type: 'number' }, questions: { type: 'integer' }, n: { type: 'integer' }, passed: { type: 'integer' }, pass_rate: { type: 'number' } } },
    },
    recent_progress: {
      type: 'array',
      items: { type: 'object', required: ['at', 'samples'], properties: { at: { type: 'string' }, samples: { type: 'integer', minimum: 0 } }, additionalProperties: false },
    },
  },
  additionalProperties: true,
} as const;
