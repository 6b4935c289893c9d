/** Find the interpreter's real path once: `python3` on PATH may be a pyenv shim (≈140 ms a start). */
import { execFile } from 'node:child_process';
import { realpath } from 'node:fs/promises';
import { promisify } from 'node:util';
import { PasskError, probeInterpreter } from '@passk/core';

const run = promisify(execFile);
const resolved = new Map<string, Promise<string>>();

/** The real path of `sys.executable` of `command` (default `python3`), memoised per command. */
export function resolvePython(command = 'python3'): Promise<string> {
  let p = resolved.get(command);
  if (!p) {
    p = (async () => {
      try {
        // One interpreter start also serves the provenance (core/provenance.ts); the plain question when the probe fails.
        const info = await probeInterpreter(command);
        const exe = info ? info.path : (await run(command, ['-c', 'import sys; print(sys.executable)'], { timeout: 30_000 })).stdout.trim();
        return await realpath(exe);
      } catch (error) {
        throw new PasskError('ERR_SANDBOX', `cannot run ${command} to find the Python interpreter (${(error as Error).message}); evaluated programs need Python 3.10-3.13: install it (Debian/Ubuntu: apt-get install python3) or pass --python`, { cause: error });
      }
    })();
    resolved.set(command, p);
    p.catch(() => resolved.delete(command));
  }
  return p;
}
