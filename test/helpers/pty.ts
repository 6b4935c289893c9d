/**
 * Running a command in a pseudo-terminal, as a user's terminal does: `script -qfec CMD /dev/null` (util-linux)
 * gives the command a pty whose line discipline turns a written \x03 into SIGINT for the whole foreground
 * process group, exactly like Ctrl-C. Output is collected as it arrives (\r removed); tests wait on it.
 */
import { spawn } from 'node:child_process';

const quote = (word: string) => (/^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

export interface InPty {
  /** Everything the command wrote to the terminal so far, without \r. */
  output: () => string;
  /** Type bytes on the terminal (\x03 is Ctrl-C). */
  type: (bytes: string) => void;
  /** Resolves with the output once `pattern` matches it (timeoutMs is a guard, not a pace). */
  waitForOutput: (pattern: RegExp, timeoutMs: number, what: string) => Promise<RegExpMatchArray>;
  /** Every output chunk is passed here too (to sample processes while they live). */
  onOutput: (listener: () => void) => void;
  exit: Promise<number | null>;
}

export function startInPty(argv: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): InPty {
  const child = spawn('script', ['-qfec', argv.map(quote).join(' '), '/dev/null'], { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const listeners: Array<() => void> = [];
  const waiters = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += String(d).replace(/\r/g, '');
    for (const l of listeners) l();
    for (const w of waiters) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitForOutput = (pattern: RegExp, timeoutMs: number, what: string) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const m = pattern.exec(out);
        if (!m) return;
        done();
        resolve(m);
      };
      const timer = setTimeout(() => (done(), reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; output so far:\n${out}`))), timeoutMs);
      const done = () => (clearTimeout(timer), waiters.delete(check));
      waiters.add(check);
      check();
    });
  return {
    output: () => out,
    type: (bytes) => void child.stdin!.write(bytes),
    waitForOutput,
    onOutput: (listener) => void listeners.push(listener),
    exit,
  };
}
