/**
 * Verdict cache shared through a directory: one small JSON file per (problem id, program key),
 * written tmp-then-rename so readers never see half a file. Concurrent evaluator processes
 * share it; a file that does not parse or does not match its key and the verdict schema is
 * ignored and overwritten, never trusted. infra_error verdicts are never cached. Within one
 * process, identical programs in flight are graded once (the others await the same promise).
 */
import { mkdir, rename, writeFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { isValid, verdictSchema, readRegularText, SMALL_FILE_MAX_BYTES, type Grader, type GradeRequest, type Verdict } from '@passk/core';
import { programKey } from './dedup.js';

interface CacheFile {
  version: 1;
  problem_id: string;
  key: string;
  verdict: Verdict;
}

export interface CacheStats {
  hits: number;
  misses: number;
  /** Cache files ignored because they were corrupt or did not match. */
  corrupt: number;
}

export interface CachedGrader extends Grader {
  readonly stats: CacheStats;
}

/** Directory for one problem id: readable prefix + hash (ids may contain '/' etc.). */
export function problemDir(cacheDir: string, problemId: string): string {
  const safe = problemId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64);
  return join(cacheDir, `${safe}-${createHash('sha256').update(problemId).digest('hex').slice(0, 12)}`);
}

function fingerprintOf(inner: Grader): string {
  const f = (inner as { fingerprint?: unknown }).fingerprint;
  return typeof f === 'string' ? f : '';
}

/**
 * Wrap `inner` with deduplication: in memory always, and through `cacheDir` when given
 * (`null` = in-process only).
 */
export function createCachedGrader(inner: Grader, cacheDir: string | null): CachedGrader {
  const fingerprint = fingerprintOf(inner);
  const inflight = new Map<string, Promise<Verdict>>();
  const stats: CacheStats = { hits: 0, misses: 0, corrupt: 0 };

  async function read(file: string, key: string, problemId: string): Promise<Verdict | null> {
    let text: string;
    try {
      // Never from a FIFO (it would block the evaluator) nor through a symlink: a refused file is a miss.
      text = await readRegularText(file, SMALL_FILE_MAX_BYTES);
    } catch {
      return null;
    }
    try {
      const data = JSON.parse(text) as CacheFile;
      if (data.version === 1 && data.key === key && data.problem_id === problemId && isValid<Verdict>(verdictSchema, data.verdict) && data.verdict.status !== 'infra_error') {
        return data.verdict;
      }
    } catch {
      /* fall through: corrupt */
    }
    stats.corrupt++;
    return null;
  }

  async function write(dir: string, file: string, body: CacheFile): Promise<void> {
    await mkdir(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, JSON.stringify(body));
      await rename(tmp, file);
    } catch {
      await unlink(tmp).catch(() => {});
    }
  }

  async function gradeOnce(request: GradeRequest, key: string): Promise<Verdict> {
    const start = performance.now();
    const id = request.problem.id;
    const dir = cacheDir === null ? null : problemDir(cacheDir, id);
    const file = dir === null ? null : join(dir, `${key}.json`);
    if (file) {
      const hit = await read(file, key, id);
      if (hit) {
        stats.hits++;
        return { ...hit, cached: true, wall_ms: Math.round((performance.now() - start) * 1000) / 1000 };
      }
    }
    stats.misses++;
    const { cached: _c, ...verdict } = await inner.grade(request);
    if (dir && file && verdict.status !== 'infra_error') await write(dir, file, { version: 1, problem_id: id, key, verdict });
    return verdict;
  }

  return {
    stats,
    async grade(request: GradeRequest): Promise<Verdict> {
      const key = programKey(request.problem, request.code, fingerprint);
      const mapKey = `${request.problem.id}\0${key}`;
      const running = inflight.get(mapKey);
      if (running) {
        stats.hits++;
        const start = performance.now();
        const v = await running;
        return { ...v, cached: true, wall_ms: Math.round((performance.now() - start) * 1000) / 1000 };
      }
      const p = gradeOnce(request, key);
      inflight.set(mapKey, p);
      try {
        return await p;
      } finally {
        // Keep finished verdicts for in-process reuse, except infra errors (retried next time).
        const v = await p.catch(() => null);
        if (!v || v.status === 'infra_error') inflight.delete(mapKey);
      }
    },
    close: () => inner.close(),
  };
}
