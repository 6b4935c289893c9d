/**
 * yargs command module `dataset` with subcommands:
 *   passk dataset pull <name> [--release] [--dest] [--base-url] [--sha256] [--force] [--retries]
 *   passk dataset check <file> [--skip-invalid] [--release] [--start-date] [--end-date]
 *                       [--platform] [--difficulty] [--exclude-errata] [--cache-dir] [--json]
 * The selection flags are defined once in ../selection.ts (`passk run` takes the same ones).
 * Errors are printed (naming file, line and field) and set a non-zero process.exitCode.
 */
import type { Argv, CommandModule, InferredOptionType, InferredOptionTypes, Options, PositionalOptions } from 'yargs';
import { isPasskError, formatPasskError, exitStatusOf } from '@passk/core';
import { pullDataset } from '../pull/index.js';
import { runCheck } from './check.js';
import { selectionLoadOptions, SELECTION_FLAGS } from '../selection.js';

/** `pull`'s options, declared once: PullArgs is derived from them. */
const PULL_OPTIONS = {
  release: { type: 'string', describe: 'LiveCodeBench release: release_v1…release_v6, release_latest, v1…v6, vA_vB (default release_latest)' },
  dest: { type: 'string', describe: 'destination directory (default: $PASSK_DATA_DIR or ~/.cache/passk/datasets, /livecodebench or /humaneval)' },
  'base-url': { type: 'string', describe: 'base URL for the files (default: $PASSK_HF_ENDPOINT or https://huggingface.co + the dataset path)' },
  sha256: { type: 'string', describe: 'expected SHA-256 of the (single) file' },
  force: { type: 'boolean', default: false, describe: 'download again even if present and matching SHA256SUMS' },
  retries: { type: 'number', default: 5, describe: 'reconnect attempts per file' },
} as const satisfies Record<string, Options>;

const NAME_ARG = { type: 'string', choices: ['livecodebench', 'humaneval'], demandOption: true } as const satisfies PositionalOptions;

type PullArgs = InferredOptionTypes<typeof PULL_OPTIONS> & { name: InferredOptionType<typeof NAME_ARG> };

const CHECK_OPTIONS = {
  ...SELECTION_FLAGS,
  json: { type: 'boolean', default: false, describe: 'Print the counts (and ERRATA lists) as JSON instead of text' },
} as const satisfies Record<string, Options>;

const FILE_ARG = { type: 'string', demandOption: true, describe: 'a JSONL(.gz) file, a directory of LiveCodeBench files, or demo / humaneval / livecodebench:<release>' } as const satisfies PositionalOptions;

type CheckArgs = InferredOptionTypes<typeof CHECK_OPTIONS> & { file: InferredOptionType<typeof FILE_ARG> };

export const pullCommand: CommandModule<object, PullArgs> = {
  command: 'pull <name>',
  describe: 'Download a dataset (livecodebench, humaneval) into the cache, with resume and SHA-256 check',
  builder: (y) => y.positional('name', NAME_ARG).options(PULL_OPTIONS),
  handler: async (argv) => {
    try {
      await pullDataset(argv.name, {
        ...(argv.release ? { release: argv.release } : {}),
        ...(argv.dest ? { dest: argv.dest } : {}),
        ...(argv['base-url'] ? { baseUrl: argv['base-url'] } : {}),
        ...(argv.sha256 ? { sha256: argv.sha256 } : {}),
        ...(argv.force ? { force: true } : {}),
        ...(argv.retries !== undefined ? { retries: argv.retries } : {}),
      });
    } catch (error) {
      if (!isPasskError(error)) throw error; // docs/errors.md: one format, the code's exit status
      process.stderr.write(`${formatPasskError(error)}\n`);
      process.exitCode = exitStatusOf(error.code);
    }
  },
};

export const checkCommand: CommandModule<object, CheckArgs> = {
  command: 'check <file>',
  describe: 'Load and validate a problem set (file or dataset spec); print counts; exit 1 on any invalid row',
  builder: (y) => y.positional('file', FILE_ARG).options(CHECK_OPTIONS),
  handler: async (argv) => {
    const code = await runCheck(argv.file, { ...selectionLoadOptions(argv), json: argv.json === true }, { out: process.stdout, err: process.stderr });
    if (code !== 0) process.exitCode = code;
  },
};

export const datasetCommand: CommandModule = {
  command: 'dataset <command>',
  describe: 'Pull and check problem sets',
  builder: (y: Argv) =>
    y
      .command(pullCommand)
      .command(checkCommand)
      .demandCommand(1),
  handler: () => {},
};
