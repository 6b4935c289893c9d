/** The project's one seeded PRNG: the bootstrap's resampling (@passk/stats) and the tiny model's weights use it. */

/** mulberry32: a small, fast, seedable 32-bit PRNG; returns floats in [0, 1). The same seed, the same sequence. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
