/**
 * `passk run --metrics-host 0.0.0.0`: the Prometheus endpoint answers on the machine's own
 * (non-loopback) address, as a RunPod exposed HTTP port needs; the default stays 127.0.0.1.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { startPassk, runDirs } from '../helpers/passk.js';
import { tempDir } from '../helpers/tmp.js';

/** The first non-internal IPv4 address, if the machine has one. */
function externalAddress(): string | undefined {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

async function metricsUrl(started: ReturnType<typeof startPassk>): Promise<URL> {
  for (;;) {
    const m = /Prometheus metrics at (http:\S+)/.exec(started.stdout());
    if (m) return new URL(m[1]!);
    const exited = await Promise.race([started.exit.then(() => true), new Promise<false>((r) => started.child.stdout!.once('data', () => r(false)))]);
    if (exited) throw new Error(`passk run exited before serving metrics: ${started.stderr()}`);
  }
}

describe('passk run --metrics-host', () => {
  for (const host of ['0.0.0.0', undefined]) {
    it(`${host ?? 'default (127.0.0.1)'}`, async () => {
      const root = await tempDir();
      const started = startPassk(['run', ...runDirs(root, 'm'), '--problems', 'demo', '--backend', 'sim', '--n', '200', '--temperatures', '0.5',
        '--evaluators', '1', '--metrics-port', '0', ...(host ? ['--metrics-host', host] : [])]);
      try {
        const url = await metricsUrl(started);
        assert.equal(url.hostname, host ?? '127.0.0.1');
        const ip = externalAddress();
        const target = host && ip ? `http://${ip}:${url.port}/metrics` : url.href;
        const body = await (await fetch(target)).text();
        assert.match(body, /^# (HELP|TYPE) passk_/m);
        if (!host && ip) await assert.rejects(fetch(`http://${ip}:${url.port}/metrics`));
      } finally {
        started.child.kill('SIGINT');
        await started.exit;
      }
    });
  }
});
