/**
 * Worker names (gpu0, eval3, combiner) are held by an exclusive file `workers/<name>.lock`
 * containing the owner's host/pid/token. A lock whose owner is a dead pid on this host is taken over.
 * `autoName` picks the lowest free `<prefix><n>`, so a user can start one more evaluator in another
 * terminal without choosing an id.
 */
import { open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode, PasskError } from '../errors.js';
import { pidAlive, type WorkerIdentity } from '../queue/identity.js';

interface LockContent {
  host: string;
  pid: number;
  token: string;
}

async function tryLock(file: string, identity: WorkerIdentity): Promise<LockContent | undefined> {
  try {
    const handle = await open(file, 'wx');
    await handle.writeFile(JSON.stringify({ host: identity.host, pid: identity.pid, token: identity.token }));
    await handle.close();
    return undefined;
  } catch (error) {
    if (errnoCode(error) !== 'EEXIST') throw error;
  }
  const holder = await readFile(file, 'utf8').then((t) => JSON.parse(t) as LockContent, () => undefined);
  if (!holder || (holder.host === identity.host && !pidAlive(holder.pid))) {
    // The holder died (or the lock is unreadable): break it, then race for it again.
    await unlink(file).catch(() => {});
    return tryLock(file, identity).catch(() => holder ?? { host: '?', pid: 0, token: '' });
  }
  return holder;
}

export async function acquireName(workersDir: string, name: string, identity: WorkerIdentity): Promise<void> {
  const holder = await tryLock(path.join(workersDir, `${name}.lock`), identity);
  if (holder) {
    throw new PasskError('ERR_LOCKED', `worker name \`${name}\` is held by pid ${holder.pid} on ${holder.host}; stop it or pick another id`);
  }
}

export async function autoName(workersDir: string, prefix: string, identity: WorkerIdentity, limit = 10_000): Promise<string> {
  for (let i = 0; i < limit; i++) {
    const name = `${prefix}${i}`;
    if (!(await tryLock(path.join(workersDir, `${name}.lock`), identity))) return name;
  }
  throw new PasskError('ERR_LOCKED', `no free worker name \`${prefix}N\` below ${limit}`);
}

export async function releaseName(workersDir: string, name: string, identity: WorkerIdentity): Promise<void> {
  const file = path.join(workersDir, `${name}.lock`);
  const holder = await readFile(file, 'utf8').then((t) => JSON.parse(t) as LockContent, () => undefined);
  if (holder && holder.pid === identity.pid && holder.token === identity.token) await unlink(file).catch(() => {});
}
