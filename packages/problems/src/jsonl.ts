/**
 * Streaming JSONL: read a file (plain or gzip, detected from its first bytes) line by line with
 * bounded memory (one line at a time), yielding 1-based line numbers. Blank lines are skipped.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

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

/** Split a byte stream on `\n` (a trailing `\r` is dropped); decode each line as UTF-8. */
export async function* splitLines(stream: AsyncIterable<Buffer>): AsyncGenerator<JsonlLine> {
  let parts: Buffer[] = [];
  let line = 0;
  const emit = (buf: Buffer): JsonlLine | undefined => {
    line += 1;
    let end = buf.length;
    if (end > 0 && buf[end - 1] === 0x0d) end -= 1;
    const text = buf.toString('utf8', 0, end);
    return text.trim() === '' ? undefined : { line, text };
  };
  for await (const chunk of stream) {
    let start = 0;
    let nl: number;
    while ((nl = chunk.indexOf(0x0a, start)) >= 0) {
      const piece = chunk.subarray(start, nl);
      const whole = parts.length ? Buffer.concat([...parts, piece]) : piece;
      parts = [];
      const out = emit(whole);
      if (out) yield out;
      start = nl + 1;
    }
    if (start < chunk.length) parts.push(chunk.subarray(start));
  }
  if (parts.length) {
    const out = emit(Buffer.concat(parts));
    if (out) yield out;
  }
}

export async function* readJsonlLines(file: string): AsyncGenerator<JsonlLine> {
  const stream = await openLines(file);
  try {
    yield* splitLines(stream);
  } finally {
    stream.destroy();
  }
}
