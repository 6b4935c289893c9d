/** `passk --version`: one line from core's passkVersion() (the CLI package's version, the checkout's commit). */
import { passkVersion } from '@passk/core';

export function versionLine(): string {
  const { version, commit } = passkVersion();
  return `passk ${version} (commit ${commit})`;
}
