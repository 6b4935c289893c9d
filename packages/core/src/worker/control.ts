/**
 * Control files in queue/<run>/control/ — small, so chokidar watches them:
 *   stop-generators  generators finish up and exit (first step of the safe stop order)
 *   stop-all         every daemon exits
 *   complete         the run is finished (all summaries written); every daemon exits 0
 */
import { access, writeFile, unlink, rename } from 'node:fs/promises';
import { errnoCode } from '../errors.js';
import { tmpName } from '../queue/temp-names.js';
import path from 'node:path';

export type ControlFlag = 'stop-generators' | 'stop-all' | 'complete';
export const CONTROL_FLAGS: ControlFlag[] = ['stop-generators', 'stop-all', 'complete'];

/**
 * Set a flag: write a fresh temp file (O_EXCL) and rename it over the flag's name, so a FIFO or a
 * symlink planted there is replaced, never opened or written through (`passk stop` cannot wedge).
 * Something that rename cannot replace (a directory of that name) already reads as set.
 */
export async function setControl(controlDir: string, flag: ControlFlag, reason = ''): Promise<void> {
  const file = path.join(controlDir, flag);
  const tmp = path.join(controlDir, tmpName(flag));
  await writeFile(tmp, `${new Date().toISOString()} ${reason}\n`, { flag: 'wx' });
  try {
    await rename(tmp, file);
  } catch (error) {
    await unlink(tmp).catch(() => {});
    const code = errnoCode(error);
    if (code !== 'EISDIR' && code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
  }
}

export async function clearControl(controlDir: string, flag: ControlFlag): Promise<void> {
  await unlink(path.join(controlDir, flag)).catch(() => {});
}

export async function hasControl(controlDir: string, flag: ControlFlag): Promise<boolean> {
  return access(path.join(controlDir, flag)).then(() => true, () => false);
}
