/**
 * Wire format between Node and a fork server (both directions): one JSON header line, then raw
 * byte parts whose lengths the header gives. No escaping of programs, inputs or outputs.
 */

export type ExecMode = 'stdin' | 'functional' | 'humaneval' | 'lcb-stdin' | 'lcb-functional';

export interface ExecRequest {
  mode: ExecMode;
  /** The program (stdin/functional) or the completion (HumanEval). */
  code: string;
  /** stdin bytes (stdin kind) or the JSON-per-line arguments (functional kind). */
  input?: string;
  prompt?: string;
  test?: string;
  funcName?: string;
  entryPoint?: string;
  cpuMs: number;
  wallMs: number;
  /**
   * lcb modes only (docs/grading.md, "lcb mode"): every test's input, run in ONE child; `cpuMs`
   * and `wallMs` are then per phase (loading the program, each test) and `totalMs` bounds the sample.
   * Never mutated: its JSON is cached per array (encodeRequest).
   */
  inputs?: readonly string[];
  totalMs?: number;
}

/** lcb modes: one test's frame, forwarded by the server; Node answers go (true) or stop (false). */
export interface LcbTestFrame {
  index: number;
  /** out: captured stdout; ret: the result as JSON; unrep: a result that equals no JSON value; exc: JSON {type, message, errno}. */
  kind: 'out' | 'ret' | 'unrep' | 'exc';
  body: Buffer;
}

/** lcb modes: how the child's run ended (the server's view). */
export interface LcbEnd {
  /** -1: loading the program; else the index of the test running (= tests when all ran). */
  phase: number;
  /** Tests Node approved. */
  approved: number;
  ended: 'stop' | 'done' | 'exit' | 'timeout' | 'cpu' | 'bad_frame' | 'output_limit' | 'node_gone';
  message: string;
}

/** How the harness inside the child says the program ended (trusted only with the nonce). */
export type HarnessReport =
  | { kind: 'exception'; type: string; message: string; errno: number | null }
  | { kind: 'syntax_error'; message: string }
  | { kind: 'missing_function'; message: string }
  | { kind: 'return'; value: string }
  | { kind: 'unrepresentable'; message: string }
  | { kind: 'setup_failed'; message: string }
  | { kind: 'done' };

export interface ExecResult {
  wall_ms: number;
  cpu_ms: number;
  exit_code: number | null;
  signal: number | null;
  timed_out: boolean;
  oom: boolean;
  output_full: boolean;
  report: HarnessReport | null;
  report_invalid: boolean;
  stdout: Buffer;
  stderr: string;
  /** lcb modes only. */
  lcb?: LcbEnd;
}

export interface ResponseHeader extends Omit<ExecResult, 'stdout' | 'stderr'> {
  id: number;
  status: 'ok' | 'error';
  message?: string;
  stdout_bytes: number;
  stderr_bytes: number;
}

/** The JSON of an lcb request's inputs, encoded once per inputs array (the tests of a problem, up to MBs). */
const encodedInputs = new WeakMap<readonly string[], Buffer>();

function inputsJson(inputs: readonly string[]): Buffer {
  let b = encodedInputs.get(inputs);
  if (b === undefined) {
    b = Buffer.from(JSON.stringify(inputs));
    encodedInputs.set(inputs, b);
  }
  return b;
}

/**
 * The request as its header line and parts, in order: written as one writev (server.ts), so that an
 * lcb request's inputs (MBs, encoded once per problem) are not copied for every sample.
 */
export function encodeRequest(id: number, nonce: string, req: ExecRequest): Buffer[] {
  const parts: [string, Buffer][] = [['code', Buffer.from(req.code)], ['input', Buffer.from(req.input ?? '')]];
  if (req.prompt !== undefined) parts.push(['prompt', Buffer.from(req.prompt)]);
  if (req.test !== undefined) parts.push(['test', Buffer.from(req.test)]);
  if (req.inputs !== undefined) parts.push(['inputs', inputsJson(req.inputs)]);
  const header = {
    id,
    nonce,
    mode: req.mode,
    cpu_ms: req.cpuMs,
    wall_ms: req.wallMs,
    func_name: req.funcName,
    entry_point: req.entryPoint,
    ...(req.inputs !== undefined ? { tests: req.inputs.length, total_ms: req.totalMs } : {}),
    parts: parts.map(([name, b]) => [name, b.length]),
  };
  return [Buffer.from(JSON.stringify(header) + '\n'), ...parts.map(([, b]) => b)];
}

/**
 * Splits a byte stream into (header, body) frames; the body length comes from the header.
 * Linear in the bytes received: each chunk is searched for the header's newline once, and a
 * header or body is concatenated once, when complete (a 30 MB header line, such as a report
 * carrying a 30 MB result, arrives in hundreds of pipe chunks).
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private size = 0;
  /** Chunks before this index hold no newline (header search resumes here). */
  private scanned = 0;
  private header: Record<string, unknown> | null = null;
  private need = 0;

  constructor(
    private readonly bodyLength: (header: Record<string, unknown>) => number,
    private readonly onFrame: (header: Record<string, unknown>, body: Buffer) => void,
  ) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    for (;;) {
      if (this.header === null && !this.takeHeader()) return;
      if (this.size < this.need) return;
      const buf = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
      const header = this.header!;
      this.header = null;
      this.reset([buf.subarray(this.need)]);
      this.onFrame(header, buf.subarray(0, this.need));
    }
  }

  /** Parses the header line if its newline has arrived; false if not yet. */
  private takeHeader(): boolean {
    for (; this.scanned < this.chunks.length; this.scanned++) {
      const c = this.chunks[this.scanned]!;
      const nl = c.indexOf(10);
      if (nl < 0) continue;
      const line = Buffer.concat([...this.chunks.slice(0, this.scanned), c.subarray(0, nl)]);
      const rest = [c.subarray(nl + 1), ...this.chunks.slice(this.scanned + 1)];
      this.header = JSON.parse(line.toString('utf8')) as Record<string, unknown>;
      this.need = this.bodyLength(this.header);
      this.reset(rest);
      return true;
    }
    return false;
  }

  private reset(rest: Buffer[]): void {
    this.chunks = rest.filter((b) => b.length > 0);
    this.size = this.chunks.reduce((n, b) => n + b.length, 0);
    this.scanned = 0;
  }
}
