/**
 * Reading q{idx}/t{M}_{m}_combined.json: its trailing row (cheap: the file's last bytes) and its
 * samples (the whole file; one (question, temperature) at a time).
 */
import { open, readFile } from 'node:fs/promises';
import { PasskError, type TemperatureResult } from '@passk/core';

/** One graded sample of a combined file (the fields the exports use). */
export interface CombinedSample {
  index: number;
  seed?: number;
  output: string;
  code: string;
  verdict: { passed: boolean; status: string; message?: string; failed_test?: number | null; tests_run?: number; wall_ms?: number };
}

export interface CombinedFile extends TemperatureResult {
  question_idx: number;
  question_id: string;
  question_title: string;
  samples: CombinedSample[];
}

/** The row at the end of a combined file (everything after `samples`), reading only its tail. */
export async function readCombinedRow(file: string): Promise<TemperatureResult & { temperature: number }> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    for (let want = 8192; ; want *= 4) {
      const length = Math.min(size, want);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      const text = buffer.toString('utf8');
      const at = text.lastIndexOf('\n],');
      if (at >= 0) {
        const head = JSON.parse((await readHead(handle)).replace(/,"samples":\[$/, '}')) as { temperature: number };
        const row = JSON.parse(`{${text.slice(at + 3)}`) as TemperatureResult;
        return { ...row, temperature: head.temperature };
      }
      if (length === size) throw new PasskError('ERR_JSON_MALFORMED', 'no result row after the samples', { file });
    }
  } finally {
    await handle.close();
  }
}

async function readHead(handle: import('node:fs/promises').FileHandle): Promise<string> {
  // The header (question, temperature, backend, model, provenance) is well under 64 KiB.
  const buffer = Buffer.alloc(65536);
  const { bytesRead } = await handle.read(buffer, 0, 65536, 0);
  const text = buffer.subarray(0, bytesRead).toString('utf8');
  const end = text.indexOf('"samples":[');
  return end >= 0 ? text.slice(0, end + '"samples":['.length) : '{"samples":[';
}

/** The whole combined file, parsed. */
export async function readCombinedFile(file: string): Promise<CombinedFile> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as CombinedFile;
  } catch (error) {
    if (error instanceof SyntaxError) throw new PasskError('ERR_JSON_MALFORMED', error.message, { file, cause: error });
    throw error;
  }
}
