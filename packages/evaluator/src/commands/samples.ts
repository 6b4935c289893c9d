/** Reading a samples file: JSONL (optionally .gz) rows `{task_id | question_id, completion | code}`. */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import { PasskError } from '@passk/core';

export interface SampleRow {
  /** The row as read (written back to --out with the verdict). */
  row: Record<string, unknown>;
  problemId: string;
  code: string;
  line: number;
}

export async function readSamples(file: string): Promise<SampleRow[]> {
  const raw = createReadStream(file);
  const input = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  const rl = createInterface({ input, crlfDelay: Infinity });
  const rows: SampleRow[] = [];
  let line = 0;
  try {
    for await (const text of rl) {
      line++;
      if (text.trim() === '') continue;
      let row: Record<string, unknown>;
      try {
        row = JSON.parse(text) as Record<string, unknown>;
      } catch (error) {
        throw new PasskError('ERR_JSON_MALFORMED', `not valid JSON (${(error as Error).message})`, { file, line });
      }
      if (typeof row !== 'object' || row === null || Array.isArray(row)) throw new PasskError('ERR_SCHEMA_INVALID', 'a sample row must be a JSON object', { file, line });
      const id = row.task_id ?? row.question_id;
      const code = row.completion ?? row.code;
      if (typeof id !== 'string' && typeof id !== 'number') throw new PasskError('ERR_SCHEMA_INVALID', 'needs task_id or question_id (string)', { file, line, field: 'task_id' });
      if (typeof code !== 'string') throw new PasskError('ERR_SCHEMA_INVALID', 'needs completion or code (string)', { file, line, field: 'completion' });
      rows.push({ row, problemId: String(id), code, line });
    }
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') throw new PasskError('ERR_BAD_OPTION', `samples file not found: ${file}`, { cause: error });
    throw error;
  }
  return rows;
}
