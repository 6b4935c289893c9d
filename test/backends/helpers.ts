/** Shared fixtures for the backend tests. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GenerationRequest, Problem } from '@passk/core';

export const problem: Problem = {
  id: 'demo-add',
  title: 'Add',
  kind: 'humaneval',
  content: 'def add(a, b):\n    """Return a + b."""\n',
  starter_code: '',
  tests: [],
  public_test_count: 0,
  humaneval: { prompt: 'def add(a, b):\n    """Return a + b."""\n', test: '', entry_point: 'add' },
};

export function request(overrides: Partial<GenerationRequest> = {}): GenerationRequest {
  return {
    problem,
    prompt: { mode: 'completion', text: problem.content, messages: [{ role: 'user', content: problem.content }] },
    firstSample: 0,
    count: 4,
    seedBase: 1000,
    temperature: 0.8,
    topP: 0.95,
    maxTokens: 32,
    stop: [],
    ...overrides,
  };
}

export async function tempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `passk-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface Captured {
  level: string;
  obj: object;
  msg?: string;
}

export function captureLogger(): { logger: { info: Fn; warn: Fn; error: Fn; debug: Fn }; lines: Captured[] } {
  const lines: Captured[] = [];
  const at = (level: string): Fn => (obj, msg) => void lines.push({ level, obj, msg });
  return { logger: { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') }, lines };
}
type Fn = (obj: object, msg?: string) => void;
