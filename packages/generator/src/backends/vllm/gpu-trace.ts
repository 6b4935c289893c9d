/** `vllm` backend: the `nvidia-smi` trace of one GPU into `{logDir}/gpu_trace.csv`. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { type BackendLogger, sleep } from '../common.js';
import { onPath } from './availability.js';

/** Samples nvidia-smi into a CSV (whole lines only, so several generators can share the file). */
export class GpuTrace {
  private child?: ChildProcess;
  private out?: WriteStream;
  constructor(
    private readonly file: string,
    private readonly gpu: number,
    private readonly intervalMs: number,
    private readonly logger: BackendLogger,
  ) {}
  start(): void {
    if (this.intervalMs <= 0 || !onPath('nvidia-smi')) return;
    const fresh = !existsSync(this.file);
    this.out = createWriteStream(this.file, { flags: 'a' });
    if (fresh) this.out.write('timestamp,gpu,utilization_gpu_pct,memory_used_mib,memory_total_mib,power_draw_w,temperature_c\n');
    const ms = Math.max(100, this.intervalMs);
    this.child = spawn(
      'nvidia-smi',
      [
        '--query-gpu=timestamp,index,utilization.gpu,memory.used,memory.total,power.draw,temperature.gpu',
        '--format=csv,noheader,nounits',
        `-i`,
        String(this.gpu),
        '-lms',
        String(ms),
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let rest = '';
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (t: string) => {
      const lines = (rest + t).split('\n');
      rest = lines.pop()!;
      for (const l of lines) if (l.trim()) this.out?.write(l.replace(/,\s+/g, ',') + '\n');
    });
    this.child.on('error', (e) => this.logger.debug({ err: e.message }, 'nvidia-smi trace failed'));
  }
  async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null) {
      const exited = new Promise((r) => this.child!.once('exit', r));
      this.child.kill('SIGTERM');
      await Promise.race([exited, sleep(2000)]);
    }
    await new Promise<void>((r) => (this.out ? this.out.end(r) : r()));
  }
}
