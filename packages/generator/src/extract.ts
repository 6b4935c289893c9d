/**
 * Code extraction (docs/extraction.md). The raw output is always kept beside the code; `method`
 * says which rule produced the code.
 *
 * Default: LiveCodeBench's rule (lcb_runner/utils/extraction_utils.py `extract_code`): the lines
 * strictly between the last two lines that contain three backticks. Fallbacks, only where that
 * rule gives nothing or something that is not the answer (the known LiveCodeBench complaints):
 *
 *  - `python_block`: the last fenced block is a trailing non-code block (```text, ```output,
 *    ```bash, an untagged block of sample output, …) and an earlier block is tagged Python:
 *    the last Python-tagged block is used.
 *  - `unclosed_fence`: an odd number of fence lines (typically a generation cut by max_tokens
 *    inside a block): LiveCodeBench would return the prose between the last closing fence and
 *    the unmatched opening one. The last complete block is used, or, with none, the code after
 *    the unmatched opening fence.
 *  - `unfenced`: no fence at all, but the output (after a closed `<think>…</think>` section, if
 *    any) reads as a Python program: the whole output is used.
 *  - `completion` (HumanEval): the completion itself, cut at the first HumanEval stop sequence
 *    (servers that ignore `stop` still get the standard truncation); a fenced block that defines
 *    the entry point is used instead when a chat model answered with one (`last_fenced`).
 *  - `none`: nothing usable; code is ''.
 *
 * `{ strict: true }` turns every fallback off (exactly LiveCodeBench's rule, for leaderboard
 * comparability).
 */
import type { Problem } from '@passk/core';
import { HUMANEVAL_STOP } from './prompts.js';

export type ExtractionMethod = 'last_fenced' | 'python_block' | 'unclosed_fence' | 'unfenced' | 'completion' | 'none';

export interface Extraction {
  code: string;
  method: ExtractionMethod;
}

export interface ExtractOptions {
  /** Exactly LiveCodeBench's rule, no fallbacks. @default false */
  strict?: boolean;
}

/** LiveCodeBench's rule: lines strictly between the last two lines containing ```. */
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

export interface FencedBlock {
  /** Info string after the opening fence, lower-cased ('' when none). */
  lang: string;
  code: string;
}

/** Blocks formed by pairing fence lines in order (1st opens, 2nd closes, …), plus an unmatched tail. */
export function fencedBlocks(output: string): { blocks: FencedBlock[]; open?: FencedBlock } {
  const lines = output.split('\n');
  const blocks: FencedBlock[] = [];
  let openAt = -1;
  let lang = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.includes('```')) continue;
    if (openAt < 0) {
      openAt = i;
      lang = line.slice(line.indexOf('```') + 3).trim().toLowerCase();
    } else {
      blocks.push({ lang, code: lines.slice(openAt + 1, i).join('\n') });
      openAt = -1;
    }
  }
  if (openAt >= 0) return { blocks, open: { lang, code: lines.slice(openAt + 1).join('\n') } };
  return { blocks };
}

const PYTHON_TAGS = new Set(['python', 'py', 'python3', 'py3']);
const CODE_LINE = /^\s*(def |class |import |from \S+ import |if __name__|for |while |with |try:|return\b|print\(|@\w|[A-Za-z_][\w.]*(\[[^\]]*\])?\s*[-+*/%]?=[^=]|[A-Za-z_][\w.]*\(.*\)\s*$)/;
const STRONG_CODE = /^\s*(def |class |import |from \S+ import |if __name__)|\b(input|print|sys\.stdin)\s*[.(]/m;

function isPythonTag(lang: string): boolean {
  return PYTHON_TAGS.has(lang.split(/\s+/)[0] ?? '');
}

/** Heuristic: does this text read as a Python program? */
export function looksLikePython(text: string): boolean {
  const lines = text.split('\n').filter((l) => l.trim().length > 0 && !l.trim().startsWith('#'));
  if (lines.length === 0) return false;
  if (!STRONG_CODE.test(text)) return false;
  if (!CODE_LINE.test(lines[0]!)) return false;
  const codeLike = lines.filter((l) => CODE_LINE.test(l) || /^\s+\S/.test(l) || /[:)\]]\s*$/.test(l)).length;
  return codeLike / lines.length >= 0.6;
}

function stripThink(output: string): string {
  const end = output.lastIndexOf('</think>');
  return end >= 0 ? output.slice(end + '</think>'.length) : output;
}

function cutAtStops(text: string, stops: readonly string[]): string {
  let cut = text.length;
  for (const s of stops) {
    const at = text.indexOf(s);
    if (at >= 0 && at < cut) cut = at;
  }
  return text.slice(0, cut);
}

export function extractCode(problem: Problem, output: string, options: ExtractOptions = {}): Extraction {
  if (problem.kind === 'humaneval') {
    const entry = problem.humaneval?.entry_point;
    if (entry && output.includes('```')) {
      const fenced = lastFencedBlock(output);
      if (fenced !== undefined && new RegExp(`^\\s*def\\s+${entry}\\s*\\(`, 'm').test(fenced)) {
        return { code: fenced, method: 'last_fenced' };
      }
    }
    return { code: options.strict ? output : cutAtStops(output, HUMANEVAL_STOP), method: 'completion' };
  }

  const lcb = lastFencedBlock(output);
  if (options.strict) return lcb !== undefined ? { code: lcb, method: 'last_fenced' } : { code: '', method: 'none' };

  const { blocks, open } = fencedBlocks(output);
  if (open !== undefined && lcb !== undefined) {
    // Odd fence count: LiveCodeBench's pair is (closing fence, unmatched opening fence) = prose.
    const last = blocks[blocks.length - 1];
    if (last) return { code: last.code, method: 'unclosed_fence' };
  }
  if (lcb !== undefined) {
    const last = blocks[blocks.length - 1];
    if (last && !isPythonTag(last.lang) && !(last.lang === '' && looksLikePython(last.code))) {
      const python = [...blocks].reverse().find((b) => isPythonTag(b.lang));
      if (python) return { code: python.code, method: 'python_block' };
    }
    return { code: lcb, method: 'last_fenced' };
  }
  if (open !== undefined && looksLikePython(open.code)) return { code: open.code, method: 'unclosed_fence' };
  const body = stripThink(output).trim();
  if (!body.includes('```') && looksLikePython(body)) return { code: body, method: 'unfenced' };
  return { code: '', method: 'none' };
}
