import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { isPasskError } from '@passk/core';
import { loadProblems, pullDataset } from '@passk/problems';
import { jsonl, lcbRows, stdinTest, tempDir } from './fixtures.js';

const tmp = tempDir();
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const LCB_PATH = '/datasets/livecodebench/code_generation_lite/resolve/main';

/** Loopback fixture server: HF-like redirect with x-linked-etag, Range/If-Range, and fault modes. */
interface FileSpec {
  body: Buffer;
  /** Drop the connection after this many body bytes, for the first `dropTimes` requests. */
  dropAt?: number;
  dropTimes?: number;
  announce?: string;
  ignoreRange?: boolean;
}
const files = new Map<string, FileSpec>();
const requests: { path: string; range?: string; ifRange?: string }[] = [];
let server: http.Server;
let origin: string;

before(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    requests.push({ path: url.pathname, ...(req.headers.range ? { range: req.headers.range } : {}), ...(req.headers['if-range'] ? { ifRange: String(req.headers['if-range']) } : {}) });
    if (url.pathname.startsWith(`${LCB_PATH}/`) || url.pathname.startsWith('/raw/')) {
      const name = url.pathname.split('/').pop()!;
      const spec = files.get(name);
      if (!spec) return res.writeHead(404).end('not found');
      const headers: Record<string, string> = { location: `/cdn/${name}` };
      if (url.pathname.startsWith(LCB_PATH)) headers['x-linked-etag'] = `"${spec.announce ?? sha(spec.body)}"`;
      return res.writeHead(302, headers).end();
    }
    const name = url.pathname.replace('/cdn/', '');
    const spec = files.get(name);
    if (!spec) return res.writeHead(404).end();
    const etag = `"etag-${sha(spec.body).slice(0, 16)}"`;
    let start = 0;
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const ifRangeOk = !req.headers['if-range'] || req.headers['if-range'] === etag;
    if (m && !spec.ignoreRange && ifRangeOk) {
      start = Number(m[1]);
      if (start >= spec.body.length) return res.writeHead(416, { 'content-range': `bytes */${spec.body.length}` }).end();
      res.writeHead(206, { etag, 'content-length': spec.body.length - start, 'content-range': `bytes ${start}-${spec.body.length - 1}/${spec.body.length}` });
    } else {
      res.writeHead(200, { etag, 'content-length': spec.body.length });
    }
    const rest = spec.body.subarray(start);
    if (spec.dropAt !== undefined && (spec.dropTimes ?? 1) > 0) {
      spec.dropTimes = (spec.dropTimes ?? 1) - 1;
      res.write(rest.subarray(0, spec.dropAt - start > 0 ? spec.dropAt - start : 1), () => res.socket?.destroy());
      return;
    }
    res.end(rest);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise((r) => server.close(r));
  tmp.cleanup();
});

function lcbFile(prefix: string, n: number): Buffer {
  const big = Array.from({ length: 400 }, (_, i) => stdinTest(`${i} ${'y'.repeat(200)}\n`, `${i}\n`));
  return Buffer.from(jsonl(lcbRows(Array.from({ length: n }, (_, i) => ({ id: `${prefix}_${i}`, privateTests: big, pickle: 4 })))));
}

const silent = { progress: null } as const;
let v5: Buffer;
let v6: Buffer;
beforeEach(() => {
  requests.length = 0;
});

describe('passk dataset pull (loopback server)', () => {
  before(() => {
    v5 = lcbFile('v5', 3);
    v6 = lcbFile('v6', 4);
  });

  it('downloads a release, resumes a dropped connection, checks the announced SHA-256', async () => {
    files.set('test5.jsonl', { body: v5 });
    files.set('test6.jsonl', { body: v6, dropAt: Math.floor(v6.length / 2) });
    const cache = join(tmp.dir, 'c1');
    const result = await pullDataset('livecodebench', { release: 'v5_v6', cacheDir: cache, baseUrl: `${origin}${LCB_PATH}`, ...silent });
    assert.equal(result.dest, join(cache, 'livecodebench'));
    assert.deepEqual(result.files.map((f) => [f.status, f.checked]), [['downloaded', 'server'], ['downloaded', 'server']]);
    const f6 = result.files[1]!;
    assert.equal(f6.sha256, sha(v6));
    assert.equal(f6.attempts, 2);
    assert.ok(f6.resumedBytes! >= Math.floor(v6.length / 2), `resumed ${f6.resumedBytes}`);
    assert.ok(requests.some((r) => r.path === '/cdn/test6.jsonl' && r.range === `bytes=${f6.resumedBytes}-` && r.ifRange), 'Range + If-Range sent');
    assert.deepEqual(readFileSync(join(cache, 'livecodebench', 'test6.jsonl')), v6);
    assert.ok(!existsSync(join(cache, 'livecodebench', 'test6.jsonl.part')));
    assert.equal(readFileSync(join(cache, 'livecodebench', 'SHA256SUMS'), 'utf8'), `${sha(v5)}  test5.jsonl\n${sha(v6)}  test6.jsonl\n`);
    const loaded = await loadProblems('livecodebench:v5_v6', { cacheDir: cache });
    assert.equal(loaded.problems.length, 7);
    assert.equal(loaded.problems[6]!.tests.length, 401);

    // A second pull finds the files in place and matching SHA256SUMS: no download.
    requests.length = 0;
    const again = await pullDataset('livecodebench', { release: 'v5_v6', cacheDir: cache, baseUrl: `${origin}${LCB_PATH}`, ...silent });
    assert.deepEqual(again.files.map((f) => f.status), ['up-to-date', 'up-to-date']);
    assert.equal(requests.length, 0);
  });

  it('uses PASSK_HF_ENDPOINT and resumes a .part left by an earlier run', async () => {
    files.set('test6.jsonl', { body: v6 });
    const cache = join(tmp.dir, 'c2');
    const dest = join(cache, 'livecodebench');
    const url = `${origin}${LCB_PATH}/test6.jsonl`;
    // Simulate an interrupted earlier pull: a part file plus its metadata.
    await pullDataset('livecodebench', { release: 'v6', cacheDir: join(tmp.dir, 'scratch'), env: { PASSK_HF_ENDPOINT: origin }, ...silent });
    const half = Math.floor(v6.length / 3);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dest, { recursive: true });
    writeFileSync(join(dest, 'test6.jsonl.part'), v6.subarray(0, half));
    writeFileSync(join(dest, 'test6.jsonl.part.json'), JSON.stringify({ url, etag: `"etag-${sha(v6).slice(0, 16)}"` }));
    requests.length = 0;
    const result = await pullDataset('livecodebench', { release: 'v6', cacheDir: cache, env: { PASSK_HF_ENDPOINT: `${origin}/` }, ...silent });
    assert.equal(result.files[0]!.resumedBytes, half);
    assert.equal(result.files[0]!.attempts, 1);
    assert.equal(requests[0]!.path, `${LCB_PATH}/test6.jsonl`);
    assert.equal(requests[1]!.range, `bytes=${half}-`);
    assert.deepEqual(readFileSync(join(dest, 'test6.jsonl')), v6);
  });

  it('restarts from zero when the server ignores Range', async () => {
    files.set('test6.jsonl', { body: v6, dropAt: 1000, ignoreRange: true });
    const cache = join(tmp.dir, 'c3');
    const result = await pullDataset('livecodebench', { release: 'v6', cacheDir: cache, baseUrl: `${origin}${LCB_PATH}`, ...silent });
    assert.equal(result.files[0]!.sha256, sha(v6));
    assert.deepEqual(readFileSync(join(cache, 'livecodebench', 'test6.jsonl')), v6);
  });

  it('a checksum mismatch fails loudly and leaves nothing behind', async () => {
    files.set('test6.jsonl', { body: v6, announce: 'ab'.repeat(32) });
    const cache = join(tmp.dir, 'c4');
    await assert.rejects(pullDataset('livecodebench', { release: 'v6', cacheDir: cache, baseUrl: `${origin}${LCB_PATH}`, ...silent }), (error: unknown) => {
      assert.ok(isPasskError(error, 'ERR_PROBLEM_INVALID'));
      assert.match(error.message, new RegExp(`test6\\.jsonl: SHA-256 mismatch: expected ${'ab'.repeat(32)} \\(announced by the server\\), got ${sha(v6)}`));
      return true;
    });
    assert.ok(!existsSync(join(cache, 'livecodebench', 'test6.jsonl')));
    assert.ok(!existsSync(join(cache, 'livecodebench', 'test6.jsonl.part')));
    // --sha256 wins over the server's announcement.
    const ok = await pullDataset('livecodebench', { release: 'v6', cacheDir: cache, baseUrl: `${origin}${LCB_PATH}`, sha256: sha(v6), ...silent });
    assert.equal(ok.files[0]!.checked, 'flag');
  });

  it('HumanEval: no published checksum is recorded; --sha256 is checked; 404 is a clear error', async () => {
    const body = Buffer.from('fake gz bytes');
    files.set('HumanEval.jsonl.gz', { body });
    const cache = join(tmp.dir, 'c5');
    const a = await pullDataset('humaneval', { cacheDir: cache, baseUrl: `${origin}/raw/HumanEval.jsonl.gz`, ...silent });
    assert.equal(a.files[0]!.checked, 'none');
    assert.equal(a.files[0]!.file, join(cache, 'humaneval', 'HumanEval.jsonl.gz'));
    await assert.rejects(
      pullDataset('humaneval', { cacheDir: cache, force: true, baseUrl: `${origin}/raw/HumanEval.jsonl.gz`, sha256: '00'.repeat(32), ...silent }),
      /SHA-256 mismatch: expected 0{64} \(--sha256\)/,
    );
    await assert.rejects(pullDataset('humaneval', { cacheDir: cache, force: true, baseUrl: `${origin}/raw/missing.gz`, ...silent }), (error: unknown) => {
      assert.ok(isPasskError(error, 'ERR_DATASET_UNKNOWN'));
      assert.match(error.message, /download failed: HTTP 404/);
      return true;
    });
    await assert.rejects(pullDataset('mbpp', silent), /cannot pull `mbpp`/);
    await assert.rejects(pullDataset('livecodebench', { release: 'release_v6', sha256: sha(body), ...silent }), /--sha256 checks one file, but this pull has 6/);
  });

  it('gives up after the retries when the connection keeps dropping', async () => {
    files.set('test6.jsonl', { body: v6, dropAt: 10, dropTimes: 100 });
    const cache = join(tmp.dir, 'c6');
    await assert.rejects(pullDataset('livecodebench', { release: 'v6', cacheDir: cache, baseUrl: `${origin}${LCB_PATH}`, retries: 1, ...silent }), /failed after 2 attempt\(s\)/);
    files.set('test6.jsonl', { body: v6 });
  });

  it('progress: a bar on a TTY, plain lines otherwise', async () => {
    files.set('test6.jsonl', { body: v6 });
    const lines: string[] = [];
    await pullDataset('livecodebench', { release: 'v6', cacheDir: join(tmp.dir, 'c7'), baseUrl: `${origin}${LCB_PATH}`, progress: { write: (t: string) => lines.push(t) } });
    const text = lines.join('');
    assert.match(text, /^test6\.jsonl: [\d.]+ MiB\n/);
    assert.match(text, /test6\.jsonl: 100% /);
    assert.match(text, /test6\.jsonl: \d+ bytes, sha256 [0-9a-f]{12}… checked \(server\)\n$/);
    assert.ok(!text.includes('\r'));
    const tty: string[] = [];
    await pullDataset('livecodebench', { release: 'v6', cacheDir: join(tmp.dir, 'c8'), baseUrl: `${origin}${LCB_PATH}`, progress: { isTTY: true, write: (t: string) => tty.push(t) } });
    assert.match(tty.join(''), /\rtest6\.jsonl \[#{30}\] 100% /);
  });
});
