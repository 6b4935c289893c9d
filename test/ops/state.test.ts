/**
 * runState (packages/cli/src/status/state.ts): a generator SIGKILLed a moment ago under a live orchestrator
 * (being restarted) keeps the run RUNNING; one gone for longer, or none at all, makes it STALLED with a hint.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runState, queueIdle, RESTART_GRACE_S } from '../../packages/cli/src/status/state.js';
import type { RunStatus, WorkerStatus } from '../../packages/cli/src/status/collect.js';

function worker(name: string, role: WorkerStatus['role'], alive: boolean, age = 1): WorkerStatus {
  const at = new Date().toISOString();
  return { name, role, host: 'h', pid: 1, token: 't', started_at: at, heartbeat_at: at, state: 'working', items_done: 0, samples_done: 0, samples_per_s: 0, heartbeat_age_s: age, alive } as WorkerStatus;
}

function status(workers: WorkerStatus[]): RunStatus {
  return {
    run: 'r', queue_dir: '/q', transport: 'fs', results_dir: '/r', planned: true, simulated: true,
    queue: { pending: { gen: 5, eval: 0, combine: 0 }, claimed: { gen: 0, eval: 0, combine: 0 }, failed: 0 },
    groups_total: 2, groups_done: 0, questions_total: 1, questions_done: 0, samples_total: 10, samples_done: 0,
    samples_per_s: 0, rate_window_s: null, rate_basis: 'recent', run_average_samples_per_s: 0, active_s: null, eta_s: null,
    finished: false, state: 'RUNNING', hints: [], workers, generated_at: new Date().toISOString(),
  } as unknown as RunStatus; // only the fields runState reads
}

test('a generator being restarted is not a stall; one gone for good is', () => {
  const base = [worker('orchestrator', 'orchestrator', true), worker('eval0', 'evaluator', true), worker('combiner', 'combiner', true)];
  assert.deepEqual(runState(status([...base, worker('gpu0', 'generator', false, 2)])), { state: 'RUNNING', hints: [] });
  const gone = runState(status([...base, worker('gpu0', 'generator', false, RESTART_GRACE_S + 1)]));
  assert.equal(gone.state, 'STALLED');
  assert.match(gone.hints[0]!, /^no generator is alive and 5 generation item\(s\) wait: start one with `.* generator --run r`$/);
  assert.equal(runState(status(base)).state, 'STALLED', 'no generator ever');
  assert.equal(runState(status([worker('gpu0', 'generator', false, 2)])).state, 'STOPPED', 'nothing alive');
});

test('a combine the combiner holds is work in progress: "only failed items are left" waits for it', () => {
  const all = [worker('orchestrator', 'orchestrator', true), worker('gpu0', 'generator', true), worker('eval0', 'evaluator', true), worker('combiner', 'combiner', true)];
  const s = (claimedCombine: number, workers = all): RunStatus => {
    const st = status(workers);
    st.queue = { pending: { gen: 0, eval: 0, combine: 0 }, claimed: { gen: 0, eval: 0, combine: claimedCombine }, failed: 3 };
    return st;
  };
  assert.equal(queueIdle(s(1).queue), false, 'a claimed combine is not idle');
  assert.deepEqual(runState(s(1)), { state: 'RUNNING', hints: [] });
  const idle = runState(s(0));
  assert.equal(idle.state, 'STALLED');
  assert.match(idle.hints[0]!, /^only failed items are left \(3\)/);
  const noCombiner = runState(s(1, all.filter((w) => w.role !== 'combiner')));
  assert.match(noCombiner.hints[0]!, /^no combiner is alive and 1 graded shard\(s\) wait/);
});
