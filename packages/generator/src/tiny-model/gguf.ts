/**
 * A minimal GGUF v3 writer (ggml/include/gguf.h): header, metadata key/values, tensor infos,
 * padding to the alignment, then the tensor data, each tensor padded to the alignment.
 * Only what the tiny model needs: scalar/string/array metadata and F32 tensors.
 */

export const GGUF_TYPE = {
  UINT8: 0,
  INT8: 1,
  UINT16: 2,
  INT16: 3,
  UINT32: 4,
  INT32: 5,
  FLOAT32: 6,
  BOOL: 7,
  STRING: 8,
  ARRAY: 9,
  UINT64: 10,
  INT64: 11,
  FLOAT64: 12,
} as const;

export type GgufScalarType = Exclude<(typeof GGUF_TYPE)[keyof typeof GGUF_TYPE], 9>;

export type GgufValue =
  | { type: 'u32'; value: number }
  | { type: 'i32'; value: number }
  | { type: 'f32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'string[]'; value: string[] }
  | { type: 'f32[]'; value: ArrayLike<number> }
  | { type: 'i32[]'; value: ArrayLike<number> };

export interface GgufTensor {
  name: string;
  /** ggml order: ne[0] is the innermost (contiguous) dimension. */
  shape: number[];
  /** F32 data, length = product of shape. */
  data: Float32Array;
}

const GGML_TYPE_F32 = 0;

class ByteSink {
  private chunks: Buffer[] = [];
  length = 0;
  push(buffer: Buffer): void {
    this.chunks.push(buffer);
    this.length += buffer.length;
  }
  u32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value >>> 0);
    this.push(b);
  }
  i32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(value | 0);
    this.push(b);
  }
  u64(value: number | bigint): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(value));
    this.push(b);
  }
  i64(value: number | bigint): void {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(BigInt(value));
    this.push(b);
  }
  f32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(value);
    this.push(b);
  }
  string(value: string): void {
    const bytes = Buffer.from(value, 'utf8');
    this.u64(bytes.length);
    this.push(bytes);
  }
  pad(alignment: number): void {
    const rest = this.length % alignment;
    if (rest !== 0) this.push(Buffer.alloc(alignment - rest));
  }
  concat(): Buffer {
    return Buffer.concat(this.chunks, this.length);
  }
}

/** A GGUF array of 4-byte numbers: the array tag, the element type, the count, then the values little-endian. */
function writeNumberArray(sink: ByteSink, elementType: number, values: ArrayLike<number>, put: (b: Buffer, x: number, at: number) => void): void {
  sink.u32(GGUF_TYPE.ARRAY);
  sink.u32(elementType);
  sink.u64(values.length);
  const b = Buffer.alloc(4 * values.length);
  for (let i = 0; i < values.length; i++) put(b, values[i]!, 4 * i);
  sink.push(b);
}

/** A scalar value's GGUF type tag; its bytes follow (writeScalar). */
const SCALAR_TAGS = { u32: GGUF_TYPE.UINT32, i32: GGUF_TYPE.INT32, f32: GGUF_TYPE.FLOAT32, bool: GGUF_TYPE.BOOL, string: GGUF_TYPE.STRING } as const;
type ScalarValue = Extract<GgufValue, { type: keyof typeof SCALAR_TAGS }>;

function writeScalar(sink: ByteSink, v: ScalarValue): void {
  sink.u32(SCALAR_TAGS[v.type]);
  if (v.type === 'bool') sink.push(Buffer.from([v.value ? 1 : 0]));
  else if (v.type === 'string') sink.string(v.value);
  else sink[v.type](v.value);
}

function writeValue(sink: ByteSink, v: GgufValue): void {
  switch (v.type) {
    case 'string[]':
      sink.u32(GGUF_TYPE.ARRAY);
      sink.u32(GGUF_TYPE.STRING);
      sink.u64(v.value.length);
      for (const s of v.value) sink.string(s);
      return;
    case 'f32[]':
      writeNumberArray(sink, GGUF_TYPE.FLOAT32, v.value, (b, x, at) => b.writeFloatLE(x, at));
      return;
    case 'i32[]':
      writeNumberArray(sink, GGUF_TYPE.INT32, v.value, (b, x, at) => b.writeInt32LE(x, at));
      return;
    default:
      writeScalar(sink, v);
  }
}

/** Serialise a GGUF v3 file. `metadata` keeps insertion order. */
export function writeGguf(metadata: Array<[string, GgufValue]>, tensors: GgufTensor[], alignment = 32): Buffer {
  const sink = new ByteSink();
  sink.push(Buffer.from('GGUF', 'ascii'));
  sink.u32(3);
  sink.i64(tensors.length);
  sink.i64(metadata.length);
  for (const [key, value] of metadata) {
    sink.string(key);
    writeValue(sink, value);
  }
  let offset = 0;
  const offsets: number[] = [];
  for (const t of tensors) {
    const elements = t.shape.reduce((a, b) => a * b, 1);
    if (elements !== t.data.length) {
      throw new Error(`tensor ${t.name}: shape ${t.shape.join('x')} needs ${elements} values, got ${t.data.length}`);
    }
    sink.string(t.name);
    sink.u32(t.shape.length);
    for (const d of t.shape) sink.i64(d);
    sink.u32(GGML_TYPE_F32);
    sink.u64(offset);
    offsets.push(offset);
    const bytes = 4 * elements;
    offset += Math.ceil(bytes / alignment) * alignment;
  }
  sink.pad(alignment);
  for (const t of tensors) {
    sink.push(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    sink.pad(alignment);
  }
  return sink.concat();
}
