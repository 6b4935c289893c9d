/**
 * Durable writes. Queue hand-offs go Maildir-style: write tmp/<unique> (fsync), rename into the
 * destination directory, fsync that directory. Temp files therefore never appear in a queue dir.
 * Result files (read by people, possibly on another filesystem) use write-file-atomic (temp file
 * beside the target, fsync, rename) followed by a directory fsync, which write-file-atomic omits.
 */
import { open, rename, unlink, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { tmpName, isTmpName, deadLocalWriter, TMP_MAX_AGE_MS } from './temp-names.js';

/** fsync a directory so a rename into it survives power loss. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export interface DurableOptions {
  /** fsync the file and the directory. @default true */
  fsync?: boolean;
}

/** Write `data` to `tmpDir`, then rename it to `destDir/name` (replacing any file of that name). */
export async function writeViaTmp(tmpDir: string, destDir: string, name: string, data: string | Buffer, options: DurableOptions = {}): Promise<void> {
  const sync = options.fsync ?? true;
  const tmpPath = path.join(tmpDir, tmpName(name));
  const handle = await open(tmpPath, 'wx'); // O_EXCL: never through a planted symlink
  try {
    await handle.writeFile(data);
    if (sync) await handle.sync();
  } catch (error) {
    await handle.close().catch(() => {});
    await unlink(tmpPath).catch(() => {});
    throw error;
  }
  await handle.close();
  try {
    await rename(tmpPath, path.join(destDir, name));
  } catch (error) {
    await unlink(tmpPath).catch(() => {});
    throw error;
  }
  if (sync) await fsyncDir(destDir);
}

/** Atomically replace a results file (temp beside it), then fsync its directory. */
export async function writeResultFile(file: string, data: string | Buffer, options: DurableOptions = {}): Promise<void> {
  const sync = options.fsync ?? true;
  const { default: writeFileAtomic } = await import('write-file-atomic'); // loaded by the commands that write results
  await writeFileAtomic(file, data, { fsync: sync });
  if (sync) await fsyncDir(path.dirname(file));
}

export function jsonText(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

/**
 * Remove orphans of SIGKILLed writers from a tmp dir: at once when the writer named in the file name
 * ran on this host and its pid is gone (it can never rename the file now), otherwise once the file
 * is older than `maxAgeMs` (writers on other hosts, names of another shape). With `onlyTmpNames`
 * (a dir where temp files sit beside real ones: control/, workers/) only temp names are looked at.
 */
export async function sweepTmp(tmpDir: string, maxAgeMs = TMP_MAX_AGE_MS, now = Date.now(), onlyTmpNames = false): Promise<number> {
  let removed = 0;
  for (const name of await readdir(tmpDir).catch(() => [] as string[])) {
    if (onlyTmpNames && !isTmpName(name)) continue;
    const file = path.join(tmpDir, name);
    try {
      if (deadLocalWriter(name) || now - (await stat(file)).mtimeMs > maxAgeMs) {
        await unlink(file);
        removed++;
      }
    } catch {
      // gone already
    }
  }
  return removed;
}
