/**
 * `passk runs [--json]`: the runs under the passk home (home.ts), one line each: name, state (RUNNING,
 * STOPPED, FINISHED, STALLED), progress, start time. Reads the runs' files only; creates nothing.
 */
import { existsSync } from 'node:fs';
import type { CommandModule, InferredOptionTypes, Options } from 'yargs';
import { readPlan } from '@passk/core';
import { layoutFrom, transportFrom } from '../options.js';
import { collectStatus } from '../status/collect.js';
import { listRunNames, passkHome, passkCommand } from '../home.js';

export interface RunRow {
  run: string;
  state: string;
  samples_done: number;
  samples_total: number;
  started_at: string;
  results_dir: string;
}

async function rowFor(name: string): Promise<RunRow> {
  const layout = layoutFrom({ run: name });
  const plan = await readPlan(layout);
  const base = { run: name, started_at: plan?.created_at ?? '?', results_dir: layout.resultsDir };
  if (!existsSync(layout.queueDir)) return { ...base, state: 'STOPPED', samples_done: 0, samples_total: 0 };
  const transport = await transportFrom(layout, {});
  try {
    const s = await collectStatus(layout, transport);
    return { ...base, state: s.state, samples_done: s.samples_done, samples_total: s.samples_total };
  } finally {
    await transport.close();
  }
}

export function runsTable(home: string, rows: RunRow[]): string {
  if (!rows.length) return `no runs in ${home}/results yet; start one with \`${passkCommand(['run', '--run', 'NAME'])}\``;
  const width = Math.max(4, ...rows.map((r) => r.run.length));
  const lines = [`runs in ${home}/results:`, `  ${'name'.padEnd(width)}  ${'state'.padEnd(8)}  ${'progress'.padEnd(22)}  started`];
  for (const r of rows) {
    const pct = r.samples_total ? ` (${Math.floor((100 * r.samples_done) / r.samples_total)}%)` : '';
    lines.push(`  ${r.run.padEnd(width)}  ${r.state.padEnd(8)}  ${`${r.samples_done}/${r.samples_total}${pct}`.padEnd(22)}  ${r.started_at}`);
  }
  return lines.join('\n');
}

const RUNS_OPTIONS = {
  json: { type: 'boolean', default: false, describe: 'Print JSON (one array)' },
} as const satisfies Record<string, Options>;

export const runsCommand: CommandModule<object, InferredOptionTypes<typeof RUNS_OPTIONS>> = {
  command: 'runs',
  describe: 'List the runs under the passk home: name, state (RUNNING, STOPPED, FINISHED, STALLED), progress, start',
  builder: (y) => y.options(RUNS_OPTIONS),
  handler: async (argv) => {
    const home = passkHome();
    const rows: RunRow[] = [];
    for (const name of listRunNames(home)) rows.push(await rowFor(name));
    process.stdout.write(`${argv.json ? JSON.stringify(rows) : runsTable(home, rows)}\n`);
  },
};
