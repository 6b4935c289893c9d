/**
 * Ctrl-C on `passk run`: the first one starts the safe stop (WorkerRuntime's own handler); the second says
 * what the stop is still waiting for (its stage and the workers in it, by name and pid, and what comes
 * after) and that a third forces it; the third SIGKILLs every worker's process group (engines included)
 * and exits 130. Completed items are kept either way: the run resumes from them.
 */
import type { Supervisor } from './supervisor.js';

type Worker = { name: string; pid: number };
const names = (ws: Worker[]) => ws.map((w) => `${w.name} (pid ${w.pid})`).join(', ');

/** The second Ctrl-C's line: what the stop waits for now, then what it waits for after that. */
export function stillStoppingLine(supervisor: Supervisor | undefined): string {
  const force = 'Press Ctrl-C a third time to force it: every worker is killed at once; completed items are kept.';
  let progress = supervisor?.stopProgress();
  // A stage with nothing left to wait for is over: what comes after it is what the stop waits for.
  if (progress && !progress.now.length) progress = { stage: 'evaluators', now: progress.then, then: [] };
  if (!progress || !progress.now.length) return `passk: still stopping, waiting for the orchestrator to write its last records. ${force}`;
  const then = progress.then.length ? `; then for the evaluators and the combiner: ${names(progress.then)}` : '';
  const now = {
    generators: `the generators to exit: ${names(progress.now)}, each handing its shards back to the queue and closing its engine`,
    'gpu-memory': `the stopped generators' GPU memory to be released (engine ${names(progress.now)})`,
    evaluators: `the evaluators and the combiner to exit: ${names(progress.now)}, each handing back what it holds`,
  }[progress.stage];
  return `passk: still stopping, waiting for ${now}${then}. ${force}`;
}

export function watchInterrupts(supervisor: () => Supervisor | undefined, say: (line: string) => void, resumeHint: string): () => void {
  let count = 0;
  const onSigint = () => {
    count++;
    const already = supervisor()?.stopReason;
    // The loop that prints the first stop line has ended (the run is complete, or failed): say it here.
    if (count === 1 && already) say(`\npassk: the workers are already stopping (${already}). Ctrl-C again says what the stop waits for; a third forces it.`);
    else if (count === 2) say(`\n${stillStoppingLine(supervisor())}`);
    else if (count >= 3) {
      const alive = (supervisor()?.list() ?? []).filter((w) => w.alive && w.pid);
      for (const w of alive) {
        try {
          process.kill(-w.pid!, 'SIGKILL'); // its process group: the worker and anything it started (an engine)
        } catch {
          // already gone
        }
      }
      say(`\npassk: forced: killed ${alive.length} worker(s) (${alive.map((w) => w.name).join(', ') || 'none left'}). Resume with \`${resumeHint}\``);
      process.exit(130);
    }
  };
  process.on('SIGINT', onSigint);
  return () => process.off('SIGINT', onSigint);
}
