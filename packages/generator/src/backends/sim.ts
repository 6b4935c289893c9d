/**
 * `sim`: a deterministic synthetic model for load tests, demos and tests. Per sample it decides,
 * from (problem id, temperature, seed) alone, whether to emit the problem's reference solution or a
 * plausible wrong program (wrong answer, runtime error, syntax error, optionally an endless loop),
 * with a pass probability that falls off at high temperature the way real sweeps do. It records the
 * verdict it meant (`sim_intended`) so tests can check final counts exactly, and it paces itself at
 * a configurable tokens/s. Everything it outputs is labelled simulated.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GenerationBackend, GenerationRequest, GeneratedSample, Problem } from '@passk/core';

export interface SimBackendOptions {
  /** Output tokens per second to pace at (per generator). 0 = no pacing. @default 200000 */
  tokensPerSecond?: number;
  /** Fraction of wrong samples that loop forever (time-limit verdicts; slow to grade). @default 0 */
  timeLimitRate?: number;
}

export type SimIntent = 'passed' | 'wrong_answer' | 'runtime_error' | 'syntax_error' | 'time_limit';

/** A uniform [0, 1) number from a string key. */
export function unitHash(key: string): number {
  const digest = createHash('sha256').update(key).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/** The probability that the sim model solves `problem` at `temperature`. */
export function simPassProbability(problem: Problem, temperature: number): number {
  if (!problem.reference_solution) return 0;
  const skill = 0.25 + 0.7 * unitHash(`skill:${problem.id}`);
  const best = 0.3 + 0.5 * unitHash(`best:${problem.id}`);
  const falloff = Math.exp(-((temperature - best) ** 2) / (2 * 0.45 ** 2));
  return skill * falloff;
}

const WRONG_SENTINEL = 'passk-sim-wrong';

function wrongProgram(problem: Problem, intent: SimIntent, variant: number): string {
  const tag = `# sim variant ${variant}`;
  const isHumanEval = problem.kind === 'humaneval';
  switch (intent) {
    case 'syntax_error':
      return isHumanEval ? `    return (\n${tag}\n` : `def solve(:\n    pass\n${tag}\n`;
    case 'runtime_error':
      return isHumanEval ? `    raise RuntimeError("sim")\n${tag}\n` : `raise RuntimeError("sim")\n${tag}\n`;
    case 'time_limit':
      return isHumanEval ? `    while True:\n        pass\n${tag}\n` : `while True:\n    pass\n${tag}\n`;
    default:
      if (isHumanEval) return `    return ${JSON.stringify(WRONG_SENTINEL)}\n${tag}\n`;
      if (problem.kind === 'functional') {
        return `class Solution:\n    def ${problem.func_name ?? 'solve'}(self, *args):\n        return ${JSON.stringify(WRONG_SENTINEL)}\n${tag}\n`;
      }
      return `print(${JSON.stringify(WRONG_SENTINEL)})\n${tag}\n`;
  }
}

function correctProgram(problem: Problem, variant: number): string {
  const solution = problem.reference_solution!;
  if (variant === 0) return solution;
  // Same program, different text: what sampling at a higher temperature looks like to a deduplicator.
  return `${solution.replace(/\s+$/, '')}\n# sim variant ${variant}\n`;
}

export function simulateSample(problem: Problem, temperature: number, seed: number, timeLimitRate = 0): { code: string; intent: SimIntent } {
  const key = `${problem.id}|${temperature}|${seed}`;
  const u = unitHash(`pass:${key}`);
  // More distinct texts at higher temperature: 1 variant at T≈0, up to ~20 at T=2.
  const variants = 1 + Math.floor(temperature * 10);
  const variant = Math.floor(unitHash(`variant:${key}`) * variants);
  if (u < simPassProbability(problem, temperature)) return { code: correctProgram(problem, variant), intent: 'passed' };
  const w = unitHash(`wrong:${key}`);
  let intent: SimIntent;
  if (w < timeLimitRate) intent = 'time_limit';
  else if (w < timeLimitRate + Math.min(0.6, 0.05 + 0.3 * temperature) * (1 - timeLimitRate)) intent = 'syntax_error';
  else if (unitHash(`rt:${key}`) < 0.35) intent = 'runtime_error';
  else intent = 'wrong_answer';
  return { code: wrongProgram(problem, intent, variant), intent };
}

function asModelOutput(problem: Problem, code: string): string {
  if (problem.kind === 'humaneval') return code;
  return `Here is a solution.\n\`\`\`python\n${code.replace(/\n$/, '')}\n\`\`\`\n`;
}

export function createSimBackend(options: SimBackendOptions = {}): GenerationBackend {
  const tokensPerSecond = options.tokensPerSecond ?? 200_000;
  const timeLimitRate = options.timeLimitRate ?? 0;
  return {
    name: 'sim',
    simulated: true,
    async init() {},
    async generate(request: GenerationRequest): Promise<GeneratedSample[]> {
      const started = Date.now();
      const promptTokens = Math.ceil(request.prompt.text.length / 4);
      const samples: GeneratedSample[] = [];
      let tokens = 0;
      for (let j = 0; j < request.count; j++) {
        const index = request.firstSample + j;
        const seed = request.seedBase + index;
        const { code, intent } = simulateSample(request.problem, request.temperature, seed, timeLimitRate);
        const text = asModelOutput(request.problem, code);
        const completionTokens = Math.min(request.maxTokens, Math.ceil(text.length / 4));
        tokens += completionTokens;
        samples.push({ index, seed, output: text, finish_reason: 'stop', prompt_tokens: promptTokens, completion_tokens: completionTokens, sim_intended: intent });
      }
      if (tokensPerSecond > 0) {
        const due = (tokens / tokensPerSecond) * 1000 - (Date.now() - started);
        if (due > 0) await sleep(due, undefined, { signal: request.signal });
      }
      const e2e = Date.now() - started;
      for (const s of samples) s.e2e_ms = e2e;
      return samples;
    },
    async close() {},
  };
}
