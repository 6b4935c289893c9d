/**
 * Starts workers as separate OS processes (`passk generator|evaluator|combiner … --parent-pid <me>`),
 * each in its own process group (so only the orchestrator gets a terminal's SIGINT),
 * restarts a crashed one with exponential backoff (up to maxRestarts; the count resets after a worker
 * has stayed up for 5 minutes), and stops them in the safe order: generators first (and their GPU
 * memory released, where nvidia-smi exists), then evaluators and the combiner.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { setControl, type Logger, type RunLayout } from '@passk/core';
import { engineProcesses, recordedEngineGroups, waitForGpuRelease } from './gpu-release.js';

export interface WorkerSpec {
  name: string;
  role: 'generator' | 'evaluator' | 'combiner';
  args: string[];
  /** Delay before the first start, ms (generators are staggered). */
  delayMs?: number;
}

interface Managed {
  spec: WorkerSpec;
  child?: ChildProcess;
  restarts: number;
  startedAt: number;
  exited: boolean;
  gaveUp: boolean;
  exitCode?: number | null;
}

export interface SupervisorOptions {
  layout: RunLayout;
  logger: Logger;
  /** Path of the CLI entry (dist/main.js). */
  cliMain: string;
  /** Restarts of one crashed worker before giving up. @default 3 */
  maxRestarts?: number;
  /** First restart delay, ms; doubles each time, capped at 30 s. @default 1000 */
  backoffMs?: number;
  /** How long to wait for a worker to exit after SIGTERM before SIGKILL, ms. @default 60000 */
  stopTimeoutMs?: number;
  /** How long to wait for the stopped generators' GPU memory to be released, ms. @default 120000 */
  gpuReleaseTimeoutMs?: number;
}

const HEALTHY_AFTER_MS = 5 * 60_000;
const MAX_BACKOFF_MS = 30_000;

export class Supervisor {
  private readonly workers = new Map<string, Managed>();
  private stopping = false;
  readonly restartsTotal = { count: 0 };

  constructor(private readonly options: SupervisorOptions) {}

  add(spec: WorkerSpec): void {
    const managed: Managed = { spec, restarts: 0, startedAt: 0, exited: false, gaveUp: false };
    this.workers.set(spec.name, managed);
    setTimeout(() => this.launch(managed), spec.delayMs ?? 0).unref();
  }

  list(): Array<{ name: string; role: string; pid?: number; restarts: number; alive: boolean; gaveUp: boolean }> {
    return [...this.workers.values()].map((m) => ({
      name: m.spec.name,
      role: m.spec.role,
      pid: m.child?.pid,
      restarts: m.restarts,
      alive: !!m.child && m.child.exitCode === null && m.child.signalCode === null,
      gaveUp: m.gaveUp,
    }));
  }

  private launch(managed: Managed): void {
    if (this.stopping) return;
    const { layout, logger, cliMain } = this.options;
    const out = openSync(path.join(layout.resultsDir, `${managed.spec.name}.stderr.log`), 'a');
    // detached: each worker leads its own process group, so a terminal's Ctrl-C (SIGINT to the
    // foreground group) reaches only the orchestrator, which stops the workers in the safe order.
    // If the orchestrator dies, the workers still stop by themselves (--parent-pid).
    const child = spawn(process.execPath, [cliMain, managed.spec.role, ...managed.spec.args, '--parent-pid', String(process.pid)], {
      stdio: ['ignore', out, out],
      env: process.env,
      detached: true,
    });
    closeSync(out);
    managed.child = child;
    managed.startedAt = Date.now();
    managed.exited = false;
    logger.info({ worker: managed.spec.name, pid: child.pid, restarts: managed.restarts }, 'worker started');
    child.on('exit', (code, signal) => this.onExit(managed, code, signal));
    child.on('error', (error) => logger.error({ worker: managed.spec.name, err: error }, 'worker failed to start'));
  }

  private onExit(managed: Managed, code: number | null, signal: NodeJS.Signals | null): void {
    managed.exited = true;
    managed.exitCode = code;
    const { logger } = this.options;
    if (this.stopping || code === 0) {
      logger.info({ worker: managed.spec.name, code, signal }, 'worker exited');
      return;
    }
    if (Date.now() - managed.startedAt > HEALTHY_AFTER_MS) managed.restarts = 0;
    const max = this.options.maxRestarts ?? 3;
    if (managed.restarts >= max) {
      managed.gaveUp = true;
      logger.error({ worker: managed.spec.name, code, signal, restarts: managed.restarts }, `worker crashed ${max} times; not restarting it (see ${managed.spec.name}.log and ${managed.spec.name}.stderr.log)`);
      return;
    }
    const delay = Math.min(MAX_BACKOFF_MS, (this.options.backoffMs ?? 1000) * 2 ** Math.min(managed.restarts, 20));
    managed.restarts++;
    this.restartsTotal.count++;
    logger.warn({ worker: managed.spec.name, code, signal, restart_in_ms: delay, restarts: managed.restarts }, 'worker crashed; restarting');
    setTimeout(() => this.launch(managed), delay).unref();
  }

  private async terminate(role: WorkerSpec['role'][]): Promise<void> {
    const targets = [...this.workers.values()].filter((m) => role.includes(m.spec.role) && m.child && !m.exited);
    for (const m of targets) m.child!.kill('SIGTERM');
    const deadline = Date.now() + (this.options.stopTimeoutMs ?? 60_000);
    while (targets.some((m) => !m.exited) && Date.now() < deadline) await sleep(50);
    for (const m of targets.filter((t) => !t.exited)) {
      this.options.logger.warn({ worker: m.spec.name }, 'worker did not exit after SIGTERM; sending SIGKILL to its process group');
      try {
        process.kill(-m.child!.pid!, 'SIGKILL');
      } catch {
        m.child!.kill('SIGKILL');
      }
    }
    while (targets.some((m) => !m.exited)) await sleep(50);
  }

  /** The safe order: generators, (GPU memory free), then evaluators and the combiner. */
  async stopAll(reason: string): Promise<void> {
    this.stopping = true;
    const { logger, layout } = this.options;
    logger.info({ reason }, 'stopping workers: generators first');
    await setControl(layout.controlDir, 'stop-generators', reason).catch(() => {});
    const generatorPids = [...this.workers.values()].filter((m) => m.spec.role === 'generator' && m.child?.pid && !m.exited).map((m) => m.child!.pid!);
    // Noted before the stop: the processes that may hold GPU memory for the generators (engines).
    const engines = engineProcesses(generatorPids, recordedEngineGroups(layout.resultsDir));
    await this.terminate(['generator']);
    await waitForGpuRelease(engines, logger, { timeoutMs: this.options.gpuReleaseTimeoutMs });
    logger.info('generators stopped; stopping evaluators and the combiner');
    await this.terminate(['evaluator', 'combiner']);
  }

  /** True when workers were started here and every one has exited or been given up on. */
  allExited(): boolean {
    return this.workers.size > 0 && [...this.workers.values()].every((m) => m.exited || m.gaveUp);
  }
}
