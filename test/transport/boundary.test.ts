/**
 * The transport boundary: outside packages/core nothing asks which transport it has, and what the
 * orchestrator does to the run goes through the transport (the supervisor's stop-generators flag
 * lands in Redis on Redis, not in a local control/ dir nobody there watches).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { runLayout, openTransport, silentLogger, type Transport, type Problem } from '@passk/core';
import { createOrResumePlan } from '../../packages/cli/src/orchestrator/plan.js';
import { Supervisor } from '../../packages/cli/src/orchestrator/supervisor.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { tempDir } from '../helpers/tmp.js';

const root = path.resolve(import.meta.dirname, '..', '..');

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sources(file)));
    else if (entry.name.endsWith('.ts')) out.push(file);
  }
  return out;
}

test('outside packages/core no source branches on the transport kind', async () => {
  const offenders: string[] = [];
  for (const pkg of await readdir(path.join(root, 'packages'))) {
    if (pkg === 'core' || !existsSync(path.join(root, 'packages', pkg, 'src'))) continue;
    for (const file of await sources(path.join(root, 'packages', pkg, 'src'))) {
      const lines = (await readFile(file, 'utf8')).split('\n');
      lines.forEach((line, i) => {
        if (/\.kind\s*[!=]==\s*'(fs|redis)'|'(fs|redis)'\s*[!=]==\s*\w+\.kind|failed-redis|as unknown as \w*Redis/.test(line)) offenders.push(`${path.relative(root, file)}:${i + 1}: ${line.trim()}`);
      });
    }
  }
  assert.deepEqual(offenders, []);
});

let server: RedisServer;
before(async () => {
  server = await startRedis();
});
after(async () => {
  await server?.stop();
});

test("Redis: the supervisor's stop-generators flag goes through the transport (in Redis, no local flag file)", async () => {
  const dir = await tempDir();
  const layout = runLayout({ run: 'sv', root: dir });
  const transport: Transport = await openTransport({ layout, queueUrl: server.url });
  try {
    const supervisor = new Supervisor({ layout, control: transport.control, logger: silentLogger(), cliMain: '/nonexistent', gpuReleaseTimeoutMs: 1000 });
    await supervisor.stopAll('test');
    assert.equal(await transport.control.has('stop-generators'), true);
    assert.equal(existsSync(path.join(layout.controlDir, 'stop-generators')), false);
  } finally {
    await transport.close();
  }
});

test('Redis: planning a run keeps a local plan copy and creates no fs-queue dir on this machine', async () => {
  const dir = await tempDir();
  const layout = runLayout({ run: 'lay', root: dir });
  const transport: Transport = await openTransport({ layout, queueUrl: server.url });
  try {
    const problem = { id: 'p0', title: 'p0', kind: 'stdin', content: 'print 1', starter_code: '', tests: [{ input: '', output: '1' }], public_test_count: 1 } as unknown as Problem;
    const request = {
      run: 'lay', problemsSpec: 'inline', problems: [problem], start: 0, n: 2, shardSize: 2, temperatures: [0.5], seed: 0, topP: 1, maxTokens: 16, stop: [], backend: 'sim', model: 'sim', simulated: true,
    };
    const { resumed } = await createOrResumePlan(transport, layout, request);
    assert.equal(resumed, false);
    assert.equal(existsSync(layout.planFile), true, 'a copy of the plan beside the results');
    for (const dir of [layout.pending('gen'), layout.claimedDir, layout.controlDir, layout.workersDir]) assert.equal(existsSync(dir), false, dir);
  } finally {
    await transport.close();
  }
});
