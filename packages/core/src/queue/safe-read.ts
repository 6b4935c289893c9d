/**
 * Reading a file that anyone with write access to a run's directories may have planted: a queue
 * item, a claim, a reason file, a worker record, a lock, a state file. The file is opened with
 * O_NOFOLLOW|O_NONBLOCK (a symlink is refused, a FIFO never blocks), checked with fstat on that very
 * descriptor (regular files under a size cap only) and read through it, then decoded as strict UTF-8.
 * Every refusal is a PasskError ERR_FILE_REFUSED whose message says why and never quotes the file's
 * bytes; a missing file stays a plain ENOENT so callers can tell "gone" from "hostile".
 */
import { open, lstat, constants } from 'node:fs/promises';
import { lstatSync, openSync, fstatSync, readSync, closeSync, type Stats } from 'node:fs';
import { PasskError, errnoCode } from '../errors.js';

/** Cap for queue items (work items, generated and evaluated shards) and claims. */
export const QUEUE_FILE_MAX_BYTES = 256 * 1024 * 1024;
/** Cap for small bookkeeping files: reason files, worker records, locks, control flags, state. */
export const SMALL_FILE_MAX_BYTES = 16 * 1024 * 1024;

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY;

function kind(st: Stats): string {
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

function refused(file: string, why: string): PasskError {
  return new PasskError('ERR_FILE_REFUSED', `refused unread: ${why} (only regular files under a size cap are read)`, { file });
}

/** Throw ERR_FILE_REFUSED unless `st` is a regular file of at most `maxBytes`. */
function checkStats(file: string, st: Stats, maxBytes: number): void {
  if (!st.isFile()) throw refused(file, `is ${kind(st)}`);
  if (st.size > maxBytes) throw refused(file, `is ${st.size} bytes, over the cap of ${maxBytes}`);
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * The bytes of `file`, at most `maxBytes`. ERR_FILE_REFUSED when it is a symlink, a directory, a
 * FIFO, a socket or a device, larger than the cap (also if it grows past it while read), or cannot
 * be opened for another reason than ENOENT (rethrown as is). Errors name it `shownAs` (e.g. the
 * name it was queued under rather than its claim's name).
 */
export async function readRegularFile(file: string, maxBytes: number, shownAs = file): Promise<Buffer> {
  const refuse = (why: string) => refused(shownAs, why);
  let st: Stats;
  try {
    // lstat first so that a device node is never even opened; fstat below is the authoritative check.
    st = await lstat(file);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') throw error;
    throw refuse(`cannot be inspected (${errnoCode(error) ?? 'error'})`);
  }
  checkStats(shownAs, st, maxBytes);
  let handle;
  try {
    handle = await open(file, OPEN_FLAGS);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT') throw error;
    throw refuse(code === 'ELOOP' ? 'is a symbolic link' : `cannot be opened (${code ?? 'error'})`);
  }
  try {
    checkStats(shownAs, await handle.stat(), maxBytes);
    // Read until EOF, never more than maxBytes + 1 (a file growing past the cap is refused).
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const want = Math.min(1 << 20, maxBytes + 1 - total);
      const buf = Buffer.allocUnsafe(want);
      const { bytesRead } = await handle.read(buf, 0, want, null);
      if (bytesRead === 0) break;
      chunks.push(bytesRead === want ? buf : buf.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) throw refuse(`grew over the cap of ${maxBytes} bytes while read`);
    }
    return Buffer.concat(chunks, total);
  } catch (error) {
    if (error instanceof PasskError) throw error;
    throw refuse(`cannot be read (${errnoCode(error) ?? 'error'})`);
  } finally {
    await handle.close().catch(() => {});
  }
}

/** `readRegularFile` decoded as strict UTF-8 (invalid UTF-8 is ERR_FILE_REFUSED, never replaced). */
export async function readRegularText(file: string, maxBytes: number, shownAs = file): Promise<string> {
  const bytes = await readRegularFile(file, maxBytes, shownAs);
  try {
    return decoder.decode(bytes);
  } catch {
    throw refused(shownAs, 'is not valid UTF-8');
  }
}

/**
 * Synchronous reader for the orchestrator's own small files in the results dir (engine records,
 * worker logs): the last `tailBytes` of a regular file (the whole file when smaller), undefined for a
 * missing file or anything refused (symlink, FIFO, directory, device). Never blocks on a FIFO.
 */
export function readRegularTailSync(file: string, tailBytes: number): string | undefined {
  let fd: number | undefined;
  try {
    if (!lstatSync(file).isFile()) return undefined;
    fd = openSync(file, OPEN_FLAGS);
    const st = fstatSync(fd);
    if (!st.isFile()) return undefined;
    const length = Math.min(st.size, tailBytes);
    const buf = Buffer.alloc(length);
    const read = readSync(fd, buf, 0, length, st.size - length);
    return buf.toString('utf8', 0, read);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
