/** ControlChannel on the filesystem: flag files in queue/<run>/control/, watched with chokidar. */
import path from 'node:path';
import { setControl, clearControl, hasControl, type ControlFlag } from '../../worker/control.js';
import type { ControlChannel } from '../types.js';

export class FsControl implements ControlChannel {
  constructor(private readonly controlDir: string) {}

  set(flag: ControlFlag, reason = ''): Promise<void> {
    return setControl(this.controlDir, flag, reason);
  }

  clear(flag: ControlFlag): Promise<void> {
    return clearControl(this.controlDir, flag);
  }

  has(flag: ControlFlag): Promise<boolean> {
    return hasControl(this.controlDir, flag);
  }

  async watch(flags: ControlFlag[], onSet: (flag: ControlFlag) => void): Promise<() => Promise<void>> {
    const { default: chokidar } = await import('chokidar'); // loaded by the workers that watch, not by every command
    const watcher = chokidar.watch(this.controlDir, { ignoreInitial: true, depth: 0 });
    watcher.on('add', (file) => {
      const flag = path.basename(file) as ControlFlag;
      if (flags.includes(flag)) onSet(flag);
    });
    watcher.on('error', () => {});
    for (const flag of flags) if (await this.has(flag)) onSet(flag);
    return () => watcher.close();
  }

  async close(): Promise<void> {}
}
