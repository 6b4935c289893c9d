/**
 * `passk run`: the orchestrator, in the foreground. Plans (or resumes) the run, starts G generators
 * (staggered), E evaluators and the combiner as separate processes, restarts crashed workers, shows
 * progress, and exits 0 once every summary is written. SIGINT/SIGTERM (or `passk stop`) stop the
 * workers in the safe order. If the orchestrator itself is SIGKILLed its workers notice within a
 * second and stop cleanly; running the same command again resumes.
 */
import os from 'node:os';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandModule } from 'yargs';
import { loadProblems, planSelection, selectionLoadOptions, withSelectionOptions, type SelectionArgs } from '@passk/problems';
import { resolveAutoBackend, ensureTinyModel, isTinyModel, BACKEND_NAMES } from '@passk/generator';
import { WorkerRuntime, PasskError, questionResultsDir, localHost, sweepTmp, planGrading, type Plan } from '@passk/core';
import { withRunOptions, withBackendFlags, backendFlagArgs, layoutFrom, transportFrom, parseNumberList, positiveInt, SEED_TEMPERATURES, type BackendFlagArgs } from '../options.js';
import { createOrResumePlan, seedWorkItems, dropFinishedDuplicates } from '../orchestrator/plan.js';
import { failedAtStart, failedAtEnd, type FailedContext } from '../orchestrator/failed.js';
import { Supervisor, type WorkerSpec } from '../orchestrator/supervisor.js';
import { preflight } from '../orchestrator/preflight.js';
import { collectStatus } from '../status/collect.js';
import { progressLine } from '../status/render.js';
import { printResults } from '../status/results.js';
import { startMetricsServer } from '@passk/report';
import { simulationNote } from '@passk/combiner';
import { metricsSnapshot } from '../status/metrics.js';
import { withLimitOptions, limitArgs, type LimitFlagArgs } from '../grader-factory.js';

export interface RunArgs extends BackendFlagArgs, SelectionArgs, LimitFlagArgs {
  run: string;
  queueDir?: string;
  resultsDir?: string;
  queue?: string;
  problems: string;
  backend: string;
  model: string;
  gpus: number;
  evaluators: number;
  evalWorkers: number;
  combiner: boolean;
  n: number;
  shardSize: number;
  temperatures: string;
  start: number;
  end?: number;
  maxTokens: number;
  topP: number;
  seed: number;
  stop: string[];
  maxRestarts: number;
  restartBackoffMs: number;
  maxAttempts: number;
  staleMs: number;
  python?: string;
  dedup: boolean;
  progressInterval: number;
  metricsPort?: number;
  retryFailed: boolean;
}

const cliMain = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'main.js');

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run',
  describe: 'Plan (or resume) a sweep and run it to the end: generators, evaluators and the combiner as separate processes',
  builder: (y) =>
    withLimitOptions(withSelectionOptions(withBackendFlags(withRunOptions(y))))
      .option('problems', { type: 'string', default: 'demo', describe: 'Problem file or dataset spec (demo, humaneval, livecodebench:v6, path.jsonl); narrowed by the selection flags (--release, --start-date, …) as in `passk dataset check`' })
      .option('backend', { type: 'string', default: 'auto', choices: [...BACKEND_NAMES], describe: 'Generation backend; auto = vllm with GPUs, else the embedded engine' })
      .option('model', { type: 'string', default: '', describe: 'Model: GGUF path (llama), model name (vllm/openai)' })
      .option('gpus', { type: 'number', default: 1, describe: 'Generators to start here (one per GPU; 0 when they run on other machines)' })
      .option('evaluators', { type: 'number', default: Math.max(1, os.availableParallelism() - 1), describe: 'Evaluator processes to start here (more can be added by hand mid-run, on any machine)' })
      .option('combiner', { type: 'boolean', default: true, describe: 'Start the combiner here (--no-combiner when it runs on another machine)' })
      .option('eval-workers', { type: 'number', default: 1, describe: 'Sandboxed fork servers per evaluator' })
      .option('n', { type: 'number', default: 10, describe: 'Completions per (question, temperature)' })
      .option('shard-size', { type: 'number', default: 100, describe: 'Samples per work item (shard)' })
      .option('temperatures', { type: 'string', default: SEED_TEMPERATURES.join(','), describe: 'Comma-separated temperatures' })
      .option('start', { type: 'number', default: 0, describe: 'First question index (inclusive)' })
      .option('end', { type: 'number', describe: 'Last question index (exclusive); default: all' })
      .option('max-tokens', { type: 'number', default: 2000, describe: 'Max completion tokens per sample' })
      .option('top-p', { type: 'number', default: 0.95, describe: 'Nucleus sampling top_p' })
      .option('seed', { type: 'number', default: 0, describe: 'seed_base: sample i uses seed seed_base + i' })
      .option('stop', { type: 'string', array: true, default: [], describe: "Stop strings (none by default: LiveCodeBench's '###' truncates chat models)" })
      .option('max-restarts', { type: 'number', default: 3, describe: 'Restarts of a crashed worker before giving up (resets after 5 healthy minutes)' })
      .option('restart-backoff-ms', { type: 'number', default: 1000, describe: 'First restart delay of a crashed worker, ms (doubles per restart, capped at 30 s)' })
      .option('max-attempts', { type: 'number', default: 5, describe: 'Attempts after which an item goes to failed/' })
      .option('stale-ms', { type: 'number', default: 60_000, describe: 'Heartbeat age after which a claim is reclaimed (any host)' })
      .option('python', { type: 'string', describe: 'Python interpreter for evaluators (default: resolved from python3)' })
      .option('dedup', { type: 'boolean', default: true, describe: 'Grade identical programs once per question' })
      .option('metrics-port', { type: 'number', describe: 'Serve Prometheus metrics on 127.0.0.1:PORT/metrics (queue depths, throughput, verdicts, restarts) (default: off)' })
      .option('retry-failed', { type: 'boolean', default: false, describe: "Put the plan's items in failed/ back to work (attempts reset; their files kept in failed/retried/), then run" })
      .option('progress-interval', { type: 'number', default: 10, describe: 'Seconds between progress lines when stdout is not a TTY' }) as never,
  handler: async (argv) => {
    limitArgs(argv); // the evaluators' limit flags, checked before anything starts (ERR_BAD_OPTION)
    process.exitCode = await orchestrate(argv);
  },
};

const exists = (file: string) => access(file).then(() => true, () => false);

/** Quote a shell word only when it needs it. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The `passk status` command for this run, with the same location overrides the run was given. */
export function statusHint(argv: Pick<RunArgs, 'run' | 'queueDir' | 'resultsDir' | 'queue'>): string {
  const words = ['passk', 'status', '--run', argv.run];
  if (argv.queueDir) words.push('--queue-dir', argv.queueDir);
  if (argv.resultsDir) words.push('--results-dir', argv.resultsDir);
  // A password in the Redis URL is masked (this line goes to the terminal and to CI logs).
  if (argv.queue) words.push('--queue', argv.queue.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@'));
  return [...words, '--watch'].map(shellQuote).join(' ');
}

async function allSummariesWritten(plan: Plan, layout: ReturnType<typeof layoutFrom>): Promise<boolean> {
  for (const q of plan.questions) if (!(await exists(path.join(questionResultsDir(layout, q.idx), 'summary.json')))) return false;
  return true;
}

export async function orchestrate(argv: RunArgs): Promise<number> {
  const layout = layoutFrom(argv);
  const n = positiveInt(argv.n, '--n');
  const shardSize = positiveInt(argv.shardSize, '--shard-size');
  const gpus = positiveInt(argv.gpus, '--gpus', 0);
  const evaluators = positiveInt(argv.evaluators, '--evaluators', 0);
  const temperatures = parseNumberList(argv.temperatures, '--temperatures');
  const transport = await transportFrom(layout, argv);
  const runtime = await WorkerRuntime.start({ transport, layout, role: 'orchestrator', name: 'orchestrator', stopOn: [] });
  const { logger } = runtime;
  const say = (line: string) => process.stdout.write(`${line}\n`);
  let supervisor: Supervisor | undefined;
  const closers: Array<() => Promise<void>> = [];
  try {
    let backend = argv.backend;
    let model = argv.model;
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
    // The same selection flags as `passk dataset check` (packages/problems/src/selection.ts).
    const selection = selectionLoadOptions(argv);
    const loaded = await loadProblems(argv.problems, selection);
    for (const warning of loaded.warnings) {
      logger.warn({ warning }, 'problem loading');
      say(`passk: warning: ${warning}`);
    }
    const { plan, resumed } = await createOrResumePlan(transport, layout, {
      run: argv.run,
      problemsSpec: argv.problems,
      problems: loaded.problems,
      selection: planSelection(selection),
      start: argv.start,
      end: argv.end,
      n,
      shardSize,
      temperatures,
      seed: argv.seed,
      topP: argv.topP,
      maxTokens: argv.maxTokens,
      stop: argv.stop,
      backend,
      model: model || backend,
      simulated,
      // Not given: lcb, with LiveCodeBench's extraction rule (the fallbacks are opt-in); resuming: the plan's.
      ...(argv.strictExtraction !== undefined ? { strictExtraction: argv.strictExtraction } : {}),
      ...(argv.grading !== undefined ? { grading: argv.grading } : {}),
    });
    for (const flag of ['stop-generators', 'stop-all', 'complete'] as const) await transport.control.clear(flag);
    // `passk stop` from any machine sets stop-all after the generators are gone (watched only now,
    // after clearing the flags an earlier stop left behind).
    const unwatchStop = await transport.control.watch(['stop-all'], () => runtime.stop('control flag stop-all is set (passk stop)'));
    closers.push(unwatchStop);
    const failedCtx: FailedContext = { transport, layout, plan, logger, say, args: process.argv.slice(2), quote: shellQuote };
    await failedAtStart(failedCtx, argv.retryFailed);
    if (transport.kind === 'redis' && argv.combiner) {
      // The combiner will run here: refuse before starting anything if the results live elsewhere.
      await transport.store.claimCombinerHome({ host: localHost(), results_dir: path.resolve(layout.resultsDir), since: new Date().toISOString() }, false);
    }
    const seeded = await seedWorkItems(transport, runtime.queue, layout, plan);
    logger.info({ resumed, seeded, questions: plan.questions.length, temperatures: plan.temperatures.length, n: plan.n }, resumed ? 'resuming run' : 'new run planned');
    say(`passk: ${resumed ? 'resuming' : 'starting'} run ${layout.run}: ${plan.questions.length} questions × ${plan.temperatures.length} temperatures × n=${plan.n} (${seeded} work items queued)`);
    say(`passk: results in ${layout.resultsDir}; watch with \`${statusHint(argv)}\` or \`tail -f ${shellQuote(path.join(layout.resultsDir, 'eval0.log'))} | npx pino-pretty\``);
    if ((await transport.store.readRunSummary())?.finished || (await allSummariesWritten(plan, layout))) {
      say('passk: every summary is already written; nothing to do.');
      await printResults(layout, say);
      return 0;
    }
    supervisor = new Supervisor({ layout, logger, cliMain, maxRestarts: argv.maxRestarts, backoffMs: argv.restartBackoffMs });
    const common = ['--run', layout.run, '--queue-dir', layout.queueDir, '--results-dir', layout.resultsDir, '--max-attempts', String(argv.maxAttempts), '--stale-ms', String(argv.staleMs), ...(argv.queue ? ['--queue', argv.queue] : [])];
    const specs: WorkerSpec[] = argv.combiner ? [{ name: 'combiner', role: 'combiner', args: common }] : [];
    const evalArgs = ['--workers', String(argv.evalWorkers), ...(argv.python ? ['--python', argv.python] : []), ...limitArgs({ ...argv, grading: planGrading(plan) }), `--dedup=${argv.dedup}`];
    for (let j = 0; j < evaluators; j++) specs.push({ name: `eval${j}`, role: 'evaluator', args: [...common, '--id', String(j), ...evalArgs] });
    for (let i = 0; i < gpus; i++) {
      specs.push({
        name: `gpu${i}`,
        role: 'generator',
        args: [...common, '--gpu', String(i), ...backendFlagArgs(argv)],
        delayMs: 500 * i,
      });
    }
    for (const spec of specs) supervisor.add(spec);
    if (argv.metricsPort !== undefined) {
      const sup = supervisor;
      const server = await startMetricsServer({ port: argv.metricsPort, collect: () => metricsSnapshot(layout, transport, sup) });
      closers.push(() => server.close());
      say(`passk: Prometheus metrics at ${server.url}`);
    }
    const tty = process.stdout.isTTY;
    let lastLine = 0;
    for (;;) {
      await runtime.sleep(tty ? 500 : 1000, 0);
      if (runtime.stopping) {
        if (tty) process.stdout.write('\n');
        say(`passk: stopping (${runtime.stopReason}): generators first, then evaluators and the combiner`);
        await supervisor.stopAll(runtime.stopReason);
        say(`passk: stopped. Run the same command again to resume.`);
        return runtime.stopReason.includes('SIGINT') ? 130 : 143;
      }
      const status = await collectStatus(layout, transport);
      const now = Date.now();
      if (tty) process.stdout.write(`\r\x1b[2K${progressLine(status)}`);
      else if (now - lastLine >= argv.progressInterval * 1000) {
        say(progressLine(status));
        lastLine = now;
      }
      if (status.finished || (await allSummariesWritten(plan, layout))) {
        if (tty) process.stdout.write('\n');
        logger.info('every summary is written; stopping workers');
        await supervisor.stopAll('run complete');
        const dropped = transport.kind === 'fs' ? await dropFinishedDuplicates(layout) : 0;
        if (dropped) logger.info({ dropped }, 'removed duplicate items of groups already combined');
        // Temp files of writers SIGKILLed since the last reap: their writers are gone, nothing reads them.
        if (transport.kind === 'fs') await sweepTmp(layout.tmpDir);
        say(progressLine(await collectStatus(layout, transport)));
        await printResults(layout, say);
        return 0;
      }
      if (supervisor.allExited()) {
        say('passk: every worker has exited or crashed too often; see the logs in the results dir. Stopping.');
        logger.error({ workers: supervisor.list() }, 'no worker left');
        await supervisor.stopAll('no worker left');
        return 1;
      }
      const lost = supervisor.generationLost(status);
      if (lost) {
        say(lost);
        await supervisor.stopAll('every generator gave up');
        return 1;
      }
      const q = status.queue;
      const working = q.pending.gen + q.pending.eval + q.pending.combine + q.claimed.gen + q.claimed.eval;
      if (working === 0 && q.failed > 0 && status.groups_done < status.groups_total) {
        const settle = await collectStatus(layout, transport);
        const s = settle.queue;
        if (s.pending.gen + s.pending.eval + s.pending.combine + s.claimed.gen + s.claimed.eval === 0) {
          await supervisor.stopAll('only failed items left');
          await failedAtEnd(failedCtx, q.failed);
          return 1;
        }
      }
    }
  } catch (error) {
    logger.error({ err: error }, 'orchestrator failed');
    if (supervisor) await supervisor.stopAll('orchestrator error');
    throw error;
  } finally {
    for (const close of closers) await close().catch(() => {});
    await runtime.close();
  }
}

export { PasskError };
