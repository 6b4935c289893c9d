/**
 * Names of work items. A work item is (question index, temperature, shard index); its stem
 * `q{idx}_t{major}_{minor}_s{shard}` is the file name at every stage, the combiner's dedup key
 * and the resume key. Nothing else (GPU, evaluator, attempts) ever enters it.
 */
import { PasskError } from './errors.js';

/** 0.1 → "0_1", 2 → "2_0", 1.25 → "1_25" (the seed's t{major}_{minor} encoding). */
/** A temperature as a person reads it in a table or a line: 1.0 and 0.0 keep their decimal (not 1, 0). */
export const temperatureLabel = (temperature: number): string =>
  Number.isInteger(temperature) ? temperature.toFixed(1) : String(temperature);

export function encodeTemperature(temperature: number): string {
  if (!Number.isFinite(temperature) || temperature < 0) {
    throw new PasskError('ERR_BAD_OPTION', `Expected a temperature to be a finite number ≥ 0, got \`${temperature}\``);
  }
  const text = String(temperature);
  if (/e/i.test(text)) throw new PasskError('ERR_BAD_OPTION', `Temperature \`${temperature}\` has too many digits`);
  const [major, minor = '0'] = text.split('.');
  return `${major}_${minor}`;
}

export function decodeTemperature(encoded: string): number {
  const match = /^(\d+)_(\d+)$/.exec(encoded);
  if (!match) throw new PasskError('ERR_BAD_OPTION', `Not an encoded temperature: \`${encoded}\``);
  return Number(`${match[1]}.${match[2]}`);
}

export interface ItemId {
  questionIdx: number;
  temperature: number;
  shard: number;
}

/** Pattern (no anchors, no groups) of a group stem `q{idx}_t{major}_{minor}`; the other grammars are built from it. */
export const GROUP_PATTERN = 'q\\d+_t\\d+_\\d+';
/** Pattern (no anchors, no groups) of an item stem `q{idx}_t{major}_{minor}_s{shard}`. */
export const STEM_PATTERN = `${GROUP_PATTERN}_s\\d+`;
/** Strict grammar of an item stem. Temp files and claim files never match it. */
export const ITEM_STEM_RE = /^q(\d+)_t(\d+_\d+)_s(\d+)$/;
/** Strict grammar of a queue file: the stem plus `.json`. */
export const ITEM_FILE_RE = /^q(\d+)_t(\d+_\d+)_s(\d+)\.json$/;
const GROUP_STEM_RE = /^q(\d+)_t(\d+_\d+)$/;

export function itemStem(id: ItemId): string {
  return `q${id.questionIdx}_t${encodeTemperature(id.temperature)}_s${id.shard}`;
}

export function parseItemStem(stem: string): ItemId | undefined {
  const match = ITEM_STEM_RE.exec(stem);
  if (!match) return undefined;
  return { questionIdx: Number(match[1]), temperature: decodeTemperature(match[2]!), shard: Number(match[3]) };
}

export function parseItemFile(fileName: string): ItemId | undefined {
  return fileName.endsWith('.json') ? parseItemStem(fileName.slice(0, -5)) : undefined;
}

/** The (question, temperature) group stem: `q{idx}_t{major}_{minor}`. */
export function groupStem(questionIdx: number, temperature: number): string {
  return `q${questionIdx}_t${encodeTemperature(temperature)}`;
}

export function parseGroupStem(group: string): { questionIdx: number; temperature: number } | undefined {
  const match = GROUP_STEM_RE.exec(group);
  return match ? { questionIdx: Number(match[1]), temperature: decodeTemperature(match[2]!) } : undefined;
}

/** The group of an item stem (`q1_t0_8_s3` → `q1_t0_8`), or undefined for any other name. */
export function groupOfStem(stem: string): string | undefined {
  return ITEM_STEM_RE.test(stem) ? stem.slice(0, stem.lastIndexOf('_s')) : undefined;
}

/** The item stem of shard `shard` of a group stem. */
export function stemInGroup(group: string, shard: number): string {
  return `${group}_s${shard}`;
}

/** File name of a combined result inside `q{idx}/`: `t{major}_{minor}_combined.json`. */
export function combinedFileName(temperature: number): string {
  return `t${encodeTemperature(temperature)}_combined.json`;
}
