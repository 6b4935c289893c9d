/**
 * passk's own version and the git commit of the checkout the code runs from, for `passk --version` and
 * the provenance stamped into plans, combined files, summaries and reports. The version comes from
 * packages/cli/package.json (else the workspace root's package.json); the commit from `git rev-parse`
 * run in the checkout holding this module. Both are read once and cached; 'unknown' when not found.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PasskVersion {
  /** semver from packages/cli/package.json, e.g. "0.1.0"; 'unknown' when no package.json was found */
  version: string;
  /** full git commit hash (`git rev-parse HEAD`) of the checkout; 'unknown' without git or outside a checkout */
  commit: string;
}

const cached = new Map<string, PasskVersion>();

/** The directory holding the workspace root (the one with packages/cli), walking up from this module. */
function workspaceRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'packages', 'cli', 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

function readVersion(file: string): string | undefined {
  try {
    const v = (JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version;
    return typeof v === 'string' && v.length > 0 ? v : undefined;
  } catch {
    return undefined;
  }
}

function git(cwd: string, args: string[]): string | undefined {
  try {
    const out = execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
    return out.trim();
  } catch {
    return undefined;
  }
}

function readCommit(root: string): string {
  // The checkout's own .git only: a copy without it (inside some other repository) is 'unknown'.
  if (!existsSync(join(root, '.git'))) return 'unknown';
  const head = git(root, ['rev-parse', 'HEAD']);
  return head && /^[0-9a-f]{7,64}$/.test(head) ? head : 'unknown';
}

/**
 * passk's version and commit; computed on the first call, then cached for the life of the process.
 * `root`: the checkout to describe (the CLI passes its own: a copy of the CLI beside another checkout's
 * packages describes itself); default: the one holding this module.
 */
export function passkVersion(root?: string): PasskVersion {
  const dir = root ?? workspaceRoot();
  const key = dir ?? '';
  const hit = cached.get(key);
  if (hit) return hit;
  const here = dirname(fileURLToPath(import.meta.url));
  const version =
    (dir && (readVersion(join(dir, 'packages', 'cli', 'package.json')) ?? readVersion(join(dir, 'package.json')))) ||
    'unknown';
  const v = { version, commit: readCommit(dir ?? here) };
  cached.set(key, v);
  return v;
}
