/**
 * The orchestrator behind `passk run`: choose the backend, plan (or resume) the run, start the workers under
 * the supervisor, then watch the run to its end. The loop is `watch`: each tick it stops on a signal, shows
 * progress, finishes when every summary is written, and ends the run when no worker is left or only failed
 * items are. Returns the exit status (0 done, 1 failed items left, 130/143 stopped by a signal); a run whose
 * workers all gave up ends with ERR_WORKER_CRASHED.
 */
import path from 'node:path';
import { access, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadProblems, planSelection, selectionLoadOptions } from '@passk/problems';
import { resolveAutoBackend, ensureTinyModel, isTinyModel } from '@passk/generator';
import { simulationNote } from '@passk/combiner';
import { WorkerRuntime, PasskError, isPasskError, exitStatusOf, questionResultsDir, localHost, planGrading, makeProvenance, probeInterpreter, type Plan, type Transport, type Logger, count } from '@passk/core';
import { backendFlagArgs, layoutFrom, transportFrom, parseNumberList, positiveInt } from '../options.js';
import { limitArgs, gradingFlag, GRADER_VERSION } from '../grader-factory.js';
import { createOrResumePlan, seedWorkItems } from './plan.js';
import { failedAtStart, failedAtEnd, type FailedContext, type FailedListing } from './failed.js';
import { Supervisor, type WorkerSpec } from './supervisor.js';
import { preflight } from './preflight.js';
import { collectStatus } from '../status/collect.js';
import { progressLine } from '../status/render.js';
import { queueIdle } from '../status/state.js';
import { printResults } from '../status/results.js';
import { startMetricsServer } from '../metrics/server.js';
import { metricsSnapshot } from '../status/metrics.js';
import type { RunArgs } from './run-args.js';
import { applyPlanDefaults, givenFlags, recordedProblems, requireRecordedProblems } from './from-plan.js';
import { watchInterrupts } from './interrupts.js';
import { ActiveClock } from './active-time.js';
import { requireRun, shellQuote, passkCommand, runRefArgs, PROJECT_DIR } from '../home.js';

const cliMain = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'main.js');
const exists = (file: string) => access(file).then(() => true, () => false);

type Layout = ReturnType<typeof layoutFrom>;
type Status = Awaited<ReturnType<typeof collectStatus>>;

/** What the loop works with once the workers are started. */
interface Running {
  argv: RunArgs;
  layout: Layout;
  transport: Transport;
  runtime: WorkerRuntime;
  plan: Plan;
  supervisor: Supervisor;
  failedCtx: FailedContext;
  say: (line: string) => void;
}

export { shellQuote };

/** The `passk status` command for this run, with the same location overrides the run was given. */
export function statusHint(argv: Pick<RunArgs, 'run' | 'queueDir' | 'resultsDir' | 'queue'>): string {
  return passkCommand(['status', ...runRefArgs(argv), '--watch']);
}

async function allSummariesWritten(plan: Plan, layout: Layout): Promise<boolean> {
  for (const q of plan.questions) if (!(await exists(path.join(questionResultsDir(layout, q.idx), 'summary.json')))) return false;
  return true;
}

/**
 * `passk run`. A run that fails before its plan is written (a bad --problems, a refused backend) leaves
 * nothing behind: the queue and results directories this attempt created are removed again, so a typo
 * never shows up as a run.
 */
export async function orchestrate(argv: RunArgs): Promise<number> {
  const layout = layoutFrom(argv);
  const fresh = argv.queue ? [] : [layout.queueDir, layout.resultsDir].filter((dir) => !existsSync(dir));
  try {
    return await orchestrateRun(argv, layout);
  } catch (error) {
    if (fresh.length && !existsSync(layout.planFile)) for (const dir of fresh) await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function orchestrateRun(argv: RunArgs, layout: Layout): Promise<number> {
  if (argv.resume) requireRun(layout, argv); // `passk resume` never creates a run
  for (const [flag, value] of [['--n', argv.n], ['--shard-size', argv.shardSize]] as const) positiveInt(value, flag); // refused before any dir is made
  parseNumberList(argv.temperatures, '--temperatures');
  const gpus = positiveInt(argv.gpus, '--gpus', 0);
  const evaluators = positiveInt(argv.evaluators, '--evaluators', 0);
  const transport = await transportFrom(layout, argv);
  const taken = await planDefaults(argv, layout, transport);
  const numbers = { n: positiveInt(argv.n, '--n'), shardSize: positiveInt(argv.shardSize, '--shard-size'), temperatures: parseNumberList(argv.temperatures, '--temperatures') };
  const runtime = await WorkerRuntime.start({ transport, layout, role: 'orchestrator', name: 'orchestrator', stopOn: [] });
  const { logger } = runtime;
  const say = (line: string) => process.stdout.write(`${line}\n`);
  let supervisor: Supervisor | undefined;
  const closers: Array<() => Promise<void>> = [];
  const unwatch = watchInterrupts(() => supervisor, say, passkCommand(['resume', ...runRefArgs(argv)]));
  closers.push(async () => unwatch());
  try {
    const choice = await chooseBackend(argv, gpus, logger, say);
    if (taken.length) say(`passk: the plan of run ${layout.run} (${layout.planFile}) gives ${taken.filter((f) => !f.includes('date') && !['release', 'platform', 'difficulty', 'exclude-errata', 'skip-invalid'].includes(f)).map((f) => `--${f}`).join(' ')}`);
    const { plan, resumed, extended } = await planRun(argv, layout, transport, { ...numbers, ...choice }, logger, say);
    if (extended) say(`passk: extending run ${layout.run} (${extended.join('; ')}): only the new samples are generated and graded; the summaries are rewritten`);
    // `passk stop` from any machine sets stop-all after the generators are gone (watched only now,
    // after planRun cleared the flags an earlier stop left behind).
    closers.push(await transport.control.watch(['stop-all'], () => runtime.stop('control flag stop-all is set (passk stop)')));
    const failedCtx: FailedContext = { transport, plan, logger, say, args: process.argv.slice(2), quote: shellQuote };
    await failedAtStart(failedCtx, argv.retryFailed);
    // Before any work is queued: `passk status` counts these roles as coming while they start (status/state.ts).
    runtime.progress({ launches: [...(gpus ? ['generator'] : []), ...(evaluators ? ['evaluator'] : []), ...(argv.combiner ? ['combiner'] : [])] });
    await runtime.writeRecord();
    const seeded = await queueWork(argv, layout, transport, runtime, plan);
    logger.info({ resumed, seeded, questions: plan.questions.length, temperatures: plan.temperatures.length, n: plan.n }, resumed ? 'resuming run' : 'new run planned');
    say(`passk: ${resumed ? 'resuming' : 'starting'} run ${layout.run}: ${count(plan.questions.length, 'question')} × ${count(plan.temperatures.length, 'temperature')} × n=${plan.n} (${seeded} work items queued)`);
    say(`passk: results in ${layout.resultsDir}; watch with \`${statusHint(argv)}\` or \`tail -f ${shellQuote(path.join(layout.resultsDir, 'eval0.log'))} | ${shellQuote(path.join(PROJECT_DIR, 'node_modules', '.bin', 'pino-pretty'))}\``);
    if ((await transport.store.readRunSummary())?.finished || (await allSummariesWritten(plan, layout))) {
      say('passk: every summary is already written; nothing to do.');
      await printResults(layout, say);
      return 0;
    }
    supervisor = startWorkers(argv, layout, transport, logger, { gpus, evaluators, grading: planGrading(plan) });
    if (argv.metricsPort !== undefined) closers.push(await serveMetrics(argv.metricsPort, argv.metricsHost, layout, transport, supervisor, say));
    return await watch({ argv, layout, transport, runtime, plan, supervisor, failedCtx, say });
  } catch (error) {
    if (isPasskError(error, 'ERR_WORKER_CRASHED')) throw error; // the workers are already stopped
    // A refused input (exit 2) is printed once, by main; only the log file gets the record.
    if (isPasskError(error) && exitStatusOf(error.code) === 2) logger.info({ err: error }, 'orchestrator refused its input');
    else logger.error({ err: error }, 'orchestrator failed');
    if (supervisor) await supervisor.stopAll('orchestrator error');
    throw error;
  } finally {
    for (const close of closers) await close().catch(() => {});
    await runtime.close();
  }
}

/** An existing run's plan fills the plan flags the command line did not give (resume by name); returns them. */
async function planDefaults(argv: RunArgs, layout: Layout, transport: Transport): Promise<string[]> {
  const existing = await transport.store.readPlan().catch(() => undefined);
  argv.problems = recordedProblems(argv.problems, existing);
  if (!existing) {
    if (argv.resume) throw new PasskError('ERR_NO_PLAN', `run \`${layout.run}\` has no plan in ${transport.where}: start it with \`${passkCommand(['run', ...runRefArgs(argv)])} …\``);
    return [];
  }
  const taken = applyPlanDefaults(argv, existing, givenFlags(process.argv.slice(2)));
  if (taken.includes('problems')) requireRecordedProblems(argv.problems, layout.run);
  return taken;
}

/** The loop: one tick a second (twice on a TTY) until the run ends one way or another. */
async function watch(run: Running): Promise<number> {
  const { runtime, supervisor, layout, transport, plan, say } = run;
  const tty = process.stdout.isTTY;
  let lastLine = 0;
  const clock = await ActiveClock.start(layout); // the run's active time, for its average rate
  for (;;) {
    await runtime.sleep(tty ? 500 : 1000, 0);
    await clock.tick(runtime.stopping);
    if (runtime.stopping) return stopOnRequest(run, tty);
    const status = await collectStatus(layout, transport);
    if (tty) process.stdout.write(`\r\x1b[2K${progressLine(status)}`);
    else if (Date.now() - lastLine >= run.argv.progressInterval * 1000) {
      say(`${new Date().toISOString()} ${progressLine(status)}`); // a log or a pipe: each progress line timestamped
      lastLine = Date.now();
    }
    if (status.finished || (await allSummariesWritten(plan, layout))) return clock.tick(true).then(() => finish(run, tty));
    await endIfNoWorkerLeft(run, status);
    const failedLeft = await onlyFailedLeft(status, transport, layout, plan);
    if (failedLeft) {
      await supervisor.stopAll('only failed items left');
      await failedAtEnd(run.failedCtx, failedLeft);
      return 1;
    }
  }
}

async function stopOnRequest(run: Running, tty: boolean): Promise<number> {
  const { runtime, say } = run;
  if (tty) process.stdout.write('\n');
  // `passk stop` sets stop-generators, then sends this process SIGTERM: name the command, not just the signal.
  const byStopCommand = runtime.stopReason === 'received SIGTERM' && (await run.transport.control.has('stop-generators').catch(() => false));
  say(`passk: stopping (${byStopCommand ? 'asked by `passk stop`' : runtime.stopReason}): generators first, then evaluators and the combiner`);
  await run.supervisor.stopAll(runtime.stopReason);
  say(`passk: stopped. Resume with \`${passkCommand(['resume', ...runRefArgs(run.argv)])}\``);
  return runtime.stopReason.includes('SIGINT') ? 130 : 143;
}

async function finish(run: Running, tty: boolean): Promise<number> {
  const { layout, transport, runtime, say } = run;
  if (tty) process.stdout.write('\n');
  runtime.logger.info('every summary is written; stopping workers');
  await run.supervisor.stopAll('run complete');
  // Duplicates of groups already combined, and temp files of writers SIGKILLed since the last reap.
  const dropped = await transport.tidyUp();
  if (dropped) runtime.logger.info({ dropped }, 'removed duplicate items of groups already combined');
  say(progressLine(await collectStatus(layout, transport)));
  await printResults(layout, say);
  return 0;
}

/** Every worker exited for good, or every generator gave up with generation left: stop and raise ERR_WORKER_CRASHED. */
async function endIfNoWorkerLeft(run: Running, status: Status): Promise<void> {
  const { supervisor, layout, runtime, say } = run;
  if (supervisor.allExited()) {
    say('passk: every worker has exited or crashed too often; see the logs in the results dir. Stopping.');
    runtime.logger.error({ workers: supervisor.list() }, 'no worker left');
    await supervisor.stopAll('no worker left');
    throw new PasskError('ERR_WORKER_CRASHED', `every worker of run \`${layout.run}\` has exited or crashed too often (logs in ${layout.resultsDir})`);
  }
  const lost = supervisor.generationLost(status);
  if (!lost) return;
  say(lost);
  await supervisor.stopAll('every generator gave up');
  throw new PasskError('ERR_WORKER_CRASHED', `every generator of run \`${layout.run}\` crashed again after ${run.argv.maxRestarts} restart(s) and is not restarted (the last errors are above)`);
}

/**
 * The failed items of the plan when nothing else is left: nothing pending or claimed in any stage
 * twice in a row (a settle read), groups not done, and at least one failed item that the plan needs
 * (failed entries outside the plan, such as quarantined stray files, never end a run).
 */
async function onlyFailedLeft(status: Status, transport: Transport, layout: Layout, plan: Plan): Promise<FailedListing | undefined> {
  if (!queueIdle(status.queue) || status.queue.failed === 0 || status.groups_done >= status.groups_total) return undefined;
  if (!queueIdle((await collectStatus(layout, transport)).queue)) return undefined;
  const listing = await transport.failed.list(plan, await transport.store.combinedGroups());
  return listing.items.length ? listing : undefined;
}

/** `--backend auto` resolved, the tiny model written when llama has none, and the settings preflighted. */
async function chooseBackend(argv: RunArgs, gpus: number, logger: Logger, say: (line: string) => void): Promise<{ backend: string; model: string; simulated: boolean }> {
  let model = argv.model;
  let backend: string = argv.backend;
  if (backend === 'auto') {
    const choice = await resolveAutoBackend(model);
    backend = choice.backend;
    model = choice.model;
    logger.info(choice, 'backend auto-selected');
    say(`passk: --backend auto chose ${backend}${choice.reason ? ` (${choice.reason})` : ''}`);
  }
  if (backend === 'llama' && !model) model = await ensureTinyModel();
  if (backend === 'llama') model = path.resolve(model);
  await preflight({ backend, model, gpus, flags: argv }); // bad backend settings fail here, before any worker starts
  const simulated = backend === 'sim' || (backend === 'llama' && isTinyModel(model));
  // The same words as the label of every combined file (simulation_note).
  if (simulated) say(`passk: ${simulationNote({ backend, model, simulated })}${backend === 'sim' ? '' : ' Pass --model PATH.gguf for a real one.'}`);
  return { backend, model, simulated };
}

interface PlanNumbers {
  n: number;
  shardSize: number;
  temperatures: number[];
  backend: string;
  model: string;
  simulated: boolean;
}

/** The growth flags (--n, --temperatures, --end) this command line gave, with their values, for the extension hint of a refusal. */
function growthArgs(argv: RunArgs, numbers: PlanNumbers): string[] {
  const given = givenFlags(process.argv.slice(2));
  const out: string[] = [];
  if (given.has('n')) out.push('--n', String(numbers.n));
  if (given.has('temperatures')) out.push('--temperatures', numbers.temperatures.join(','));
  if (given.has('end') && argv.end !== undefined) out.push('--end', String(argv.end));
  return out;
}

/** Load the problems (the selection flags as in `passk dataset check`), create or resume the plan, clear old stop flags. */
async function planRun(argv: RunArgs, layout: Layout, transport: Transport, numbers: PlanNumbers, logger: Logger, say: (line: string) => void): Promise<{ plan: Plan; resumed: boolean; extended?: string[] }> {
  const selection = selectionLoadOptions(argv);
  const loaded = await loadProblems(argv.problems, selection);
  for (const warning of loaded.warnings) {
    logger.warn({ warning }, 'problem loading');
    say(`passk: warning: ${warning}`);
  }
  const { plan, resumed, extended } = await createOrResumePlan(transport, layout, {
    run: argv.run,
    problemsSpec: argv.problems,
    problems: loaded.problems,
    selection: planSelection(selection),
    start: argv.start,
    end: argv.end,
    n: numbers.n,
    shardSize: numbers.shardSize,
    temperatures: numbers.temperatures,
    seed: argv.seed,
    topP: argv.topP,
    maxTokens: argv.maxTokens,
    stop: argv.stop,
    backend: numbers.backend,
    model: numbers.model || numbers.backend,
    simulated: numbers.simulated,
    // Not given: lcb, with LiveCodeBench's extraction rule (the fallbacks are opt-in); resuming: the plan's.
    ...(argv.strictExtraction !== undefined ? { strictExtraction: argv.strictExtraction } : {}),
    ...(argv.grading !== undefined ? { grading: gradingFlag(argv.grading) } : {}),
    ref: runRefArgs(argv),
    ...(argv.resume ? {} : { growth: growthArgs(argv, numbers) }),
    provenance: makeProvenance({ strictExtraction: argv.strictExtraction, grading: argv.grading, graderVersion: GRADER_VERSION, interpreter: await probeInterpreter(argv.python) }),
  });
  for (const flag of ['stop-generators', 'stop-all', 'complete'] as const) await transport.control.clear(flag);
  return { plan, resumed, ...(extended ? { extended } : {}) };
}

/** Claim the combiner home (combiner here) before anything starts, then queue what the plan still needs; returns the items queued. */
async function queueWork(argv: RunArgs, layout: Layout, transport: Transport, runtime: WorkerRuntime, plan: Plan): Promise<number> {
  if (argv.combiner) {
    // The combiner will run here: refuse before starting anything if the results live elsewhere (Redis).
    await transport.store.claimCombinerHome({ host: localHost(), results_dir: path.resolve(layout.resultsDir), since: new Date().toISOString() }, false);
  }
  return seedWorkItems(transport, runtime.queue, plan);
}

/** The combiner, E evaluators and G generators (staggered by 500 ms) under one supervisor. */
function startWorkers(argv: RunArgs, layout: Layout, transport: Transport, logger: Logger, counts: { gpus: number; evaluators: number; grading: ReturnType<typeof planGrading> }): Supervisor {
  const supervisor = new Supervisor({ layout, control: transport.control, logger, cliMain, maxRestarts: argv.maxRestarts, backoffMs: argv.restartBackoffMs });
  const common = ['--run', layout.run, '--queue-dir', layout.queueDir, '--results-dir', layout.resultsDir, '--max-attempts', String(argv.maxAttempts), '--stale-ms', String(argv.staleMs), ...(argv.queue ? ['--queue', argv.queue] : [])];
  const specs: WorkerSpec[] = argv.combiner ? [{ name: 'combiner', role: 'combiner', args: common }] : [];
  const evalArgs = ['--workers', String(argv.evalWorkers), ...(argv.python ? ['--python', argv.python] : []), ...limitArgs({ ...argv, grading: counts.grading }), `--dedup=${argv.dedup}`];
  for (let j = 0; j < counts.evaluators; j++) specs.push({ name: `eval${j}`, role: 'evaluator', args: [...common, '--id', String(j), ...evalArgs] });
  for (let i = 0; i < counts.gpus; i++) {
    specs.push({ name: `gpu${i}`, role: 'generator', args: [...common, '--gpu', String(i), ...backendFlagArgs(argv)], delayMs: 500 * i });
  }
  for (const spec of specs) supervisor.add(spec);
  return supervisor;
}

async function serveMetrics(port: number, host: string | undefined, layout: Layout, transport: Transport, supervisor: Supervisor, say: (line: string) => void): Promise<() => Promise<void>> {
  const server = await startMetricsServer({ port, ...(host ? { host } : {}), collect: () => metricsSnapshot(layout, transport, supervisor) });
  say(`passk: Prometheus metrics at ${server.url}`);
  return () => server.close();
}
