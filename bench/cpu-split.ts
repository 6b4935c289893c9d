/**
 * Where the CPU of a grading goes, per sample: Node (process.cpuUsage), the fork servers' own
 * (utime + stime of /proc/<server>/stat), their children's (cutime + cstime: every reaped
 * execution, grandchildren included) and HumanEval's long-lived checkers' (utime + stime). CPU, not wall: meaningful on a loaded machine. Workloads:
 * HumanEval's 164 canonical solutions × rounds, an lcb-mode stdin problem with 30 tests, or a
 * problems file + samples file (`question_id`, `code` per line; e.g. the peers bench's workloads).
 * Run: node --import tsx bench/cpu-split.ts [rounds] [humaneval|lcb|<problems.jsonl>:<samples.jsonl>] [workers]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadProblems } from '@passk/problems';
import { createGrader } from '@passk/evaluator';
import type { Problem } from '@passk/core';

const rounds = Number(process.argv[2] ?? 2);
const workload = process.argv[3] ?? 'humaneval';
const workers = Number(process.argv[4] ?? 2);
const TICK_MS = 10; // USER_HZ = 100 on Linux

/** [own CPU ms, reaped children's CPU ms, HumanEval checkers' own CPU ms] summed over this
 * process's python children (the fork servers) and their long-lived checkers (`passk-checker`). */
function serversCpu(): [number, number, number] {
  let own = 0;
  let kids = 0;
  let checkers = 0;
  const stats: { pid: number; ppid: number; comm: string; f: string[] }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    stats.push({ pid: Number(name), ppid: Number(f[1]), comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), f });
  }
  const servers = new Set(stats.filter((s) => s.ppid === process.pid).map((s) => s.pid));
  for (const { ppid, comm, f } of stats) {
    const cpu = (Number(f[11]) + Number(f[12])) * TICK_MS;
    if (ppid === process.pid) {
      own += cpu;
      kids += (Number(f[13]) + Number(f[14])) * TICK_MS;
    } else if (servers.has(ppid) && comm === 'passk-checker') checkers += cpu;
  }
  return [own, kids, checkers];
}

function lcbProblem(): Problem {
  const tests = Array.from({ length: 30 }, (_, i) => ({ input: `${i} ${i + 1}\n`, output: `${2 * i + 1}\n` }));
  return { id: 'split-sum', title: 'sum', kind: 'stdin', content: '', starter_code: '', tests, public_test_count: 1 };
}

const HUMANEVAL = fileURLToPath(new URL('../../shared/datasets/HumanEval.jsonl.gz', import.meta.url));
const jobs: { problem: Problem; code: string }[] = [];
if (workload === 'humaneval') {
  const { problems } = await loadProblems(HUMANEVAL);
  for (const p of problems) jobs.push({ problem: p, code: p.reference_solution! });
} else if (workload.includes(':')) {
  const [problemsFile, samplesFile] = workload.split(':') as [string, string];
  const { problems } = await loadProblems(problemsFile);
  const byId = new Map(problems.map((p) => [p.id, p]));
  for (const line of readFileSync(samplesFile, 'utf8').split('\n').filter(Boolean)) {
    const row = JSON.parse(line) as { question_id: string; code: string };
    jobs.push({ problem: byId.get(row.question_id)!, code: row.code });
  }
} else {
  const p = lcbProblem();
  for (let i = 0; i < 50; i++) jobs.push({ problem: p, code: `# ${i}\na, b = map(int, input().split())\nprint(a + b)` });
}
const g = await createGrader({ workers, cpuLimitSeconds: 3, grading: 'lcb', onWarning: () => {} });
try {
  await Promise.all(jobs.slice(0, workers).map((j) => g.grade(j)));
  const node0 = process.cpuUsage();
  const [own0, kids0, chk0] = serversCpu();
  const start = performance.now();
  let passed = 0;
  for (let r = 0; r < rounds; r++) {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < jobs.length) {
        const v = await g.grade(jobs[next++]!);
        passed += v.passed ? 1 : 0;
      }
    };
    await Promise.all(Array.from({ length: workers }, lane));
  }
  const n = jobs.length * rounds;
  const nodeUse = process.cpuUsage(node0);
  const [own1, kids1, chk1] = serversCpu();
  const per = (ms: number): string => (ms / n).toFixed(3);
  const nodeMs = (nodeUse.user + nodeUse.system) / 1000;
  const total = nodeMs + (own1 - own0) + (kids1 - kids0) + (chk1 - chk0);
  // The total is the figure to compare: a page both the server and its child write after a fork is copied
  // by whichever writes first, so a change can move CPU between "servers" and "children".
  console.log(
    `${workload}: ${n} samples, ${passed} passed, ${workers} workers; per sample: node ${per(nodeMs)} ms, ` +
      `servers ${per(own1 - own0)} ms, children ${per(kids1 - kids0)} ms, checkers ${per(chk1 - chk0)} ms, ` +
      `total ${per(total)} ms; wall ${per(performance.now() - start)} ms`,
  );
} finally {
  await g.close();
}
