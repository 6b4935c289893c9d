/**
 * `passk tiny-model --out FILE [--seed S] [--context N]`: write the tiny random llama GGUF (under
 * 1 MB) used by tests, the demo and benchmarks. Its output is noise; it demonstrates the pipeline,
 * not a model. `--context` is the training context written to the file (the size does not change:
 * the model has no position table); the default is the demo's, which fits LiveCodeBench prompts.
 */
import type { CommandModule, InferredOptionTypes, Options } from 'yargs';
import { PasskError } from '@passk/core';
import { resolve } from 'node:path';
import { writeTinyModel } from '../tiny-model/index.js';
import { TINY_DEMO_CONTEXT } from '../backends/registry.js';

/** The command's options, declared once: TinyModelArgs is derived from them. */
const TINY_MODEL_OPTIONS = {
  out: { type: 'string', demandOption: true, describe: 'Output GGUF path' },
  seed: { type: 'number', default: 0, describe: 'PRNG seed (same seed, same bytes)' },
  context: { type: 'number', default: TINY_DEMO_CONTEXT, describe: 'Training context length in tokens (LiveCodeBench prompts are ~1,300 byte-level tokens; 512 is too small for them)' },
  'eos-bias': { type: 'number', default: 1.0, describe: 'EOS logit bias: -1.5 rare EOS, 1.0 varied lengths, >=2.5 near-empty outputs' },
} as const satisfies Record<string, Options>;

export type TinyModelArgs = InferredOptionTypes<typeof TINY_MODEL_OPTIONS>;

export const tinyModelCommand: CommandModule<object, TinyModelArgs> = {
  command: 'tiny-model',
  describe: 'Write a tiny random-weight llama GGUF (byte-level tokenizer, < 1 MB) for tests and demos; its output is noise',
  builder: (yargs) => yargs.options(TINY_MODEL_OPTIONS),
  handler: async (argv) => {
    if (!Number.isInteger(argv.context) || argv.context < 16 || argv.context > 1_048_576) {
      throw new PasskError('ERR_BAD_OPTION', `Expected \`--context\` to be an integer from 16 to 1048576, got \`${argv.context}\``);
    }
    const out = resolve(argv.out);
    const bytes = await writeTinyModel(out, { seed: argv.seed, eosBias: argv['eos-bias'], contextLength: argv.context });
    process.stdout.write(`wrote ${out} (${bytes} bytes, seed ${argv.seed}, context ${argv.context}); random weights: its output is noise\n`);
  },
};

export default tinyModelCommand;
