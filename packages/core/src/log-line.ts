/**
 * The terminal form of a log record: pino's JSON stays in the log files; a warning or error echoed to
 * stderr becomes one human line, `passk NAME: warning: MESSAGE: ERROR (key value, …)`, never JSON or a stack.
 */
import { Writable } from 'node:stream';
import { writeSync } from 'node:fs';

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warning', 50: 'error', 60: 'fatal' };
/** Record keys that are pino's own or shown another way. */
const SKIP = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'err', 'error', 'v']);

function short(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return value.length <= 4 && value.every((v) => typeof v !== 'object') ? value.join(',') : `[${value.length} items]`;
  return '{…}';
}

/** One line for one pino JSON record (the text itself when it is not JSON). */
export function humanLogLine(json: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.trimEnd();
  }
  const err = (rec.err ?? rec.error) as { message?: string; code?: string } | undefined;
  const level = LEVELS[Number(rec.level)] ?? 'log';
  const extra = Object.entries(rec)
    .filter(([k]) => !SKIP.has(k))
    .slice(0, 6)
    .map(([k, v]) => `${k} ${short(v)}`);
  const errText = err?.message ? `: ${err.message.split('\n')[0]}` : '';
  return `passk ${String(rec.name ?? '')}: ${level}: ${String(rec.msg ?? '')}${errText}${extra.length ? ` (${extra.join(', ')})` : ''}`;
}

/** A stream for pino that writes each record to stderr as a human line. */
export function humanStderr(): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) writeSync(2, `${humanLogLine(line)}\n`);
      done();
    },
  });
}
