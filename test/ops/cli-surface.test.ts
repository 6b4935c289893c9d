/**
 * The CLI's surface through the real binary: `passk --version` (the checkout's commit; "unknown" in a copy
 * without .git), did-you-mean for misspelt commands and flags, `passk` on PATH via scripts/link-passk.sh
 * (and hints that then say `passk`), the Makefile's run name per backend, and a refused input in a
 * pseudo-TTY (script -qc) printing one human line: no JSON, no stack.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, symlinkSync, readlinkSync, existsSync } from 'node:fs';
import path from 'node:path';
import { runPassk, REPO, PASSK } from '../helpers/passk.js';
import { tempDir } from '../helpers/tmp.js';

test('passk --version: version and the git commit; a copy without .git says unknown', async () => {
  const head = spawnSync('git', ['-C', REPO, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
  const r = await runPassk(['--version']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `passk 0.1.0 (commit ${head})\n`);

  const copy = await tempDir();
  mkdirSync(path.join(copy, 'packages', 'cli'), { recursive: true });
  cpSync(path.join(REPO, 'bin'), path.join(copy, 'bin'), { recursive: true });
  cpSync(path.join(REPO, 'packages', 'cli', 'dist'), path.join(copy, 'packages', 'cli', 'dist'), { recursive: true });
  cpSync(path.join(REPO, 'packages', 'cli', 'package.json'), path.join(copy, 'packages', 'cli', 'package.json'));
  symlinkSync(path.join(REPO, 'node_modules'), path.join(copy, 'node_modules'));
  const c = spawnSync(process.execPath, [path.join(copy, 'bin', 'passk'), '--version'], { encoding: 'utf8', cwd: copy });
  assert.equal(c.status, 0, c.stderr);
  assert.equal(c.stdout, 'passk 0.1.0 (commit unknown)\n');
});

test('did-you-mean: a misspelt command or flag is named, with the closest spelling', async () => {
  const cmd = await runPassk(['stauts', '--run', 'demo']);
  assert.equal(cmd.code, 2);
  assert.equal(cmd.stderr, 'passk: unknown command `stauts`; did you mean `passk status`? (`passk --help` lists the commands)\n');
  const flag = await runPassk(['status', '--run', 'demo', '--wacth']);
  assert.equal(flag.code, 2);
  assert.equal(flag.stderr, 'passk: unknown option `--wacth`; did you mean `--watch`? (`passk status --help` lists the options)\n');
  const far = await runPassk(['run', '--temperatrues', '0.2', '--xyzzy']);
  assert.equal(far.stderr, 'passk: unknown option `--temperatrues`; did you mean `--temperatures`?; unknown option `--xyzzy` (`passk run --help` lists the options)\n');
});

test('link-passk.sh puts passk on PATH; from any directory it runs, and its hints then say `passk`', async () => {
  const bin = await tempDir();
  const home = await tempDir();
  const elsewhere = await tempDir();
  const env = { ...process.env, PASSK_BIN_DIR: bin, PATH: `${bin}:${process.env.PATH}` };
  const link = spawnSync('sh', [path.join(REPO, 'scripts', 'link-passk.sh')], { encoding: 'utf8', env });
  assert.equal(link.status, 0, link.stderr);
  assert.equal(link.stdout, `link-passk: ${bin}/passk -> ${PASSK}\n`);
  assert.equal(readlinkSync(path.join(bin, 'passk')), PASSK);
  const again = spawnSync('sh', [path.join(REPO, 'scripts', 'link-passk.sh')], { encoding: 'utf8', env });
  assert.equal(again.stdout, '', 'a second build says nothing');
  const r = spawnSync('passk', ['status', '--run', 'nosuch'], { encoding: 'utf8', cwd: elsewhere, env: { ...env, PASSK_HOME: home } });
  assert.equal(r.status, 2);
  assert.match(r.stderr, new RegExp(`Start a run with \`passk --home ${home} run --run nosuch\`$`, 'm'));
});

test('make run: one run name per backend, so `make run BACKEND=sim` after `make run` is a new run', () => {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(MAKE(FLAGS|LEVEL|OVERRIDES)|MFLAGS)$/.test(k)));
  const name = (...args: string[]) => {
    const r = spawnSync('make', ['-n', 'run', ...args], { cwd: REPO, env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return /bin\/passk run --run (\S+)/.exec(r.stdout)?.[1];
  };
  assert.equal(name(), 'demo');
  assert.equal(name('BACKEND=sim'), 'demo-sim');
  assert.equal(name('BACKEND=llama'), 'demo-llama');
  assert.equal(name('BACKEND=sim', 'RUN=mine'), 'mine');
});

test('a refused input in a terminal: one human line, no JSON, no stack trace', async () => {
  const home = await tempDir();
  const cmd = `${PASSK} run --run badp --problems /nonexistent.jsonl --backend sim`;
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', env: { ...process.env, PASSK_HOME: home } });
  const out = r.stdout.replace(/\r/g, '');
  assert.equal(r.status, 2, out);
  assert.match(out, /^passk: ERR_DATASET_UNKNOWN: `\/nonexistent\.jsonl` is neither a file nor a dataset spec/m);
  assert.doesNotMatch(out, /"level"|^\s+at /m, out);
  assert.equal(out.match(/neither a file/g)?.length, 1, `said once: ${out}`);
  assert.equal(existsSync(path.join(home, 'results', 'badp')), false, 'a run that never got a plan leaves no directory behind');
  assert.equal(existsSync(path.join(home, 'queue', 'badp')), false);
});

test('passk run --help: grouped, one notation for defaults, --n spelt as the README does', async () => {
  const r = await runPassk(['run', '--help']);
  assert.equal(r.code, 0, r.stderr);
  const groups = [...r.stdout.matchAll(/^([A-Z][a-z ]+):$/gm)].map((m) => m[1]);
  assert.deepEqual(groups, ['Backend', 'Problem selection', 'Sampling', 'Grading limits', 'Queue and restarts', 'Output', 'Options']);
  assert.match(r.stdout, /^ {6}--n {2,}Samples per \(question, temperature\) +\[number\] \[default: 10\]$/m);
  assert.doesNotMatch(r.stdout, /\(default:|; default:/, 'every default in the [default: …] column');
  assert.doesNotMatch(r.stdout, /^ {2}-[a-z] /m, 'no one-dash long flags');
});
