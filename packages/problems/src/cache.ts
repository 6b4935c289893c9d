/** Where pulled datasets live: `$PASSK_DATA_DIR`, else `~/.cache/passk/datasets`. */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.PASSK_DATA_DIR && env.PASSK_DATA_DIR !== '' ? env.PASSK_DATA_DIR : join(homedir(), '.cache', 'passk', 'datasets');
}

/** Layout inside the cache dir (also `passk dataset pull`'s default destinations). */
export const CACHE_SUBDIR = { livecodebench: 'livecodebench', humaneval: 'humaneval' } as const;
export const HUMANEVAL_FILES = ['HumanEval.jsonl.gz', 'HumanEval.jsonl'] as const;
