/** `passk --version`: one line from core's passkVersion() (the CLI package's version, the checkout's commit). */
import { passkVersion } from '@passk/core';
import { PROJECT_DIR } from './home.js';

export function versionLine(): string {
  const { version, commit } = passkVersion(PROJECT_DIR);
  return `passk ${version} (commit ${commit})`;
}
