/**
 * `passk dataset pull`: download LiveCodeBench (`test.jsonl` … `test6.jsonl` of the Hugging Face
 * dataset livecodebench/code_generation_lite) or HumanEval (openai/human-eval's
 * `data/HumanEval.jsonl.gz`) into the cache dir, with resume, SHA-256 check and progress.
 *
 * What is checked: the `--sha256` value when given (one file only); else the SHA-256 the server
 * announces (`x-linked-etag` on Hugging Face's redirect for LFS files, or a strong 64-hex ETag);
 * else nothing can be checked and the computed SHA-256 is only recorded. Every finished file's
 * SHA-256 goes into `<dest>/SHA256SUMS` (`sha256sum -c` format); a file already in place whose
 * SHA-256 matches that manifest is not downloaded again unless `force`.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PasskError } from '@passk/core';
import { CACHE_SUBDIR, defaultCacheDir } from '../cache.js';
import { parseRelease } from '../lcb/releases.js';
import { downloadFile, type DownloadResult } from './download.js';
import { createProgress, type ProgressSink } from './progress.js';

export const DEFAULT_HF_ENDPOINT = 'https://huggingface.co';
export const LCB_DATASET_PATH = '/datasets/livecodebench/code_generation_lite/resolve/main';
export const HUMANEVAL_URL = 'https://raw.githubusercontent.com/openai/human-eval/master/data/HumanEval.jsonl.gz';

export interface PullOptions {
  /** LiveCodeBench release tag (see parseRelease). @default 'release_latest' */
  release?: string;
  /** Destination directory. @default `<cacheDir>/livecodebench` or `<cacheDir>/humaneval` */
  dest?: string;
  /** Cache dir used when `dest` is not given. @default `$PASSK_DATA_DIR`, else `~/.cache/passk/datasets` */
  cacheDir?: string;
  /**
   * Base URL the file names are appended to (LiveCodeBench) or the file URL (HumanEval).
   * @default `${PASSK_HF_ENDPOINT ?? 'https://huggingface.co'}/datasets/livecodebench/code_generation_lite/resolve/main`;
   *   HumanEval: `$PASSK_HUMANEVAL_URL`, else openai/human-eval's raw `data/HumanEval.jsonl.gz`
   */
  baseUrl?: string;
  /** Expected SHA-256 of the file; only when exactly one file is pulled. @default none */
  sha256?: string;
  /** Download again even when the file is present and matches SHA256SUMS. @default false */
  force?: boolean;
  /** Reconnect attempts per file. @default 5 */
  retries?: number;
  /** Where progress goes (a bar if `isTTY`, else lines); `null` for silence. @default process.stderr */
  progress?: ProgressSink | null;
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
}

export interface PulledFile extends Partial<DownloadResult> {
  file: string;
  url: string;
  sha256: string;
  status: 'downloaded' | 'up-to-date';
}

export interface PullResult {
  dest: string;
  files: PulledFile[];
}

function plan(name: string, options: PullOptions): { dest: string; files: { name: string; url: string }[] } {
  const env = options.env ?? process.env;
  const cacheDir = options.cacheDir ?? defaultCacheDir(env);
  const key = name.toLowerCase();
  if (key === 'livecodebench' || key === 'lcb') {
    const base = (options.baseUrl ?? `${(env.PASSK_HF_ENDPOINT || DEFAULT_HF_ENDPOINT).replace(/\/+$/, '')}${LCB_DATASET_PATH}`).replace(/\/+$/, '');
    const files = parseRelease(options.release ?? 'release_latest').map((inc) => ({ name: inc.file, url: `${base}/${inc.file}` }));
    return { dest: options.dest ?? join(cacheDir, CACHE_SUBDIR.livecodebench), files };
  }
  if (key === 'humaneval') {
    if (options.release) throw new PasskError('ERR_BAD_OPTION', '--release applies to livecodebench only');
    const url = options.baseUrl ?? (env.PASSK_HUMANEVAL_URL || HUMANEVAL_URL);
    return { dest: options.dest ?? join(cacheDir, CACHE_SUBDIR.humaneval), files: [{ name: 'HumanEval.jsonl.gz', url }] };
  }
  throw new PasskError('ERR_DATASET_UNKNOWN', `cannot pull \`${name}\` (known: livecodebench, humaneval)`);
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function readSums(file: string): Promise<Map<string, string>> {
  const sums = new Map<string, string>();
  if (!existsSync(file)) return sums;
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line.trim());
    if (m) sums.set(m[2]!, m[1]!);
  }
  return sums;
}

async function writeSums(file: string, sums: Map<string, string>): Promise<void> {
  const text = [...sums].sort(([a], [b]) => a.localeCompare(b)).map(([name, sha]) => `${sha}  ${name}\n`).join('');
  await writeFile(`${file}.tmp`, text);
  await rename(`${file}.tmp`, file);
}

export async function pullDataset(name: string, options: PullOptions = {}): Promise<PullResult> {
  const { dest, files } = plan(name, options);
  if (options.sha256 && files.length !== 1) {
    throw new PasskError('ERR_BAD_OPTION', `--sha256 checks one file, but this pull has ${files.length}; pull a single increment (e.g. --release v6)`);
  }
  await mkdir(dest, { recursive: true });
  const sumsFile = join(dest, 'SHA256SUMS');
  const sums = await readSums(sumsFile);
  const sink = options.progress === null ? undefined : (options.progress ?? process.stderr);
  const results: PulledFile[] = [];
  for (const f of files) {
    const target = join(dest, f.name);
    const known = options.sha256?.toLowerCase() ?? sums.get(f.name);
    if (!options.force && known && existsSync(target) && (await sha256Of(target)) === known) {
      sink?.write(`${f.name}: up to date (sha256 ${known.slice(0, 12)}…)\n`);
      results.push({ file: target, url: f.url, sha256: known, status: 'up-to-date' });
      continue;
    }
    const progress = createProgress(f.name, sink);
    const result = await downloadFile(f.url, target, {
      ...(options.sha256 ? { sha256: options.sha256 } : {}),
      ...(options.retries !== undefined ? { retries: options.retries } : {}),
      onStart: ({ total, resumedFrom }) => progress.start(total, resumedFrom),
      onProgress: (received, total) => progress.update(received, total),
    });
    const how = result.checked === 'none' ? 'no checksum published; recorded' : `checked (${result.checked === 'flag' ? '--sha256' : 'server'})`;
    progress.done(`${result.bytes} bytes, sha256 ${result.sha256.slice(0, 12)}… ${how}${result.resumedBytes ? `, resumed ${result.resumedBytes} bytes` : ''}`);
    sums.set(f.name, result.sha256);
    await writeSums(sumsFile, sums);
    results.push({ ...result, url: f.url, status: 'downloaded' });
  }
  return { dest, files: results };
}
