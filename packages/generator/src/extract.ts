/**
 * Code extraction. Default: LiveCodeBench's rule, the lines strictly between the last two lines
 * that contain three backticks. Fallbacks are documented in docs/extraction.md.
 */
import type { Problem } from '@passk/core';

export type ExtractionMethod = 'last_fenced' | 'completion' | 'none';

export interface Extraction {
  code: string;
  method: ExtractionMethod;
}

export function lastFencedBlock(output: string): string | undefined {
  const lines = output.split('\n');
  const fences: number[] = [];
  lines.forEach((line, index) => {
    if (line.includes('```')) fences.push(index);
  });
  if (fences.length < 2) return undefined;
  const end = fences[fences.length - 1]!;
  const start = fences[fences.length - 2]!;
  return lines.slice(start + 1, end).join('\n');
}

export function extractCode(problem: Problem, output: string): Extraction {
  if (problem.kind === 'humaneval') return { code: output, method: 'completion' };
  const fenced = lastFencedBlock(output);
  if (fenced !== undefined) return { code: fenced, method: 'last_fenced' };
  return { code: '', method: 'none' };
}
