/**
 * Resolve a problem-set spec to sources: a file path (format detected from its rows), a
 * directory of LiveCodeBench files, or a dataset spec — `demo`, `humaneval`,
 * `livecodebench[:<release>]` (alias `lcb`) — read from the cache dir.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PasskError } from '@passk/core';
import { CACHE_SUBDIR, defaultCacheDir, HUMANEVAL_FILES } from './cache.js';
import { incrementForFile, LCB_INCREMENTS, parseRelease, type LcbIncrement } from './lcb/releases.js';
import type { LoadOptions } from './options.js';

export type Source =
  | { type: 'file'; file: string; /** Overrides the detected format's name in `source.dataset`. */ dataset?: string; increment?: LcbIncrement }
  | { type: 'demo' };

export interface ResolvedSpec {
  sources: Source[];
  /** Increments a release selects when a single non-`testN.jsonl` file is filtered by date window. */
  windowFilter?: LcbIncrement[];
}

const DATASET_RE = /^(demo|humaneval|livecodebench|lcb)(?::(.+))?$/i;

/** True when `spec` names a dataset (demo, humaneval, livecodebench[:release]) rather than a file. */
export const isDatasetSpec = (spec: string): boolean => DATASET_RE.test(spec.trim());

function lcbFiles(dir: string, release: string | undefined, spec: string): Source[] {
  const selected = release ? parseRelease(release) : undefined;
  const wanted = selected ?? LCB_INCREMENTS.filter((inc) => existsSync(join(dir, inc.file)));
  const missing = wanted.filter((inc) => !existsSync(join(dir, inc.file)));
  if (wanted.length === 0 || missing.length) {
    const names = (missing.length ? missing : LCB_INCREMENTS).map((inc) => inc.file).join(', ');
    throw new PasskError(
      'ERR_DATASET_UNKNOWN',
      `${spec}: ${names} not found in ${dir}; run \`passk dataset pull livecodebench${release ? ` --release ${release}` : ''}\``,
    );
  }
  return wanted.map((inc) => ({ type: 'file', file: join(dir, inc.file), dataset: 'livecodebench', increment: inc }));
}

/** `--release` given where nothing can be selected by release: an error, never silently ignored. */
export function releaseNotApplicable(release: string, target: string, why: string): PasskError {
  return new PasskError(
    'ERR_BAD_OPTION',
    `\`--release ${release}\` does not apply to ${target} (${why}); --release selects LiveCodeBench releases: use it with livecodebench, a directory of LiveCodeBench files or a LiveCodeBench JSONL file`,
  );
}

const sameIncrements = (a: string, b: string): boolean =>
  parseRelease(a).map((inc) => inc.version).join(',') === parseRelease(b).map((inc) => inc.version).join(',');

/**
 * @throws PasskError ERR_DATASET_UNKNOWN for an unknown spec or missing files, ERR_BAD_OPTION for
 * `release` given with `demo`/`humaneval` or conflicting with the release in the spec.
 */
export function resolveSpec(spec: string, options: LoadOptions = {}): ResolvedSpec {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const m = DATASET_RE.exec(spec.trim());
  if (m) {
    const name = m[1]!.toLowerCase();
    const arg = m[2];
    if (name === 'demo' || name === 'humaneval') {
      if (arg !== undefined) throw new PasskError('ERR_DATASET_UNKNOWN', `dataset \`${name}\` takes no release (got \`${spec}\`)`);
      if (options.release) throw releaseNotApplicable(options.release, `\`${spec}\``, `${name} has no LiveCodeBench releases`);
      if (name === 'demo') return { sources: [{ type: 'demo' }] };
      const dir = join(cacheDir, CACHE_SUBDIR.humaneval);
      const file = HUMANEVAL_FILES.map((f) => join(dir, f)).find((f) => existsSync(f));
      if (!file) {
        throw new PasskError('ERR_DATASET_UNKNOWN', `humaneval: ${HUMANEVAL_FILES[0]} not found in ${dir}; run \`passk dataset pull humaneval\``);
      }
      return { sources: [{ type: 'file', file, dataset: 'humaneval' }] };
    }
    if (arg !== undefined && options.release && !sameIncrements(arg, options.release)) {
      throw new PasskError('ERR_BAD_OPTION', `\`--release ${options.release}\` conflicts with the release in \`${spec}\`; give the release once`);
    }
    const release = arg ?? options.release ?? 'release_latest';
    return { sources: lcbFiles(join(cacheDir, CACHE_SUBDIR.livecodebench), release, spec) };
  }
  if (existsSync(spec)) {
    if (statSync(spec).isDirectory()) return { sources: lcbFiles(spec, options.release, spec) };
    const increment = incrementForFile(basename(spec));
    const source: Source = { type: 'file', file: spec, ...(increment ? { increment } : {}) };
    if (!options.release) return { sources: [source] };
    const selected = parseRelease(options.release);
    if (increment) return { sources: selected.some((inc) => inc.version === increment.version) ? [source] : [] };
    return { sources: [source], windowFilter: selected };
  }
  throw new PasskError(
    'ERR_DATASET_UNKNOWN',
    `\`${spec}\` is neither a file nor a dataset spec (known: demo, humaneval, livecodebench[:<release>], e.g. livecodebench:v6)`,
  );
}
