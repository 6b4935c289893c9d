// page.$$eval callbacks run in the browser:
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * report.html in a real browser: headless Chromium (Debian package `chromium`) driven by
 * playwright-core. Skips, saying why, only when Chromium is not installed and cannot be.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { inflateSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { simRuns, report, type Fixture } from './fixture.js';

const CHROMIUM = '/usr/bin/chromium';

function ensureChromium(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  if (process.getuid?.() === 0) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
    spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
  return existsSync(CHROMIUM) ? undefined : `Chromium is not installed at ${CHROMIUM} and could not be installed (apt-get install chromium)`;
}

/** Distinct RGB colours in a PNG (8-bit RGB/RGBA, non-interlaced: what Chromium writes). */
function pngColours(png: Buffer): number {
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 4;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      channels = data[9] === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const prev = Buffer.alloc(stride);
  const line = Buffer.alloc(stride);
  const colours = new Set<number>();
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= channels ? line[x - channels]! : 0;
      const b = prev[x]!;
      const c = x >= channels ? prev[x - channels]! : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      const paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      line[x] = (v + [0, a, b, (a + b) >> 1, paeth][filter]!) & 0xff;
    }
    for (let x = 0; x < width; x++) colours.add((line[x * channels]! << 16) | (line[x * channels + 1]! << 8) | line[x * channels + 2]!);
    line.copy(prev);
  }
  return colours.size;
}

let fx: Fixture | undefined;
const skip = ensureChromium();
before(async () => {
  if (skip) return;
  fx = await simRuns({ shown: '0.2,1.0' });
  await report(['report', '--run', 'shown', '--results-dir', fx.resultsDir('shown'), '--no-exports', '--resamples', '200', '--gpu-hour-cost', '1']);
});
after(() => fx?.cleanup());

test('report.html opens offline in headless Chromium: every chart rendered, screenshot not blank, no console errors, no request leaves the file', { skip }, async () => {
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'passk-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const problems: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console ${msg.type()}: ${msg.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    const requests: string[] = [];
    page.on('request', (req) => requests.push(req.url()));
    const file = path.join(fx!.resultsDir('shown'), 'report.html');
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });

    const charts = await page.$$eval('figure.chart', (figures) =>
      figures.map((f) => {
        const svg = f.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        const marks = svg ? [...svg.querySelectorAll('path, rect, line, circle')].filter((el) => {
          const r = (el as SVGGraphicsElement).getBBox();
          return r.width > 0 || r.height > 0;
        }).length : 0;
        return { name: f.getAttribute('data-chart'), width: box?.width ?? 0, height: box?.height ?? 0, marks, text: svg?.querySelectorAll('text').length ?? 0 };
      }),
    );
    assert.deepEqual(charts.map((c) => c.name), ['pass_rate_vs_temperature', 'pass_rate_per_question', 'pass_at_k_vs_k', 'verdict_mix', 'generation_throughput', 'evaluation_throughput', 'queue_depths']);
    for (const c of charts) {
      assert.ok(c.width > 200 && c.height > 100, `${c.name} laid out (${c.width}×${c.height})`);
      assert.ok(c.marks > 10, `${c.name} has drawn marks (${c.marks})`);
      assert.ok(c.text > 5, `${c.name} has axis text (${c.text})`);
    }
    assert.ok(await page.locator('table').count() >= 6, 'tables rendered');

    const shot = await page.screenshot({ fullPage: true });
    await writeFile(path.join(fx!.root, 'report-screenshot.png'), shot);
    const colours = pngColours(shot);
    assert.ok(colours > 50, `full-page screenshot has ${colours} colours (a blank page has 1)`);
    const chartShot = await page.locator('#chart-pass_rate_vs_temperature svg').screenshot();
    assert.ok(pngColours(chartShot) > 20, 'the pass-rate chart itself is drawn');

    assert.deepEqual(problems, []);
    assert.deepEqual(requests.filter((u) => !u.startsWith('file://')), [], 'no network request');
  } finally {
    await context.close();
    await rm(userDataDir, { recursive: true, force: true });
  }
});
