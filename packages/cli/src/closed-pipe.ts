/**
 * A reader that goes away early (`passk status --watch | head`, `passk runs | less` quit) closes passk's
 * stdout: the next write fails with EPIPE, an 'error' event nobody handled, and Node printed a stack trace.
 * A command that only shows something stops there quietly (exit 0, as `yes | head` does); one that does
 * work (`run`, `resume`, `regrade`, the daemons) goes on: its terminal lines are lost, its work and logs not.
 */
const WORKING = new Set(['run', 'resume', 'regrade', 'generator', 'evaluator', 'combiner']);
const CLOSED = new Set(['EPIPE', 'ERR_STREAM_DESTROYED']);

/** The command word of a passk command line: the first word that is neither a flag nor --home's value. */
export function commandWord(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--home') i++;
    else if (!args[i]!.startsWith('-')) return args[i];
  }
  return undefined;
}

export function handleClosedOutput(args: string[]): void {
  const working = WORKING.has(commandWord(args) ?? '');
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (!CLOSED.has(error.code ?? '')) throw error;
      if (!working) process.exit(0);
    });
  }
}
