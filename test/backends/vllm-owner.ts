/**
 * A process that owns a vLLM engine, for the tests that SIGKILL the owner: it starts a VllmBackend
 * with the options given as JSON in argv[2], prints its log lines as JSON to stdout, prints
 * `{"ready": …}` once the engine serves, and closes the backend on SIGTERM.
 * Run with `node --import tsx test/backends/vllm-owner.ts '{"model":"m",…}'`.
 */
import { VllmBackend } from '../../packages/generator/src/backends/vllm.js';

const print = (level: string) => (obj: object, msg?: string) => process.stdout.write(`${JSON.stringify({ level, msg, ...obj })}\n`);
const logger = { info: print('info'), warn: print('warn'), error: print('error'), debug: () => {} };
const backend = new VllmBackend({ ...JSON.parse(process.argv[2] ?? '{}'), logger });
process.on('SIGTERM', () => {
  void backend.close().then(() => process.exit(0));
});
await backend.init();
process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid, launcher: backend.pid })}\n`);
setInterval(() => {}, 1000);
