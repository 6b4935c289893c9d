#!/usr/bin/env node
/** The passk CLI: one binary, yargs subcommands. */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { isPasskError, exitStatusOf, formatPasskError } from '@passk/core';
import { runCommand } from './commands/run.js';
import { stopCommand } from './commands/stop.js';
import { statusCommand } from './commands/status.js';
import { regradeCommand } from './commands/regrade.js';
import { generatorCommand, evaluatorCommand, combinerCommand } from './commands/workers.js';
import { evaluateCommand } from '@passk/evaluator';
import { datasetCommand } from '@passk/problems';
import { tinyModelCommand } from '@passk/generator';
import { reportCommand } from '@passk/report/command';

export async function main(args: string[]): Promise<void> {
  await yargs(args)
    .scriptName('passk')
    .usage('$0 <command> [options]\n\nFast, crash-safe, sandboxed pass@k benchmarks. See README.md and docs/.')
    .command(runCommand)
    .command(stopCommand)
    .command(statusCommand)
    .command(regradeCommand)
    .command(generatorCommand)
    .command(evaluatorCommand)
    .command(combinerCommand)
    .command(evaluateCommand as never)
    .command(datasetCommand as never)
    .command(tinyModelCommand as never)
    .command(reportCommand as never)
    .demandCommand(1, 'Name a command (passk --help lists them)')
    .strict()
    .parserConfiguration({ 'camel-case-expansion': true })
    .wrap(Math.min(110, process.stdout.columns || 110))
    .fail((message, error, y) => {
      if (error) throw error;
      process.stderr.write(`${y.help() && ''}passk: ${message}\n`);
      process.exit(2);
    })
    .help()
    .parseAsync();
}

main(hideBin(process.argv)).catch((error: unknown) => {
  if (isPasskError(error)) {
    process.stderr.write(`${formatPasskError(error)}\n`);
    process.exit(exitStatusOf(error.code));
  }
  process.stderr.write(`passk: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
