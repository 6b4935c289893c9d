/**
 * `passk tiny-model --out FILE [--seed S]`: write the tiny random llama GGUF (under 1 MB) used by
 * tests, the demo and benchmarks. Its output is noise; it demonstrates the pipeline, not a model.
 */
import type { CommandModule } from 'yargs';
import { resolve } from 'node:path';
import { writeTinyModel } from '../tiny-model/index.js';

export interface TinyModelArgs {
  out: string;
  seed: number;
  'eos-bias': number;
}

export const tinyModelCommand: CommandModule<object, TinyModelArgs> = {
  command: 'tiny-model',
  describe: 'Write a tiny random-weight llama GGUF (byte-level tokenizer, < 1 MB) for tests and demos; its output is noise',
  builder: (yargs) =>
    yargs
      .option('out', { type: 'string', demandOption: true, describe: 'Output GGUF path' })
      .option('seed', { type: 'number', default: 0, describe: 'PRNG seed (same seed, same bytes)' })
      .option('eos-bias', { type: 'number', default: 1.0, describe: 'EOS logit bias: -1.5 rare EOS, 1.0 varied lengths, >=2.5 near-empty outputs' }),
  handler: async (argv) => {
    const out = resolve(argv.out);
    const bytes = await writeTinyModel(out, { seed: argv.seed, eosBias: argv['eos-bias'] });
    process.stdout.write(`wrote ${out} (${bytes} bytes, seed ${argv.seed}); random weights: its output is noise\n`);
  },
};

export default tinyModelCommand;
