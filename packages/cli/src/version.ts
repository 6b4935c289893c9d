/**
 * `passk --version`: the CLI package's version and the git commit of the checkout it runs from (asked of
 * git at run time; a copy without .git, or no git, says "unknown").
 */
import path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { PROJECT_DIR } from './home.js';

export function passkCommit(dir = PROJECT_DIR): string {
  if (!existsSync(path.join(dir, '.git'))) return 'unknown';
  try {
    return execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim() || 'unknown';
  } catch {
    return 'unknown';
  }
}

export function passkVersion(dir = PROJECT_DIR): { version: string; commit: string } {
  let version = 'unknown';
  try {
    version = (JSON.parse(readFileSync(path.join(dir, 'packages', 'cli', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    // a broken copy: still print the commit
  }
  return { version, commit: passkCommit(dir) };
}

export function versionLine(dir = PROJECT_DIR): string {
  const { version, commit } = passkVersion(dir);
  return `passk ${version} (commit ${commit})`;
}
