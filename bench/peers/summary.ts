/**
 * The side-by-side bench's summary lines (bench/peers): medians of the interleaved rounds, the ratio to the
 * peer, inner figures per program, the CPU split, the floor, harness overhead as a share of the programs'
 * own CPU (floor.py). The verdict checks are bench/peers/verdicts.ts, the marginal figure bench/peers/marginal.ts.
 */
import { availableParallelism } from 'node:os';
import type { Floor, Run } from './measure.js';
import type { Workload } from './workloads.js';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const list = (xs: number[]): string => xs.map((x) => x.toFixed(2)).join(' / ');
const pct = (x: number): string => `${(100 * x).toFixed(0)} %`;

function side(name: string, w: Workload, rs: Run[], floorCpu: number): string[] {
  if (rs.length === 0) return [`  ${name}: not run`];
  const wall = median(rs.map((r) => r.wall));
  const inner = median(rs.map((r) => r.inner));
  const cpu = median(rs.map((r) => r.cpu));
  const node = rs[0]!.nodeCpu !== undefined ? median(rs.map((r) => r.nodeCpu!)) : undefined;
  const lines = [
    `  ${name}: whole command ${list(rs.map((r) => r.wall))} s, median ${wall.toFixed(2)} s = ${(w.count / wall).toFixed(0)} samples/s`,
    `    inner ${list(rs.map((r) => r.inner))} s, median ${inner.toFixed(2)} s = ${((1000 * inner) / w.count).toFixed(2)} ms per sample; start-up and the rest ${(wall - inner).toFixed(2)} s`,
    `    CPU of the process tree: median ${cpu.toFixed(2)} s (user ${median(rs.map((r) => r.user)).toFixed(2)}, sys ${median(rs.map((r) => r.sys)).toFixed(2)})` +
      (node !== undefined ? `, of which Node ${node.toFixed(2)} s and Python (fork servers + children) ${(cpu - node).toFixed(2)} s` : '') +
      `; ${((1000 * cpu) / w.count).toFixed(2)} ms per sample = ${((w.count * availableParallelism()) / cpu).toFixed(0)} samples/s if the ${availableParallelism()} cores were its own`,
  ];
  if (w.overhead) lines.push(`    harness overhead = (tree CPU - programs' own CPU) / programs' own CPU = (${cpu.toFixed(2)} - ${floorCpu.toFixed(2)}) / ${floorCpu.toFixed(2)} = ${pct((cpu - floorCpu) / floorCpu)}`);
  return lines;
}

export function summarise(w: Workload, passk: Run[], peer: Run[], floor: Floor[]): string[] {
  const floorCpu = median(floor.map((f) => f.cpu_s));
  const cores = availableParallelism();
  const out = [`### ${w.name}${w.dedup ? ', dedup on' : ''}`];
  out.push(...side('passk evaluate', w, passk, floorCpu));
  if (peer.length) out.push(...side(peer[0]!.who, w, peer, floorCpu));
  else out.push('  peer: not measured (no peer dir / peer missing)');
  if (passk.length && peer.length) {
    const ratio = median(peer.map((r) => r.wall)) / median(passk.map((r) => r.wall));
    const inner = median(peer.map((r) => r.inner)) / median(passk.map((r) => r.inner));
    const cpu = median(peer.map((r) => r.cpu)) / median(passk.map((r) => r.cpu));
    out.push(`  RATIO passk vs ${peer[0]!.who}: whole command ${ratio.toFixed(2)}x, inner ${inner.toFixed(2)}x, CPU ${cpu.toFixed(2)}x (the peer's tree CPU / passk's: the figure that survives a loaded machine)`);
  }
  const f = floor[0]!;
  out.push(`  floor (programs exec'd in one process): ${list(floor.map((x) => x.cpu_s))} s CPU, median ${floorCpu.toFixed(2)} s = ${((1000 * floorCpu) / f.programs).toFixed(2)} ms per program` +
    ` (${f.executions} executions) ≈ ${((f.programs * cores) / floorCpu).toFixed(0)} programs/s on ${cores} cores; passed ${f.passed}/${f.programs}`);
  return out;
}
