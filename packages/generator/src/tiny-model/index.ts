/**
 * The tiny model: a llama-architecture GGUF with random weights and a byte-level SPM vocabulary,
 * written from scratch and deterministic per seed. It exists so tests, the demo and benchmarks run
 * the real embedded engine without downloading weights. Its output is noise.
 *
 * Readable-ish output comes from the "bias trick" (docs/backends.md §5 of the shared notes): every
 * token embedding carries a constant in dimension 0, so after the final RMSNorm the dim-0 column of
 * `output.weight` acts as a per-token logit bias (printable ASCII up, other bytes down, EOS tunable).
 */
import { writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeGguf, type GgufTensor, type GgufValue } from './gguf.js';
import { mulberry32 } from '@passk/core';

export { writeGguf } from './gguf.js';
export type { GgufTensor, GgufValue } from './gguf.js';

export interface TinyModelOptions {
  /** PRNG seed: the same seed gives a byte-identical file. @default 0 */
  seed?: number;
  /** Transformer blocks. @default 2 */
  layers?: number;
  /** Embedding width. @default 64 */
  embedding?: number;
  /** Attention heads (head dim = embedding / heads). @default 4 */
  heads?: number;
  /** Feed-forward width. @default 128 */
  feedForward?: number;
  /** Training context length written to the file. @default 512 */
  contextLength?: number;
  /**
   * Logit bias of the EOS token. −1.5 makes EOS rare, 1.0 gives lengths of 1…~256 tokens
   * (median ≈ 90), ≥ 2.5 ends generation almost at once. @default 1.0
   */
  eosBias?: number;
}

export const TINY_MODEL_NAME = 'passk-tiny-random';

/** Token ids of the byte-level vocabulary. */
export const TINY_VOCAB = { unk: 0, bos: 1, eos: 2, firstByte: 3, space: 259, size: 260 } as const;

function gaussianFiller(seed: number): (std: number, n: number) => Float32Array {
  const uniform = mulberry32(seed);
  let spare: number | undefined;
  const next = (): number => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  return (std, n) => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = next() * std;
    return out;
  };
}

function isPrintable(byte: number): boolean {
  return (byte >= 0x20 && byte <= 0x7e) || byte === 0x0a;
}

/** Build the tiny model's GGUF bytes. */
export function buildTinyModel(options: TinyModelOptions = {}): Buffer {
  const seed = options.seed ?? 0;
  const nLayer = options.layers ?? 2;
  const nEmbd = options.embedding ?? 64;
  const nHead = options.heads ?? 4;
  const nFf = options.feedForward ?? 128;
  const nCtx = options.contextLength ?? 512;
  const eosBias = options.eosBias ?? 1.0;
  if (nEmbd % nHead !== 0) throw new Error(`embedding ${nEmbd} is not a multiple of heads ${nHead}`);
  const nVocab = TINY_VOCAB.size;

  const tokens: string[] = ['<unk>', '<s>', '</s>'];
  const types: number[] = [2, 3, 3];
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(6);
  }
  tokens.push('\u2581');
  types.push(1);

  const metadata: Array<[string, GgufValue]> = [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: `${TINY_MODEL_NAME}-seed${seed}` }],
    ['general.file_type', { type: 'u32', value: 0 }],
    ['general.alignment', { type: 'u32', value: 32 }],
    ['llama.context_length', { type: 'u32', value: nCtx }],
    ['llama.embedding_length', { type: 'u32', value: nEmbd }],
    ['llama.block_count', { type: 'u32', value: nLayer }],
    ['llama.feed_forward_length', { type: 'u32', value: nFf }],
    ['llama.attention.head_count', { type: 'u32', value: nHead }],
    ['llama.attention.head_count_kv', { type: 'u32', value: nHead }],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'f32', value: 1e-5 }],
    ['llama.rope.dimension_count', { type: 'u32', value: nEmbd / nHead }],
    ['llama.rope.freq_base', { type: 'f32', value: 10000 }],
    ['llama.vocab_size', { type: 'u32', value: nVocab }],
    ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'string[]', value: tokens }],
    ['tokenizer.ggml.scores', { type: 'f32[]', value: new Float32Array(nVocab) }],
    ['tokenizer.ggml.token_type', { type: 'i32[]', value: types }],
    ['tokenizer.ggml.bos_token_id', { type: 'u32', value: TINY_VOCAB.bos }],
    ['tokenizer.ggml.eos_token_id', { type: 'u32', value: TINY_VOCAB.eos }],
    ['tokenizer.ggml.unknown_token_id', { type: 'u32', value: TINY_VOCAB.unk }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }],
    ['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }],
    ['tokenizer.ggml.add_space_prefix', { type: 'bool', value: false }],
  ];

  const gauss = gaussianFiller(seed);
  const ones = (n: number) => new Float32Array(n).fill(1);

  const embd = gauss(1.0, nEmbd * nVocab);
  for (let t = 0; t < nVocab; t++) embd[t * nEmbd] = 3.0;
  const output = gauss(0.1, nEmbd * nVocab);
  for (let t = 0; t < nVocab; t++) {
    let bias: number;
    if (t === TINY_VOCAB.eos) bias = eosBias;
    else if (t >= TINY_VOCAB.firstByte && t < TINY_VOCAB.firstByte + 256) {
      bias = isPrintable(t - TINY_VOCAB.firstByte) ? 1.0 : -1.5;
    } else bias = -1.5;
    output[t * nEmbd] = bias;
  }

  const tensors: GgufTensor[] = [
    { name: 'token_embd.weight', shape: [nEmbd, nVocab], data: embd },
    { name: 'output_norm.weight', shape: [nEmbd], data: ones(nEmbd) },
    { name: 'output.weight', shape: [nEmbd, nVocab], data: output },
  ];
  for (let i = 0; i < nLayer; i++) {
    tensors.push(
      { name: `blk.${i}.attn_norm.weight`, shape: [nEmbd], data: ones(nEmbd) },
      { name: `blk.${i}.attn_q.weight`, shape: [nEmbd, nEmbd], data: gauss(0.02, nEmbd * nEmbd) },
      { name: `blk.${i}.attn_k.weight`, shape: [nEmbd, nEmbd], data: gauss(0.02, nEmbd * nEmbd) },
      { name: `blk.${i}.attn_v.weight`, shape: [nEmbd, nEmbd], data: gauss(0.02, nEmbd * nEmbd) },
      { name: `blk.${i}.attn_output.weight`, shape: [nEmbd, nEmbd], data: gauss(0.02, nEmbd * nEmbd) },
      { name: `blk.${i}.ffn_norm.weight`, shape: [nEmbd], data: ones(nEmbd) },
      { name: `blk.${i}.ffn_gate.weight`, shape: [nEmbd, nFf], data: gauss(0.02, nEmbd * nFf) },
      { name: `blk.${i}.ffn_up.weight`, shape: [nEmbd, nFf], data: gauss(0.02, nEmbd * nFf) },
      { name: `blk.${i}.ffn_down.weight`, shape: [nFf, nEmbd], data: gauss(0.02, nFf * nEmbd) },
    );
  }
  return writeGguf(metadata, tensors, 32);
}

/** Write the tiny model to `path` (parent directories created). Returns the file size in bytes. */
export async function writeTinyModel(path: string, options: TinyModelOptions = {}): Promise<number> {
  const bytes = buildTinyModel(options);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes);
  return bytes.length;
}
