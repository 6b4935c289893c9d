/**
 * Problem-loading benchmark: generate a synthetic ~1 GB LiveCodeBench file (private tests as
 * base64(zlib(pickle(json)))), then load it in a fresh child process and report wall time and
 * peak RSS — once streaming (problems dropped as they come) and once with loadProblems (every
 * decoded problem held). The file is deleted afterwards.
 *
 *   node --import tsx bench/problems.ts [--size-mb 1024]
 */
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { loadProblems, streamProblems } from '@passk/problems';

/** pickle.dumps(str, protocol=4) for a large str: PROTO 4, BINUNICODE, MEMOIZE, STOP. */
function pickleStr(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  const head = Buffer.from([0x80, 0x04, 0x58, 0, 0, 0, 0]);
  head.writeUInt32LE(body.length, 3);
  return Buffer.concat([head, body, Buffer.from([0x94, 0x2e])]);
}

/** One private-test blob of about `targetB64` base64 characters, numbers like AtCoder inputs. */
function makeBlob(targetB64: number): string {
  const tests: { input: string; output: string; testtype: string }[] = [];
  let approx = 0;
  while (approx < targetB64 * 1.8) {
    const n = 2000;
    const nums = Array.from({ length: n }, () => randomInt(1_000_000_000)).join(' ');
    const input = `${n}\n${nums}\n`;
    tests.push({ input, output: `${randomInt(1_000_000_000)}\n`, testtype: 'stdin' });
    approx += input.length;
  }
  return deflateSync(pickleStr(JSON.stringify(tests))).toString('base64');
}

async function generate(file: string, sizeMb: number): Promise<{ rows: number; bytes: number }> {
  const pool = Array.from({ length: 8 }, () => makeBlob(3_000_000)); // ~3 MB per row, like test.jsonl
  const out = createWriteStream(file);
  let bytes = 0;
  let rows = 0;
  while (bytes < sizeMb * 1024 * 1024) {
    const row = {
      question_title: `Synthetic ${rows}`,
      question_content: 'Given N integers, print something. '.repeat(40),
      platform: rows % 3 === 0 ? 'leetcode' : 'atcoder',
      question_id: `syn_${rows}`,
      contest_id: `syn${Math.floor(rows / 7)}`,
      contest_date: `2024-${String((rows % 12) + 1).padStart(2, '0')}-01T00:00:00`,
      starter_code: '',
      difficulty: ['easy', 'medium', 'hard'][rows % 3],
      public_test_cases: JSON.stringify([{ input: '3\n1 2 3\n', output: '6', testtype: 'stdin' }]),
      private_test_cases: pool[rows % pool.length],
      metadata: '{}',
    };
    const line = `${JSON.stringify(row)}\n`;
    bytes += Buffer.byteLength(line);
    rows += 1;
    if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
  return { rows, bytes };
}

/** Child mode: load and report {ms, maxRssMb, problems, tests}. */
async function measure(file: string, mode: 'stream' | 'load'): Promise<void> {
  const t0 = performance.now();
  let problems = 0;
  let tests = 0;
  if (mode === 'stream') {
    for await (const p of streamProblems(file)) {
      problems += 1;
      tests += p.tests.length;
    }
  } else {
    const result = await loadProblems(file);
    problems = result.problems.length;
    for (const p of result.problems) tests += p.tests.length;
  }
  const ms = performance.now() - t0;
  process.stdout.write(JSON.stringify({ mode, ms: Math.round(ms), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), problems, tests }));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--measure') return measure(args[1]!, args[2] as 'stream' | 'load');
  const sizeMb = Number(args[args.indexOf('--size-mb') + 1] ?? 1024) || 1024;
  const dir = mkdtempSync(join(tmpdir(), 'passk-bench-problems-'));
  const file = join(dir, 'test.jsonl');
  try {
    const g0 = performance.now();
    const { rows, bytes } = await generate(file, sizeMb);
    console.log(`generated ${file}: ${rows} rows, ${(bytes / 2 ** 20).toFixed(0)} MiB in ${((performance.now() - g0) / 1000).toFixed(1)} s`);
    const self = fileURLToPath(import.meta.url);
    for (const mode of ['stream', 'load'] as const) {
      const r = spawnSync(process.execPath, ['--max-old-space-size=8192', '--import', 'tsx', self, '--measure', file, mode], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
      const m = JSON.parse(r.stdout) as { ms: number; maxRssMb: number; problems: number; tests: number };
      console.log(
        `${mode.padEnd(6)}: ${m.problems} problems, ${m.tests} tests in ${(m.ms / 1000).toFixed(1)} s ` +
          `(${((bytes / 2 ** 20) / (m.ms / 1000)).toFixed(0)} MiB/s), peak RSS ${m.maxRssMb} MiB (file ${statSync(file).size >> 20} MiB)`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
