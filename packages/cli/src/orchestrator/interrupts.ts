/**
 * Ctrl-C on `passk run`: the first one starts the safe stop (WorkerRuntime's own handler); the second says
 * what the stop is still waiting for and that a third forces it; the third SIGKILLs every worker's process
 * group (engines included) and exits 130. Completed items are kept either way: the run resumes from them.
 */
import type { Supervisor } from './supervisor.js';

export function watchInterrupts(supervisor: () => Supervisor | undefined, say: (line: string) => void, resumeHint: string): () => void {
  let count = 0;
  const onSigint = () => {
    count++;
    const alive = (supervisor()?.list() ?? []).filter((w) => w.alive && w.pid);
    if (count === 2) {
      const waiting = alive.length ? alive.map((w) => `${w.name} (pid ${w.pid})`).join(', ') : 'the orchestrator to write its last records';
      say(`\npassk: still stopping, waiting for ${waiting} to exit: generators first (each finishes or abandons its shard and frees its GPU memory), then the evaluators and the combiner. Press Ctrl-C again to force it: the workers are killed at once; completed items are kept.`);
    } else if (count >= 3) {
      for (const w of alive) {
        try {
          process.kill(-w.pid!, 'SIGKILL'); // its process group: the worker and anything it started (an engine)
        } catch {
          // already gone
        }
      }
      say(`\npassk: forced: killed ${alive.length} worker(s). Resume with \`${resumeHint}\``);
      process.exit(130);
    }
  };
  process.on('SIGINT', onSigint);
  return () => process.off('SIGINT', onSigint);
}
