/**
 * The crash test: during a sim sweep, SIGKILL random processes — generators, evaluators, the
 * combiner, the Python children, and now and then the orchestrator itself (then the same command is
 * started again) — dozens of times. The summaries must equal an undisturbed run's (timing fields
 * aside), every sample counted once, no temp or claim files left, no process left.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { tempDir } from '../helpers/tmp.js';
import { runPassk, startPassk, runDirs, comparableSummaries, leftovers, processesMatching, descendants, cmdline, readJson, type Started } from '../helpers/passk.js';

const PLAN = [
  '--backend', 'sim', '--problems', 'demo', '--end', '6', '--n', '16', '--shard-size', '4', '--temperatures', '0.3,0.9,1.5',
  '--gpus', '2', '--evaluators', '2', '--sim-tps', '400', '--max-restarts', '10000', '--max-attempts', '10000',
  '--restart-backoff-ms', '100', '--progress-interval', '5',
];
const MIN_KILLS = Number(process.env.PASSK_CRASH_KILLS ?? 30);


test('crash test: dozens of SIGKILLs give the same summaries as an undisturbed run', { timeout: 900_000 }, async () => {
  const root = await tempDir();
  const reference = await runPassk(['run', ...runDirs(root, 'ref'), ...PLAN], { timeoutMs: 300_000 });
  assert.equal(reference.code, 0, reference.stdout + reference.stderr);
  const expected = await comparableSummaries(path.join(root, 'results', 'ref'));

  const args = ['run', ...runDirs(root, 'crash'), ...PLAN];
  const queueDir = path.join(root, 'queue', 'crash');
  let orchestrator: Started = startPassk(args);
  const killed: Record<string, number> = { orchestrator: 0, generator: 0, evaluator: 0, combiner: 0, python: 0 };
  let kills = 0;
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
    if (kills >= MIN_KILLS) continue; // let it finish undisturbed
    const workers = descendants(orchestrator.child.pid!).filter((p) => /main\.js (generator|evaluator|combiner)/.test(cmdline(p)));
    const pythons = workers.flatMap((w) => descendants(w)).filter((p) => /python/.test(cmdline(p)));
    const roll = Math.random();
    let target: number | undefined;
    let kind = '';
    if (roll < 0.08) {
      target = orchestrator.child.pid!;
      kind = 'orchestrator';
    } else if (roll < 0.35 && pythons.length) {
      target = pythons[Math.floor(Math.random() * pythons.length)];
      kind = 'python';
    } else if (workers.length) {
      target = workers[Math.floor(Math.random() * workers.length)];
      kind = /generator/.test(cmdline(target!)) ? 'generator' : /evaluator/.test(cmdline(target!)) ? 'evaluator' : 'combiner';
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
      await sleep(200);
      orchestrator = startPassk(args);
    }
  }
  assert.ok(kills >= MIN_KILLS, `only ${kills} kills happened before the run finished (${JSON.stringify(killed)}); slow the sim down`);
  const actual = await comparableSummaries(path.join(root, 'results', 'crash'));
  assert.deepEqual(actual, expected);
  const runSummary = await readJson(path.join(root, 'results', 'crash', 'run_summary.json'));
  assert.equal(runSummary.samples_done, 6 * 3 * 16);
  assert.deepEqual(await leftovers(queueDir), []);
  await sleep(500);
  assert.deepEqual(processesMatching(queueDir), [], 'no process left behind');
  process.stdout.write(`# crash test kills: ${JSON.stringify(killed)}\n`);
});
