/**
 * The marginal figure of the side-by-side bench (bench/peers; docs/benchmarks.md, "What is measured"):
 * each side runs one workload at two sizes in the same rounds, and per round
 *   marginal CPU per program = (CPU(large) - CPU(small)) / (programs(large) - programs(small)),
 *   fixed cost (intercept)  = CPU(small) - marginal × programs(small);
 * the medians over rounds are reported, the ratio of the peer's marginal to passk's beside the
 * whole-command ratio, and for the LCB-sized workload the marginal harness overhead
 * (marginal tree CPU - marginal programs' own CPU (floor)) / marginal programs' own CPU.
 */
import { availableParallelism } from 'node:os';
import type { Floor, Run } from './measure.js';
import type { Workload } from './workloads.js';

export interface SizeRuns { w: Workload; passk: Run[]; peer: Run[]; floor: Floor[] }

export interface SideMargin {
  who: string;
  /** Per round, seconds of CPU per program at the margin. */
  perRound: number[];
  marginal: number;
  /** Per round, seconds of CPU the command costs before its first program. */
  intercepts: number[];
  intercept: number;
  /** (marginal - floor's marginal) / floor's marginal (medians), when the workload reports overhead. */
  overhead?: number;
  /** The same per round (this side's and the floor's marginal of that round). */
  overheads?: number[];
  /** Node's own share of the marginal CPU per program (passk), per round and median. */
  nodePerRound?: number[];
  node?: number;
}

export interface Margin {
  small: number;
  large: number;
  passk?: SideMargin;
  peer?: SideMargin;
  floor: { perRound: number[]; marginal: number };
  /** The peer's marginal CPU per program / passk's. */
  ratio?: number;
  /** The peer's whole command / passk's at the small (default) size, medians of wall time. */
  wholeRatio?: number;
}

export const median = (xs: number[]): number => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Round r of one size pairs with round r of the other (both ran in the same interleaved round). */
function pairs<T>(small: T[], large: T[], f: (s: T, l: T) => number): number[] {
  return small.slice(0, Math.min(small.length, large.length)).map((s, r) => f(s, large[r]!));
}

function side(small: Run[], large: Run[], nSmall: number, nLarge: number, floor: Margin['floor'], overhead: boolean): SideMargin | undefined {
  if (!small.length || !large.length) return undefined;
  const perRound = pairs(small, large, (s, l) => (l.cpu - s.cpu) / (nLarge - nSmall));
  const intercepts = pairs(small, large, (s, l) => s.cpu - ((l.cpu - s.cpu) / (nLarge - nSmall)) * nSmall);
  const marginal = median(perRound);
  const overheads = perRound.slice(0, floor.perRound.length).map((m, r) => (m - floor.perRound[r]!) / floor.perRound[r]!);
  const nodePerRound = small[0]!.nodeCpu === undefined ? undefined : pairs(small, large, (s, l) => (l.nodeCpu! - s.nodeCpu!) / (nLarge - nSmall));
  return {
    who: small[0]!.who, perRound, marginal, intercepts, intercept: median(intercepts),
    ...(overhead ? { overhead: (marginal - floor.marginal) / floor.marginal, overheads } : {}),
    ...(nodePerRound ? { nodePerRound, node: median(nodePerRound) } : {}),
  };
}

export function margin(small: SizeRuns, large: SizeRuns): Margin {
  const n0 = small.w.count;
  const n1 = large.w.count;
  const floorRounds = pairs(small.floor, large.floor, (s, l) => (l.cpu_s - s.cpu_s) / (n1 - n0));
  const floor = { perRound: floorRounds, marginal: median(floorRounds) };
  const overhead = small.w.overhead === true;
  const passk = side(small.passk, large.passk, n0, n1, floor, overhead);
  const peer = side(small.peer, large.peer, n0, n1, floor, overhead);
  const m: Margin = { small: n0, large: n1, floor, ...(passk ? { passk } : {}), ...(peer ? { peer } : {}) };
  if (passk && peer) m.ratio = peer.marginal / passk.marginal;
  if (small.passk.length && small.peer.length) m.wholeRatio = median(small.peer.map((r) => r.wall)) / median(small.passk.map((r) => r.wall));
  return m;
}

const ms = (s: number): string => `${(1000 * s).toFixed(2)} ms`;
const pct = (x: number): string => `${(100 * x).toFixed(0)} %`;

function sideLines(s: SideMargin): string[] {
  const cores = availableParallelism();
  return [
    `    ${s.who}: marginal CPU per program ${s.perRound.map(ms).join(' / ')}, median ${ms(s.marginal)} (= ${(cores / s.marginal).toFixed(0)} programs/s if the ${cores} cores were its own);` +
      ` fixed cost (intercept) ${s.intercepts.map((x) => `${x.toFixed(2)} s`).join(' / ')}, median ${s.intercept.toFixed(2)} s`,
    ...(s.node !== undefined ? [`      of the marginal CPU, Node's own: ${s.nodePerRound!.map(ms).join(' / ')}, median ${ms(s.node)} per program`] : []),
    ...(s.overhead !== undefined
      ? [`      marginal harness overhead = (marginal tree CPU - marginal programs' own CPU) / marginal programs' own CPU = ${pct(s.overhead)} (medians); per round ${s.overheads!.map(pct).join(' / ')}`]
      : []),
  ];
}

export function marginLines(m: Margin): string[] {
  const out = [`  MARGINAL (${m.small} -> ${m.large} programs, the same rounds):`];
  if (m.passk) out.push(...sideLines(m.passk));
  if (m.peer) out.push(...sideLines(m.peer));
  out.push(`    floor (programs' own CPU): marginal ${m.floor.perRound.map(ms).join(' / ')}, median ${ms(m.floor.marginal)} per program`);
  if (m.ratio !== undefined) {
    out.push(`  RATIO at the margin: ${m.ratio.toFixed(2)}x (the peer's marginal CPU per program / passk's), beside the whole command's ${m.wholeRatio?.toFixed(2) ?? '?'}x at ${m.small} programs (the headline)`);
  }
  return out;
}
