/** Text views of a RunStatus: a multi-line table for `passk status` and one line for progress. */
import type { RunStatus } from './collect.js';
import { extractionLines, extractionWarnings } from './extraction.js';

export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '?';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

export function progressLine(s: RunStatus): string {
  const q = s.queue;
  return [
    `[${s.run}${s.simulated ? ' SIMULATED' : ''}]`,
    `samples ${s.samples_done}/${s.samples_total}`,
    `groups ${s.groups_done}/${s.groups_total}`,
    `questions ${s.questions_done}/${s.questions_total}`,
    `${s.samples_per_s}/s`,
    `ETA ${formatDuration(s.eta_s)}`,
    `| pending gen ${q.pending.gen} eval ${q.pending.eval} combine ${q.pending.combine}`,
    `claimed ${q.claimed.gen}+${q.claimed.eval}`,
    `failed ${q.failed}`,
  ].join(' ');
}

export function statusTable(s: RunStatus): string {
  const lines: string[] = [];
  lines.push(`run ${s.run}${s.simulated ? '  (SIMULATED backend: numbers exercise the pipeline, not a model)' : ''}`);
  lines.push(`  queue   ${s.queue_dir}${s.transport === 'redis' ? '  (BullMQ on Redis)' : ''}`);
  lines.push(`  results ${s.results_dir}`);
  if (!s.planned) {
    lines.push('  no plan yet (start it with `passk run`)');
    return lines.join('\n');
  }
  lines.push(`  backend ${s.backend}  model ${s.model}`);
  lines.push(`  progress: ${s.samples_done}/${s.samples_total} samples, ${s.groups_done}/${s.groups_total} (question, temperature) pairs, ${s.questions_done}/${s.questions_total} questions${s.finished ? '  FINISHED' : ''}`);
  const basis = s.rate_window_s !== null ? `over the last ${formatDuration(s.rate_window_s)}` : 'run average';
  lines.push(`  throughput ${s.samples_per_s} samples/s (${basis}; ${s.run_average_samples_per_s}/s since the start), ETA ${formatDuration(s.eta_s)}`);
  const q = s.queue;
  lines.push(`  queues: ${s.transport === 'redis' ? 'waiting' : 'pending'} gen ${q.pending.gen}  eval ${q.pending.eval}  combine ${q.pending.combine}  claimed gen ${q.claimed.gen} eval ${q.claimed.eval}  failed ${q.failed}`);
  lines.push('  workers:');
  if (!s.workers.length) lines.push('    (none)');
  for (const w of s.workers) {
    lines.push(
      `    ${w.name.padEnd(12)} ${w.alive ? 'alive' : 'gone '} ${w.state.padEnd(8)} pid ${String(w.pid).padEnd(7)} heartbeat ${formatDuration(w.heartbeat_age_s)} ago  items ${w.items_done}  samples ${w.samples_done}  ${w.samples_per_s}/s${w.current_item ? `  on ${w.current_item}` : ''}`,
    );
  }
  // After the workers (earlier lines keep their places): no code and the rule per temperature.
  if (s.extraction.length) {
    lines.push('  extraction:');
    for (const line of extractionLines(s.extraction)) lines.push(`    ${line}`);
    for (const line of extractionWarnings(s.extraction)) lines.push(`    ${line}`);
  }
  return lines.join('\n');
}
