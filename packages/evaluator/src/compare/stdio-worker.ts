/**
 * Worker-thread entry of compare/offload.ts: LiveCodeBench's stdout comparison (compare/stdio.ts)
 * of big outputs, away from the evaluator's event loop. One message in, one message out.
 */
import { parentPort } from 'node:worker_threads';
import { compareStdout } from './stdio.js';

export interface CompareRequest {
  id: number;
  prediction: string;
  expected: string;
}

parentPort?.on('message', (m: CompareRequest) => {
  parentPort!.postMessage({ id: m.id, result: compareStdout(m.prediction, m.expected) });
});
