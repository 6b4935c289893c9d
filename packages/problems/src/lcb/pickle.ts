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

/**
 * Unpickle a payload that must hold one `str`. `where` names the file, line and field for errors.
 * @throws PasskError ERR_PICKLE_UNSUPPORTED on any other opcode, ERR_PROBLEM_INVALID on truncation.
 */
export function unpickleString(data: Buffer, where: PasskErrorDetails = {}): string {
  let pos = 0;
  let result: string | undefined;
  const truncated = (what: string): PasskError =>
    new PasskError('ERR_PROBLEM_INVALID', `pickle truncated: ${what} at byte ${pos} of ${data.length}`, where);
  const need = (n: number, what: string): void => {
    if (pos + n > data.length) throw truncated(what);
  };
  const setString = (s: string, op: string): void => {
    if (result !== undefined) {
      throw new PasskError('ERR_PICKLE_UNSUPPORTED', `pickle opcode ${op} after the string: only a single str is supported`, where);
    }
    result = s;
  };

  while (pos < data.length) {
    const op = data[pos]!;
    const at = pos;
    pos += 1;
    switch (op) {
      case 0x80: // PROTO n
        need(1, 'PROTO');
        if (data[pos]! > 5) throw new PasskError('ERR_PICKLE_UNSUPPORTED', `pickle protocol ${data[pos]} is newer than 5`, where);
        pos += 1;
        break;
      case 0x95: {
        // FRAME len(8): the framed bytes follow inline; just check they are there.
        need(8, 'FRAME');
        const len = Number(data.readBigUInt64LE(pos));
        pos += 8;
        if (pos + len > data.length) throw truncated('FRAME body');
        break;
      }
      case 0x8c: {
        need(1, 'SHORT_BINUNICODE');
        const len = data[pos]!;
        pos += 1;
        need(len, 'SHORT_BINUNICODE body');
        setString(data.toString('utf8', pos, pos + len), 'SHORT_BINUNICODE');
        pos += len;
        break;
      }
      case 0x58: {
        need(4, 'BINUNICODE');
        const len = data.readUInt32LE(pos);
        pos += 4;
        need(len, 'BINUNICODE body');
        setString(data.toString('utf8', pos, pos + len), 'BINUNICODE');
        pos += len;
        break;
      }
      case 0x8d: {
        need(8, 'BINUNICODE8');
        const len = Number(data.readBigUInt64LE(pos));
        pos += 8;
        need(len, 'BINUNICODE8 body');
        setString(data.toString('utf8', pos, pos + len), 'BINUNICODE8');
        pos += len;
        break;
      }
      case 0x56: {
        // UNICODE: raw-unicode-escape text up to '\n'.
        const end = data.indexOf(0x0a, pos);
        if (end < 0) throw truncated('UNICODE');
        setString(rawUnicodeEscape(data.subarray(pos, end)), 'UNICODE');
        pos = end + 1;
        break;
      }
      case 0x94: // MEMOIZE: the memo is never read back (no GET opcodes are supported).
        if (result === undefined) throw new PasskError('ERR_PICKLE_UNSUPPORTED', `pickle opcode MEMOIZE at byte ${at} with an empty stack`, where);
        break;
      case 0x71: // BINPUT idx(1)
        need(1, 'BINPUT');
        pos += 1;
        break;
      case 0x72: // LONG_BINPUT idx(4)
        need(4, 'LONG_BINPUT');
        pos += 4;
        break;
      case 0x70: {
        // PUT: decimal index up to '\n'
        const end = data.indexOf(0x0a, pos);
        if (end < 0) throw truncated('PUT');
        pos = end + 1;
        break;
      }
      case 0x2e: // STOP
        if (result === undefined) {
          throw new PasskError('ERR_PICKLE_UNSUPPORTED', 'pickle holds no str (STOP with an empty stack)', where);
        }
        return result;
      default:
        throw new PasskError(
          'ERR_PICKLE_UNSUPPORTED',
          `pickle opcode ${opcodeName(op)} at byte ${at} is not supported (only a single str is: PROTO, FRAME, *UNICODE*, MEMOIZE, *PUT, STOP)`,
          where,
        );
    }
  }
  throw truncated('no STOP opcode');
}
