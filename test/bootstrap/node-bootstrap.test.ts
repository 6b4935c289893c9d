/**
 * scripts/node-bootstrap.sh and the Makefile on a machine without Node (issue 16), against a
 * loopback server that serves a stand-in release tarball built here: node-v<ver>-linux-x64/bin/node
 * is a shell script that logs its arguments and execs the real node (npm, npx likewise), so the
 * Makefile's later steps run on it. PATH hides the system node: a directory of symlinks to
 * /usr/bin's programs, node, npm, npx and corepack left out.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { REPO } from '../helpers/passk.js';

const SCRIPT = path.join(REPO, 'scripts', 'node-bootstrap.sh');
const VERSION = /^PINNED_VERSION=(\S+)$/m.exec(readFileSync(SCRIPT, 'utf8'))![1]!;
const NAME = `node-v${VERSION}-linux-x64`;
const TARBALL_PATH = `/dist/v${VERSION}/${NAME}.tar.gz`;
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
/** A tools dir's entries, without the lock file. */
const listing = (d: string): string[] => readdirSync(d).filter((n) => !n.startsWith('.')).sort();

interface Result { code: number | null; stdout: string; stderr: string }
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd = REPO): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let dir: string;
let tarball: Buffer;
let hiddenPath: string; // PATH without any node
let standinLog: string;
const requests: { path: string; range?: string }[] = [];
let drop: { bytes: number; times: number } | undefined; // the next `times` responses stop after `bytes` bytes
let pauseMs = 0; // responses stop half-way for this long (two downloads overlap on old code)
let server: http.Server;
let origin: string;

/** The stand-in release: bin/node|npm|npx log their argv to $STANDIN_LOG and exec the real ones. */
async function buildTarball(): Promise<Buffer> {
  const root = path.join(dir, 'standin', NAME);
  const bin = path.join(root, 'bin');
  mkdirSync(bin, { recursive: true });
  const npmDir = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin');
  const wrap = (target: string): string =>
    `#!/bin/sh\n[ -z "$STANDIN_LOG" ] || echo "$0 $*" >> "$STANDIN_LOG"\nexec ${target} "$@"\n`;
  writeFileSync(path.join(bin, 'node'), wrap(process.execPath));
  writeFileSync(path.join(bin, 'npm'), wrap(`"$(dirname "$0")/node" ${path.join(npmDir, 'npm-cli.js')}`));
  writeFileSync(path.join(bin, 'npx'), wrap(`"$(dirname "$0")/node" ${path.join(npmDir, 'npx-cli.js')}`));
  for (const f of ['node', 'npm', 'npx']) chmodSync(path.join(bin, f), 0o755);
  // Incompressible padding, so that a dropped connection leaves a real partial file.
  writeFileSync(path.join(root, 'padding.bin'), randomBytes(256 * 1024));
  const out = path.join(dir, `${NAME}.tar.gz`);
  const tar = await run('tar', ['-czf', out, '-C', path.join(dir, 'standin'), NAME], process.env);
  assert.equal(tar.code, 0, tar.stderr);
  return readFileSync(out);
}

/** A directory of symlinks to every program in /usr/bin and /usr/sbin except Node's. */
function pathWithoutNode(): string {
  const bin = path.join(dir, 'no-node-bin');
  mkdirSync(bin);
  for (const src of ['/usr/bin', '/usr/sbin']) {
    for (const name of readdirSync(src)) {
      if (['node', 'nodejs', 'npm', 'npx', 'corepack'].includes(name) || existsSync(path.join(bin, name))) continue;
      symlinkSync(path.join(src, name), path.join(bin, name));
    }
  }
  return bin;
}

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'passk-boot-'));
  tarball = await buildTarball();
  hiddenPath = pathWithoutNode();
  standinLog = path.join(dir, 'standin.log');
  server = http.createServer((req, res) => {
    requests.push({ path: req.url!, ...(req.headers.range ? { range: req.headers.range } : {}) });
    if (req.url !== TARBALL_PATH) return res.writeHead(404).end('not found');
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = m ? Number(m[1]) : 0;
    if (start >= tarball.length) return res.writeHead(416, { 'content-range': `bytes */${tarball.length}` }).end();
    const headers = { 'content-length': tarball.length - start, ...(m ? { 'content-range': `bytes ${start}-${tarball.length - 1}/${tarball.length}` } : {}) };
    res.writeHead(m ? 206 : 200, headers);
    const rest = tarball.subarray(start);
    if (drop && drop.times > 0) {
      drop.times -= 1;
      res.write(rest.subarray(0, drop.bytes), () => res.socket?.destroy());
      return;
    }
    if (pauseMs) {
      const half = Math.floor(rest.length / 2);
      res.write(rest.subarray(0, half));
      setTimeout(() => res.end(rest.subarray(half)), pauseMs);
      return;
    }
    res.end(rest);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  requests.length = 0;
  drop = undefined;
  pauseMs = 0;
});

/** The caller's environment without what would leak into the script or a nested make. */
const BASE_ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(MAKE(FLAGS|LEVEL|OVERRIDES)|MFLAGS|NODE_(VERSION|TARBALL_URL|ARCH)|MODEL|GPUS|EVALUATORS|MAX_TOKENS|PYTHON|RUN_ARGS|CUDA)$/.test(k)));

function env(tools: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...BASE_ENV, PATH: hiddenPath, PASSK_TOOLS_DIR: tools, NODE_DIST_URL: `${origin}/dist`,
    NODE_SHA256: sha(tarball), NODE_ARCH: 'x64', STANDIN_LOG: standinLog, ...extra,
  };
}
const bootstrap = (e: NodeJS.ProcessEnv): Promise<Result> => run('sh', [SCRIPT], e);

describe('node bootstrap (loopback server, PATH without node)', () => {
  it('downloads, checks the SHA-256, unpacks, says so in one line; a second run uses the cached copy', async () => {
    const tools = path.join(dir, 't1');
    const first = await bootstrap(env(tools));
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, new RegExp(`^node-bootstrap: no node on PATH: installed Node v${VERSION} \\(x64, downloaded, SHA-256 checked\\) in ${tools}/node; make uses it from now on\\n$`));
    assert.deepEqual(requests, [{ path: TARBALL_PATH }]);
    assert.deepEqual(listing(tools), ['node', NAME]);
    const v = await run(path.join(tools, 'node', 'bin', 'node'), ['--version'], env(tools));
    assert.equal(v.stdout.trim(), process.version);

    requests.length = 0;
    const again = await bootstrap(env(tools, { PATH: `${tools}/node/bin:${hiddenPath}` })); // as make runs it
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^node-bootstrap: using passk's own Node v[\d.]+ \(.*\/t1\/node\)\n$/);
    const outside = await bootstrap(env(tools)); // not from make: points at the cached copy
    assert.equal(outside.code, 0, outside.stderr);
    assert.match(outside.stdout, /no node on PATH; passk's own Node is in .*\/t1\/node\/bin/);
    assert.equal(requests.length, 0, 'the cached copy is used: no download');
  });

  it('two bootstraps at once: one downloads, the other waits for it and uses its Node', async () => {
    const tools = path.join(dir, 't11');
    pauseMs = 300;
    const [a, b] = await Promise.all([bootstrap(env(tools)), bootstrap(env(tools))]);
    assert.deepEqual([a.code, b.code], [0, 0], a.stderr + b.stderr);
    assert.equal(requests.length, 1);
    const lines = [a.stdout, b.stdout].sort().join('');
    assert.match(lines, /installed Node v.* SHA-256 checked/);
    assert.match(lines, /no node on PATH; passk's own Node was installed meanwhile by another make/);
    assert.deepEqual(listing(tools), ['node', NAME]);
  });

  it('a checksum mismatch is refused: nothing installed, no partial file left', async () => {
    const tools = path.join(dir, 't2');
    const bad = '0'.repeat(64);
    const result = await bootstrap(env(tools, { NODE_SHA256: bad }));
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `node-bootstrap: SHA-256 mismatch for ${origin}${TARBALL_PATH}: expected ${bad}, got ${sha(tarball)}; nothing installed\n`);
    assert.deepEqual(listing(tools), []);
  });

  it('resumes a download dropped mid-way, and a partial file an interrupted run left', async () => {
    const tools = path.join(dir, 't3');
    const half = Math.floor(tarball.length / 2);
    drop = { bytes: half, times: 1 };
    const dropped = await bootstrap(env(tools));
    assert.equal(dropped.code, 0, dropped.stderr);
    assert.deepEqual(requests, [{ path: TARBALL_PATH }, { path: TARBALL_PATH, range: `bytes=${half}-` }]);
    assert.ok(existsSync(path.join(tools, 'node', 'bin', 'node')));

    const tools2 = path.join(dir, 't4');
    mkdirSync(tools2);
    const third = Math.floor(tarball.length / 3);
    writeFileSync(path.join(tools2, `${NAME}.tar.gz.part`), tarball.subarray(0, third));
    requests.length = 0;
    const resumed = await bootstrap(env(tools2));
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(requests, [{ path: TARBALL_PATH, range: `bytes=${third}-` }]);
    assert.match(resumed.stdout, new RegExp(`\\(x64, resumed at ${third} bytes, SHA-256 checked\\)`));
    assert.deepEqual(listing(tools2), ['node', NAME]);
  });

  it('a partial file that is already whole (HTTP 416) is checked and used', async () => {
    const tools = path.join(dir, 't8');
    mkdirSync(tools);
    writeFileSync(path.join(tools, `${NAME}.tar.gz.part`), tarball);
    const result = await bootstrap(env(tools));
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(requests, [{ path: TARBALL_PATH, range: `bytes=${tarball.length}-` }]);
    assert.deepEqual(listing(tools), ['node', NAME]);
  });

  it('a connection that keeps dropping: fails after 4 attempts keeping the partial file; the next run resumes it', async () => {
    const tools = path.join(dir, 't9');
    drop = { bytes: 10_000, times: 4 };
    const failed = await bootstrap(env(tools));
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /node-bootstrap: download of .* failed \(curl exit (18|56)\); run make again to resume/);
    assert.equal(requests.length, 4);
    const kept = readFileSync(path.join(tools, `${NAME}.tar.gz.part`)).length; // 4 × 10,000 bytes on loopback
    assert.ok(kept > 10_000 && kept <= 40_000, `${kept} bytes kept`);
    requests.length = 0;
    const again = await bootstrap(env(tools));
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(requests, [{ path: TARBALL_PATH, range: `bytes=${kept}-` }]);
    assert.match(again.stdout, new RegExp(`resumed at ${kept} bytes`));
  });

  it('an HTTP error names the URL and the exit code of curl, not a checksum', async () => {
    const tools = path.join(dir, 't10');
    const result = await bootstrap(env(tools, { NODE_TARBALL_URL: `${origin}/missing.tar.gz` }));
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`download of ${origin}/missing\\.tar\\.gz failed \\(curl exit 22\\)`));
    assert.match(result.stderr, /404/);
    assert.equal(requests.length, 1);
  });

  it('a stale partial file that does not match is fetched again once, from zero', async () => {
    const tools = path.join(dir, 't5');
    mkdirSync(tools);
    writeFileSync(path.join(tools, `${NAME}.tar.gz.part`), Buffer.alloc(1000, 7));
    const result = await bootstrap(env(tools));
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(requests, [{ path: TARBALL_PATH, range: 'bytes=1000-' }, { path: TARBALL_PATH }]);
  });

  it('another NODE_VERSION without NODE_SHA256 is refused; an unknown machine is named', async () => {
    const tools = path.join(dir, 't6');
    const r1 = await bootstrap(env(tools, { NODE_VERSION: '20.0.0', NODE_SHA256: '' }));
    assert.equal(r1.code, 1);
    assert.match(r1.stderr, /NODE_VERSION=20\.0\.0 needs NODE_SHA256/);
    const r2 = await bootstrap(env(tools, { NODE_ARCH: 'riscv64' }));
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /no node on PATH, and there is no pinned Node for .*; install Node >= 20\.17 yourself/);
    assert.equal(requests.length, 0);
  });

  it('a Node that does not run here (glibc) is refused, nothing installed', async () => {
    const tools = path.join(dir, 't12');
    const broken = path.join(dir, 'broken', NAME, 'bin');
    mkdirSync(broken, { recursive: true });
    writeFileSync(path.join(broken, 'node'), '#!/bin/sh\necho "node: /lib/x86_64-linux-gnu/libc.so.6: version GLIBC_2.28 not found" >&2\nexit 1\n');
    chmodSync(path.join(broken, 'node'), 0o755);
    const saved = tarball;
    const tar = await run('tar', ['-czf', path.join(dir, 'broken.tar.gz'), '-C', path.join(dir, 'broken'), NAME], process.env);
    assert.equal(tar.code, 0, tar.stderr);
    tarball = readFileSync(path.join(dir, 'broken.tar.gz'));
    try {
      const result = await bootstrap(env(tools, { NODE_SHA256: sha(tarball) }));
      assert.equal(result.code, 1);
      assert.match(result.stderr, /the downloaded Node does not run on this machine \(it needs glibc >= 2\.28\); install Node >= 20\.17 yourself/);
      assert.deepEqual(listing(tools), [`${NAME}.tar.gz.part`]);
    } finally {
      tarball = saved;
    }
  });

  it('with a system Node >= 20.17 it does nothing and prints nothing', async () => {
    const result = await bootstrap({ ...process.env, PASSK_TOOLS_DIR: path.join(dir, 't7'), NODE_DIST_URL: `${origin}/dist` });
    assert.deepEqual([result.code, result.stdout, result.stderr], [0, '', '']);
    assert.ok(!existsSync(path.join(dir, 't7')));
    assert.equal(requests.length, 0);
  });

  it('`make run` with no node on PATH: bootstraps, builds and runs the (simulated) demo on the stand-in', async () => {
    const tools = path.join(dir, 'make');
    writeFileSync(standinLog, '');
    // PASSK_BIN_DIR: make build's `passk` link goes to the test's dir, not /usr/local/bin.
    const args = ['-s', 'run', `PASSK_TOOLS_DIR=${tools}`, `PASSK_BIN_DIR=${path.join(dir, 'bin')}`, 'BACKEND=sim', 'N=1', 'TEMPERATURES=0.5', 'RUN=boot-test',
      `RUN_ARGS=--queue-dir ${path.join(dir, 'queue', 'boot-test')} --results-dir ${path.join(dir, 'results', 'boot-test')}`];
    const result = await run('make', args, env(tools));
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, new RegExp(`node-bootstrap: no node on PATH: installed Node v${VERSION}`));
    assert.match(result.stdout, /passk: run boot-test: 12\/12 questions, 12 samples/);
    const log = readFileSync(standinLog, 'utf8');
    assert.match(log, new RegExp(`^${tools}/node/bin/npx tsc -b$`, 'm'), log);
    assert.match(log, /bin\/passk run --run boot-test/, log);
    assert.ok(existsSync(path.join(dir, 'results', 'boot-test', 'run_summary.json')));
    assert.ok(existsSync(path.join(dir, 'bin', 'passk')), 'make build linked passk into PASSK_BIN_DIR');

    // bin/passk typed in a shell whose PATH still has no node finds passk's own Node too.
    writeFileSync(standinLog, '');
    const status = await run(path.join(REPO, 'bin', 'passk'), ['status', '--run', 'boot-test', '--queue-dir', path.join(dir, 'queue', 'boot-test'), '--results-dir', path.join(dir, 'results', 'boot-test')], env(tools));
    assert.equal(status.code, 0, status.stderr);
    assert.match(readFileSync(standinLog, 'utf8'), new RegExp(`^${tools}/node/bin/node \\S*bin/passk status --run boot-test`, 'm'));
  });
});
