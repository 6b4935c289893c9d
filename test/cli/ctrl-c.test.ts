/**
 * Ctrl-C on `passk run` in a real pseudo-terminal (the \x03 byte through the pty, so the whole foreground
 * process group gets SIGINT as from a user's terminal): the first starts the safe stop; the second says
 * what the stop waits for (its stage, the workers by name and pid) and that a third forces it; the third
 * exits 130 at once with no process of the run left; `passk resume --run NAME` then ends with the same
 * summaries as a run never interrupted. The generator's stop is held (a SIGTERM listener preloaded through
 * NODE_OPTIONS, the first to run, waits on a file that never appears), so the stop is still in its first stage when the second
 * Ctrl-C comes, whatever the machine's load, and the third must kill a worker that will not go by itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runPassk, PASSK, comparableSummaries, combinedSampleProblems, waitFor } from '../helpers/passk.js';
import { RunProcesses, isAlive, newMarker } from '../helpers/procs.js';
import { startInPty } from '../helpers/pty.js';
import { tempDir } from '../helpers/tmp.js';

const PLAN = ['--backend', 'sim', '--problems', 'demo', '--end', '4', '--n', '10', '--shard-size', '5', '--temperatures', '0.2,0.8'];


/**
 * A preload (NODE_OPTIONS=--import FILE) whose SIGTERM listener, the generator's first, writes FILE.term and then
 * waits on a file that never appears: the generator never stops by itself. The same on its way out when it stops
 * without a SIGTERM (a finished run's generator may see the 'complete' flag first): an 'exit' listener blocks too.
 * Either way it gives up once its orchestrator is gone, so a failed test leaves nothing behind. Returns FILE.
 */
function holdGeneratorStop(home: string): string {
  const hold = path.join(home, 'hold-generator-stop.mjs');
  const [term, gate] = [JSON.stringify(`${hold}.term`), JSON.stringify(path.join(home, 'never'))];
  writeFileSync(hold, `import { existsSync, writeFileSync } from 'node:fs';\nconst hold = () => { writeFileSync(${term}, ''); const a = new Int32Array(new SharedArrayBuffer(4)); const parent = process.ppid; while (!existsSync(${gate}) && process.ppid === parent) Atomics.wait(a, 0, 0, 50); };\nif (process.argv[2] === 'generator') { process.on('SIGTERM', hold); process.on('exit', hold); }\n`);
  return hold;
}

test('Ctrl-C three times in a terminal: stop, say what it waits for, force; the run then resumes to the same summaries', async () => {
  const home = await tempDir();
  const ref = await runPassk(['run', '--run', 'ref', ...PLAN, '--sim-tps', '0'], { cwd: home });
  assert.equal(ref.code, 0, ref.stderr);

  const procs = new RunProcesses(newMarker());
  const hold = holdGeneratorStop(home);
  // Paced generation (about a second a shard), so the run is mid-way when Ctrl-C comes.
  const env = { PASSK_HOME: home, NODE_OPTIONS: `--import ${hold}`, ...procs.env };
  const run = startInPty([PASSK, 'run', '--run', 'cc', ...PLAN, '--sim-tps', '300'], { cwd: home, env });
  run.onOutput(() => procs.sample());
  await run.waitForOutput(/starting run cc: .*\n(.|\n)*samples \d+\/80/, 60_000, 'the run to start');
  procs.sample();
  assert.ok(procs.recorded >= 3, `the run's processes were seen (${procs.recorded})`);
  run.type('\x03');
  await run.waitForOutput(/passk: stopping \(received SIGINT\): generators first/, 30_000, 'the first stop line');
  run.type('\x03');
  const [second] = await run.waitForOutput(/passk: still stopping, waiting for .*\n/, 30_000, 'the second Ctrl-C line');
  // It names the stage, the worker it waits for (alive), those after it, and says that a third Ctrl-C forces the stop.
  const m = /waiting for the generators to exit: gpu0 \(pid (\d+)\), [^;]+; then for the evaluators and the combiner: (.*)\. Press Ctrl-C a third time to force it/.exec(second);
  assert.ok(m, second);
  const generator = Number(m[1]);
  assert.ok(isAlive(generator) && readFileSync(`/proc/${generator}/cmdline`, 'utf8').includes('generator'), `pid ${generator} is the live generator`);
  const named = [{ name: 'gpu0', pid: generator }, ...[...m[2]!.matchAll(/(\w+) \(pid (\d+)\)/g)].map((w) => ({ name: w[1]!, pid: Number(w[2]) }))];
  assert.deepEqual(named.map((w) => w.name).sort(), ['combiner', 'eval0', 'gpu0'], second);
  assert.doesNotMatch(run.output(), /"level"|^\s+at /m, 'no JSON and no stack on the terminal');

  run.type('\x03');
  assert.equal(await run.exit, 130, run.output());
  assert.match(run.output(), /passk: forced: killed \d+ worker\(s\).*Resume with `.*passk --home \S+ resume --run cc`/);
  // SIGKILLed as the orchestrator exits: gone once the kernel has reaped them (an event, with a generous bound).
  await waitFor(() => named.every((w) => !isAlive(w.pid)), 10_000, `every worker (${named.map((w) => `${w.name} ${w.pid}`).join(', ')}) gone after the forced stop`);
  assert.deepEqual(procs.leftovers(), [], 'no process of the run is left');

  const resumed = await runPassk(['resume', '--run', 'cc', '--sim-tps', '0'], { cwd: home });
  assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  const results = (run: string) => path.join(home, 'results', run);
  assert.deepEqual(await combinedSampleProblems(results('cc')), []);
  assert.deepEqual(await comparableSummaries(results('cc')), await comparableSummaries(results('ref')));
});

test('Ctrl-C while the finished run stops its workers: the first says so (it was silent), the second and third as before', async () => {
  const home = await tempDir();
  const hold = holdGeneratorStop(home);
  const env = { PASSK_HOME: home, NODE_OPTIONS: `--import ${hold}` };
  const run = startInPty([PASSK, 'run', '--run', 'done', '--backend', 'sim', '--problems', 'demo', '--end', '1', '--n', '5', '--shard-size', '5', '--temperatures', '0.2', '--sim-tps', '0'], { cwd: home, env });
  // Events, not a sleep: the orchestrator has begun stopping the finished run's workers (its log says so once the
  // stop has begun) and the generator is held on its way out (its file).
  const orchestratorLog = path.join(home, 'results', 'done', 'orchestrator.log');
  const stopBegun = () => existsSync(orchestratorLog) && /"reason":"run complete".*stopping workers: generators first/.test(readFileSync(orchestratorLog, 'utf8'));
  await waitFor(() => stopBegun() && existsSync(`${hold}.term`), 60_000, 'the run to finish and stop its generator');
  run.type('\x03');
  await run.waitForOutput(/passk: the workers are already stopping \(run complete\)\. Ctrl-C again says what the stop waits for; a third forces it\./, 30_000, 'the first Ctrl-C line');
  run.type('\x03');
  await run.waitForOutput(/passk: still stopping, waiting for the generators to exit: gpu0 \(pid \d+\)/, 30_000, 'the second Ctrl-C line');
  run.type('\x03');
  assert.equal(await run.exit, 130, run.output());
  // The generator is held in its stop; the combiner and the evaluator may still be on their way out too.
  assert.match(run.output(), /passk: forced: killed \d worker\(s\) \((combiner, )?(eval0, )?gpu0\)/);
});
