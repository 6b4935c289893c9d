/**
 * Test fixtures for @passk/problems: LiveCodeBench rows built at test time, private tests in
 * both encodings (plain JSON, and base64 → zlib → pickle made by the machine's Python).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PYTHON = existsSync('/usr/bin/python3.11') ? '/usr/bin/python3.11' : 'python3';

/** Run Python code with `input` on stdin; return stdout. */
export function python(code: string, input = ''): string {
  return execFileSync(PYTHON, ['-c', code], { input, encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** base64(zlib(pickle.dumps(text, protocol))) for each [text, protocol], made by Python. */
export function pickleBlobs(items: [string, number][]): string[] {
  const code = [
    'import sys, json, pickle, zlib, base64',
    'items = json.loads(sys.stdin.read())',
    'print(json.dumps([base64.b64encode(zlib.compress(pickle.dumps(t, protocol=p))).decode() for t, p in items]))',
  ].join('\n');
  return JSON.parse(python(code, JSON.stringify(items))) as string[];
}

/** base64(zlib(pickle.dumps(<python expression>))): for payloads that are not a str. */
export function pickleExpr(expr: string, protocol = 4): string {
  return python(`import pickle, zlib, base64, collections\nprint(base64.b64encode(zlib.compress(pickle.dumps(${expr}, protocol=${protocol}))).decode())`).trim();
}

export interface Test {
  input: string;
  output: string;
  testtype: 'stdin' | 'functional';
}

export interface RowSpec {
  id: string;
  title?: string;
  platform?: string;
  difficulty?: string;
  date?: string;
  /** @default 'c1' */
  contestId?: string;
  funcName?: string;
  publicTests?: Test[];
  privateTests?: Test[];
  /** Encode the private tests as a pickle blob with this protocol (else plain JSON). */
  pickle?: number;
}

export const stdinTest = (input: string, output: string): Test => ({ input, output, testtype: 'stdin' });
export const fnTest = (input: string, output: string): Test => ({ input, output, testtype: 'functional' });

/** Build LiveCodeBench rows (every column a string, as published). Pickles are made in one Python call. */
export function lcbRows(specs: RowSpec[]): Record<string, string>[] {
  const toPickle = specs.filter((s) => s.pickle !== undefined);
  const blobs = toPickle.length ? pickleBlobs(toPickle.map((s) => [JSON.stringify(s.privateTests ?? []), s.pickle!])) : [];
  let b = 0;
  return specs.map((s) => {
    const fn = s.funcName;
    const tt = fn ? fnTest : stdinTest;
    const pub = s.publicTests ?? [tt('1\n2', '3')];
    const priv = s.privateTests ?? [];
    return {
      question_title: s.title ?? `Title ${s.id}`,
      question_content: `Statement of ${s.id}`,
      platform: s.platform ?? (fn ? 'leetcode' : 'atcoder'),
      question_id: s.id,
      contest_id: s.contestId ?? 'c1',
      contest_date: s.date ?? '2025-02-15T00:00:00',
      starter_code: fn ? `class Solution:\n    def ${fn}(self, a: int, b: int) -> int:\n        ` : '',
      difficulty: s.difficulty ?? 'easy',
      public_test_cases: JSON.stringify(pub),
      private_test_cases: s.pickle !== undefined ? blobs[b++]! : JSON.stringify(priv),
      metadata: JSON.stringify(fn ? { func_name: fn } : {}),
    };
  });
}

export const jsonl = (rows: unknown[]): string => rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';

export function tempDir(prefix = 'passk-problems-'): { dir: string; write(name: string, text: string | Buffer): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    write(name, text) {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
