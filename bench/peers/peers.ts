/**
 * Finds (or clones) the real peers for the side-by-side bench: openai/human-eval and LiveCodeBench in a
 * scratch directory (`--peers-dir` or $PASSK_PEERS_DIR; `--fetch-from DIR` clones DIR/openai+human-eval/repo
 * and DIR/LiveCodeBench+LiveCodeBench/repo into it). Patches the scratch copy of human-eval's
 * execution.py when its `exec(check_program, exec_globals)` line is commented out (as it is in most
 * releases), and says what it did. Never a CI dependency: without a peers dir the bench measures passk alone.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export interface Peers {
  humanEval?: { dir: string; commit: string; patch: string };
  lcb?: { dir: string; commit: string };
  python: string;
  notes: string[];
}

const git = (args: string[]): { ok: boolean; out: string } => {
  const r = spawnSync('git', args, { encoding: 'utf8' });
  return { ok: r.status === 0, out: (r.stdout || r.stderr).trim() };
};

const commit = (dir: string): string => {
  const r = git(['-C', dir, 'rev-parse', '--short', 'HEAD']);
  return r.ok ? r.out : 'unknown commit (not a git checkout)';
};

function clone(from: string, to: string, notes: string[]): void {
  if (existsSync(to)) return;
  const r = git(['clone', '-q', from, to]);
  notes.push(r.ok ? `cloned ${from} -> ${to}` : `could not clone ${from}: ${r.out}`);
}

/**
 * Uncomments human-eval's exec line if needed; returns what was done (printed and documented). Releases
 * comment it out at column 0 (`#                         exec(...)`), so the line is re-indented to the
 * body of the `with time_limit(timeout):` block above it.
 */
function patchHumanEval(dir: string): string {
  const file = path.join(dir, 'human_eval', 'execution.py');
  const lines = readFileSync(file, 'utf8').split('\n');
  const at = lines.findIndex((l) => /^\s*#\s*exec\(check_program, exec_globals\)/.test(l));
  if (at >= 0) {
    const block = lines.slice(0, at).reverse().map((l) => /^(\s*)with time_limit\(/.exec(l)).find(Boolean);
    if (!block) throw new Error(`${file}: exec line commented out, but no "with time_limit(" block above it; patch it by hand`);
    lines[at] = `${block[1]}    exec(check_program, exec_globals)`;
    writeFileSync(file, lines.join('\n'));
    return 'patched the scratch copy: uncommented `exec(check_program, exec_globals)` in human_eval/execution.py';
  }
  if (lines.some((l) => /^\s*exec\(check_program, exec_globals\)/.test(l))) return 'exec line already active in human_eval/execution.py at this commit: not patched';
  throw new Error(`${file}: no exec(check_program, exec_globals) line found; cannot run human-eval`);
}

/** The interpreter both sides use: the first of the candidates that imports numpy, tqdm and fire. */
function pickPython(wanted: string | undefined, notes: string[]): string {
  for (const python of wanted ? [wanted] : ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(python, ['-c', 'import numpy, tqdm, fire, sys; print(sys.executable, sys.version.split()[0])'], { encoding: 'utf8' });
    if (r.status === 0) {
      notes.push(`python: ${r.stdout.trim()} (numpy, tqdm, fire importable)`);
      return python;
    }
  }
  notes.push('python: no interpreter imports numpy, tqdm and fire; on Debian: apt-get install python3-numpy python3-tqdm python3-fire');
  return wanted ?? 'python3';
}

export function findPeers(dir: string | undefined, fetchFrom: string | undefined, python: string | undefined): Peers {
  const notes: string[] = [];
  if (!dir) {
    notes.push('no peers dir (--peers-dir or PASSK_PEERS_DIR): measuring passk alone');
    return { python: python ?? 'python3', notes };
  }
  if (fetchFrom) {
    clone(path.join(fetchFrom, 'openai+human-eval', 'repo'), path.join(dir, 'human-eval'), notes);
    clone(path.join(fetchFrom, 'LiveCodeBench+LiveCodeBench', 'repo'), path.join(dir, 'LiveCodeBench'), notes);
  }
  const peers: Peers = { python: pickPython(python, notes), notes };
  const he = path.join(dir, 'human-eval');
  if (existsSync(path.join(he, 'human_eval', 'execution.py'))) {
    peers.humanEval = { dir: he, commit: commit(he), patch: patchHumanEval(he) };
    notes.push(`openai/human-eval ${peers.humanEval.commit} at ${he}: ${peers.humanEval.patch}`);
  } else notes.push(`no openai/human-eval at ${he}: HumanEval measured with passk alone`);
  const lcb = path.join(dir, 'LiveCodeBench');
  if (existsSync(path.join(lcb, 'lcb_runner', 'evaluation', 'compute_code_generation_metrics.py'))) {
    peers.lcb = { dir: lcb, commit: commit(lcb) };
    notes.push(`LiveCodeBench ${peers.lcb.commit} at ${lcb}: lcb_runner.evaluation.codegen_metrics via bench/peers/lcb_peer.py`);
  } else notes.push(`no LiveCodeBench at ${lcb}: LCB workloads measured with passk alone`);
  return peers;
}
