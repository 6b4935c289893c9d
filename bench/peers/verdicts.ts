/**
 * The side-by-side bench's verdict checks (bench/peers): on every run, passk's verdicts against the peer's
 * run of the same round, program by program (copies included); each side's rounds against its own round 0;
 * within each run, every copy of a program against the program itself (a copy differs only by a comment);
 * and, among the agreeing ones, the verdict classes (wrong / timeout / error and the failing test for LCB).
 */
import type { Run } from './measure.js';
import type { Workload } from './workloads.js';

const differing = (a: Run, b: Run): number[] => a.verdicts.map((v, i) => i).filter((i) => a.verdicts[i]!.passed !== b.verdicts[i]?.passed);

function againstOwnRoundZero(w: Workload, name: string, rs: Run[]): string[] {
  const out: string[] = [];
  for (let r = 1; r < rs.length; r++) {
    const d = differing(rs[r]!, rs[0]!);
    if (d.length) out.push(`  VERDICTS ${name} round ${r} differs from its round 0 on ${d.length} samples`);
    for (const i of d.slice(0, 10)) out.push(`    sample ${i} (${w.labels[i]}): round 0 ${rs[0]!.verdicts[i]!.detail} | round ${r} ${rs[r]!.verdicts[i]!.detail}`);
  }
  return out;
}

/** Rows of one run whose verdict differs from the original program's in the same run. */
function againstOriginals(w: Workload, name: string, rs: Run[]): string[] {
  if (w.copies <= 1 || rs.length === 0) return [];
  const out: string[] = [];
  rs.forEach((run, r) => {
    const d = run.verdicts.map((v, i) => i).filter((i) => run.verdicts[i]!.passed !== run.verdicts[w.copyOf[i]!]?.passed);
    if (d.length) out.push(`  VERDICTS ${name} round ${r}: ${d.length} copies differ from their original program`);
    for (const i of d.slice(0, 10)) out.push(`    sample ${i} (${w.labels[i]}, a copy of ${w.copyOf[i]}): ${run.verdicts[i]!.detail} | original ${run.verdicts[w.copyOf[i]!]!.detail}`);
  });
  if (!out.length) out.push(`  verdicts of the copies: each equal to its original program's, in every ${name} run`);
  return out;
}

function classLines(w: Workload, a: Run, b: Run): string[] {
  const classes = a.verdicts.map((v, i) => i).filter((i) => a.verdicts[i]!.passed === b.verdicts[i]!.passed && a.verdicts[i]!.cls !== b.verdicts[i]!.cls);
  const out = [`  verdict classes (wrong / timeout / error, and the failing test for LCB) among the agreeing ones, round 0: ${classes.length === 0 ? 'identical' : `${classes.length} differ`}`];
  for (const i of classes.slice(0, 20)) out.push(`    sample ${i} (${w.labels[i]}): passk ${a.verdicts[i]!.cls} (${a.verdicts[i]!.detail}) | ${b.who} ${b.verdicts[i]!.cls} (${b.verdicts[i]!.detail})`);
  return out;
}

/** passk against the peer in every round, each side against its own rounds and copies, classes in round 0. */
export function disagreements(w: Workload, passk: Run[], peer: Run[]): string[] {
  const out = [...againstOwnRoundZero(w, 'passk', passk), ...againstOwnRoundZero(w, 'peer', peer), ...againstOriginals(w, 'passk', passk), ...againstOriginals(w, 'peer', peer)];
  if (!passk.length || !peer.length) return out;
  const who = peer[0]!.who;
  const rounds = Math.min(passk.length, peer.length);
  let clean = 0;
  for (let r = 0; r < rounds; r++) {
    const a = passk[r]!;
    const b = peer[r]!;
    if (a.verdicts.length !== b.verdicts.length) {
      out.push(`  VERDICTS round ${r}: passk gave ${a.verdicts.length}, ${who} ${b.verdicts.length} verdicts`);
      continue;
    }
    const diff = differing(a, b);
    if (diff.length === 0) clean++;
    else out.push(`  VERDICTS round ${r}: ${diff.length} of ${a.verdicts.length} samples disagree between passk and ${who}`);
    for (const i of diff.slice(0, r === 0 ? diff.length : 10)) out.push(`    sample ${i} (${w.labels[i]}): passk ${a.verdicts[i]!.passed ? 'passed' : a.verdicts[i]!.detail} | ${who} ${b.verdicts[i]!.passed ? 'passed' : b.verdicts[i]!.detail}`);
  }
  out.push(`  verdicts passk vs ${who}: identical (passed/failed) on all ${passk[0]!.verdicts.length} samples in ${clean} of ${rounds} rounds`);
  if (passk[0]!.verdicts.length === peer[0]!.verdicts.length) out.push(...classLines(w, passk[0]!, peer[0]!));
  return out;
}
