/**
 * Streaming JSONL: read a file (plain or gzip, detected from its first bytes) line by line with
 * bounded memory (one line at a time, at most `maxLineBytes`), yielding 1-based line numbers. Blank
 * lines are skipped. A line over the cap or not valid UTF-8 is ERR_PROBLEM_INVALID naming file and
 * line (never a crash, never a silently replaced character).
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { PasskError } from '@passk/core';
import { maxRowBytes } from './caps.js';

export interface JsonlLine {
  line: number;
  text: string;
}

export async function isGzipFile(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await handle.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

export async function openLines(file: string): Promise<Readable> {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  if (!(await isGzipFile(file))) return raw;
  const gunzip = createGunzip();
  raw.on('error', (error) => gunzip.destroy(error));
  return raw.pipe(gunzip);
}

export interface SplitOptions {
  /** Named in errors. */
  file?: string;
  /** Longest line accepted, bytes. @default maxRowBytes() */
  maxLineBytes?: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Split a byte stream on `\n` (a trailing `\r` is dropped); decode each line as strict UTF-8. */
export async function* splitLines(stream: AsyncIterable<Buffer>, options: SplitOptions = {}): AsyncGenerator<JsonlLine> {
  const cap = options.maxLineBytes ?? maxRowBytes();
  const where = (line: number) => ({ ...(options.file !== undefined ? { file: options.file } : {}), line, field: '(line)' });
  let parts: Buffer[] = [];
  let pending = 0;
  let line = 0;
  const emit = (buf: Buffer): JsonlLine | undefined => {
    line += 1;
    let end = buf.length;
    if (end > 0 && buf[end - 1] === 0x0d) end -= 1;
    let text: string;
    try {
      text = utf8.decode(buf.subarray(0, end));
    } catch {
      throw new PasskError('ERR_PROBLEM_INVALID', 'not valid UTF-8', where(line));
    }
    return text.trim() === '' ? undefined : { line, text };
  };
  const tooLong = () => new PasskError('ERR_PROBLEM_INVALID', `line longer than the cap of ${cap} bytes (PASSK_MAX_ROW_BYTES; docs/problem-sets.md#caps)`, where(line + 1));
  for await (const chunk of stream) {
    let start = 0;
    let nl: number;
    while ((nl = chunk.indexOf(0x0a, start)) >= 0) {
      if (pending + nl - start > cap) throw tooLong();
      const piece = chunk.subarray(start, nl);
      const whole = parts.length ? Buffer.concat([...parts, piece]) : piece;
      parts = [];
      pending = 0;
      const out = emit(whole);
      if (out) yield out;
      start = nl + 1;
    }
    if (start < chunk.length) {
      pending += chunk.length - start;
      // Refused as soon as the line outgrows the cap: memory stays bounded by it.
      if (pending > cap) throw tooLong();
      parts.push(chunk.subarray(start));
    }
  }
  if (parts.length) {
    const out = emit(Buffer.concat(parts));
    if (out) yield out;
  }
}

export async function* readJsonlLines(file: string): AsyncGenerator<JsonlLine> {
  const stream = await openLines(file);
  try {
    yield* splitLines(stream, { file });
  } finally {
    stream.destroy();
  }
}
