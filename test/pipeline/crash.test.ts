/**
 * The crash test: during a sim sweep, SIGKILL random processes — generators, evaluators, the
 * combiner, the Python fork servers and their children, and now and then the orchestrator itself
 * (then the same command is started again; after the last kill, unpaced) — dozens of times. The summaries must equal an
 * undisturbed run's (timing fields aside), every sample index of every (question, temperature)
 * must be in its combined file exactly once, no temp or claim files left, and no process of the run
 * left: found by a marker in the environment (PASSK_RUN_MARKER, carried to the fork servers) and by
 * the descendants recorded while the run was alive (see test/helpers/procs.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { tempDir } from '../helpers/tmp.js';
import { startPassk, runDirs, comparableSummaries, combinedSampleProblems, leftovers, readJson, waitFor, withOption, referenceSummaries, type Started } from '../helpers/passk.js';
import { RunProcesses, newMarker, liveProcesses, MARKER_VAR, cmdlineOf, descendants } from '../helpers/procs.js';

const PLAN = [
  '--backend', 'sim', '--problems', 'demo', '--end', '6', '--n', '16', '--shard-size', '4', '--temperatures', '0.3,0.9,1.5',
  '--gpus', '2', '--evaluators', '2', '--sim-tps', '400', '--max-restarts', '10000', '--max-attempts', '10000',
  '--restart-backoff-ms', '100', '--progress-interval', '5',
];
const MIN_KILLS = Number(process.env.PASSK_CRASH_KILLS ?? 30);
/** Of which at least this many of Python fork servers or their children. */
const MIN_PYTHON_KILLS = 3;


/** Kill what is left (after a failed assertion), so one failure does not leave processes behind. */
function killAll(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

test('the leftover check finds a marked process, its forked child, an exec\'d child and an orphaned grandchild with a scrubbed environment', { timeout: 60_000 }, async () => {
  const tracker = new RunProcesses(newMarker());
  // Like a fork server: started with the marker, clears its environment, forks and execs.
  const script = [
    'import os, sys, time, signal',
    'os.environ.clear()',
    'forked = os.fork()',
    'if forked == 0:',
    '    time.sleep(60); os._exit(0)',
    "execd = os.fork()",
    'if execd == 0:',
    "    os.execve('/bin/sleep', ['sleep', '60'], {})",
    'r, w = os.pipe()',
    'middle = os.fork()',
    'if middle == 0:',
    '    orphan = os.fork()',
    '    if orphan == 0:',
    "        os.execve('/bin/sleep', ['sleep', '61'], {})",
    "    os.write(w, f'{orphan}\\n'.encode()); time.sleep(60); os._exit(0)",
    "orphan = int(os.read(r, 64).decode().split()[0])",
    "print(forked, execd, middle, orphan, flush=True)",
    'sys.stdin.readline()',
    'os.kill(middle, signal.SIGKILL); os.waitpid(middle, 0)',
    "print('orphaned', flush=True)",
    'time.sleep(60)',
  ].join('\n');
  const py = spawn('python3', ['-c', script], { env: { PATH: process.env.PATH, ...tracker.env }, stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  py.stdout.on('data', (d) => (out += d));
  try {
    await waitFor(() => /^\d+ \d+ \d+ \d+\n/.test(out), 20_000, 'the python tree to start');
    const [forked, execd, middle, orphan] = out.split(/\s+/).map(Number) as [number, number, number, number];
    assert.deepEqual(new Set(tracker.sample().map((p) => p.pid)), new Set([py.pid, forked, execd, middle, orphan]), 'marked process and all its descendants');
    py.stdin.write('go\n');
    await waitFor(() => out.includes('orphaned'), 20_000, 'the middle process to die');
    assert.ok(!liveProcesses().some((p) => p.pid === middle), 'middle is gone');
    const orphanInfo = liveProcesses().find((p) => p.pid === orphan);
    assert.ok(orphanInfo && orphanInfo.ppid !== py.pid, 'the grandchild was reparented away from the tree');
    assert.deepEqual(new Set(tracker.leftovers().map((p) => p.pid)), new Set([py.pid, forked, execd, orphan]), 'the orphan (no marker, not in the tree) is found because it was recorded');
    killAll([orphan, execd, forked, py.pid!]);
    await waitFor(() => tracker.leftovers().length === 0, 10_000, 'every process to be gone');
  } finally {
    killAll(tracker.leftovers().map((p) => p.pid));
  }
});

test('crash test: dozens of SIGKILLs give the same summaries as an undisturbed run', { timeout: 900_000 }, async (t) => {
  const root = await tempDir();
  const refProcs = new RunProcesses(newMarker());
  // The undisturbed reference runs beside the crash run (separate dirs and markers).
  t.after(() => killAll(refProcs.leftovers().map((p) => p.pid)));
  const reference = referenceSummaries(['run', ...runDirs(root, 'ref'), ...withOption(PLAN, '--sim-tps', '0')], path.join(root, 'results', 'ref'), { env: refProcs.env });

  const args = ['run', ...runDirs(root, 'crash'), ...PLAN];
  const queueDir = path.join(root, 'queue', 'crash');
  const procs = new RunProcesses(newMarker());
  t.after(() => killAll(procs.leftovers().map((p) => p.pid))); // a failed assertion leaves nothing running
  const start = () => startPassk(args, { env: procs.env });
  let orchestrator: Started = start();
  let markedPythons = 0;
  const killed: Record<string, number> = { orchestrator: 0, generator: 0, evaluator: 0, combiner: 0, python: 0 };
  let kills = 0;
  let fastFinish = false;
  const deadline = Date.now() + 600_000;
  for (;;) {
    assert.ok(Date.now() < deadline, `crash run did not finish; kills so far ${JSON.stringify(killed)}`);
    await sleep(150 + Math.random() * 350);
    if (orchestrator.child.exitCode !== null || orchestrator.child.signalCode !== null) {
      const { code } = await orchestrator.exit;
      if (code === 0 && kills >= MIN_KILLS) break;
      if (code === 0) {
        // Finished before enough kills: the run is complete; a rerun must be a no-op.
        break;
      }
      assert.fail(`orchestrator exited with ${code}: ${orchestrator.stdout()}\n${orchestrator.stderr()}`);
    }
    procs.sample();
    if (kills >= MIN_KILLS && killed.python! >= MIN_PYTHON_KILLS) {
      // Enough kills: one last SIGKILL of the orchestrator, then the same command unpaced (--sim-tps 0:
      // pacing changes no output, only how long the rest takes), and the run finishes undisturbed.
      if (fastFinish) {
        await orchestrator.exit;
        continue;
      }
      fastFinish = true;
      try {
        process.kill(orchestrator.child.pid!, 'SIGKILL');
      } catch {
        continue; // it has just finished the run
      }
      kills++;
      killed.orchestrator!++;
      await orchestrator.exit;
      procs.sample();
      await sleep(200);
      orchestrator = startPassk(withOption(args, '--sim-tps', '0'), { env: procs.env });
      continue;
    }
    const workers = descendants(orchestrator.child.pid!).filter((p) => /main\.js (generator|evaluator|combiner)/.test(cmdlineOf(p)));
    const pythons = workers.flatMap((w) => descendants(w)).filter((p) => /python/.test(cmdlineOf(p)));
    // The marker must reach the fork servers and their children, or the final check would be blind to
    // them: a python seen before this scan and still alive after it was alive during it.
    const marked = new Set(procs.sample().map((p) => p.pid));
    const alivePythons = new Set(liveProcesses().map((p) => p.pid));
    for (const p of pythons) if (alivePythons.has(p) && cmdlineOf(p)) assert.ok(marked.has(p), `python ${p} (${cmdlineOf(p)}) is found by the marker`);
    markedPythons += pythons.filter((p) => marked.has(p)).length;
    const roll = Math.random();
    let target: number | undefined;
    let kind = '';
    if (kills >= MIN_KILLS) {
      // Enough kills of every other kind: only Python ones are missing.
      if (!pythons.length) continue;
      target = pythons[Math.floor(Math.random() * pythons.length)];
      kind = 'python';
    } else if (roll < 0.08) {
      target = orchestrator.child.pid!;
      kind = 'orchestrator';
    } else if (roll < 0.55 && pythons.length) {
      // A fork server needs a few seconds to start after its evaluator: when one is up, kill it often.
      target = pythons[Math.floor(Math.random() * pythons.length)];
      kind = 'python';
    } else if (workers.length) {
      target = workers[Math.floor(Math.random() * workers.length)];
      kind = /generator/.test(cmdlineOf(target!)) ? 'generator' : /evaluator/.test(cmdlineOf(target!)) ? 'evaluator' : 'combiner';
    }
    if (!target) continue;
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      continue;
    }
    kills++;
    killed[kind]!++;
    if (kind === 'orchestrator') {
      await orchestrator.exit;
      procs.sample();
      await sleep(200);
      orchestrator = start();
    }
  }
  assert.ok(kills >= MIN_KILLS, `only ${kills} kills happened before the run finished (${JSON.stringify(killed)}); slow the sim down`);
  assert.ok(markedPythons > 0 && killed.python! >= MIN_PYTHON_KILLS, `Python fork servers were seen (${markedPythons}) through the marker, and killed (${JSON.stringify(killed)})`);
  const expected = await reference;
  assert.deepEqual(await combinedSampleProblems(path.join(root, 'results', 'ref')), []);
  assert.deepEqual(refProcs.leftovers(), [], 'the undisturbed run leaves no process');
  const actual = await comparableSummaries(path.join(root, 'results', 'crash'));
  assert.deepEqual(actual, expected);
  assert.deepEqual(await combinedSampleProblems(path.join(root, 'results', 'crash')), [], 'every sample index exactly once');
  const runSummary = await readJson(path.join(root, 'results', 'crash', 'run_summary.json'));
  assert.equal(runSummary.samples_done, 6 * 3 * 16);
  assert.deepEqual(await leftovers(queueDir), []);
  // Workers exit within a second of the orchestrator; give stragglers a moment, then none may be left.
  let left = procs.leftovers();
  for (let i = 0; i < 50 && left.length; i++) await sleep(100), (left = procs.leftovers());
  killAll(left.map((p) => p.pid));
  assert.deepEqual(left, [], `no process of the run left behind (${procs.recorded} recorded during the run, ${MARKER_VAR})`);
  process.stdout.write(`# crash test kills: ${JSON.stringify(killed)}; processes of the run recorded: ${procs.recorded}\n`);
});
