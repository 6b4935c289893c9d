/**
 * Worker names (gpu0, eval3, combiner) are held by an exclusive file `workers/<name>.lock`
 * containing the owner's host/pid/token. A lock whose owner is a dead pid on this host is taken over.
 * `autoName` picks the lowest free `<prefix><n>`, so a user can start one more evaluator in another
 * terminal without choosing an id.
 */
import { writeFile, link, unlink, rm } from 'node:fs/promises';
import { readRegularText, SMALL_FILE_MAX_BYTES } from '../queue/safe-read.js';
import path from 'node:path';
import { errnoCode, PasskError } from '../errors.js';
import { localOwnerGone, type WorkerIdentity } from '../queue/identity.js';
import { tmpName } from '../queue/temp-names.js';

interface LockContent {
  host: string;
  pid: number;
  token: string;
}

async function readHolder(file: string): Promise<LockContent | undefined> {
  try {
    const holder = JSON.parse(await readRegularText(file, SMALL_FILE_MAX_BYTES)) as LockContent;
    return typeof holder.pid === 'number' && typeof holder.host === 'string' ? holder : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Create the lock with its content in one step: write a temp file, then link() it to the lock name
 * (link fails with EEXIST if the lock exists). A lock file therefore always has its owner in it,
 * even if the owner is SIGKILLed a microsecond after taking it.
 */
async function tryLock(file: string, identity: WorkerIdentity, breaks = 0): Promise<LockContent | undefined> {
  const tmp = path.join(path.dirname(file), tmpName(path.basename(file)));
  await writeFile(tmp, JSON.stringify({ host: identity.host, pid: identity.pid, token: identity.token }), { flag: 'wx' });
  try {
    await link(tmp, file);
    return undefined;
  } catch (error) {
    if (errnoCode(error) !== 'EEXIST') throw error;
  } finally {
    await unlink(tmp).catch(() => {});
  }
  const holder = await readHolder(file);
  const dead = !holder || localOwnerGone(holder, identity.host);
  if (!dead) return holder;
  if (breaks >= 3) return holder ?? { host: '?', pid: 0, token: '' };
  // The holder died (or the lock is unreadable, which link() never produces): break it and race again.
  // Something planted that is not a file (a directory, say) is removed whole: link() never makes one.
  await rm(file, { recursive: true, force: true }).catch(() => {});
  return tryLock(file, identity, breaks + 1);
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
  const holder = await readHolder(file);
  if (holder && holder.pid === identity.pid && holder.token === identity.token) await unlink(file).catch(() => {});
}
