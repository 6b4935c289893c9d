/**
 * Resume by name: `passk resume --run NAME` takes every plan flag the command line does not give from the
 * run's plan.json (`passk run --run NAME` does so when given no plan flag), so nobody retypes a sweep. A plan flag that
 * is given is compared with the plan as before: growing --n, --temperatures or the questions extends the run
 * (extend.ts); any other change is ERR_PLAN_MISMATCH.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { isDatasetSpec } from '@passk/problems';
import { PasskError, type Plan, type PlanSelection } from '@passk/core';
import type { RunArgs } from './run-args.js';

/**
 * `--problems` as plan.json records it: a file named relative to the current directory becomes absolute, so
 * that `passk resume --run NAME` finds it from any directory. A plan that recorded the same relative
 * spelling (written before this rule) keeps it, so the same command still resumes it.
 */
export function recordedProblems(spec: string, plan: Pick<Plan, 'problems'> | undefined, cwd = process.cwd()): string {
  if (path.isAbsolute(spec) || plan?.problems === spec || isDatasetSpec(spec)) return spec;
  const file = path.resolve(cwd, spec);
  return existsSync(file) ? file : spec;
}

/**
 * A `--problems` taken from the plan, checked before use: a plan written before the rule above names its
 * file relative to the directory the run was started in, which only that directory can resolve.
 */
export function requireRecordedProblems(spec: string, run: string, cwd = process.cwd()): void {
  if (path.isAbsolute(spec) || isDatasetSpec(spec) || existsSync(path.resolve(cwd, spec))) return;
  throw new PasskError('ERR_DATASET_UNKNOWN', `the plan of run \`${run}\` records --problems \`${spec}\` relative to the directory the run was started in (plans written before passk recorded it absolute), and ${cwd} has no such file: run this command from that directory, where it resumes the run as before`);
}

/** Long flags (kebab-case) that appear on a command line, `--x`, `--x=…` and `--no-x` alike. */
export function givenFlags(args: string[]): Set<string> {
  const out = new Set<string>();
  for (const arg of args) {
    if (arg === '--') break;
    const m = /^--(no-)?([^=]+)/.exec(arg);
    if (m) out.add(m[2]!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));
  }
  return out;
}

/** One plan value under both of yargs' names; the flag is named at run time, so argv is seen as a record here. */
function set(argv: RunArgs, kebab: string, value: unknown): void {
  const camel = kebab.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  const record: Record<string, unknown> = argv;
  record[camel] = value;
  record[kebab] = value;
}

/** plan.json → the flag values that made it (selection flags included). */
function planFlagValues(plan: Plan): Array<[string, unknown]> {
  const idx = plan.questions.map((q) => q.idx);
  const sel: Partial<PlanSelection> = plan.selection ?? {};
  return [
    ['problems', plan.problems],
    ['n', plan.n],
    ['shard-size', plan.shard_size],
    ['temperatures', plan.temperatures.join(',')],
    ['start', idx.length ? Math.min(...idx) : 0],
    ['end', idx.length ? Math.max(...idx) + 1 : undefined],
    ['max-tokens', plan.max_tokens],
    ['top-p', plan.top_p],
    ['seed', plan.seed],
    ['stop', plan.stop],
    ['backend', plan.backend],
    ['model', plan.model === plan.backend ? '' : plan.model],
    ['strict-extraction', plan.strict_extraction ?? false],
    ['release', sel.release ?? undefined],
    ['start-date', sel.start_date ?? undefined],
    ['end-date', sel.end_date ?? undefined],
    ['platform', sel.platform ?? undefined],
    ['difficulty', sel.difficulty ?? undefined],
    ['exclude-errata', sel.exclude_errata ?? false],
    ['skip-invalid', sel.skip_invalid ?? false],
  ];
}

/**
 * Fill every plan flag the command line did not give from the plan; returns the flags taken. `passk resume`
 * fills whatever is missing; `passk run` only when it was given no plan flag at all (a `passk run` with some
 * plan flags is compared as typed, as before).
 */
export function applyPlanDefaults(argv: RunArgs, plan: Plan, given: Set<string>): string[] {
  if (!argv.resume && planFlagValues(plan).some(([flag]) => given.has(flag))) return [];
  const taken: string[] = [];
  for (const [flag, value] of planFlagValues(plan)) {
    if (given.has(flag)) continue;
    set(argv, flag, value);
    taken.push(flag);
  }
  return taken;
}
