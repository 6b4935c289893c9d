/**
 * `vllm`: one engine per GPU. The generator for GPU i starts and owns `vllm serve MODEL` with
 * `CUDA_VISIBLE_DEVICES=i` on its own port (start staggered by GPU index), waits for `/health`
 * and a canary completion, then talks to it through the `openai` client with many requests in
 * flight and every sampling parameter explicit. If the engine dies, it is restarted (up to
 * `maxRestarts`) and the interrupted requests are sent again (same seeds, same samples). On
 * close, the engine's whole process group gets SIGTERM, then SIGKILL after `stopTimeoutMs`, and
 * close() returns only when no process of the group is left (no orphan holding GPU memory).
 * The engine's output goes to `{logDir}/gpu{i}.vllm.log`.
 *
 * With `vllmUrl` (`--vllm-url`), an engine the user started is used instead: health wait and
 * canary, no process management.
 */
// The modules, one job each (under ./vllm/): options.ts (options), availability.ts (PATH and GPU
// detection), serve-args.ts (command line and environment), engine.ts (spawn, restart, stop),
// process-group.ts (no orphan), health.ts (health wait and canary), gpu-trace.ts (nvidia-smi CSV),
// client.ts (the openai client), backend.ts (the class and its factory).
export type { VllmBackendOptions } from './vllm/options.js';
export { VLLM_EXPLICIT_SAMPLING } from './vllm/client.js';
export { vllmAvailable } from './vllm/availability.js';
export { VllmBackend, createVllmBackend } from './vllm/backend.js';
