/**
 * The evaluator daemon (`passk evaluator [--id J]`): claim a generated shard from pending_eval/,
 * grade every sample through a Grader (the sandboxed fork-server pool, behind the dedup cache), and
 * hand the evaluated shard to pending_combine/. Any number may run, started at any time; without
 * --id a free name eval{J} is picked.
 */
import {
  WorkerRuntime, runClaimLoop, PasskError, checkItemAgainstPlan,
  type Transport, type RunLayout, type Plan, type Shard, type EvaluatedShard, type EvaluatedSample, type Grader, type Problem, type Verdict,
} from '@passk/core';

export interface EvaluatorDaemonOptions {
  transport: Transport;
  /** Local directories (logs, verdict cache). */
  layout: RunLayout;
  /** Fixed id (worker eval{id}); omitted: the lowest free one. */
  id?: number;
  parentPid?: number;
  /** Builds the grader once the worker has its name (so its logs go to the worker's log). */
  makeGrader: (context: { name: string; runtime: WorkerRuntime }) => Promise<Grader>;
  /** Grading requests in flight at once (match the grader's worker count). @default 1 */
  concurrency?: number;
  /** Poll interval when no shard is pending, ms. @default 300 */
  pollMs?: number;
}

export async function runEvaluator(options: EvaluatorDaemonOptions): Promise<number> {
  const runtime = await WorkerRuntime.start({
    transport: options.transport,
    layout: options.layout,
    role: 'evaluator',
    name: options.id !== undefined ? `eval${options.id}` : { prefix: 'eval' },
    parentPid: options.parentPid,
  });
  const { logger, transport } = runtime;
  let grader: Grader | undefined;
  try {
    grader = await options.makeGrader({ name: runtime.identity.name, runtime });
    const activeGrader = grader;
    let planRead: Plan | undefined;
    const plan = async (): Promise<Plan> => {
      planRead ??= await transport.store.readPlan();
      if (!planRead) throw new PasskError('ERR_BAD_OPTION', `run \`${runtime.layout.run}\` has items but no plan in ${transport.where}`);
      return planRead;
    };
    await runClaimLoop<Shard, EvaluatedShard>(runtime, {
      from: 'eval',
      to: 'combine',
      what: 'evaluation',
      pollMs: options.pollMs ?? 300,
      // The plan is read at the first claim (an evaluator may start before `passk run` writes it).
      check: async (claim) => checkItemAgainstPlan(await plan(), claim.value, `${claim.stem} (${claim.stage})`),
      process: async (claim, signal) => {
        const problem = await transport.store.problem(claim.value.question_idx);
        return evaluateShard(activeGrader, problem, claim.value, runtime.identity.name, options.concurrency ?? 1, signal);
      },
      samples: (evaluated) => evaluated.samples.length,
      done: (claim, evaluated) => {
        const passed = evaluated.samples.filter((s) => s.verdict.passed).length;
        logger.info({ item: claim.stem, samples: evaluated.samples.length, passed, cached: evaluated.eval.cached, wall_s: evaluated.eval.wall_s }, 'shard evaluated');
      },
    });
    return 0;
  } catch (error) {
    logger.fatal({ err: error }, 'evaluator failed');
    return 1;
  } finally {
    await grader?.close().catch((error) => logger.error({ err: error }, 'grader close failed'));
    await runtime.close();
  }
}

/** Grade every sample of a shard with at most `concurrency` requests in flight; keeps sample order. */
export async function evaluateShard(grader: Grader, problem: Problem, shard: Shard, evaluator: string, concurrency: number, signal: AbortSignal): Promise<EvaluatedShard> {
  const startedAt = new Date();
  const verdicts: Verdict[] = new Array(shard.samples.length);
  let next = 0;
  async function lane(): Promise<void> {
    while (next < shard.samples.length) {
      signal.throwIfAborted();
      const i = next++;
      verdicts[i] = await grader.grade({ problem, code: shard.samples[i]!.code, signal });
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
  signal.throwIfAborted();
  const finishedAt = new Date();
  const samples: EvaluatedSample[] = shard.samples.map((s, i) => ({ ...s, verdict: verdicts[i]! }));
  return {
    ...shard,
    eval: {
      evaluator,
      started_at: startedAt.toISOString(),
      finished_at: finishedAt.toISOString(),
      wall_s: (finishedAt.getTime() - startedAt.getTime()) / 1000,
      cached: samples.filter((s) => s.verdict.cached).length,
    },
    samples,
  };
}
