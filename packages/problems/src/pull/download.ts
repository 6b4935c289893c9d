/**
 * Download one file: resume into `<dest>.part` with a Range request (If-Range on the ETag),
 * retry dropped connections, hash while writing, check the SHA-256, rename into place atomically.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, writeFileSync } from 'node:fs';
import { readFile, rename, rm, stat } from 'node:fs/promises';
import { PasskError } from '@passk/core';
import { httpGet, HttpStatusError, type GetOptions } from './request.js';

export interface DownloadOptions extends GetOptions {
  /** Expected SHA-256 (hex); wins over what the server announces. @default the server's announcement */
  sha256?: string;
  /** Reconnect this many times after a dropped connection or a 5xx. @default 5 */
  retries?: number;
  /** Wait before retry n: n × this. @default 200 */
  retryDelayMs?: number;
  onStart?: (info: { total?: number; resumedFrom: number }) => void;
  onProgress?: (received: number, total?: number) => void;
}

export interface DownloadResult {
  file: string;
  bytes: number;
  sha256: string;
  /** Where the expected checksum came from; `none` = nothing to check against (recorded only). */
  checked: 'flag' | 'server' | 'none';
  /** Bytes reused from an earlier partial download or a dropped connection. */
  resumedBytes: number;
  attempts: number;
}

interface PartMeta {
  url: string;
  etag?: string;
  sha256?: string;
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

async function readMeta(file: string): Promise<PartMeta | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as PartMeta;
  } catch {
    return undefined;
  }
}

async function hashFile(file: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function downloadFile(url: string, dest: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  const part = `${dest}.part`;
  const metaFile = `${dest}.part.json`;
  const retries = options.retries ?? 5;
  const flagSha = options.sha256?.toLowerCase();
  if (flagSha !== undefined && !/^[0-9a-f]{64}$/.test(flagSha)) {
    throw new PasskError('ERR_BAD_OPTION', `--sha256 must be 64 hex digits, got \`${options.sha256}\``);
  }
  let meta = await readMeta(metaFile);
  if (meta && meta.url !== url) meta = undefined;
  let resumedBytes = 0;
  let attempts = 0;
  let started = false;
  for (;;) {
    attempts += 1;
    let offset = meta ? await sizeOf(part) : 0;
    const headers: Record<string, string> = {};
    if (offset > 0) {
      headers.range = `bytes=${offset}-`;
      if (meta?.etag && !meta.etag.startsWith('W/')) headers['if-range'] = meta.etag;
    }
    try {
      const got = await httpGet(url, { ...options, headers: { ...options.headers, ...headers } });
      const res = got.response;
      const status = res.statusCode ?? 0;
      const expected = flagSha ?? got.announcedSha256 ?? meta?.sha256;
      if (status === 416 && offset > 0) {
        res.resume(); // the part already holds the whole file
      } else {
        if (status !== 200 && status !== 206) {
          res.resume();
          throw new HttpStatusError(status, got.url);
        }
        const contentRange = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(String(res.headers['content-range'] ?? ''));
        if (status === 200 || !contentRange || Number(contentRange[1]) !== offset) offset = 0;
        const length = Number(res.headers['content-length'] ?? NaN);
        const total = Number.isFinite(length) ? offset + length : undefined;
        meta = { url, ...(got.etag ? { etag: got.etag } : {}), ...(expected ? { sha256: expected } : {}) };
        // Synchronous on purpose: no await between the response and receive(), or its events are missed.
        writeFileSync(metaFile, JSON.stringify(meta));
        if (offset > 0) resumedBytes += offset;
        if (!started) options.onStart?.({ ...(total !== undefined ? { total } : {}), resumedFrom: offset });
        started = true;
        await receive(res, part, offset, total, options.onProgress);
        if (total !== undefined && (await sizeOf(part)) !== total) throw new Error('connection closed early');
      }
      return await finish(part, metaFile, dest, flagSha, expected, resumedBytes, attempts);
    } catch (error) {
      const status = error instanceof HttpStatusError ? error.status : undefined;
      const retryable = status === undefined ? !(error instanceof PasskError) : status >= 500 || status === 429;
      if (!retryable || attempts > retries) {
        if (error instanceof HttpStatusError) {
          throw new PasskError('ERR_DATASET_UNKNOWN', `download failed: ${error.message}`, { file: dest, cause: error });
        }
        throw error instanceof PasskError ? error : new Error(`download of ${url} failed after ${attempts} attempt(s): ${(error as Error).message}`, { cause: error });
      }
      await delay((options.retryDelayMs ?? 200) * attempts);
    }
  }
}

function receive(
  res: NodeJS.ReadableStream & { destroy(e?: Error): void },
  part: string,
  offset: number,
  total: number | undefined,
  onProgress?: (received: number, total?: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(part, { flags: offset > 0 ? 'a' : 'w' });
    let received = offset;
    let failed = false;
    const fail = (error: Error): void => {
      if (failed) return;
      failed = true;
      out.end(() => reject(error));
    };
    res.on('data', (chunk: Buffer) => {
      received += chunk.length;
      onProgress?.(received, total);
      if (!out.write(chunk)) {
        res.pause();
        out.once('drain', () => res.resume());
      }
    });
    res.on('error', fail);
    res.on('aborted', () => fail(new Error('connection aborted')));
    let ended = false;
    res.on('end', () => {
      ended = true;
      if (!failed) out.end(() => resolve());
    });
    res.on('close', () => {
      if (!ended) fail(new Error('connection closed early'));
    });
    out.on('error', (e) => {
      failed = true;
      res.destroy(e);
      reject(e);
    });
  });
}

async function finish(
  part: string,
  metaFile: string,
  dest: string,
  flagSha: string | undefined,
  expected: string | undefined,
  resumedBytes: number,
  attempts: number,
): Promise<DownloadResult> {
  // Hash the finished part in one pass: simple, and correct whatever happened across resumes.
  const hash = createHash('sha256');
  await hashFile(part, hash);
  const sha256 = hash.digest('hex');
  const bytes = await sizeOf(part);
  if (expected && sha256 !== expected) {
    await rm(part, { force: true });
    await rm(metaFile, { force: true });
    throw new PasskError(
      'ERR_PROBLEM_INVALID',
      `SHA-256 mismatch: expected ${expected} (${flagSha ? '--sha256' : 'announced by the server'}), got ${sha256}; the partial download was deleted`,
      { file: dest },
    );
  }
  await rename(part, dest);
  await rm(metaFile, { force: true });
  return { file: dest, bytes, sha256, checked: flagSha ? 'flag' : expected ? 'server' : 'none', resumedBytes, attempts };
}
