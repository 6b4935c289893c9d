/**
 * `openai` backend: does the server honour the seed rule? Checked once, on the first request,
 * with that request's own prompt (so the same endpoint and template), at most 16 tokens and
 * temperature ≥ 1 (so that different seeds give different text):
 *
 * 1. two requests with n = 1 and seed s + 1 must give the same text (else the server ignores
 *    `seed`: no sample is reproducible);
 * 2. with seedFanout 'server', child 1 of a request with n = 2 and seed s must equal that text
 *    (vLLM seeds child i with seed + i; a server that does not makes a shard's samples depend on
 *    how they were split into requests — use seedFanout 'client').
 *
 * The answer is a list of warnings (empty: honoured). A failed check is a warning too, not an
 * error: generation goes on.
 */
import type { GeneratedSample, GenerationRequest } from '@passk/core';
import { type BackendLogger } from '../common.js';
import { HttpStatusError } from '../http-client.js';

export type SendOne = (request: GenerationRequest, first: number, n: number) => Promise<GeneratedSample[]>;

export async function checkSeedRule(
  name: string,
  root: string,
  request: GenerationRequest,
  fanout: 'server' | 'client',
  maxN: number,
  send: SendOne,
  logger: BackendLogger,
): Promise<string[]> {
  const probe: GenerationRequest = { ...request, temperature: Math.max(1, request.temperature), maxTokens: Math.min(16, request.maxTokens), stop: [] };
  const where = `${name} server at ${root}`;
  try {
    const [b] = await send(probe, 1, 1);
    const [c] = await send(probe, 1, 1);
    if (b!.output !== c!.output) {
      return [`${where} does not honour \`seed\`: two requests with seed ${probe.seedBase + 1} gave different samples, so no sample is reproducible and the seed rule cannot hold`];
    }
    if (fanout !== 'server' || maxN < 2) return [];
    let pair: GeneratedSample[];
    try {
      pair = await send(probe, 0, 2);
    } catch (error) {
      if (error instanceof HttpStatusError && (error.status === 400 || error.status === 422)) return []; // n capped at 1: one request per sample
      throw error;
    }
    if (pair[1]?.output !== b!.output) {
      return [
        `${where} does not seed child i of an n request with seed + i (as vLLM does): a shard's samples depend on how it was split into requests; ` +
          'set "seedFanout": "client" in the engine config\'s "openai" section (one request per sample, seed = seed_base + i)',
      ];
    }
    return [];
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    logger.warn({ backend: name, err: (error as Error).message }, `${name}: the seed-rule check failed; generating anyway`);
    return [`${where}: the seed-rule check could not run (${(error as Error).message.slice(0, 200)}); the seed rule is unverified`];
  }
}
