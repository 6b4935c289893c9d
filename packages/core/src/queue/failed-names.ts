/**
 * The failed-file grammar: failed/<stem>.<stage>.json (the item, byte for byte) beside
 * failed/<stem>.<stage>.reason.json (why), built from the item stem and the stage names; an obstacle
 * the combiner refused is failed/<name>.refused-<ms>-<pid> with its reason file; a retried item's
 * files are kept as failed/retried/<stem>.<stage>.<time>.json and ….reason.json.
 */
import { STEM_PATTERN } from '../naming.js';
import { STAGE_PATTERN, type Stage } from './layout.js';

export function failedFileName(stem: string, stage: Stage): string {
  return `${stem}.${stage}.json`;
}

/** The reason file of the failed entry `<base>.json` (or of the refused obstacle `<base>`). */
export function reasonFileFor(base: string): string {
  return `${base}.reason.json`;
}

export function failedReasonFileName(stem: string, stage: Stage): string {
  return reasonFileFor(`${stem}.${stage}`);
}

/** Name in failed/ of something of the wrong type the combiner found at `name`. */
export function refusedName(name: string): string {
  return `${name}.refused-${Date.now()}-${process.pid}`;
}

/** Names in failed/retried/ of a failed item retried at `stamp` (an ISO time with [:.] replaced). */
export function retriedFileNames(stem: string, stage: Stage, stamp: string): { file: string; reason: string } {
  const base = `${stem}.${stage}.${stamp}`;
  return { file: `${base}.json`, reason: reasonFileFor(base) };
}

const FAILED_RE = new RegExp(`^(${STEM_PATTERN})\\.(${STAGE_PATTERN})\\.json$`);

/** Stem and stage of a failed item file; undefined for reason files and any other name. */
export function parseFailedFileName(name: string): { stem: string; stage: Stage } | undefined {
  const match = FAILED_RE.exec(name);
  return match ? { stem: match[1]!, stage: match[2] as Stage } : undefined;
}
