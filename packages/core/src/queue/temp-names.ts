/**
 * The temp-file grammar, one for every writer: `<base>.<owner>-<n>.tmp` (owner: identity.ts's
 * `<host>-<pid>-<token>`), so a sweep tells a dead local writer's orphans at once. Used in tmp/ (queue
 * hand-offs), control/ and workers/ (flags, records, name locks) and beside combined files.
 */
import { newToken, localHost, localOwnerGone, OWNER_PATTERN } from './identity.js';

/** Temp files older than this are swept whoever wrote them (writers on other hosts, foreign names). */
export const TMP_MAX_AGE_MS = 3_600_000;

let counter = 0;
let host: string | undefined; // os.hostname() once, not on every hand-off
/** `<base>.<host>-<pid>-<token>-<n>.tmp`: the writer is named so a sweep can tell its orphans at once. */
export function tmpName(base: string): string {
  counter = (counter + 1) % 1_000_000;
  host ??= localHost();
  return `${base}.${host}-${process.pid}-${newToken()}-${counter}.tmp`;
}

const TMP_WRITER_RE = new RegExp(`\\.${OWNER_PATTERN}-\\d+\\.tmp$`);

/** True for a name tmpName makes. */
export function isTmpName(name: string): boolean {
  return TMP_WRITER_RE.test(name);
}

/** The writer of a temp file named by tmpName, or undefined for any other name. */
export function tmpWriter(name: string): { host: string; pid: number } | undefined {
  const match = TMP_WRITER_RE.exec(name);
  return match ? { host: match[1]!, pid: Number(match[2]) } : undefined;
}

/** True for a tmpName file whose writer ran on this host and is gone: it can never be renamed into place. */
export function deadLocalWriter(name: string): boolean {
  const writer = tmpWriter(name);
  host ??= localHost();
  return writer !== undefined && writer.pid !== process.pid && localOwnerGone(writer, host);
}
