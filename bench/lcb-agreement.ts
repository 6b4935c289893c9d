/**
 * lcb agreement bench (docs/grading.md, "lcb mode"): grades the corpus bench/corpus/lcb/ with
 * LiveCodeBench's own grader (lcb_runner, check_correctness, timeout 6) and with
 * `passk evaluate --grading lcb`, and prints the pass/fail agreement, each disagreement, and both
 * graders' samples/s. Never a CI dependency: the peer is a LiveCodeBench checkout given here.
 *
 *   node --import tsx bench/lcb-agreement.ts --peer /tmp/lcb-peer [--python /usr/bin/python3] [--workers 2] [--scratch DIR]
 *   (or LCB_PEER=/tmp/lcb-peer). The python must have numpy and tqdm (Debian: python3-numpy python3-tqdm);
 *   passk grades with the same interpreter. Programs named `exc_*` are the documented exceptions.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function flag(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const peer = flag('peer', process.env.LCB_PEER);
if (!peer) {
  process.stderr.write('usage: node --import tsx bench/lcb-agreement.ts --peer LIVECODEBENCH_CHECKOUT [--python /usr/bin/python3] [--workers 2] [--scratch DIR]\n');
  process.exit(2);
}
const python = flag('python', '/usr/bin/python3')!;
const workers = flag('workers', '2')!;
const scratch = flag('scratch') ?? mkdtempSync(path.join(tmpdir(), 'passk-lcb-agreement-'));

function run(cmd: string, args: string[], what: string): { seconds: number; stderr: string } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0 && r.status !== 3) {
    process.stderr.write(r.stderr);
    throw new Error(`${what} failed (exit ${r.status})`);
  }
  return { seconds, stderr: r.stderr };
}

const readJsonl = (file: string): Record<string, unknown>[] =>
  readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);

run(python, ['bench/lcb_agreement.py', 'corpus', scratch], 'corpus');
const grade = (which: string) => ({
  peer: run(python, ['bench/lcb_agreement.py', 'peer', peer, scratch, workers, which], 'lcb_runner'),
  passk: run(process.execPath, ['bin/passk', 'evaluate', '--grading', 'lcb', '--python', python, '--workers', workers, '--no-dedup',
    '--problems', path.join(scratch, 'problems.jsonl'), '--samples', path.join(scratch, `${which}.jsonl`), '--out', path.join(scratch, `passk-${which}.jsonl`), '--k', '1'], 'passk evaluate'),
});
const all = grade('samples');
const quick = grade('samples_quick'); // speed: without the programs that run into the 6 s limit
const quickN = readJsonl(path.join(scratch, 'samples_quick.jsonl')).length;

const theirs = readJsonl(path.join(scratch, 'peer-samples.jsonl'));
const ours = readJsonl(path.join(scratch, 'passk-samples.jsonl'));
let agree = 0;
const differ: string[] = [];
const exceptions: string[] = [];
for (let i = 0; i < theirs.length; i++) {
  const t = theirs[i]!;
  const o = ours[i]!;
  const name = String(t.name);
  if (Boolean(t.passed) === Boolean(o.passed)) {
    agree++;
    continue;
  }
  const line = `${name}: lcb_runner ${t.passed ? 'pass' : 'fail'} ${JSON.stringify(t.results)}, passk ${o.status}${o.message ? ` (${String(o.message).slice(0, 120)})` : ''}`;
  (name.split('/')[1]!.startsWith('exc_') ? exceptions : differ).push(line);
}
const n = theirs.length;
const passed = theirs.filter((t) => t.passed).length;
console.log(`corpus: ${n} programs (${passed} pass in lcb_runner), scratch ${scratch}`);
console.log(`agreement: ${agree}/${n} (${((100 * agree) / n).toFixed(1)} %); outside the documented exceptions: ${n - exceptions.length - differ.length}/${n - exceptions.length}`);
console.log(`documented exceptions (${exceptions.length}):`);
for (const l of exceptions) console.log(`  ${l}`);
console.log(`disagreements (${differ.length}):`);
for (const l of differ) console.log(`  ${l}`);
const rate = (count: number, r: { seconds: number }) => `${r.seconds.toFixed(1)} s, ${(count / r.seconds).toFixed(1)} samples/s`;
/** passk evaluate's own time (the first line of its table on stderr): grading, without the CLI's process start. */
const inner = (r: { stderr: string }): { seconds: number } => {
  const m = /^passk evaluate: \d+ samples? of \d+ problems? graded in ([\d.]+) s/m.exec(r.stderr);
  return { seconds: m ? Number(m[1]) : NaN };
};
console.log(`whole corpus (${n}): lcb_runner ${rate(n, all.peer)}; passk --grading lcb ${rate(n, all.passk)} (${workers} workers each; passk's process start included)`);
console.log(`quick programs (${quickN}, no 6 s time-outs): lcb_runner ${rate(quickN, quick.peer)}; passk --grading lcb ${rate(quickN, quick.passk)} with the CLI's start, ${rate(quickN, inner(quick.passk))} in passk evaluate; passk/lcb_runner = ${(quick.peer.seconds / quick.passk.seconds).toFixed(1)}x with the start, ${(quick.peer.seconds / inner(quick.passk).seconds).toFixed(1)}x without`);
process.exitCode = differ.length ? 1 : 0;
