#!/usr/bin/env node
/** The passk CLI: one binary, yargs subcommands. */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { isPasskError, exitStatusOf, formatPasskError } from '@passk/core';
import { passkHome } from './home.js';
import path from 'node:path';
import { runCommand, resumeCommand } from './commands/run.js';
import { runsCommand } from './commands/runs.js';
import { versionLine } from './version.js';
import { didYouMean } from './did-you-mean.js';
import { longSingleLetters } from './help.js';
import { stopCommand } from './commands/stop.js';
import { statusCommand } from './commands/status.js';
import { regradeCommand } from './commands/regrade.js';
import { generatorCommand, evaluatorCommand, combinerCommand } from './commands/workers.js';
import { evaluateCommand } from '@passk/evaluator';
import { datasetCommand } from '@passk/problems';
import { tinyModelCommand } from '@passk/generator';
import { reportCommand } from '@passk/report/command';

/** `--home DIR` becomes PASSK_HOME for this process and the workers it starts (home.ts reads it). */
function applyHome(argv: { home?: unknown }): void {
  if (typeof argv.home === 'string' && argv.home) process.env.PASSK_HOME = path.resolve(argv.home);
}

/** `passk report` takes its own --results-dir; default it to HOME/results/NAME here (the report package knows no home). */
function reportHome(argv: Record<string, unknown>): void {
  if (argv._ && (argv._ as unknown[])[0] === 'report' && typeof argv.run === 'string' && !argv.resultsDir) {
    const dir = path.join(passkHome(), 'results', argv.run);
    argv.resultsDir = dir;
    argv['results-dir'] = dir;
  }
}

export async function main(args: string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) {
    // yargs prints help through console.log; one-letter flags as the README spells them (--n, --k).
    const log = console.log;
    console.log = (...parts: unknown[]) => log(...parts.map((p) => (typeof p === 'string' ? longSingleLetters(p) : p)));
  }
  const cli = yargs(args);
  await cli
    .scriptName('passk')
    .option('home', { type: 'string', global: true, describe: 'Where runs live (HOME/queue/NAME, HOME/results/NAME)', defaultDescription: '$PASSK_HOME, else the passk checkout' })
    .middleware([applyHome, reportHome], true)
    .version(versionLine())
    .usage('$0 <command> [options]\n\nFast, crash-safe, sandboxed pass@k benchmarks. See README.md and docs/.')
    .command(runCommand)
    .command(resumeCommand)
    .command(runsCommand)
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
    .fail((message, error) => {
      if (error) throw error;
      // yargs' own (untyped) view of the commands and of the options of the command being parsed.
      const inner = cli as unknown as { getInternalMethods(): { getCommandInstance(): { getCommands(): string[] } }; getOptions(): { key: Record<string, unknown> } };
      const commands = inner.getInternalMethods().getCommandInstance().getCommands();
      const better = didYouMean(message ?? '', args, commands, Object.keys(inner.getOptions().key));
      process.stderr.write(`passk: ${better ?? message}\n`);
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
  // No stack trace on a terminal: one line, and the stack when PASSK_DEBUG=1 asks for it.
  const text = error instanceof Error ? error.message : String(error);
  process.stderr.write(`passk: internal error: ${text.split('\n')[0]}${process.env.PASSK_DEBUG ? `\n${(error as Error)?.stack ?? ''}` : ' (PASSK_DEBUG=1 prints the stack; please report it)'}\n`);
  process.exit(1);
});
