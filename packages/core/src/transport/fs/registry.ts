/** WorkerRegistry on the filesystem: workers/<name>.lock name locks and workers/<name>.json records. */
import { readdir, writeFile, rename, unlink, rm } from 'node:fs/promises';
import { readRegularText, SMALL_FILE_MAX_BYTES } from '../../queue/safe-read.js';
import path from 'node:path';
import { acquireName, autoName, releaseName } from '../../worker/name-lock.js';
import { isPasskError, errnoCode } from '../../errors.js';
import type { WorkerIdentity } from '../../queue/identity.js';
import { tmpName } from '../../queue/temp-names.js';
import type { WorkerRecord } from '../../worker/record.js';
import type { WorkerRegistry } from '../types.js';

export class FsRegistry implements WorkerRegistry {
  constructor(private readonly workersDir: string) {}

  async acquire(name: string | { prefix: string }, identity: WorkerIdentity, waitMs = 0): Promise<string> {
    if (typeof name !== 'string') return autoName(this.workersDir, name.prefix, identity);
    const deadline = Date.now() + waitMs;
    for (;;) {
      try {
        await acquireName(this.workersDir, name, identity);
        return name;
      } catch (error) {
        if (!isPasskError(error, 'ERR_LOCKED') || Date.now() >= deadline) throw error;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  release(name: string, identity: WorkerIdentity): Promise<void> {
    return releaseName(this.workersDir, name, identity);
  }

  async write(record: WorkerRecord): Promise<void> {
    const file = path.join(this.workersDir, `${record.name}.json`);
    // A fresh temp name, O_EXCL: a file (or symlink) planted there is never written through.
    const tmp = path.join(this.workersDir, tmpName(`${record.name}.json`));
    await writeFile(tmp, JSON.stringify(record), { flag: 'wx' });
    try {
      await rename(tmp, file);
    } catch (error) {
      const code = errnoCode(error);
      if (code !== 'EISDIR' && code !== 'ENOTEMPTY' && code !== 'EEXIST') {
        await unlink(tmp).catch(() => {});
        throw error;
      }
      // A directory planted under this worker's record name: removed (records are rewritten every 5 s).
      await rm(file, { recursive: true, force: true });
      await rename(tmp, file);
    }
  }

  async list(): Promise<WorkerRecord[]> {
    const out: WorkerRecord[] = [];
    for (const name of await readdir(this.workersDir).catch(() => [] as string[])) {
      if (!name.endsWith('.json')) continue;
      try {
        out.push(JSON.parse(await readRegularText(path.join(this.workersDir, name), SMALL_FILE_MAX_BYTES)) as WorkerRecord);
      } catch {
        // torn, removed, or refused (not a regular file): not a worker record
      }
    }
    return out;
  }

  async close(): Promise<void> {}
}
