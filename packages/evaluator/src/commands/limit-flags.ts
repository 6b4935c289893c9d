/**
 * The execution-limit flags, defined once for `passk evaluate`, `passk evaluator` and `passk run`
 * (which forwards them to its evaluators): --cpu-limit, --wall-limit, --memory-mb,
 * --output-limit-mb, and the grading mode --grading lcb|judge|human-eval. Values are validated
 * with the flag's name (0, negative, NaN, an unknown mode: ERR_BAD_OPTION).
 */
import type { InferredOptionTypes, Options } from 'yargs';
import { PasskError } from '@passk/core';
import { LIMIT_DEFAULTS, GRADING_MODES, type GraderOptions, type GradingMode } from '../options.js';

/** The flags, declared once; their argv type (LimitFlagArgs) is derived from this declaration. */
export const LIMIT_FLAGS = {
  'cpu-limit': { type: 'number', default: LIMIT_DEFAULTS.cpuLimitSeconds, describe: 'CPU seconds per execution: one test (LiveCodeBench), one program (HumanEval); see docs/grading.md' },
  'wall-limit': { type: 'number', describe: 'Wall-clock seconds per execution: the backstop for programs that sleep or block (judge, human-eval), the wall limit of each test (lcb, as LiveCodeBench) [default: judge, human-eval: 2 × cpu-limit + 1; lcb: cpu-limit]' },
  'memory-mb': { type: 'number', default: LIMIT_DEFAULTS.memoryMb, describe: 'Memory per execution (RLIMIT_AS + memory cgroup of the tree), MiB' },
  'output-limit-mb': { type: 'number', default: LIMIT_DEFAULTS.outputLimitMb, describe: 'stdout cap per execution, MiB' },
  /** Absent: the default (lcb), or the run's plan for `passk evaluator`; checked by gradingFlag. */
  grading: { type: 'string', describe: "Grading of stdin/functional problems: lcb = lcb_runner's verdicts (LiveCodeBench-comparable), judge = a real process per test as a contest judge; HumanEval problems are always human-eval (docs/grading.md) [default: lcb; passk evaluator: the run's plan]" },
} as const satisfies Record<string, Options>;

export type LimitFlagArgs = InferredOptionTypes<typeof LIMIT_FLAGS>;

type LimitOptions = Pick<GraderOptions, 'cpuLimitSeconds' | 'wallLimitSeconds' | 'memoryMb' | 'outputLimitMb' | 'grading'>;

type NumberFlag = Exclude<keyof LimitFlagArgs, 'grading'>;
type NumberOption = Exclude<keyof LimitOptions, 'grading'>;

const FLAGS: { flag: NumberFlag; option: NumberOption; unit: string }[] = [
  { flag: 'cpu-limit', option: 'cpuLimitSeconds', unit: 'seconds' },
  { flag: 'wall-limit', option: 'wallLimitSeconds', unit: 'seconds' },
  { flag: 'memory-mb', option: 'memoryMb', unit: 'MiB' },
  { flag: 'output-limit-mb', option: 'outputLimitMb', unit: 'MiB' },
];

/** The grader options the flags give; ERR_BAD_OPTION names the flag: `--cpu-limit must be a positive number of seconds, got 0`. */
export function limitOptions(argv: Partial<LimitFlagArgs>): LimitOptions {
  const out: LimitOptions = {};
  for (const { flag, option, unit } of FLAGS) {
    const value = argv[flag];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new PasskError('ERR_BAD_OPTION', `--${flag} must be a positive number of ${unit}, got ${String(value)}`);
    }
    out[option] = value;
  }
  if (argv.grading !== undefined) out.grading = gradingFlag(argv.grading);
  return out;
}

/** The --grading value, checked: ERR_BAD_OPTION names the flag and the modes. */
export function gradingFlag(value: unknown): GradingMode {
  if (typeof value !== 'string' || !(GRADING_MODES as readonly string[]).includes(value)) {
    throw new PasskError('ERR_BAD_OPTION', `--grading must be one of ${GRADING_MODES.join(', ')}, got ${String(value)}`);
  }
  return value as GradingMode;
}

/** The same flags as arguments for another passk process (`passk run` → `passk evaluator`); validated first. */
export function limitArgs(argv: Partial<LimitFlagArgs>): string[] {
  limitOptions(argv);
  const grading = argv.grading === undefined ? [] : ['--grading', gradingFlag(argv.grading)];
  return [...FLAGS.flatMap(({ flag }) => (argv[flag] === undefined ? [] : [`--${flag}`, String(argv[flag])])), ...grading];
}
