/**
 * The combiner's own directories (`staged/<q>_<t>/`, `combined/`) are writable by whoever can write
 * the queue dir. Before the combiner writes under a name, anything of the wrong type planted there
 * (a symlink, a FIFO, a directory where a file goes, a file where a directory goes) is moved out of
 * the way into `failed/` with a reason file, so the combiner never writes through a symlink and
 * never crash-loops on a rename that cannot succeed (docs/queue-protocol.md#quarantine).
 */
import { lstat, rename, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeViaTmp, jsonText, errnoCode, refusedName, reasonFileFor, type RunLayout } from '@passk/core';

/** What `target` must be: a real directory, or a regular file (or nothing yet). */
export type Expect = 'directory' | 'file';

/** Move `target` into failed/ unless it is missing or of the expected type; true when it moved something. */
export async function clearObstacle(layout: RunLayout, target: string, expect: Expect): Promise<boolean> {
  let st;
  try {
    st = await lstat(target);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw error;
  }
  if (expect === 'directory' ? st.isDirectory() : st.isFile()) return false;
  const base = refusedName(path.basename(target));
  const kind = st.isSymbolicLink() ? 'a symbolic link' : st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a FIFO' : 'not a regular file';
  await writeViaTmp(layout.tmpDir, layout.failedDir, reasonFileFor(base), jsonText({
    code: 'ERR_FILE_REFUSED', message: `${target}: refused: is ${kind} where the combiner keeps a ${expect}; moved here`, file: target, at: new Date().toISOString(),
  }));
  await rename(target, path.join(layout.failedDir, base));
  return true;
}

/** mkdir -p `dir` after clearing anything that is not a real directory at its name. */
export async function ensureRealDir(layout: RunLayout, dir: string): Promise<void> {
  await clearObstacle(layout, dir, 'directory');
  await mkdir(dir, { recursive: true });
}
