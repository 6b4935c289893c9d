#!/usr/bin/env node
/** The passk CLI: one binary, yargs subcommands. */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { isPasskError, exitStatusOf, formatPasskError } from '@passk/core';
import type { CommandModule } from 'yargs';

type Command = CommandModule<object, never>;
type Loader = () => Promise<Command[]>;
/**
 * Each command's module, loaded only when that command runs (docs/benchmarks.md, "Start-up"):
 * `passk evaluate` never loads the report stack, the generators or the daemons. `--help`, no
 * command or an unknown one loads them all, so that yargs lists every command.
 */
const COMMANDS: Record<string, Loader> = {
  run: async () => [(await import('./commands/run.js')).runCommand as never],
  stop: async () => [(await import('./commands/stop.js')).stopCommand as never],
  status: async () => [(await import('./commands/status.js')).statusCommand as never],
  generator: async () => [(await import('./commands/workers.js')).generatorCommand as never],
  evaluator: async () => [(await import('./commands/workers.js')).evaluatorCommand as never],
  combiner: async () => [(await import('./commands/workers.js')).combinerCommand as never],
  evaluate: async () => [(await import('@passk/evaluator/command')).evaluateCommand as never],
  dataset: async () => [(await import('@passk/problems')).datasetCommand as never],
  'tiny-model': async () => [(await import('@passk/generator')).tinyModelCommand as never],
  report: async () => [(await import('@passk/report/command')).reportCommand as never],
};

async function commandsFor(args: string[]): Promise<Command[]> {
  const only = args[0] !== undefined ? COMMANDS[args[0]] : undefined;
  if (only) return only();
  return (await Promise.all(Object.values(COMMANDS).map((load) => load()))).flat();
}

export async function main(args: string[]): Promise<void> {
  const y = yargs(args)
    .scriptName('passk')
    .usage('$0 <command> [options]\n\nFast, crash-safe, sandboxed pass@k benchmarks. See README.md and docs/.');
  for (const c of await commandsFor(args)) y.command(c);
  await y
    .demandCommand(1, 'Name a command (passk --help lists them)')
    .strict()
    .parserConfiguration({ 'camel-case-expansion': true })
    .wrap(Math.min(110, process.stdout.columns || 110))
    .fail((message, error, yy) => {
      if (error) throw error;
      process.stderr.write(`${yy.help() && ''}passk: ${message}\n`);
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
