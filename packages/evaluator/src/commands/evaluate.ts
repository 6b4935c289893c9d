/**
 * `passk evaluate --problems FILE --samples FILE --out FILE [--k 1,10,100] [--no-dedup] [--workers N]`
 * Prints pass@k as JSON on stdout and a summary on stderr; errors set process.exitCode.
 */
import type { Argv, CommandModule } from 'yargs';
import { isPasskError, PasskError } from '@passk/core';
import { runEvaluate } from './run-evaluate.js';
import { withLimitOptions, limitOptions, type LimitFlagArgs } from './limit-flags.js';

export interface EvaluateArgs extends LimitFlagArgs {
  problems: string;
  samples: string;
  out: string;
  k: string;
  dedup: boolean;
  workers?: number;
  python?: string;
  'cache-dir'?: string;
  isolation: 'auto' | 'none';
}

export function parseKs(text: string): number[] {
  const ks = text.split(',').map((s) => Number(s.trim()));
  if (ks.length === 0 || ks.some((k) => !Number.isInteger(k) || k < 1)) throw new PasskError('ERR_BAD_OPTION', `--k must be a comma-separated list of positive integers, got "${text}"`);
  return ks;
}

export const evaluateCommand: CommandModule<object, EvaluateArgs> = {
  command: 'evaluate',
  describe: 'Grade an existing samples file (human-eval / LiveCodeBench style) and print pass@k',
  builder: (y: Argv) =>
    withLimitOptions(y)
      .option('problems', { type: 'string', demandOption: true, describe: 'Problems: HumanEval .jsonl/.jsonl.gz or LiveCodeBench rows (any spec @passk/problems loads)' })
      .option('samples', { type: 'string', demandOption: true, describe: 'JSONL rows {task_id | question_id, completion | code}' })
      .option('out', { type: 'string', demandOption: true, describe: 'JSONL: each input row plus its verdict, in input order' })
      .option('k', { type: 'string', default: '1,10,100', describe: 'pass@k values (a k is reported only if every problem has n >= k)' })
      .option('dedup', { type: 'boolean', default: true, describe: 'Grade identical programs once per problem (--no-dedup to grade every sample)' })
      .option('workers', { type: 'number', describe: 'Fork servers [default: cores available]' })
      .option('python', { type: 'string', describe: 'Python interpreter; its real sys.executable is used [default: python3 on PATH]' })
      .option('cache-dir', { type: 'string', describe: 'Share verdicts through this directory across processes [default: in-process dedup only]' })
      .option('isolation', { choices: ['auto', 'none'] as const, default: 'auto' as const, describe: 'none = no namespaces/cgroups/uid (degraded, warned)' }) as unknown as Argv<EvaluateArgs>,
  handler: async (argv) => {
    try {
      const summary = await runEvaluate({
        problems: argv.problems,
        samples: argv.samples,
        out: argv.out,
        ks: parseKs(argv.k),
        dedup: argv.dedup,
        ...(argv.workers !== undefined ? { workers: argv.workers } : {}),
        ...(argv.python ? { python: argv.python } : {}),
        ...limitOptions(argv),
        ...(argv['cache-dir'] ? { cacheDir: argv['cache-dir'] } : {}),
        isolation: argv.isolation,
      });
      process.stdout.write(JSON.stringify(summary.passAtK) + '\n');
      const { passAtK: _p, ...rest } = summary;
      process.stderr.write(`passk evaluate: ${JSON.stringify(rest)}\n`);
      if (summary.sandbox.level !== 'full') process.stderr.write(`passk evaluate: WARNING: sandbox degraded: ${summary.sandbox.warnings.join('; ')}\n`);
    } catch (error) {
      process.stderr.write(`passk evaluate: ${isPasskError(error) ? `${error.code}: ` : ''}${(error as Error).message}\n`);
      process.exitCode = 1;
    }
  },
};
