/**
 * `passk regrade`: grade a finished (or stopped) run's samples again, without generating, into a new
 * run. Plans the new run from the source's plan (regrade/plan.ts), puts the source's generated shards
 * into its pending_eval/ (regrade/seed.ts), then runs the usual evaluators and combiner under the
 * supervisor until every group that has all its samples is combined. Returns the exit status (0 done,
 * 130/143 stopped by a signal); samples the source never generated end it with ERR_SAMPLES_MISSING.
 */
import path from 'node:path';
import { readdir, access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { WorkerRuntime, PasskError, isPasskError, planGrading, makeProvenance, probeInterpreter, groupStem, questionResultsDir, type Plan, type RunLayout, type Transport, count } from '@passk/core';
import { GRADER_VERSION, limitOptions, limitArgs } from '@passk/evaluator';
import type { RegradeArgs } from './args.js';
import { layoutFrom, transportFrom, positiveInt } from '../options.js';
import { Supervisor, type WorkerSpec } from '../orchestrator/supervisor.js';
import { collectStatus } from '../status/collect.js';
import { progressLine } from '../status/render.js';
import { printResults } from '../status/results.js';
import { readSourcePlan, sourceGraderVersion, regradePlan, createOrResumeRegrade } from './plan.js';
import { liveWorkers } from './live.js';
import { passkCommand, resultsRefArgs } from '../home.js';
import { seedRegrade, missingMessage, type SeedResult } from './seed.js';

export type { RegradeArgs };

const cliMain = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'main.js');

interface Context {
  argv: RegradeArgs;
  layout: RunLayout;
  transport: Transport;
  runtime: WorkerRuntime;
  plan: Plan;
  seeded: SeedResult;
  say: (line: string) => void;
}

/** Source and target layouts; the target defaults to `<run>-regrade-<mode>` and may not be the source. */
async function layouts(argv: RegradeArgs): Promise<{ source: RunLayout; sourcePlan: Plan; grading: ReturnType<typeof planGrading>; layout: RunLayout }> {
  const source = layoutFrom({ run: argv.run, queueDir: argv.queueDir, resultsDir: argv.resultsDir });
  const sourcePlan = await readSourcePlan(source);
  const grading = argv.grading !== undefined ? limitOptions({ grading: argv.grading }).grading! : planGrading(sourcePlan);
  const layout = layoutFrom({ run: argv.outRun ?? `${argv.run}-regrade-${grading}`, queueDir: argv.outQueueDir, resultsDir: argv.outResultsDir });
  if (layout.run === source.run || layout.resultsDir === source.resultsDir || layout.queueDir === source.queueDir) {
    throw new PasskError('ERR_BAD_OPTION', `Expected \`--out-run\` (and its directories) to differ from the source run \`${source.run}\`: a regrade writes a new run and never touches its source`);
  }
  return { source, sourcePlan, grading, layout };
}

export async function regrade(argv: RegradeArgs): Promise<number> {
  const evaluators = positiveInt(argv.evaluators, '--evaluators');
  const { source, sourcePlan, grading, layout } = await layouts(argv);
  const evalArgs = limitArgs({ ...argv, grading }); // a bad limit is ERR_BAD_OPTION before anything starts
  const transport = await transportFrom(layout, argv);
  const runtime = await WorkerRuntime.start({ transport, layout, role: 'orchestrator', name: 'orchestrator', stopOn: [] });
  const say = (line: string) => process.stdout.write(`${line}\n`);
  let supervisor: Supervisor | undefined;
  try {
    const from = { run: sourcePlan.run, results_dir: source.resultsDir, grading: planGrading(sourcePlan), grader_version: sourceGraderVersion(sourcePlan) };
    const provenance = makeProvenance({ strictExtraction: sourcePlan.strict_extraction ?? false, grading, graderVersion: GRADER_VERSION, interpreter: await probeInterpreter(argv.python) });
    const { plan, resumed } = await createOrResumeRegrade(transport, layout, source, regradePlan(sourcePlan, layout.run, grading, from, provenance));
    for (const flag of ['stop-generators', 'stop-all', 'complete'] as const) await transport.control.clear(flag);
    const live = await liveWorkers(source);
    if (live.length) say(`passk: warning: run ${sourcePlan.run} is still going (${live.join(', ')} alive): a shard moving between its directories may be reported missing; regrade a stopped or finished run, or run the same regrade again later`);
    // Before anything is queued: `passk status` counts these roles as coming while they start (status/state.ts).
    runtime.progress({ launches: ['combiner', ...(evaluators ? ['evaluator'] : [])] });
    await runtime.writeRecord();
    const seeded = await seedRegrade(transport, runtime.queue, layout, source, plan, runtime.signal);
    const origins = Object.entries(seeded.from).map(([k, v]) => `${v} from ${k}`).join(', ');
    say(`passk: ${resumed ? 'resuming' : 'starting'} regrade ${layout.run} of run ${sourcePlan.run} (graded ${from.grading}, grader ${from.grader_version ?? 'version not recorded'}) with --grading ${grading} (grader ${GRADER_VERSION}): ${count(plan.questions.length, 'question')} × ${count(plan.temperatures.length, 'temperature')} × n=${plan.n}; ${seeded.queued} shard(s) queued for grading${origins ? ` (${origins})` : ''}, nothing generated`);
    if (seeded.missing.length) say(`passk: warning: ${missingMessage(plan, seeded.missing, layout)}`);
    say(`passk: results in ${layout.resultsDir}`);
    const ctx: Context = { argv, layout, transport, runtime, plan, seeded, say };
    if (runtime.stopping) return stopped(ctx);
    if (await done(ctx)) return await finish(ctx);
    supervisor = startWorkers(argv, layout, transport, runtime, { evaluators, evalArgs });
    return await watch(ctx, supervisor);
  } catch (error) {
    // A PasskError is printed once by the CLI (passk: CODE: message); only the unexpected is logged loudly.
    if (isPasskError(error)) runtime.logger.info({ code: error.code, message: error.message }, 'regrade ended with an error');
    else runtime.logger.error({ err: error }, 'regrade failed');
    if (supervisor) await supervisor.stopAll('regrade error');
    throw error;
  } finally {
    await runtime.close();
  }
}

function startWorkers(argv: RegradeArgs, layout: RunLayout, transport: Transport, runtime: WorkerRuntime, counts: { evaluators: number; evalArgs: string[] }): Supervisor {
  const supervisor = new Supervisor({ layout, control: transport.control, logger: runtime.logger, cliMain, maxRestarts: argv.maxRestarts, backoffMs: argv.restartBackoffMs });
  const common = ['--run', layout.run, '--queue-dir', layout.queueDir, '--results-dir', layout.resultsDir, '--max-attempts', String(argv.maxAttempts), '--stale-ms', String(argv.staleMs)];
  const evalArgs = ['--workers', String(positiveInt(argv.evalWorkers, '--eval-workers')), ...(argv.python ? ['--python', argv.python] : []), ...counts.evalArgs, `--dedup=${argv.dedup}`];
  const specs: WorkerSpec[] = [{ name: 'combiner', role: 'combiner', args: common }];
  for (let j = 0; j < counts.evaluators; j++) specs.push({ name: `eval${j}`, role: 'evaluator', args: [...common, '--id', String(j), ...evalArgs] });
  for (const spec of specs) supervisor.add(spec);
  return supervisor;
}

/**
 * Every group that has all its samples is combined, the summary of every question whose groups all
 * are is written, and (when samples are missing) nothing of the other groups is still in flight.
 */
async function done(ctx: Context): Promise<boolean> {
  const { transport, plan, seeded, layout } = ctx;
  const { combinedGroups } = await transport.inventory({ includeFailed: false });
  for (const group of seeded.completable) if (!combinedGroups.has(group)) return false;
  for (const q of plan.questions) {
    if (!plan.temperatures.every((t) => seeded.completable.has(groupStem(q.idx, t)))) continue;
    if (!(await access(path.join(questionResultsDir(layout, q.idx), 'summary.json')).then(() => true, () => false))) return false;
  }
  if (!seeded.missing.length) return true;
  const counts = await ctx.runtime.queue.counts();
  return counts.pending.eval + counts.pending.combine + counts.claimed.eval + counts.claimed.combine === 0;
}

async function watch(ctx: Context, supervisor: Supervisor): Promise<number> {
  const { runtime, layout, transport, say } = ctx;
  let lastLine = 0;
  for (;;) {
    await runtime.sleep(1000, 0);
    if (runtime.stopping) return stopped(ctx, supervisor);
    if (Date.now() - lastLine >= ctx.argv.progressInterval * 1000) {
      say(progressLine(await collectStatus(layout, transport)));
      lastLine = Date.now();
    }
    if (await done(ctx)) {
      await supervisor.stopAll('regrade complete');
      return finish(ctx);
    }
    if (supervisor.allExited()) {
      await supervisor.stopAll('no worker left');
      throw new PasskError('ERR_WORKER_CRASHED', `every worker of regrade \`${layout.run}\` has exited or crashed too often (logs in ${layout.resultsDir})`);
    }
    await failIfOnlyFailedLeft(ctx, supervisor);
  }
}

/** Nothing pending or claimed but items in failed/ (twice in a row): they will not finish by themselves. */
async function failIfOnlyFailedLeft(ctx: Context, supervisor: Supervisor): Promise<void> {
  const idle = async () => {
    const c = await ctx.runtime.queue.counts();
    return c.pending.eval + c.pending.combine + c.claimed.eval + c.claimed.combine === 0 && c.failed > 0;
  };
  if (!(await idle()) || !(await idle())) return;
  await supervisor.stopAll('only failed items left');
  const failed = (await readdir(ctx.layout.failedDir)).filter((n) => n.endsWith('.json') && !n.endsWith('.reason.json'));
  throw new PasskError('ERR_TOO_MANY_ATTEMPTS', `regrade \`${ctx.layout.run}\`: ${failed.length} item(s) failed grading too often and their groups cannot be combined: ${failed.slice(0, 10).join(', ')} (reasons beside them in ${ctx.layout.failedDir})`);
}

async function stopped(ctx: Context, supervisor?: Supervisor): Promise<number> {
  const { runtime, say } = ctx;
  say(`passk: stopping (${runtime.stopReason}); run the same command again to resume.`);
  await supervisor?.stopAll(runtime.stopReason);
  return runtime.stopReason.includes('SIGINT') ? 130 : 143;
}

async function finish(ctx: Context): Promise<number> {
  const { layout, transport, plan, seeded, say } = ctx;
  await transport.tidyUp();
  say(progressLine(await collectStatus(layout, transport)));
  await printResults(layout, say);
  if (seeded.missing.length) throw new PasskError('ERR_SAMPLES_MISSING', missingMessage(plan, seeded.missing, layout));
  const source = plan.regraded_from?.results_dir ? path.resolve(plan.regraded_from.results_dir) : (plan.regraded_from?.run ?? '');
  say(`passk: compare with \`${passkCommand(['report', ...resultsRefArgs(layout), '--compare', source])}\``); // pasteable from anywhere
  return 0;
}
