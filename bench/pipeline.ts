/**
 * Pipeline benchmarks (issue 2), printed as markdown:
 *  1. queue overhead: put, and claim + hand-off to the next stage, per second (fsync on and off);
 *  2. pipeline overhead per completion: CPU µs of every Node process of a sim sweep (orchestrator,
 *     generators, evaluators incl. the grader's driver, combiner), Python children excluded;
 *  3. combiner peak RSS at n = 10,000 × 16 temperatures vs n = 1,000 (must not grow with n × T).
 * Usage: node --import tsx bench/pipeline.ts [queue|sweep|combiner]
 */
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FsQueue, runLayout, ensureLayout, makeIdentity, itemStem, writeResultFile, type WorkItem, type Plan } from '@passk/core';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PASSK = path.join(REPO, 'bin', 'passk');

function item(q: number, shard: number): WorkItem {
  return { version: 1, item: itemStem({ questionIdx: q, temperature: 0.5, shard }), question_idx: q, temperature: 0.5, shard, first_sample: 0, count: 1, seed_base: 0, attempts: 0 };
}

async function queueBench(count: number, fsync: boolean) {
  const root = await mkdtemp(path.join(os.tmpdir(), 'passk-bench-'));
  const layout = runLayout({ run: 'b', root });
  await ensureLayout(layout);
  const q = new FsQueue({ layout, identity: makeIdentity('bench', 'generator'), fsync });
  let t = performance.now();
  for (let i = 0; i < count; i++) await q.put('gen', item(i, 0));
  const putS = (performance.now() - t) / 1000;
  t = performance.now();
  let n = 0;
  for (;;) {
    const claim = await q.claim('gen');
    if (!claim) break;
    await q.complete(claim, { stage: 'eval', value: claim.value });
    n++;
  }
  const claimS = (performance.now() - t) / 1000;
  await rm(root, { recursive: true, force: true });
  if (n !== count) throw new Error(`claimed ${n} of ${count}`);
  return { putPerS: count / putS, claimPerS: count / claimS };
}

function procCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, clock ticks (100 Hz)
  } catch {
    return undefined;
  }
}

function nodeDescendants(root: number): number[] {
  const kids = new Map<number, number[]>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      (kids.get(ppid) ?? kids.set(ppid, []).get(ppid)!).push(Number(e));
    } catch {
      /* gone */
    }
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    for (const c of kids.get(stack.pop()!) ?? []) {
      const comm = (() => {
        try {
          return readFileSync(`/proc/${c}/comm`, 'utf8').trim();
        } catch {
          return '';
        }
      })();
      if (comm === 'node') out.push(c);
      stack.push(c);
    }
  }
  return out;
}

async function sweepBench(n: number) {
  const root = await mkdtemp(path.join(os.tmpdir(), 'passk-bench-'));
  const args = ['run', '--run', 'bench', '--queue-dir', path.join(root, 'q'), '--results-dir', path.join(root, 'r'), '--backend', 'sim', '--problems', 'demo',
    '--n', String(n), '--shard-size', '100', '--temperatures', '0.1,0.2', '--gpus', '1', '--evaluators', '1', '--eval-workers', '2', '--sim-tps', '0', '--progress-interval', '3600'];
  const started = performance.now();
  const child = spawn(process.execPath, [PASSK, ...args], { stdio: 'ignore' });
  const last = new Map<number, number>();
  const roles = new Map<number, string>();
  const timer = setInterval(() => {
    for (const pid of [child.pid!, ...nodeDescendants(child.pid!)]) {
      const ms = procCpuMs(pid);
      if (ms !== undefined) last.set(pid, ms);
      if (!roles.has(pid)) {
        try {
          const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
          roles.set(pid, / (generator|evaluator|combiner) /.exec(cmd.replace(/\0/g, ' '))?.[1] ?? 'orchestrator');
        } catch {
          /* gone */
        }
      }
    }
  }, 50);
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  clearInterval(timer);
  const wall = (performance.now() - started) / 1000;
  const summary = JSON.parse(await readFile(path.join(root, 'r', 'run_summary.json'), 'utf8'));
  await rm(root, { recursive: true, force: true });
  if (code !== 0) throw new Error(`sweep exited ${code}`);
  const cpuMs = [...last.values()].reduce((a, b) => a + b, 0);
  const byRole: Record<string, number> = {};
  for (const [pid, ms] of last) byRole[roles.get(pid) ?? '?'] = (byRole[roles.get(pid) ?? '?'] ?? 0) + ms;
  return { samples: summary.samples_done as number, wall, cpuMs, usPerSample: (cpuMs * 1000) / summary.samples_done, byRole };
}

async function combinerBench(n: number, temperatures: number, shardSize: number) {
  const root = await mkdtemp(path.join(os.tmpdir(), 'passk-bench-'));
  const layout = runLayout({ run: 'c', queueDir: path.join(root, 'q'), resultsDir: path.join(root, 'r') });
  await ensureLayout(layout);
  const temps = Array.from({ length: temperatures }, (_, i) => Math.round((0.1 + i * 0.1) * 10) / 10);
  const plan: Plan = { version: 1, run: 'c', created_at: new Date().toISOString(), problems: 'bench', questions: [{ idx: 0, id: 'p0', title: 'bench' }], n, shard_size: shardSize, temperatures: temps, seed: 0, top_p: 0.95, max_tokens: 2000, stop: [], backend: 'sim', model: 'sim', simulated: true };
  await writeResultFile(layout.planFile, JSON.stringify(plan));
  const code = 'import sys\n' + 'x = [int(v) for v in sys.stdin.read().split()]\n'.repeat(8) + 'print(sum(x))\n';
  const q = new FsQueue({ layout, identity: makeIdentity('bench', 'evaluator'), fsync: false });
  const verdict = { passed: true, status: 'passed', failed_test: null, tests_run: 5, cpu_ms: 3, wall_ms: 4, message: '' };
  for (const t of temps) {
    for (let s = 0; s < n / shardSize; s++) {
      const samples = Array.from({ length: shardSize }, (_, j) => ({ index: s * shardSize + j, seed: s * shardSize + j, output: `\`\`\`python\n${code}\`\`\``, code, extraction: 'last_fenced', finish_reason: 'stop', prompt_tokens: 300, completion_tokens: 120, verdict }));
      const shard = { version: 1, item: itemStem({ questionIdx: 0, temperature: t, shard: s }), question_idx: 0, temperature: t, shard: s, first_sample: s * shardSize, count: shardSize, seed_base: 0, attempts: 0,
        gen: { generator: 'gpu0', backend: 'sim', model: 'sim', simulated: true, started_at: '', finished_at: '', wall_s: 1, prompt_tokens: 0, completion_tokens: 120 * shardSize, gen_tps: 0, finish_reasons: { stop: shardSize } },
        eval: { evaluator: 'eval0', started_at: '', finished_at: '', wall_s: 1, cached: 0 }, samples };
      await q.put('combine', shard as unknown as WorkItem, { fsync: false });
    }
  }
  const started = performance.now();
  const child = spawn(process.execPath, [PASSK, 'combiner', '--run', 'c', '--queue-dir', layout.queueDir, '--results-dir', layout.resultsDir], { stdio: 'ignore' });
  let peakKb = 0;
  const timer = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peakKb = Math.max(peakKb, Number(m[1]));
    } catch {
      /* exited */
    }
  }, 20);
  const exit = await new Promise<number | null>((r) => child.on('exit', r));
  clearInterval(timer);
  const wall = (performance.now() - started) / 1000;
  const size = readFileSync(path.join(layout.resultsDir, 'q0', 't0_1_combined.json')).length;
  await rm(root, { recursive: true, force: true });
  if (exit !== 0) throw new Error(`combiner exited ${exit}`);
  return { n, temperatures, samples: n * temperatures, wall, peakMb: peakKb / 1024, combinedMb: size / 1e6 };
}

const which = process.argv[2] ?? 'all';
console.log(`# passk pipeline benchmarks — ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}, Node ${process.version}\n`);
if (which === 'all' || which === 'queue') {
  console.log('| queue operation (5,000 items, one process) | fsync on | fsync off |\n|---|---|---|');
  const on = await queueBench(5000, true);
  const off = await queueBench(5000, false);
  console.log(`| put (tmp → rename into pending) | ${on.putPerS.toFixed(0)}/s | ${off.putPerS.toFixed(0)}/s |`);
  console.log(`| claim + hand-off to next stage | ${on.claimPerS.toFixed(0)}/s | ${off.claimPerS.toFixed(0)}/s |\n`);
}
if (which === 'all' || which === 'sweep') {
  const small = await sweepBench(200);
  const big = await sweepBench(1000);
  console.log('| sim sweep (demo set × 2 temperatures, shards of 100, 1 generator, 1 evaluator × 2 fork servers) | n = 200 | n = 1,000 |\n|---|---|---|');
  console.log(`| samples | ${small.samples} | ${big.samples} |`);
  console.log(`| wall | ${small.wall.toFixed(1)} s | ${big.wall.toFixed(1)} s |`);
  console.log(`| Node CPU of all passk processes (Python excluded) | ${(small.cpuMs / 1000).toFixed(2)} s | ${(big.cpuMs / 1000).toFixed(2)} s |`);
  for (const role of Object.keys(big.byRole).sort()) {
    console.log(`| … ${role} | ${((small.byRole[role] ?? 0) / 1000).toFixed(2)} s | ${((big.byRole[role] ?? 0) / 1000).toFixed(2)} s |`);
  }
  const marginal = ((big.cpuMs - small.cpuMs) * 1000) / (big.samples - small.samples);
  console.log(`\n**Pipeline overhead per completion (marginal, (CPU₁₀₀₀ − CPU₂₀₀) / Δsamples): ${marginal.toFixed(0)} µs CPU.** Fixed start-up cost: ${((small.cpuMs - (marginal * small.samples) / 1000) / 1000).toFixed(2)} s CPU per run.\n`);
}
if (which === 'all' || which === 'combiner') {
  console.log('| combiner input | samples | wall | peak RSS | one combined file |\n|---|---|---|---|---|');
  for (const [n, t] of [[1000, 16], [10000, 16]] as const) {
    const r = await combinerBench(n, t, 1000);
    console.log(`| n=${n} × ${t} temperatures, shards of 1,000 | ${r.samples} | ${r.wall.toFixed(1)} s | **${r.peakMb.toFixed(0)} MB** | ${r.combinedMb.toFixed(1)} MB |`);
  }
}
