/**
 * K fork servers, one request in flight each. A failed server (death, EPIPE, hang, protocol
 * error, a limit it could not set) is replaced and the execution retried; after `attempts`
 * failures the execution rejects with ERR_SANDBOX, which the grader turns into `infra_error`.
 * A program killed by a signal the sandbox cannot explain is retried the same way, and is the
 * program's verdict only once the same death happens again.
 *
 * Admission (docs/sandbox.md, "Time-outs do not block other work"): at most `workers` executions
 * count as running; one in flight for longer than SLOW_MS (a program that sleeps into its wall
 * limit, say) stops counting, and another starts beside it, on an extra server started on demand,
 * up to OVERFLOW × workers executions in flight. Verdicts do not depend on it: limits are CPU time,
 * and wall limits discount a starved program's run-queue wait (passk_starvation.py).
 */
import { PasskError } from '@passk/core';
import { ForkServer, type OnTest, type SandboxInfo } from './server.js';
import type { ExecRequest, ExecResult } from './protocol.js';
import type { ResolvedOptions } from '../options.js';
import { signalName, unexplainedSignal } from '../outcome.js';

const MAX_START_ATTEMPTS = 10;
/** An execution in flight for longer than this no longer holds one of the `workers` slots. */
export const SLOW_MS = 500;
/** In-flight executions (and servers) at most, as a multiple of `workers`. */
export const OVERFLOW = 2;

interface Flight {
  start: number;
  timer: NodeJS.Timeout;
}

export interface PoolStats {
  executions: number;
  /** Executions retried after an infrastructure failure (a server's death, a hang, a setup failure). */
  retries: number;
  /** Executions that failed every attempt. */
  infraErrors: number;
  serverStarts: number;
  /** Executions killed by a signal the sandbox could not explain (retried; docs/grading.md). */
  unexplainedDeaths: number;
  /** Extra servers started beside slow executions (not counted in serverStarts). */
  overflowStarts: number;
}

export class ServerPool {
  private idle: ForkServer[] = [];
  private waiters: ((s: ForkServer) => void)[] = [];
  private flights = new Set<Flight>();
  private admissions: ((f: Flight) => void)[] = [];
  private extra = 0;
  private closed = false;
  /** Servers killed after a failure: close() waits until they have exited and been swept. */
  private killed = new Set<Promise<void>>();
  sandbox: SandboxInfo | null = null;
  /** The interpreter's version, from the first server's hello. */
  pythonVersion: string | null = null;
  readonly stats: PoolStats = { executions: 0, retries: 0, infraErrors: 0, serverStarts: 0, unexplainedDeaths: 0, overflowStarts: 0 };

  constructor(
    private readonly python: string,
    private readonly options: ResolvedOptions,
  ) {}

  async start(): Promise<void> {
    const servers = await Promise.all(Array.from({ length: this.options.workers }, () => this.spawn()));
    this.idle.push(...servers);
  }

  private async spawn(overflow = false): Promise<ForkServer> {
    if (overflow) this.stats.overflowStarts++;
    else this.stats.serverStarts++;
    const server = await ForkServer.start(this.python, this.options);
    if (!this.sandbox && server.hello) {
      this.sandbox = server.hello.sandbox;
      this.pythonVersion = server.hello.python;
      for (const w of this.sandbox.warnings) this.options.onWarning(`sandbox ${this.sandbox.level === 'full' ? 'warning' : 'degraded'}: ${w}`);
    }
    return server;
  }

  private acquire(): Promise<ForkServer> {
    const s = this.idle.pop();
    if (s) return Promise.resolve(s);
    if (this.options.workers + this.extra < OVERFLOW * this.options.workers && !this.closed) {
      this.extra++; // beside a slow execution (admission let one more in): a server of its own
      return this.spawn(true).catch(() => {
        this.extra--;
        return new Promise<ForkServer>((resolve) => this.waiters.push(resolve));
      });
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private canAdmit(): boolean {
    if (this.flights.size >= OVERFLOW * this.options.workers) return false;
    const now = performance.now();
    let running = 0;
    for (const f of this.flights) if (now - f.start < SLOW_MS) running++;
    return running < this.options.workers;
  }

  private board(): Flight {
    const f: Flight = { start: performance.now(), timer: setTimeout(() => this.pump(), SLOW_MS + 1) };
    f.timer.unref();
    this.flights.add(f);
    return f;
  }

  /** A flight now if there is room (synchronously: the caller then takes an idle server at once), else null. */
  private tryBoard(): Flight | null {
    // Closed: no admission; what is queued drains through `waiters` as the servers come back.
    return this.closed || (this.admissions.length === 0 && this.canAdmit()) ? this.board() : null;
  }

  private land(f: Flight): void {
    clearTimeout(f.timer);
    this.flights.delete(f);
    this.pump();
  }

  /** Let waiting executions in, in order, while there is room. */
  private pump(): void {
    while (this.admissions.length > 0 && this.canAdmit()) this.admissions.shift()!(this.board());
  }

  private release(s: ForkServer): void {
    const w = this.waiters.shift();
    if (w) w(s); // also after close(): queued executions drain
    else if (this.closed) void s.close();
    else this.idle.push(s);
  }

  /** Start a replacement for a dead server, with a short pause between failed starts. */
  private async replace(): Promise<ForkServer> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.spawn();
      } catch (error) {
        if (this.closed || attempt >= MAX_START_ATTEMPTS) throw error;
        this.options.onWarning(`fork server restart failed (attempt ${attempt}): ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  }

  /** `onTest`: lcb modes (called again from the first test when an attempt is retried). */
  async exec(req: ExecRequest, onTest?: OnTest): Promise<ExecResult> {
    if (this.closed) throw new PasskError('ERR_SANDBOX', 'the grader is closed');
    const flight = this.tryBoard() ?? (await new Promise<Flight>((resolve) => this.admissions.push(resolve)));
    try {
      return await this.attempts(req, onTest);
    } finally {
      this.land(flight);
    }
  }

  private async attempts(req: ExecRequest, onTest?: OnTest): Promise<ExecResult> {
    this.stats.executions++;
    let last: Error | null = null;
    const unexplained: number[] = [];
    let afterDeath = false; // this attempt retries an unexplained death (counted in unexplainedDeaths)
    for (let attempt = 1; attempt <= this.options.attempts; attempt++) {
      if (attempt > 1 && !afterDeath) this.stats.retries++;
      afterDeath = false;
      let server = await this.acquire();
      if (!server.alive) {
        try {
          server = await this.replace();
        } catch (e) {
          last = e as Error;
          this.release(server);
          continue;
        }
      }
      let result: ExecResult;
      try {
        result = await server.run(req, onTest);
        if (result.report?.kind === 'setup_failed') throw new PasskError('ERR_SANDBOX', `child setup failed: ${result.report.message}`);
        this.release(server);
      } catch (error) {
        last = error as Error;
        this.options.onWarning(`execution failed (attempt ${attempt}/${this.options.attempts}), restarting fork server ${server.pid}: ${last.message}`);
        server.kill();
        const finished = server.finished.then(() => void this.killed.delete(finished));
        this.killed.add(finished);
        try {
          this.release(await this.replace());
        } catch (e) {
          last = e as Error;
          this.release(server); // dead: the next user starts a replacement
        }
        if (this.closed) break;
        continue;
      }
      // A death the sandbox cannot explain (an outside SIGKILL, say) is retried; once it happens
      // again to the same program it is the program's own (docs/grading.md, "Verdict statuses").
      const sig = unexplainedSignal(req, result);
      if (sig === null || unexplained.includes(sig)) return result;
      unexplained.push(sig);
      this.stats.unexplainedDeaths++;
      afterDeath = true;
      last = new PasskError('ERR_SANDBOX', `the program was killed by ${signalName(sig)} from outside the sandbox's limits, and never again the same way`);
      this.options.onWarning(`execution killed by ${signalName(sig)} (no time-out, no OOM in its cgroup; attempt ${attempt}/${this.options.attempts}): retrying`);
      if (this.closed) break;
    }
    this.stats.infraErrors++;
    throw new PasskError('ERR_SANDBOX', `sandbox failed ${this.options.attempts} times: ${last?.message ?? 'closed'}`, { cause: last });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const admit of this.admissions.splice(0)) admit(this.board());
    const idle = this.idle;
    this.idle = [];
    await Promise.all(idle.map((s) => s.close()));
    await Promise.all([...this.killed]);
  }
}
