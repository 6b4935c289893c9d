/** Test driver: `node --import tsx dataset-cli.ts dataset …` — the dataset command under yargs, as the CLI will mount it. */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { datasetCommand } from '@passk/problems';

await yargs(hideBin(process.argv)).command(datasetCommand).strict().demandCommand(1).parseAsync();
