/**
 * A pickle interpreter for exactly one shape of payload: a single `str`, as CPython 3.11's
 * `pickle.dumps(s, protocol=0..5)` writes it (LiveCodeBench's private tests are
 * `base64(zlib(pickle.dumps(json_text)))`). It never imports, calls or builds anything but a
 * string: any other opcode is ERR_PICKLE_UNSUPPORTED, naming the opcode and its offset.
 *
 * Supported opcodes (checked against `pickletools.dis` of Python 3.11's output):
 * PROTO, FRAME, SHORT_BINUNICODE, BINUNICODE, BINUNICODE8, UNICODE (protocol 0),
 * MEMOIZE, BINPUT, LONG_BINPUT, PUT (protocol 0), STOP.
 */
import { PasskError, type PasskErrorDetails } from '@passk/core';

const OPCODE_NAMES: Record<number, string> = {
  0x80: 'PROTO',
  0x95: 'FRAME',
  0x8c: 'SHORT_BINUNICODE',
  0x58: 'BINUNICODE',
  0x8d: 'BINUNICODE8',
  0x56: 'UNICODE',
  0x94: 'MEMOIZE',
  0x71: 'BINPUT',
  0x72: 'LONG_BINPUT',
  0x70: 'PUT',
  0x2e: 'STOP',
  // Common ones we refuse, named so the error message is useful.
  0x63: 'GLOBAL',
  0x93: 'STACK_GLOBAL',
  0x52: 'REDUCE',
  0x81: 'NEWOBJ',
  0x92: 'NEWOBJ_EX',
  0x69: 'INST',
  0x6f: 'OBJ',
  0x62: 'BUILD',
  0x5d: 'EMPTY_LIST',
  0x7d: 'EMPTY_DICT',
  0x29: 'EMPTY_TUPLE',
  0x28: 'MARK',
  0x4b: 'BININT1',
  0x4a: 'BININT',
  0x55: 'SHORT_BINSTRING',
  0x54: 'BINSTRING',
  0x43: 'SHORT_BINBYTES',
  0x42: 'BINBYTES',
  0x4e: 'NONE',
  0x88: 'NEWTRUE',
  0x89: 'NEWFALSE',
  0x67: 'GET',
  0x68: 'BINGET',
  0x6a: 'LONG_BINGET',
  0x61: 'APPEND',
  0x65: 'APPENDS',
  0x73: 'SETITEM',
  0x75: 'SETITEMS',
};

export function opcodeName(op: number): string {
  return OPCODE_NAMES[op] ?? `0x${op.toString(16).padStart(2, '0')}`;
}

/** Decode pickle protocol 0's raw-unicode-escape text (latin-1 bytes with \uXXXX / \UXXXXXXXX). */
function rawUnicodeEscape(bytes: Buffer): string {
  const latin = bytes.toString('latin1');
  return latin.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_m, u4: string | undefined, u8: string | undefined) =>
    String.fromCodePoint(parseInt((u4 ?? u8)!, 16)),
  );
}

/** The cursor over a pickle's bytes; truncation is ERR_PROBLEM_INVALID naming what was cut and where. */
class PickleReader {
  pos = 0;

  constructor(
    readonly data: Buffer,
    readonly where: PasskErrorDetails,
  ) {}

  truncated(what: string): PasskError {
    return new PasskError('ERR_PROBLEM_INVALID', `pickle truncated: ${what} at byte ${this.pos} of ${this.data.length}`, this.where);
  }

  need(n: number, what: string): void {
    if (this.pos + n > this.data.length) throw this.truncated(what);
  }

  /** A little-endian length (or memo index) field of `size` bytes, the cursor past it. */
  size(size: 1 | 4 | 8, what: string): number {
    this.need(size, what);
    const d = this.data;
    const n = size === 1 ? d[this.pos]! : size === 4 ? d.readUInt32LE(this.pos) : Number(d.readBigUInt64LE(this.pos));
    this.pos += size;
    return n;
  }

  /** `len` bytes as UTF-8, the cursor past them. */
  utf8(len: number, what: string): string {
    this.need(len, `${what} body`);
    const s = this.data.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  /** The bytes up to the next '\n' (protocol 0's text arguments), the cursor past it. */
  line(what: string): Buffer {
    const end = this.data.indexOf(0x0a, this.pos);
    if (end < 0) throw this.truncated(what);
    const bytes = this.data.subarray(this.pos, end);
    this.pos = end + 1;
    return bytes;
  }
}

/** The string opcodes with a length prefix: name and the prefix's size in bytes. */
const SIZED_STRINGS: Record<number, [string, 1 | 4 | 8]> = { 0x8c: ['SHORT_BINUNICODE', 1], 0x58: ['BINUNICODE', 4], 0x8d: ['BINUNICODE8', 8] };
/** Memo stores with a binary index: skipped (the memo is never read back, no GET opcode is supported). */
const BINARY_PUTS: Record<number, [string, 1 | 4]> = { 0x71: ['BINPUT', 1], 0x72: ['LONG_BINPUT', 4] };

/**
 * Unpickle a payload that must hold one `str`. `where` names the file, line and field for errors.
 * @throws PasskError ERR_PICKLE_UNSUPPORTED on any other opcode, ERR_PROBLEM_INVALID on truncation.
 */
export function unpickleString(data: Buffer, where: PasskErrorDetails = {}): string {
  const r = new PickleReader(data, where);
  let result: string | undefined;
  const setString = (s: string, op: string): void => {
    if (result !== undefined) {
      throw new PasskError('ERR_PICKLE_UNSUPPORTED', `pickle opcode ${op} after the string: only a single str is supported`, where);
    }
    result = s;
  };
  while (r.pos < data.length) {
    const at = r.pos;
    const op = data[r.pos++]!;
    const sized = SIZED_STRINGS[op];
    const put = BINARY_PUTS[op];
    if (sized) setString(r.utf8(r.size(sized[1], sized[0]), sized[0]), sized[0]);
    else if (put) r.size(put[1], put[0]);
    else if (op === 0x80) {
      // PROTO n
      r.need(1, 'PROTO');
      if (data[r.pos]! > 5) throw new PasskError('ERR_PICKLE_UNSUPPORTED', `pickle protocol ${data[r.pos]} is newer than 5`, where);
      r.pos += 1;
    } else if (op === 0x95) r.need(r.size(8, 'FRAME'), 'FRAME body'); // FRAME len(8): the framed bytes follow inline; just check they are there.
    else if (op === 0x56) setString(rawUnicodeEscape(r.line('UNICODE')), 'UNICODE'); // UNICODE: raw-unicode-escape text up to '\n'.
    else if (op === 0x70) r.line('PUT'); // PUT: decimal index up to '\n'
    else if (op === 0x94) {
      // MEMOIZE: the memo is never read back (no GET opcodes are supported).
      if (result === undefined) throw new PasskError('ERR_PICKLE_UNSUPPORTED', `pickle opcode MEMOIZE at byte ${at} with an empty stack`, where);
    } else if (op === 0x2e) {
      // STOP
      if (result === undefined) throw new PasskError('ERR_PICKLE_UNSUPPORTED', 'pickle holds no str (STOP with an empty stack)', where);
      return result;
    } else {
      throw new PasskError(
        'ERR_PICKLE_UNSUPPORTED',
        `pickle opcode ${opcodeName(op)} at byte ${at} is not supported (only a single str is: PROTO, FRAME, *UNICODE*, MEMOIZE, *PUT, STOP)`,
        where,
      );
    }
  }
  throw r.truncated('no STOP opcode');
}
