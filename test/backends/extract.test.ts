/** Prompts (LiveCodeBench, HumanEval) and code extraction: LiveCodeBench's rule and the fallbacks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Problem } from '@passk/core';
import { buildPrompt, LCB_SYSTEM_MESSAGE, stopSequences, HUMANEVAL_STOP } from '../../packages/generator/src/prompts.js';
import { extractCode, lastFencedBlock, looksLikePython } from '../../packages/generator/src/extract.js';

const stdin: Problem = { id: 'abc001_a', title: 'A', kind: 'stdin', content: 'Read N and print 2N.', starter_code: '', tests: [], public_test_count: 0 };
const functional: Problem = { ...stdin, id: 'lc1', kind: 'functional', starter_code: 'class Solution:\n    def twice(self, n: int) -> int:\n        ', func_name: 'twice' };
const humaneval: Problem = {
  id: 'HumanEval/0', title: 'add', kind: 'humaneval', content: 'def add(a, b):\n    """Add."""\n', starter_code: '', tests: [], public_test_count: 0,
  humaneval: { prompt: 'def add(a, b):\n    """Add."""\n', test: '', entry_point: 'add' },
};

test('prompts: LiveCodeBench stdin and starter-code formats, HumanEval completion', () => {
  const p = buildPrompt(stdin);
  assert.equal(p.mode, 'chat');
  assert.deepEqual(p.messages[0], { role: 'system', content: LCB_SYSTEM_MESSAGE });
  assert.equal(
    p.messages[1]!.content,
    '### Question:\nRead N and print 2N.\n\n### Format: Read the inputs from stdin solve the problem and write the answer to stdout (do not directly test on the sample inputs). Enclose your code within delimiters as follows. Ensure that when the python program runs, it reads the inputs, runs the algorithm and writes output to STDOUT.\n```python\n# YOUR CODE HERE\n```\n\n### Answer: (use the provided format with backticks)\n\n',
  );
  assert.equal(p.text, `${LCB_SYSTEM_MESSAGE}\n\n${p.messages[1]!.content}`);
  const f = buildPrompt(functional);
  assert.ok(f.messages[1]!.content.includes('### Format: You will use the following starter code to write the solution to the problem and enclose your code within delimiters.\n```python\nclass Solution:\n    def twice(self, n: int) -> int:\n        \n```\n\n'));
  const h = buildPrompt(humaneval);
  assert.equal(h.mode, 'completion');
  assert.equal(h.text, humaneval.humaneval!.prompt);
  assert.deepEqual(stopSequences(humaneval), [...HUMANEVAL_STOP]);
  assert.deepEqual(stopSequences(stdin), []);
});

test('extraction: LiveCodeBench rule by default', () => {
  const out = 'Here is my solution.\n```python\nn = int(input())\nprint(2 * n)\n```\nIt doubles n.';
  assert.deepEqual(extractCode(stdin, out), { code: 'n = int(input())\nprint(2 * n)', method: 'last_fenced' });
  assert.equal(lastFencedBlock(out), 'n = int(input())\nprint(2 * n)');
  // Two Python blocks: the last one wins, as in LiveCodeBench.
  const two = '```python\nprint(1)\n```\nBetter:\n```python\nprint(2)\n```';
  assert.deepEqual(extractCode(stdin, two), { code: 'print(2)', method: 'last_fenced' });
  // An untagged block that is code is still the answer.
  assert.deepEqual(extractCode(stdin, '```\nimport sys\nprint(sys.stdin.read())\n```'), { code: 'import sys\nprint(sys.stdin.read())', method: 'last_fenced' });
});

test('extraction fallback: a trailing prose/output block does not hide the code', () => {
  const out = '```python\nn = int(input())\nprint(2 * n)\n```\nFor the sample input the output is:\n```\n6\n```';
  assert.equal(lastFencedBlock(out), '6', 'LiveCodeBench would grade the sample output');
  assert.deepEqual(extractCode(stdin, out), { code: 'n = int(input())\nprint(2 * n)', method: 'python_block' });
  const bash = '```python\nprint(int(input())*2)\n```\nRun it with:\n```bash\npython3 sol.py < in.txt\n```';
  assert.deepEqual(extractCode(stdin, bash), { code: 'print(int(input())*2)', method: 'python_block' });
  assert.deepEqual(extractCode(stdin, out, { strict: true }), { code: '6', method: 'last_fenced' });
});

test('extraction fallback: truncated output with an unclosed fence', () => {
  const out = '```python\nprint(int(input())*2)\n```\nA faster version:\n```python\nimport sys\nn = int(sys.std';
  assert.equal(lastFencedBlock(out), 'A faster version:', 'LiveCodeBench would grade the prose');
  assert.deepEqual(extractCode(stdin, out), { code: 'print(int(input())*2)', method: 'unclosed_fence' });
  const only = 'Sure.\n```python\nimport sys\nprint(int(sys.stdin.readline()) * 2)\n';
  assert.deepEqual(extractCode(stdin, only), { code: 'import sys\nprint(int(sys.stdin.readline()) * 2)\n', method: 'unclosed_fence' });
});

test('extraction fallback: unfenced code (after a think section) and prose-only output', () => {
  const code = 'import sys\n\ndef main():\n    n = int(sys.stdin.readline())\n    print(2 * n)\n\nmain()\n';
  assert.deepEqual(extractCode(stdin, code), { code: code.trim(), method: 'unfenced' });
  assert.deepEqual(extractCode(stdin, `<think>\nDouble it. I will print it.\n</think>\n${code}`), { code: code.trim(), method: 'unfenced' });
  assert.deepEqual(extractCode(stdin, code, { strict: true }), { code: '', method: 'none' });
  assert.deepEqual(extractCode(stdin, 'I think the answer is to print 2N. Read the input and print it.'), { code: '', method: 'none' });
  assert.deepEqual(extractCode(stdin, 'xq#7 ]] noise ~~ from a random model'), { code: '', method: 'none' });
  assert.ok(!looksLikePython('First, we read the input.\nThen we print twice the value.'));
  assert.ok(looksLikePython('class Solution:\n    def twice(self, n):\n        return 2 * n'));
});

test('extraction: HumanEval completions are cut at the standard stop sequences', () => {
  const out = '    return a + b\n\n\ndef test():\n    assert add(1, 2) == 3\n';
  assert.deepEqual(extractCode(humaneval, out), { code: '    return a + b\n\n', method: 'completion' });
  assert.deepEqual(extractCode(humaneval, '    return a + b\n'), { code: '    return a + b\n', method: 'completion' });
  const chat = 'Here:\n```python\ndef add(a, b):\n    return a + b\n```';
  assert.deepEqual(extractCode(humaneval, chat), { code: 'def add(a, b):\n    return a + b', method: 'last_fenced' });
});

test('--strict-extraction reaches the generator and turns the fallbacks off (recorded in the shard)', async () => {
  const { generateShard } = await import('../../packages/generator/src/daemon/shard.js');
  const { runLayout } = await import('../../packages/core/src/queue/layout.js');
  const { backendFlagArgs } = await import('../../packages/cli/src/options.js');
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  type Flags = Parameters<typeof backendFlagArgs>[0];
  const flags = { 'api-key-env': 'OPENAI_API_KEY', 'sim-tps': 0, 'sim-time-limit-rate': 0 } as Partial<Flags>; // the flags yargs would default
  assert.ok(backendFlagArgs({ ...flags, 'strict-extraction': true } as Flags).includes('--strict-extraction'), 'passk run passes the flag to its generators');
  assert.ok(!backendFlagArgs({ ...flags, 'strict-extraction': false } as Flags).includes('--strict-extraction'));
  const root = await mkdtemp(join(tmpdir(), 'passk-strict-'));
  try {
    const layout = runLayout({ run: 'r', queueDir: join(root, 'q'), resultsDir: join(root, 'r') });
    const unfenced = 'n = int(input())\nprint(2 * n)\n';
    const backend = {
      name: 'stub',
      simulated: true,
      init: async () => {},
      close: async () => {},
      generate: async (r: { firstSample: number; count: number; seedBase: number }) =>
        Array.from({ length: r.count }, (_, j) => ({ index: r.firstSample + j, seed: r.seedBase + r.firstSample + j, output: unfenced, finish_reason: 'stop' as const, prompt_tokens: 1, completion_tokens: 5 })),
    };
    const plan = { top_p: 1, max_tokens: 8, stop: [], model: 'stub' } as never;
    const item = { version: 1, item: 'q0_t0_5_s0', question_idx: 0, temperature: 0.5, shard: 0, first_sample: 0, count: 1, seed_base: 0, attempts: 0 } as const;
    const run = (strictExtraction: boolean) => generateShard({ backend, plan, problems: { problem: async () => stdin }, layout, generatorName: 'gpu0', strictExtraction }, item, new AbortController().signal);
    const loose = await run(false);
    assert.deepEqual([loose.samples[0]!.extraction, loose.samples[0]!.code, loose.gen.strict_extraction], ['unfenced', unfenced.trim(), false]);
    const strict = await run(true);
    assert.deepEqual([strict.samples[0]!.extraction, strict.samples[0]!.code, strict.gen.strict_extraction], ['none', '', true]);
    assert.equal(strict.samples[0]!.output, unfenced, 'the raw output is kept');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
