/**
 * `passk status` says what a run is doing and what to do about it, through the real CLI: a run with no
 * generator is STALLED with a hint, and the hint, pasted into a shell, finishes the run; `--watch` into a
 * pipe timestamps each table; the daemon started by hand prints a start and an exit line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { startPassk, runPassk } from '../helpers/passk.js';
import { tempDir } from '../helpers/tmp.js';

const SIM = ['--backend', 'sim', '--problems', 'demo', '--end', '2', '--n', '4', '--shard-size', '4', '--temperatures', '0.2', '--progress-interval', '1'];

/** Poll `passk status --json` until `ok` holds (event-driven by the run's own files; no fixed sleep decides). */
async function waitStatus(args: string[], env: NodeJS.ProcessEnv, ok: (s: { state: string; hints: string[] }) => boolean) {
  for (;;) {
    const r = await runPassk(['status', ...args, '--json'], { env });
    if (r.code === 0) {
      const s = JSON.parse(r.stdout);
      if (ok(s)) return s;
    }
    await sleep(200); // a poll interval, not a wait for an outcome
  }
}

test('a run with no generator is STALLED with a hint that, pasted, finishes it; --watch lines are timestamped outside a TTY', { timeout: 300_000 }, async () => {
  const home = await tempDir();
  const env = { PASSK_HOME: home };
  const run = startPassk(['run', '--run', 'nogen', ...SIM, '--sim-tps', '0', '--gpus', '0', '--evaluators', '1'], { env });
  const stalled = await waitStatus(['--run', 'nogen'], env, (s) => s.state === 'STALLED');
  assert.equal(stalled.hints.length, 1, JSON.stringify(stalled.hints));
  const m = /no generator is alive and \d+ generation item\(s\) wait: start one with `([^`]+)`/.exec(stalled.hints[0]);
  assert.ok(m, stalled.hints[0]);
  assert.match(m![1]!, new RegExp(`--home ${home} generator --run nogen$`), 'an absolute, pasteable command');

  const plain = await runPassk(['status', '--run', 'nogen'], { env });
  assert.match(plain.stdout, /^STALLED {2}run nogen.*\n {2}hint: no generator is alive/);
  assert.doesNotMatch(plain.stdout, /ETA/, 'no ETA while nothing can move');

  // --watch into a pipe: every table starts with a timestamp.
  const watch = startPassk(['status', '--run', 'nogen', '--watch', '--interval', '0.2'], { env });
  const tables = () => (watch.stdout().match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (STALLED|RUNNING|FINISHED) {2}run nogen/gm) ?? []).length;
  while (tables() < 2 && watch.child.exitCode === null) await Promise.race([once(watch.child.stdout!, 'data'), watch.exit]);
  assert.ok(tables() >= 2, watch.stdout() + watch.stderr());
  watch.child.kill('SIGTERM');
  await watch.exit;

  // The hint, pasted into a shell, starts the generator the run needs; the run then finishes.
  const gen = spawn('sh', ['-c', m![1]!], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let genOut = '';
  gen.stdout.on('data', (d) => (genOut += d));
  const genExit = once(gen, 'exit');
  const { code } = await run.exit;
  assert.equal(code, 0, run.stdout() + run.stderr());
  const [genCode] = await genExit;
  assert.equal(genCode, 0);
  assert.match(genOut, new RegExp(`^passk gpu0: started: generator of run nogen \\(pid \\d+, queue ${home}/queue/nogen\\); log ${home}/results/nogen/gpu0.log$`, 'm'));
  assert.match(genOut, /^passk gpu0: exited \(.*\): \d+ item\(s\), \d+ sample\(s\); log /m);
  const done = await runPassk(['status', '--run', 'nogen'], { env });
  assert.match(done.stdout, /^FINISHED {2}run nogen/);
  assert.doesNotMatch(done.stdout, /throughput|ETA/);
});

test('a stopped run: STOPPED, no rate or ETA, and a resume hint that works', { timeout: 300_000 }, async () => {
  const home = await tempDir();
  const env = { PASSK_HOME: home };
  const slow = ['--backend', 'sim', '--problems', 'demo', '--end', '4', '--n', '12', '--shard-size', '3', '--temperatures', '0.2,1.0', '--sim-tps', '30'];
  const run = startPassk(['run', '--run', 'halt', ...slow, '--gpus', '1', '--evaluators', '1'], { env });
  await waitStatus(['--run', 'halt'], env, (s) => s.state === 'RUNNING');
  const stop = await runPassk(['stop', '--run', 'halt'], { env });
  assert.equal(stop.code, 0, stop.stdout + stop.stderr);
  const hint = /`([^`]+ resume --run halt)` resumes it/.exec(stop.stdout);
  assert.ok(hint, stop.stdout);
  await run.exit;
  const stopped = await runPassk(['status', '--run', 'halt'], { env });
  assert.match(stopped.stdout, /^STOPPED {2}run halt.*\n {2}hint: nothing is running; resume with `[^`]+ resume --run halt`/);
  assert.doesNotMatch(stopped.stdout, /throughput|ETA|\/s\b/, 'a stopped run shows no rate and no ETA');
  const resumed = spawn('sh', ['-c', `${hint![1]} --sim-tps 0`], { env: { ...process.env, ...env }, stdio: 'ignore' });
  const [code] = await once(resumed, 'exit');
  assert.equal(code, 0);
  const done = await runPassk(['status', '--run', 'halt'], { env });
  assert.match(done.stdout, /^FINISHED {2}run halt/);
});
