/**
 * A run's state in one word, and what to do about it: FINISHED (every summary written), RUNNING (a worker
 * is alive and every stage with work has a live worker for it), STALLED (work is waiting in a stage no live
 * worker serves), STOPPED (nothing alive, work left). The hints are commands that work when pasted.
 */
import { passkCommand, runRefArgs } from '../home.js';
import type { RunStatus } from './collect.js';

export type RunState = 'RUNNING' | 'STOPPED' | 'FINISHED' | 'STALLED';

export interface StateView {
  state: RunState;
  /** Why the run cannot move, each with the command that fixes it; empty when nothing is wrong. */
  hints: string[];
}

type Ref = Parameters<typeof runRefArgs>[0];

/** Seconds a worker that died under a live orchestrator may be gone before the run counts as stalled (its restart backoff). */
export const RESTART_GRACE_S = 45;

/**
 * A live worker of the role, or, under a live orchestrator, one that is coming: it was alive within
 * RESTART_GRACE_S (being restarted), or the orchestrator launches that role and started less than
 * RESTART_GRACE_S ago (its workers have not written their first record yet; `passk generator` pasted then
 * would start a second one).
 */
function aliveRole(s: RunStatus, role: string, now = Date.now()): boolean {
  if (s.workers.some((w) => w.alive && w.role === role)) return true;
  const orchestrators = s.workers.filter((w) => w.alive && w.role === 'orchestrator');
  if (orchestrators.some((w) => w.launches?.includes(role) && (now - Date.parse(w.started_at)) / 1000 < RESTART_GRACE_S)) return true;
  return orchestrators.length > 0 && s.workers.some((w) => w.role === role && w.state !== 'exited' && w.heartbeat_age_s < RESTART_GRACE_S);
}

/** Nothing pending and nothing claimed, in any stage (a combine the combiner holds is work in progress too). */
export function queueIdle(q: RunStatus['queue']): boolean {
  return q.pending.gen + q.pending.eval + q.pending.combine + q.claimed.gen + q.claimed.eval + q.claimed.combine === 0;
}

export function runState(s: RunStatus, ref: Ref = { run: s.run }): StateView {
  const run = runRefArgs(ref);
  if (s.finished || (s.groups_total > 0 && s.groups_done >= s.groups_total)) return { state: 'FINISHED', hints: [] };
  if (!s.workers.some((w) => w.alive)) {
    return { state: 'STOPPED', hints: [`nothing is running; resume with \`${passkCommand(['resume', ...run])}\``] };
  }
  const q = s.queue;
  const hints: string[] = [];
  if (q.pending.gen + q.claimed.gen > 0 && !aliveRole(s, 'generator')) {
    hints.push(`no generator is alive and ${q.pending.gen + q.claimed.gen} generation item(s) wait: start one with \`${passkCommand(['generator', ...run])}\``);
  }
  if (q.pending.eval + q.claimed.eval > 0 && !aliveRole(s, 'evaluator')) {
    hints.push(`no evaluator is alive and ${q.pending.eval + q.claimed.eval} shard(s) wait to be graded: start one with \`${passkCommand(['evaluator', ...run])}\``);
  }
  if (q.pending.combine + q.claimed.combine > 0 && !aliveRole(s, 'combiner')) {
    hints.push(`no combiner is alive and ${q.pending.combine + q.claimed.combine} graded shard(s) wait: start it with \`${passkCommand(['combiner', ...run])}\``);
  }
  if (queueIdle(q) && q.failed > 0) {
    hints.push(`only failed items are left (${q.failed}): see \`${passkCommand(['status', ...run, '--json'])}\` and put them back with \`${passkCommand(['resume', ...run, '--retry-failed'])}\``);
  }
  return { state: hints.length ? 'STALLED' : 'RUNNING', hints };
}
