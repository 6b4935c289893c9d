/**
 * Did-you-mean for the command line: a misspelt command (`passk stauts --run demo`) or flag (`--wach`) is
 * named as such, with the closest known spelling, instead of yargs' "Unknown arguments: run, stauts".
 */

/** Edit distance (insert, delete, substitute, swap of neighbours). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest candidate within a third of the word's length (at least 2 edits), or undefined. */
export function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const dist = editDistance(word.toLowerCase(), c.toLowerCase());
    if (dist < bestD) [best, bestD] = [c, dist];
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * The human message for a yargs failure, or undefined to keep yargs' own. `args` is the command line,
 * `commands` the known command names, `options` the option keys of the command being parsed.
 */
export function didYouMean(message: string, args: string[], commands: string[], options: string[]): string | undefined {
  const first = args.find((a) => !a.startsWith('-'));
  if (commands.length && first !== undefined && !commands.includes(first) && args.indexOf(first) === 0) {
    const guess = closest(first, commands);
    return `unknown command \`${first}\`${guess ? `; did you mean \`passk ${guess}\`?` : ''} (\`passk --help\` lists the commands)`;
  }
  const m = /^Unknown arguments?: (.*)$/.exec(message);
  if (!m) return undefined;
  const flags = [...new Set(options.map(kebab))].filter((o) => o.length > 1);
  const parts = [...new Set(m[1]!.split(', ').map(kebab))].map((name) => {
    const guess = closest(name, flags);
    const negated = args.some((a) => a === `--no-${name}` || a.startsWith(`--no-${name}=`));
    const spelt = name.length > 1 ? `--${negated ? 'no-' : ''}${name}` : `-${name}`;
    return `unknown option \`${spelt}\`${guess ? `; did you mean \`--${guess}\`?` : ''}`;
  });
  return `${parts.join('; ')} (\`passk ${first ?? ''} --help\` lists the options)`.replace('passk  --help', 'passk --help');
}
