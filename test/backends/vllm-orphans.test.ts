/**
 * No orphaned engine, ever: the process that owns a vLLM engine is SIGKILLed and the engine (the
 * stand-in `vllm` and its engine-core child) is gone within seconds; a restarted owner finds no
 * orphan; a leftover engine named by the engine record is killed before a new one starts; a port
 * held by a process we did not start fails the start with a clear error instead of being health-
 * checked as if it were our engine.
 */
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readFile, stat } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import { VllmBackend } from '../../packages/generator/src/backends/vllm.js';
import { launcherCommand } from '../../packages/generator/src/backends/vllm/launcher.js';
import { writeEngineRecord } from '../../packages/generator/src/backends/vllm/engine-record.js';
import { captureLogger, tempDir } from './helpers.js';
import { fakeBin, isolatedPath, startOwner, starts, until } from './fakes.js';
import { isAlive } from '../helpers/procs.js';
import { freePort } from '../helpers/ports.js';

let dir: string;
let cleanup: () => Promise<void>;
let state: string;
let env: NodeJS.ProcessEnv;
const savedPath = process.env.PATH;

before(async () => {
  ({ dir, cleanup } = await tempDir('vllm-orphans'));
  process.env.PATH = isolatedPath(await fakeBin(dir, { vllm: true }));
});

beforeEach(async () => {
  state = join(dir, `state-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  await mkdir(state);
  env = { ...process.env, FAKE_VLLM_STATE: state };
  delete env.FAKE_VLLM_IGNORE_TERM;
  process.env.FAKE_VLLM_STATE = state;
  delete process.env.FAKE_VLLM_IGNORE_TERM;
});

after(async () => {
  process.env.PATH = savedPath;
  delete process.env.FAKE_VLLM_STATE;
  delete process.env.FAKE_VLLM_IGNORE_TERM;
  await cleanup?.();
});

const exists = (f: string) => stat(f).then(() => true, () => false);

for (const ignoreTerm of [false, true]) {
  test(`vllm: SIGKILL of the engine's owner${ignoreTerm ? ' (engine ignores SIGTERM)' : ''}: engine, engine core and launcher gone within seconds; a restarted owner finds no orphan`, { timeout: 60_000 }, async () => {
    if (ignoreTerm) env.FAKE_VLLM_IGNORE_TERM = '1';
    const port = await freePort();
    const logDir = join(dir, `owner-${ignoreTerm}`);
    const options = { model: 'm', gpu: 2, port, logDir, staggerMs: 0, healthIntervalMs: 50, metricsIntervalMs: 0, gpuTraceIntervalMs: 0, stopTimeoutMs: 800 };
    const first = startOwner(options, env);
    const { launcher } = await first.ready;
    const [s] = await starts(state);
    assert.ok(isAlive(launcher) && isAlive(s!.pid) && isAlive(s!.corePid), 'launcher, engine and engine core run');
    const record = JSON.parse(await readFile(join(logDir, 'gpu2.engine.json'), 'utf8'));
    assert.equal(record.pgid, launcher, 'the engine record names the launcher (the process group)');
    assert.equal(record.port, port);

    first.child.kill('SIGKILL');
    await first.exited;
    const took = await until(() => !isAlive(launcher) && !isAlive(s!.pid) && !isAlive(s!.corePid), 5000, 'the engine to die with its owner');
    if (ignoreTerm) assert.ok(took >= 600, `SIGTERM first, SIGKILL after stopTimeoutMs (took ${took} ms)`);

    const second = startOwner(options, env);
    try {
      await second.ready;
      assert.equal(second.lines.filter((l) => /leftover engine/.test(String(l.msg))).length, 0, 'no orphan found');
      assert.ok(second.lines.some((l) => l.msg === 'vllm: engine starting'), 'the owner logged its start (the check above can see lines)');
      const all = await starts(state);
      assert.equal(all.length, 2, 'the restarted owner started its own engine on the same port');
      assert.ok(isAlive(all[1]!.pid));
    } finally {
      second.child.kill('SIGTERM');
      assert.equal(await second.exited, 0, second.stderr());
    }
    for (const x of await starts(state)) assert.ok(!isAlive(x.pid) && !isAlive(x.corePid), 'nothing left after a clean stop');
    assert.equal(await exists(join(logDir, 'gpu2.engine.json')), false, 'the record is removed on a clean stop');
  });
}

test('vllm: a leftover engine named by the engine record is killed before a new engine starts', { timeout: 60_000 }, async () => {
  const port = await freePort();
  const logDir = join(dir, 'leftover');
  await mkdir(logDir);
  // A leftover as it would look if its generator's death had not stopped it: a launcher-run engine
  // on this GPU's port, its group recorded in gpu0.engine.json. Its "generator" is this test process.
  const fake = join(dir, 'bin-v', 'vllm');
  const launch = launcherCommand('python3', fake, ['serve', 'old', '--host', '127.0.0.1', '--port', String(port)], process.pid, 1000);
  const leftover = spawn(launch.command, launch.args, { env, detached: true, stdio: 'ignore' });
  writeEngineRecord(join(logDir, 'gpu0.engine.json'), { gpu: 0, host: (await import('node:os')).hostname(), port, pgid: leftover.pid!, generator_pid: 1, started_at: new Date().toISOString() });
  await until(async () => (await starts(state)).length === 1, 10_000, 'the leftover engine to start');
  const [old] = await starts(state);
  await until(() => new Promise<boolean>((r) => net.connect(port, '127.0.0.1').once('connect', function (this: net.Socket) { this.destroy(); r(true); }).once('error', () => r(false))), 10_000, 'the leftover to listen');

  const { logger, lines } = captureLogger();
  const b = new VllmBackend({ model: 'new', port, logDir, healthIntervalMs: 50, metricsIntervalMs: 0, gpuTraceIntervalMs: 0, stopTimeoutMs: 1000, logger });
  try {
    await b.init();
    const killed = lines.find((l) => l.msg === 'vllm: killing a leftover engine of this GPU from an earlier generator');
    assert.ok(killed, 'the leftover was found');
    assert.equal((killed!.obj as { pgid: number }).pgid, leftover.pid);
    assert.ok(!isAlive(leftover.pid!) && !isAlive(old!.pid) && !isAlive(old!.corePid), 'the leftover engine and its core are gone');
    const all = await starts(state);
    assert.equal(all.length, 2);
    assert.equal(all[1]!.argv[1], 'new', 'the new engine serves');
  } finally {
    await b.close();
  }
});

test('vllm: a port held by a process the generator did not start fails the start with a clear error; no engine is started', { timeout: 30_000 }, async () => {
  const squatter = net.createServer((s) => s.end('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n'));
  await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
  const port = (squatter.address() as net.AddressInfo).port;
  const b = new VllmBackend({ model: 'm', gpu: 3, port, logDir: join(dir, 'busy'), staggerMs: 0, portWaitMs: 300, healthIntervalMs: 50, metricsIntervalMs: 0, gpuTraceIntervalMs: 0 });
  try {
    await assert.rejects(b.init(), (e: { code?: string; message: string }) => {
      assert.equal(e.code, 'ERR_BACKEND_UNAVAILABLE');
      assert.equal(
        e.message,
        `vllm: port ${port} on 127.0.0.1 (the engine port of GPU 3) is already in use by a process this generator did not start (an engine of another run, or a server started by hand); stop it, or use it with --vllm-url http://127.0.0.1:${port}`,
      );
      return true;
    });
    assert.equal((await starts(state)).length, 0, 'no engine was started');
  } finally {
    await b.close();
    await new Promise((r) => squatter.close(r));
  }
});

test("vllm: when the engine's main process dies, the launcher kills the rest of the engine and exits with the engine's status", { timeout: 30_000 }, async () => {
  const fake = join(dir, 'bin-v', 'vllm');
  const launch = launcherCommand('python3', fake, ['serve', 'm', '--port', String(await freePort())], process.pid, 1000);
  const child = spawn(launch.command, launch.args, { env, detached: true, stdio: 'ignore' });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  await until(async () => (await starts(state)).length === 1, 10_000, 'the engine to start');
  const [s] = await starts(state);
  assert.ok(isAlive(s!.corePid));
  process.kill(s!.pid, 'SIGKILL');
  assert.deepEqual(await exit, { code: null, signal: 'SIGKILL' }, "the launcher reports the engine's own end");
  assert.ok(!isAlive(s!.corePid), 'the engine core went with it');
});
