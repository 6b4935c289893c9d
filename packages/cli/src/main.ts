#!/usr/bin/env node
/** The passk CLI: one binary, yargs subcommands. */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { isPasskError, exitStatusOf, formatPasskError } from '@passk/core';
import { passkHome } from './home.js';
import path from 'node:path';
import { versionLine } from './version.js';
import { didYouMean } from './did-you-mean.js';
import { longSingleLetters } from './help.js';
import { handleClosedOutput } from './closed-pipe.js';
import type { Argv, CommandModule } from 'yargs';

/** A command ready to be added to the CLI; each keeps its own argv type (derived from its options) inside. */
type Register = (cli: Argv) => void;
type Loader = () => Promise<Register>;
const register = <U>(command: CommandModule<object, U>): Register => (cli) => {
  cli.command(command);
};
/**
 * Each command's module, loaded only when that command runs (docs/benchmarks.md, "Start-up"):
 * `passk evaluate` never loads the report stack, the generators or the daemons. `--help`, no
 * command or an unknown one loads them all, so that yargs lists every command (and did-you-mean
 * knows their names).
 */
const COMMANDS: Record<string, Loader> = {
  run: async () => register((await import('./commands/run.js')).runCommand),
  resume: async () => register((await import('./commands/run.js')).resumeCommand),
  runs: async () => register((await import('./commands/runs.js')).runsCommand),
  stop: async () => register((await import('./commands/stop.js')).stopCommand),
  status: async () => register((await import('./commands/status.js')).statusCommand),
  regrade: async () => register((await import('./commands/regrade.js')).regradeCommand),
  generator: async () => register((await import('./commands/workers.js')).generatorCommand),
  evaluator: async () => register((await import('./commands/workers.js')).evaluatorCommand),
  combiner: async () => register((await import('./commands/workers.js')).combinerCommand),
  evaluate: async () => register((await import('@passk/evaluator/command')).evaluateCommand),
  dataset: async () => register((await import('@passk/problems')).datasetCommand),
  'tiny-model': async () => register((await import('@passk/generator')).tinyModelCommand),
  report: async () => register((await import('@passk/report/command')).reportCommand),
};

/** The command named on the line: the first word that is neither an option nor --home's value. */
function commandName(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--home') i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}

async function commandsFor(args: string[]): Promise<Register[]> {
  const name = commandName(args);
  const only = name !== undefined ? COMMANDS[name] : undefined;
  if (only) return [await only()];
  return Promise.all(Object.values(COMMANDS).map((load) => load()));
}

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
  handleClosedOutput(args); // `passk status --watch | head`: no EPIPE stack trace
  if (args.includes('--help') || args.includes('-h')) {
    // yargs prints help through console.log; one-letter flags as the README spells them (--n, --k).
    const log = console.log;
    console.log = (...parts: unknown[]) => log(...parts.map((p) => (typeof p === 'string' ? longSingleLetters(p) : p)));
  }
  const cli = yargs(args);
  // yargs renders the running command's whole help text before each run (cacheHelpMessage), for a failure
  // that .fail() below reports without it: string-width over every option, for nothing (docs/benchmarks.md).
  (cli as unknown as { getInternalMethods(): { getUsageInstance(): { cacheHelpMessage(): void } } }).getInternalMethods().getUsageInstance().cacheHelpMessage = () => {};
  for (const add of await commandsFor(args)) add(cli);
  await cli
    .scriptName('passk')
    .option('home', { type: 'string', global: true, describe: 'Where runs live (HOME/queue/NAME, HOME/results/NAME)', defaultDescription: '$PASSK_HOME, else the passk checkout' })
    .middleware([applyHome, reportHome], true)
    .version(args.includes('--version') ? versionLine() : 'passk') // git is asked only when --version is
    .usage('$0 <command> [options]\n\nFast, crash-safe, sandboxed pass@k benchmarks. See README.md and docs/.')
    .demandCommand(1, 'Name a command (passk --help lists them)')
    .strict()
    .parserConfiguration({ 'camel-case-expansion': true })
    .wrap(Math.min(110, process.stdout.columns || 110))
    .fail((message, error) => {
      if (error) throw error;
      // yargs' own view of the commands and of the options of the command being parsed: untyped in its .d.ts, so
      // reached through a cast (a true boundary).
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
