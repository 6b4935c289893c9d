/**
 * The normalised problem: what every loader (LiveCodeBench, HumanEval, custom) produces and what
 * generators (prompts) and evaluators (grading) consume. Stored per question as
 * `results/<run>/problems/q{idx}.json`.
 */
import type { JSONSchemaType } from 'ajv';

export type ProblemKind = 'stdin' | 'functional' | 'humaneval';

export interface TestCase {
  input: string;
  output: string;
}

export interface HumanEvalParts {
  prompt: string;
  test: string;
  entry_point: string;
}

export interface Problem {
  /** Stable id from the source: LiveCodeBench `question_id`, HumanEval `task_id`, custom `id`. */
  id: string;
  title: string;
  kind: ProblemKind;
  /** Problem statement (LiveCodeBench `question_content`, HumanEval `prompt`). */
  content: string;
  /** LiveCodeBench starter code; '' for stdin problems. */
  starter_code: string;
  /** Functional problems: the method/function name (LiveCodeBench `metadata.func_name`). */
  func_name?: string;
  /** Tests in grading order: public first, then private. Empty for HumanEval. */
  tests: TestCase[];
  /** How many of `tests` are public (the first ones). */
  public_test_count: number;
  humaneval?: HumanEvalParts;
  /**
   * A known-correct answer in the form a model would give it: a full program for stdin and
   * functional problems, the completion (body after the prompt) for HumanEval.
   */
  reference_solution?: string;
  platform?: string;
  difficulty?: string;
  contest_date?: string;
  /** LiveCodeBench `contest_id` (e.g. `abc400`, `weekly-contest-440`); absent when the source has none. */
  contest_id?: string;
  /** Set when the problem is on LiveCodeBench's ERRATA list: the reason. */
  errata?: string;
  source?: { dataset: string; file?: string; line?: number };
}

export const problemSchema: JSONSchemaType<Problem> = {
  $id: 'passk/problem',
  type: 'object',
  required: ['id', 'title', 'kind', 'content', 'starter_code', 'tests', 'public_test_count'],
  properties: {
    id: { type: 'string', minLength: 1 },
    title: { type: 'string' },
    kind: { type: 'string', enum: ['stdin', 'functional', 'humaneval'] },
    content: { type: 'string' },
    starter_code: { type: 'string' },
    func_name: { type: 'string', nullable: true, minLength: 1 },
    tests: {
      type: 'array',
      items: {
        type: 'object',
        required: ['input', 'output'],
        properties: { input: { type: 'string' }, output: { type: 'string' } },
      },
    },
    public_test_count: { type: 'integer', minimum: 0 },
    humaneval: {
      type: 'object',
      nullable: true,
      required: ['prompt', 'test', 'entry_point'],
      properties: { prompt: { type: 'string' }, test: { type: 'string' }, entry_point: { type: 'string', minLength: 1 } },
    },
    reference_solution: { type: 'string', nullable: true },
    platform: { type: 'string', nullable: true },
    difficulty: { type: 'string', nullable: true },
    contest_date: { type: 'string', nullable: true },
    contest_id: { type: 'string', nullable: true },
    errata: { type: 'string', nullable: true },
    source: {
      type: 'object',
      nullable: true,
      required: ['dataset'],
      properties: {
        dataset: { type: 'string' },
        file: { type: 'string', nullable: true },
        line: { type: 'integer', nullable: true },
      },
    },
  },
  additionalProperties: false,
};
