/**
 * The side-by-side bench's option parsing (bench/peers/main.ts): counts and the `--marginal` spec, with
 * an error naming the option and the value when either is not what the bench can run.
 */

/** The workloads the bench knows, in the order it runs them. */
export const WORKLOADS = ['humaneval', 'lcb-quick', 'lcb-sized', 'lowtemp'];

/** A positive integer option, or an error naming the option. */
export function parseCount(option: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${option} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

/**
 * `--marginal F` (every workload run at F times its copies as well) or `--marginal humaneval=2,lcb-quick=5`
 * (only those). F is an integer >= 2, so the larger size holds whole copies of every program.
 */
export function parseMarginal(spec: string | undefined, workloads: string[]): Map<string, number> {
  const out = new Map<string, number>();
  if (spec === undefined) return out;
  const factor = (v: string | undefined, what: string): number => {
    const f = Number(v);
    if (!Number.isInteger(f) || f < 2) throw new Error(`--marginal: the factor ${what} must be an integer >= 2, got ${JSON.stringify(v)}`);
    return f;
  };
  if (!spec.includes('=')) {
    const f = factor(spec, 'for every workload');
    for (const w of workloads) out.set(w, f);
    return out;
  }
  for (const part of spec.split(',').filter(Boolean)) {
    const [name, value] = part.split('=');
    if (!name || !workloads.includes(name)) throw new Error(`--marginal: ${JSON.stringify(name)} is not one of the workloads run (${workloads.join(', ')})`);
    out.set(name, factor(value, `of ${name}`));
  }
  return out;
}
