/**
 * Prompts: LiveCodeBench's generic code-generation prompt (stdin vs starter-code formats) and
 * HumanEval's completion prompt. Strings follow lcb_runner/prompts/code_generation.py
 * (`PromptConstants.SYSTEM_MESSAGE_GENERIC`, `get_generic_question_template_answer`).
 *
 * LiveCodeBench prompts are chat prompts: the server (`openai`, `vllm`) or the engine (`llama`,
 * from the GGUF's own chat template) applies the model's chat template. `text` is the same prompt
 * as one string, for engines and models without a template. HumanEval prompts are plain
 * completions of the function signature and docstring. The generator records the returned
 * GenerationPrompt (both forms and the mode) verbatim in the run.
 */
import type { GenerationPrompt, Problem } from '@passk/core';

export const LCB_SYSTEM_MESSAGE =
  'You are an expert Python programmer. You will be given a question (problem specification) and will generate a correct Python program that matches the specification and passes all tests.';

const FORMAT_STARTER =
  '### Format: You will use the following starter code to write the solution to the problem and enclose your code within delimiters.\n```python\n{starter_code}\n```\n\n';
const FORMAT_STDIN =
  '### Format: Read the inputs from stdin solve the problem and write the answer to stdout (do not directly test on the sample inputs). Enclose your code within delimiters as follows. Ensure that when the python program runs, it reads the inputs, runs the algorithm and writes output to STDOUT.\n```python\n# YOUR CODE HERE\n```\n\n';

export function lcbUserMessage(problem: Problem): string {
  const format = problem.starter_code ? FORMAT_STARTER.replace('{starter_code}', problem.starter_code) : FORMAT_STDIN;
  return `### Question:\n${problem.content}\n\n${format}### Answer: (use the provided format with backticks)\n\n`;
}

/**
 * HumanEval's stop sequences (Chen et al. 2021; the `human-eval` harness): a completion ends where
 * the model starts something at module level after the function body.
 */
export const HUMANEVAL_STOP = ['\nclass', '\ndef', '\n#', '\nif', '\nprint'] as const;

/** The stop strings a problem's prompt format calls for ([] for LiveCodeBench chat prompts). */
export function stopSequences(problem: Problem): string[] {
  return problem.kind === 'humaneval' ? [...HUMANEVAL_STOP] : [];
}

export function buildPrompt(problem: Problem): GenerationPrompt {
  if (problem.kind === 'humaneval') {
    const prompt = problem.humaneval?.prompt ?? problem.content;
    return { mode: 'completion', text: prompt, messages: [{ role: 'user', content: prompt }] };
  }
  const user = lcbUserMessage(problem);
  return {
    mode: 'chat',
    text: `${LCB_SYSTEM_MESSAGE}\n\n${user}`,
    messages: [
      { role: 'system', content: LCB_SYSTEM_MESSAGE },
      { role: 'user', content: user },
    ],
  };
}
