/**
 * JSON Schema of passk's custom problem format (one JSONL row per problem). The same object is
 * published as docs/custom-problems.schema.json (a test keeps the two identical).
 */
const testCase = {
  type: 'object',
  required: ['input', 'output'],
  properties: {
    input: { type: 'string', description: 'stdin text (stdin kind) or one JSON value per line, one per argument (functional kind)' },
    output: { type: 'string', description: 'expected stdout (stdin kind) or one JSON value (functional kind)' },
    testtype: { type: 'string', enum: ['stdin', 'functional'], description: 'accepted for LiveCodeBench compatibility; ignored' },
  },
  additionalProperties: false,
} as const;

export const customProblemSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'passk/custom-problem',
  title: 'passk custom problem (one JSONL row)',
  description: 'A user problem for passk. stdin and functional problems carry tests; humaneval problems carry prompt, test and entry_point.',
  type: 'object',
  required: ['id', 'kind', 'content'],
  properties: {
    id: { type: 'string', minLength: 1, description: 'unique within the file' },
    title: { type: 'string', description: 'defaults to id' },
    kind: { type: 'string', enum: ['stdin', 'functional', 'humaneval'] },
    content: { type: 'string', description: 'the problem statement shown to the model' },
    starter_code: { type: 'string', description: 'functional: e.g. "class Solution:\\n    def f(self, x: int) -> int:\\n        "' },
    func_name: { type: 'string', minLength: 1, description: 'functional: the method (class Solution) or function to call' },
    public_tests: { type: 'array', items: testCase, description: 'graded first; may be shown to the model' },
    private_tests: { type: 'array', items: testCase, description: 'graded after the public tests' },
    prompt: { type: 'string', description: 'humaneval: the code the completion continues' },
    test: { type: 'string', description: 'humaneval: Python defining check(candidate)' },
    entry_point: { type: 'string', minLength: 1, description: 'humaneval: the function passed to check' },
    reference_solution: { type: 'string', description: 'optional known-correct answer: full program (stdin/functional) or completion (humaneval)' },
    platform: { type: 'string' },
    difficulty: { type: 'string' },
    contest_date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}', description: 'ISO date or datetime' },
  },
  additionalProperties: false,
  allOf: [
    {
      if: { properties: { kind: { const: 'functional' } } },
      then: { required: ['func_name'], properties: { func_name: { type: 'string' } } },
    },
    {
      if: { properties: { kind: { const: 'humaneval' } } },
      then: {
        required: ['prompt', 'test', 'entry_point'],
        properties: { prompt: { type: 'string' }, test: { type: 'string' }, entry_point: { type: 'string' } },
      },
    },
  ],
} as const;
