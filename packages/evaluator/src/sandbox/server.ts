/** One fork server process and its pipes: start, one request at a time, death detection. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { PasskError } from '@passk/core';
import { encodeRequest, FrameReader, type ExecRequest, type ExecResult, type LcbTestFrame, type ResponseHeader } from './protocol.js';
import type { ResolvedOptions } from '../options.js';
import { sweepServerCgroups } from './cgroup.js';

/** What the server reports about its isolation (see docs/sandbox.md). */
export interface SandboxInfo {
  level: 'full' | 'degraded';
  netns: boolean;
  mountns: boolean;
  cgroup: boolean;
  uid: number | null;
  /** The seccomp filter is installed (passk_seccomp.py). */
  seccomp?: boolean;
  warnings: string[];
}

export interface Hello {
  pid: number;
  python: string;
  executable: string;
  sandbox: SandboxInfo;
}

export const SERVER_SCRIPT = fileURLToPath(new URL('../../python/passk_forkserver.py', import.meta.url));
const START_TIMEOUT_MS = 30_000;
/** Extra time, beyond the wall backstop, before a silent server counts as hung. */
const HANG_GRACE_MS = 10_000;
/** A wall limit stretches by the run-queue wait of a starved program, to at most this many times its length (passk_starvation.py). */
const STARVED_WALL_FACTOR = 4;

type Pending = { resolve: (r: ExecResult) => void; reject: (e: Error) => void; timer: NodeJS.Timeout; onTest?: OnTest; hangMs?: number };
/** lcb modes: judge one test's frame; true = passed, run the next test; false = stop. */
export type OnTest = (frame: LcbTestFrame) => boolean | Promise<boolean>;

export class ForkServer {
  private nextId = 1;
  private pending: Pending | null = null;
  private dead: Error | null = null;
  private stderrTail = '';
  private helloWaiter: Pending | null = null;
  hello: Hello | null = null;
  /** Settles once the server has exited and its cgroups are swept (docs/sandbox.md, "Crash semantics"). */
  readonly finished: Promise<void>;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    const pid = child.pid;
    // Whatever its execution left running (a setsid'd grandchild) dies with it.
    this.finished = new Promise<void>((resolve) => {
      child.once('exit', () => void (pid === undefined ? resolve() : sweepServerCgroups(pid).then(resolve, resolve)));
      if (pid === undefined) child.once('error', () => resolve()); // never started: no 'exit' will come
    });
  }

  static async start(python: string, o: ResolvedOptions): Promise<ForkServer> {
    const options = {
      mem_bytes: o.memBytes,
      output_bytes: o.outputBytes,
      max_procs: o.maxProcesses,
      tmp_bytes: o.scratchBytes,
      isolation: o.isolation,
      server_compile: o.serverCompile,
    };
    // -s (no user site) but not -S: `site` runs as in `python3`, so the interpreter's site-packages
    // (numpy, ...) and .pth entries are importable. Not -I: it implies -E, which would ignore the
    // PYTHONHASHSEED=0 below (str hashes, so set iteration order, would then differ from server to
    // server and from run to run); the environment is this one, built here, nothing inherited.
    const child = spawn(python, ['-s', SERVER_SCRIPT, JSON.stringify(options)], {
      stdio: ['pipe', 'pipe', 'pipe'],
      // serverEnv: tests only (GraderOptions.serverEnv), never overriding the three fixed names.
      // PASSK_RUN_MARKER: an opaque tag of the run's processes (set by whoever starts `passk run`, e.g.
      // the crash test) kept on the server, so that a leftover server or child can be found by it.
      env: { ...o.serverEnv, PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', PYTHONHASHSEED: '0', ...(process.env.PASSK_RUN_MARKER ? { PASSK_RUN_MARKER: process.env.PASSK_RUN_MARKER } : {}) },
    });
    const server = new ForkServer(child);
    server.wire();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => server.fail(new Error(`no hello within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      server.helloWaiter = { resolve: () => resolve(), reject, timer };
    });
    return server;
  }

  get alive(): boolean {
    return this.dead === null;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private wire(): void {
    const reader = new FrameReader(
      (h) => ('hello' in h ? 0 : Number(h.stdout_bytes ?? 0) + Number(h.stderr_bytes ?? 0)),
      (h, body) => this.onFrame(h, body),
    );
    this.child.stdout.on('data', (chunk: Buffer) => {
      try {
        reader.push(chunk);
      } catch (error) {
        this.fail(new Error(`protocol error: ${(error as Error).message}`));
      }
    });
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-2000);
    });
    // EPIPE / broken pipe: the server died under us. Never let it crash Node.
    this.child.stdin.on('error', (e) => this.fail(new Error(`fork server stdin: ${e.message}`)));
    this.child.stdout.on('error', (e) => this.fail(new Error(`fork server stdout: ${e.message}`)));
    this.child.on('error', (e) => this.fail(new Error(`fork server: ${e.message}`)));
    this.child.on('exit', (code, sig) => this.fail(new Error(`fork server exited (${sig ?? `code ${code}`})`)));
  }

  private onFrame(h: Record<string, unknown>, body: Buffer): void {
    if ('hello' in h) {
      this.hello = h as unknown as Hello;
      const w = this.helloWaiter;
      this.helloWaiter = null;
      if (w) {
        clearTimeout(w.timer);
        w.resolve(undefined as never);
      }
      return;
    }
    if (h.status === 'test') return this.onTestFrame(h, body);
    const header = h as unknown as ResponseHeader;
    const p = this.pending;
    this.pending = null;
    if (!p) return this.fail(new Error('unexpected response'));
    clearTimeout(p.timer);
    if (header.status !== 'ok') {
      p.reject(new PasskError('ERR_SANDBOX', `fork server: ${header.message ?? 'unknown error'}`));
      return;
    }
    const { id: _id, status: _s, message: _m, stdout_bytes, stderr_bytes, ...rest } = header;
    p.resolve({ ...rest, stdout: body.subarray(0, stdout_bytes), stderr: body.subarray(stdout_bytes, stdout_bytes + stderr_bytes).toString('utf8') });
  }

  /** lcb modes: a test's output before the execution ends; answer go/stop on the request pipe. */
  private onTestFrame(h: Record<string, unknown>, body: Buffer): void {
    const p = this.pending;
    if (!p?.onTest) return this.fail(new Error('unexpected test frame'));
    clearTimeout(p.timer);
    p.timer = setTimeout(() => this.fail(new Error(`no response within ${p.hangMs} ms`)), p.hangMs);
    const frame = { index: Number(h.index), kind: h.kind as LcbTestFrame['kind'], body: body.subarray(0, Number(h.stdout_bytes ?? 0)) };
    // A big stdout is compared in a worker thread (compare/offload.ts): the answer may come later.
    void Promise.resolve()
      .then(() => p.onTest!(frame))
      .then(
        (go) => {
          if (!this.dead && this.pending === p) this.child.stdin.write(go ? 'g\n' : 's\n');
        },
        (error: Error) => this.fail(error),
      );
  }

  private fail(error: Error): void {
    if (this.dead) return;
    const tail = this.stderrTail.trim().split('\n').slice(-3).join(' | ');
    this.dead = new PasskError('ERR_SANDBOX', tail ? `${error.message}; stderr: ${tail}` : error.message, { cause: error });
    for (const w of [this.helloWaiter, this.pending]) {
      if (w) {
        clearTimeout(w.timer);
        w.reject(this.dead);
      }
    }
    this.helloWaiter = this.pending = null;
    this.kill();
  }

  /** Run one execution. Rejects (ERR_SANDBOX) only for infrastructure trouble. */
  run(req: ExecRequest, onTest?: OnTest): Promise<ExecResult> {
    if (this.dead) return Promise.reject(this.dead);
    if (this.pending) return Promise.reject(new PasskError('ERR_SANDBOX', 'fork server busy'));
    const id = this.nextId++;
    const nonce = randomBytes(16).toString('hex');
    // lcb modes: wallMs is per phase (loading, then each test; the first frame comes after two), re-armed at each test frame
    const hangMs = (req.inputs ? 2 : 1) * STARVED_WALL_FACTOR * req.wallMs + HANG_GRACE_MS;
    return new Promise<ExecResult>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new Error(`no response within ${hangMs} ms`)), hangMs);
      this.pending = { resolve, reject, timer, hangMs, ...(onTest ? { onTest } : {}) };
      const stdin = this.child.stdin;
      stdin.cork(); // one writev for the header and the parts
      for (const chunk of encodeRequest(id, nonce, req)) stdin.write(chunk);
      stdin.uncork();
    });
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    this.dead ??= new PasskError('ERR_SANDBOX', 'fork server closed');
  }

  /** Close stdin and wait for the process to go (SIGKILL after a short grace) and its cgroups to be swept. */
  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
      this.dead ??= new PasskError('ERR_SANDBOX', 'fork server closed');
      this.child.stdin.end();
      const t = setTimeout(() => this.child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(t);
    }
    await this.finished;
  }
}
