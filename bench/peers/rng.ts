/** A seeded PRNG (mulberry32) for the bench's generated workloads: the same seed, the same files. */
export interface Rng {
  /** An integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number;
  shuffle<T>(xs: T[]): void;
}

export function rng(seed: number): Rng {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
  return {
    int,
    shuffle<T>(xs: T[]): void {
      for (let i = xs.length - 1; i > 0; i--) {
        const j = int(0, i);
        [xs[i], xs[j]] = [xs[j]!, xs[i]!];
      }
    },
  };
}
