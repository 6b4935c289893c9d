/**
 * Control files in queue/<run>/control/ — small, so chokidar watches them:
 *   stop-generators  generators finish up and exit (first step of the safe stop order)
 *   stop-all         every daemon exits
 *   complete         the run is finished (all summaries written); every daemon exits 0
 */
import { access, writeFile, unlink } from 'node:fs/promises';
import path from 'node:path';

export type ControlFlag = 'stop-generators' | 'stop-all' | 'complete';
export const CONTROL_FLAGS: ControlFlag[] = ['stop-generators', 'stop-all', 'complete'];

export async function setControl(controlDir: string, flag: ControlFlag, reason = ''): Promise<void> {
  await writeFile(path.join(controlDir, flag), `${new Date().toISOString()} ${reason}\n`);
}

export async function clearControl(controlDir: string, flag: ControlFlag): Promise<void> {
  await unlink(path.join(controlDir, flag)).catch(() => {});
}

export async function hasControl(controlDir: string, flag: ControlFlag): Promise<boolean> {
  return access(path.join(controlDir, flag)).then(() => true, () => false);
}
