/**
 * Download progress: a redrawn bar on a TTY, plain lines otherwise (one per 10 %, or per 64 MiB
 * when the size is unknown), so logs stay readable.
 */
export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface Progress {
  start(total: number | undefined, resumedFrom: number): void;
  update(received: number, total?: number): void;
  done(message: string): void;
}

const MiB = 1024 * 1024;
const mb = (n: number): string => `${(n / MiB).toFixed(1)} MiB`;

export function createProgress(label: string, sink: ProgressSink | undefined, now: () => number = Date.now): Progress {
  if (!sink) return { start() {}, update() {}, done() {} };
  const tty = sink.isTTY === true;
  let t0 = now();
  let from = 0;
  let lastDraw = 0;
  let lastStep = -1;
  const rate = (received: number): string => {
    const secs = (now() - t0) / 1000;
    return secs > 0 ? `${mb((received - from) / secs)}/s` : '';
  };
  return {
    start(total, resumedFrom) {
      t0 = now();
      from = resumedFrom;
      const resumed = resumedFrom > 0 ? ` (resuming at ${mb(resumedFrom)})` : '';
      if (!tty) sink.write(`${label}: ${total !== undefined ? mb(total) : 'size unknown'}${resumed}\n`);
    },
    update(received, total) {
      if (tty) {
        if (now() - lastDraw < 100 && received !== total) return;
        lastDraw = now();
        const width = 30;
        const frac = total ? Math.min(1, received / total) : 0;
        const bar = total ? `[${'#'.repeat(Math.round(frac * width)).padEnd(width, '-')}] ${(frac * 100).toFixed(0).padStart(3)}%` : '';
        sink.write(`\r${label} ${bar} ${mb(received)}${total ? ` / ${mb(total)}` : ''} ${rate(received)}\x1b[K`);
        return;
      }
      const step = total ? Math.floor((received / total) * 10) : Math.floor(received / (64 * MiB));
      if (step <= lastStep || (total && step === 0)) return;
      lastStep = step;
      sink.write(`${label}: ${total ? `${step * 10}% ` : ''}${mb(received)} ${rate(received)}\n`);
    },
    done(message) {
      sink.write(`${tty ? '\r\x1b[K' : ''}${label}: ${message}\n`);
    },
  };
}
