import type { Client } from '../client';
import { Notify } from '../notify';
import { is, isLongString } from './args';
import { keyChanged, lookupEntry, lookupRead, notify } from './keyspace';
import { greaterThan, indexArg, JS_STRING_MAX, smallLong } from './string';
import { CommandDef, Errors, ReplyError } from './types';
import type { Entry } from '../store/db';

/**
 * Bitmap commands: bit-level access to string values. Bits are numbered from the most significant
 * bit of the first byte. Strings are immutable JS byte strings, so a write builds the new value
 * from slices around the changed bytes.
 */

const ONE_KEY = { first: 1, last: 1, step: 1 };
const BIT_OFFSET_ERROR = 'ERR bit offset is not an integer or out of range';

/** Bits set in each byte value. */
const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >> 1];

/** Single-byte strings, to avoid String.fromCharCode on every write. */
const BYTE = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i));

export const commands: CommandDef[] = [
  {
    name: 'setbit',
    arity: 4,
    flags: ['write', 'denyoom'],
    acl: ['bitmap'],
    keys: ONE_KEY,
    group: 'bitmap',
    since: '2.2.0',
    complexity: 'O(1)',
    summary: 'Sets or clears the bit at offset of the string value. Creates the key if it doesn\'t exist.',
    handler: setbit,
  },
  {
    name: 'getbit',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['bitmap'],
    keys: ONE_KEY,
    group: 'bitmap',
    since: '2.2.0',
    complexity: 'O(1)',
    summary: 'Returns a bit value by offset.',
    handler: (c, argv) => {
      const offset = bitOffset(c, argv[2], false, 0);
      const value = lookupRead(c, argv[1]);
      if (value === undefined) {
        c.w.int(0);
        return;
      }
      if (typeof value !== 'string') throw new ReplyError(Errors.WRONGTYPE);
      const byte = Math.floor(offset / 8);
      const bit = byte < value.length ? (value.charCodeAt(byte) >> (7 - (offset & 7))) & 1 : 0;
      c.w.int(bit);
    },
  },
  {
    name: 'bitcount',
    arity: -2,
    flags: ['readonly'],
    acl: ['bitmap'],
    keys: ONE_KEY,
    group: 'bitmap',
    since: '2.6.0',
    complexity: 'O(N)',
    summary: 'Counts the number of set bits (population counting) in a string.',
    handler: bitcount,
  },
  {
    name: 'bitpos',
    arity: -3,
    flags: ['readonly'],
    acl: ['bitmap'],
    keys: ONE_KEY,
    group: 'bitmap',
    since: '2.8.7',
    complexity: 'O(N)',
    summary: 'Finds the first set (1) or clear (0) bit in a string.',
    handler: bitpos,
  },
  {
    name: 'bitop',
    arity: -4,
    flags: ['write', 'denyoom'],
    acl: ['bitmap'],
    keys: { first: 2, last: -1, step: 1 },
    group: 'bitmap',
    since: '2.6.0',
    complexity: 'O(N)',
    summary: 'Performs bitwise operations on multiple strings, and stores the result.',
    handler: bitop,
  },
  {
    name: 'bitfield',
    arity: -2,
    flags: ['write', 'denyoom'],
    acl: ['bitmap'],
    keys: ONE_KEY,
    group: 'bitmap',
    since: '3.2.0',
    complexity: 'O(1) for each subcommand specified',
    summary: 'Performs arbitrary bitfield integer operations on strings.',
    handler: (c, argv) => bitfield(c, argv, false),
  },
  {
    name: 'bitfield_ro',
    arity: -2,
    flags: ['readonly', 'fast'],
    acl: ['bitmap'],
    keys: ONE_KEY,
    group: 'bitmap',
    since: '6.0.0',
    complexity: 'O(1) for each subcommand specified',
    summary: 'Performs arbitrary read-only bitfield integer operations on strings.',
    handler: (c, argv) => bitfield(c, argv, true),
  },
];

// ------------------------------------------------------------------------------------------------
// Helpers

/**
 * A bit offset argument: a non-negative 64-bit integer whose byte lies below proto-max-bulk-len
 * (commands from the primary are not limited). With `hash`, `#n` means n times `bits` (BITFIELD).
 */
function bitOffset(c: Client, arg: string, hash: boolean, bits: number): number {
  const useHash = hash && bits > 0 && arg.charCodeAt(0) === 35; /* # */
  const text = useHash ? arg.slice(1) : arg;
  let offset = smallLong(text);
  if (offset !== offset) {
    if (!isLongString(text)) throw new ReplyError(BIT_OFFSET_ERROR);
    // Large values: multiply as the server's 64-bit arithmetic does (wrapping), then range-check.
    let big = BigInt(text);
    if (useHash) big = BigInt.asIntN(64, big * BigInt(bits));
    if (big < 0n || (c.kind !== 'master' && big >> 3n >= BigInt(c.server.protoMaxBulkLen))) throw new ReplyError(BIT_OFFSET_ERROR);
    offset = Number(big);
  } else if (useHash) {
    offset *= bits;
  }
  if (offset < 0 || (c.kind !== 'master' && Math.floor(offset / 8) >= c.server.protoMaxBulkLen)) throw new ReplyError(BIT_OFFSET_ERROR);
  return offset;
}

/** Refuses strings V8 cannot hold (a deliberate difference, see test/compat/DIFFERENCES.md). */
function checkJsLength(bytes: number): void {
  if (bytes > JS_STRING_MAX) throw new ReplyError('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
}

/** The string value of a key for a bit write, or undefined; WRONGTYPE for other types. */
function lookupBitmapEntry(c: Client, key: string): Entry | undefined {
  const entry = lookupEntry(c, key);
  if (entry !== undefined && typeof entry.value !== 'string') throw new ReplyError(Errors.WRONGTYPE);
  return entry;
}

/** Number of set bits in bytes [from, to) of `s`. */
function popcount(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n += POPCOUNT[s.charCodeAt(i)];
  return n;
}

// ------------------------------------------------------------------------------------------------
// SETBIT

/** SETBIT key offset 0|1 */
function setbit(c: Client, argv: string[]): void {
  const key = argv[1];
  const offset = bitOffset(c, argv[2], false, 0);
  const on = smallLong(argv[3]);
  if (on !== 0 && on !== 1) {
    // Any other integer, or no integer at all, gets the same message.
    throw new ReplyError('ERR bit is not an integer or out of range');
  }
  const byte = Math.floor(offset / 8);
  checkJsLength(byte + 1);
  const entry = lookupBitmapEntry(c, key);
  const old = entry === undefined ? '' : entry.value as string;
  const grows = byte >= old.length;
  const current = grows ? 0 : old.charCodeAt(byte);
  const mask = 1 << (7 - (offset & 7));
  const oldBit = (current & mask) !== 0 ? 1 : 0;
  if (entry === undefined || grows || oldBit !== on) {
    const updated = BYTE[on ? current | mask : current & ~mask];
    let value: string;
    if (grows) value = old + (byte > old.length ? '\0'.repeat(byte - old.length) : '') + updated;
    else value = old.slice(0, byte) + updated + old.slice(byte + 1);
    if (entry === undefined) c.db.set(key, value);
    else c.db.replaceString(entry, value);
    keyChanged(c, key);
    notify(c, Notify.STRING, 'setbit', key);
  }
  c.w.int(oldBit);
}

// ------------------------------------------------------------------------------------------------
// BITCOUNT and BITPOS

/**
 * Normalizes a start/end range over a string of `length` bytes as BITCOUNT and BITPOS do
 * (negative values count from the end, then clamp), in bits when `bitUnit`. Returns
 * [startBit, endBit] inclusive, or undefined when the range is empty.
 */
function bitRange(length: number, start: number, end: number, bitUnit: boolean): [number, number] | undefined {
  const total = bitUnit ? length * 8 : length;
  if (start < 0) start = total + start;
  if (end < 0) end = total + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  if (start > end) return undefined;
  return bitUnit ? [start, end] : [start * 8, end * 8 + 7];
}

function unitArg(arg: string): boolean {
  if (is(arg, 'BIT')) return true;
  if (is(arg, 'BYTE')) return false;
  throw new ReplyError(Errors.SYNTAX);
}

/** BITCOUNT key [start end [BYTE|BIT]] */
function bitcount(c: Client, argv: string[]): void {
  const valkey = c.server.engine === 'valkey';
  const argc = argv.length;
  let value: string | undefined;
  if (!valkey) {
    // Redis 7.0 looks the key up before it parses the range: a missing key is 0 whatever follows.
    const found = lookupRead(c, argv[1]);
    if (found === undefined) {
      c.w.int(0);
      return;
    }
    if (typeof found !== 'string') throw new ReplyError(Errors.WRONGTYPE);
    value = found;
  }
  // Valkey 8 also takes `BITCOUNT key start` (end defaults to the last byte).
  if (argc === 4 || argc === 5 || (valkey && argc === 3)) {
    const start = indexArg(argv[2]);
    let bitUnit = false;
    let end = 0;
    if (valkey) {
      if (argc === 5) bitUnit = unitArg(argv[4]);
      if (argc >= 4) end = indexArg(argv[3]);
      const found = lookupRead(c, argv[1]);
      if (found !== undefined && typeof found !== 'string') throw new ReplyError(Errors.WRONGTYPE);
      value = found;
      if (argc < 4) end = (value?.length ?? 0) - 1;
    } else {
      end = indexArg(argv[3]);
    }
    if (start < 0 && end < 0 && (argc === 3 ? start > end : greaterThan(argv[2], argv[3], start, end))) {
      c.w.int(0);
      return;
    }
    if (!valkey && argc === 5) bitUnit = unitArg(argv[4]);
    if (value === undefined) {
      c.w.int(0);
      return;
    }
    const range = bitRange(value.length, start, end, bitUnit);
    c.w.int(range === undefined ? 0 : countBits(value, range[0], range[1]));
  } else if (argc === 2) {
    if (valkey) {
      const found = lookupRead(c, argv[1]);
      if (found !== undefined && typeof found !== 'string') throw new ReplyError(Errors.WRONGTYPE);
      value = found;
    }
    c.w.int(value === undefined ? 0 : popcount(value, 0, value.length));
  } else {
    throw new ReplyError(Errors.SYNTAX);
  }
}

/** Set bits in bit positions [from, to] of `s`. */
function countBits(s: string, from: number, to: number): number {
  const first = Math.floor(from / 8);
  const last = Math.floor(to / 8);
  let n = popcount(s, first, last + 1);
  // Remove the bits of the first and last bytes outside the range.
  n -= POPCOUNT[s.charCodeAt(first) & (0xff00 >> (from & 7)) & 0xff];
  n -= POPCOUNT[s.charCodeAt(last) & (0xff >> ((to & 7) + 1))];
  return n;
}

/** BITPOS key bit [start [end [BYTE|BIT]]] */
function bitpos(c: Client, argv: string[]): void {
  const bit = smallLong(argv[2]);
  if (bit !== bit) {
    if (!isLongString(argv[2])) throw new ReplyError(Errors.NOT_INTEGER);
    throw new ReplyError('ERR The bit argument must be 1 or 0.');
  }
  if (bit !== 0 && bit !== 1) throw new ReplyError('ERR The bit argument must be 1 or 0.');
  const valkey = c.server.engine === 'valkey';
  const argc = argv.length;
  let value: string | undefined;
  const lookup = () => {
    const found = lookupRead(c, argv[1]);
    if (found !== undefined && typeof found !== 'string') throw new ReplyError(Errors.WRONGTYPE);
    return found;
  };
  if (!valkey) {
    // Redis 7.0 answers a missing key before it parses the range.
    value = lookup();
    if (value === undefined) {
      c.w.int(bit ? -1 : 0);
      return;
    }
  }
  let start = 0;
  let end = 0;
  let endGiven = false;
  let bitUnit = false;
  if (argc >= 4 && argc <= 6) {
    start = indexArg(argv[3]);
    if (argc === 6) bitUnit = unitArg(argv[5]);
    if (argc >= 5) {
      end = indexArg(argv[4]);
      endGiven = true;
    }
    if (valkey) value = lookup();
    if (!endGiven) end = (value?.length ?? 0) - 1;
  } else if (argc === 3) {
    if (valkey) value = lookup();
    end = (value?.length ?? 0) - 1;
  } else {
    throw new ReplyError(Errors.SYNTAX);
  }
  if (value === undefined) {
    c.w.int(bit ? -1 : 0);
    return;
  }
  const range = bitRange(value.length, start, end, bitUnit);
  if (range === undefined) {
    c.w.int(-1);
    return;
  }
  const found = findBit(value, range[0], range[1], bit);
  if (found >= 0) c.w.int(found);
  else if (bit === 1 || endGiven) c.w.int(-1);
  // Looking for a clear bit without an explicit end: the string counts as padded with zeros.
  else c.w.int((Math.floor(range[1] / 8) + 1) * 8);
}

/** Position of the first bit equal to `bit` in bit positions [from, to] of `s`, or -1. */
function findBit(s: string, from: number, to: number, bit: number): number {
  const first = Math.floor(from / 8);
  const last = Math.floor(to / 8);
  const skip = bit ? 0 : 0xff;
  for (let i = first; i <= last; i++) {
    let byte = s.charCodeAt(i);
    // Bits outside the range count as the opposite of what we look for.
    if (i === first) byte = bit ? byte & (0xff >> (from & 7)) : byte | (0xff00 >> (from & 7) & 0xff);
    if (i === last) byte = bit ? byte & (0xff00 >> ((to & 7) + 1) & 0xff) : byte | (0xff >> ((to & 7) + 1));
    if (byte === skip) continue;
    const probe = bit ? byte : ~byte & 0xff;
    return i * 8 + Math.clz32(probe) - 24;
  }
  return -1;
}

// ------------------------------------------------------------------------------------------------
// BITOP

/** BITOP AND|OR|XOR|NOT destkey key [key ...] */
function bitop(c: Client, argv: string[]): void {
  const opName = argv[1];
  let op: 'and' | 'or' | 'xor' | 'not';
  if (is(opName, 'AND')) op = 'and';
  else if (is(opName, 'OR')) op = 'or';
  else if (is(opName, 'XOR')) op = 'xor';
  else if (is(opName, 'NOT')) op = 'not';
  else throw new ReplyError(Errors.SYNTAX);
  if (op === 'not' && argv.length !== 4) throw new ReplyError('ERR BITOP NOT must be called with a single source key.');

  const sources: Array<Buffer | null> = [];
  let maxLen = 0;
  for (let i = 3; i < argv.length; i++) {
    const value = lookupRead(c, argv[i]);
    if (value === undefined) {
      sources.push(null);
      continue;
    }
    if (typeof value !== 'string') throw new ReplyError(Errors.WRONGTYPE);
    sources.push(Buffer.from(value, 'latin1'));
    if (value.length > maxLen) maxLen = value.length;
  }
  const dest = argv[2];
  if (maxLen === 0) {
    // A plain delete, as the server's dbDelete: a logically expired destination counts too.
    if (c.db.delete(dest)) {
      keyChanged(c, dest);
      notify(c, Notify.GENERIC, 'del', dest);
    }
    c.w.int(0);
    return;
  }
  const out = Buffer.alloc(maxLen);
  const first = sources[0];
  if (first !== null) first.copy(out);
  if (op === 'not') {
    for (let j = 0; j < maxLen; j++) out[j] = ~out[j];
  } else {
    for (let s = 1; s < sources.length; s++) {
      const src = sources[s];
      const len = src === null ? 0 : src.length;
      if (op === 'and') {
        for (let j = 0; j < len; j++) out[j] &= (src as Buffer)[j];
        out.fill(0, len);
      } else if (op === 'or') {
        for (let j = 0; j < len; j++) out[j] |= (src as Buffer)[j];
      } else {
        for (let j = 0; j < len; j++) out[j] ^= (src as Buffer)[j];
      }
    }
  }
  lookupEntry(c, dest);
  c.db.set(dest, out.toString('latin1'));
  keyChanged(c, dest);
  notify(c, Notify.STRING, 'set', dest);
  c.w.int(maxLen);
}

// ------------------------------------------------------------------------------------------------
// BITFIELD

const WRAP = 0;
const SAT = 1;
const FAIL = 2;

interface BitfieldOp {
  readonly kind: 'get' | 'set' | 'incrby';
  readonly offset: number;
  readonly value: bigint;
  readonly overflow: number;
  readonly bits: number;
  readonly signed: boolean;
}

const TYPE_ERROR = 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.';

function bitfieldType(arg: string): { signed: boolean; bits: number } {
  const sign = arg.charCodeAt(0);
  if (sign !== 105 /* i */ && sign !== 117 /* u */) throw new ReplyError(TYPE_ERROR);
  const signed = sign === 105;
  const bits = smallLong(arg.slice(1));
  if (bits !== bits || bits < 1 || (signed && bits > 64) || (!signed && bits > 63)) throw new ReplyError(TYPE_ERROR);
  return { signed, bits };
}

/** A BITFIELD operation name with enough arguments after it; otherwise a syntax error. */
function operationKind(sub: string, remaining: number): BitfieldOp['kind'] {
  if (is(sub, 'GET') && remaining >= 2) return 'get';
  if (is(sub, 'SET') && remaining >= 3) return 'set';
  if (is(sub, 'INCRBY') && remaining >= 3) return 'incrby';
  throw new ReplyError(Errors.SYNTAX);
}

function overflowMode(arg: string): number {
  if (is(arg, 'WRAP')) return WRAP;
  if (is(arg, 'SAT')) return SAT;
  if (is(arg, 'FAIL')) return FAIL;
  throw new ReplyError('ERR Invalid OVERFLOW type specified');
}

/** BITFIELD key [GET type offset | SET type offset value | INCRBY type offset increment | OVERFLOW WRAP|SAT|FAIL] ... */
function bitfield(c: Client, argv: string[], readOnlyCommand: boolean): void {
  const ops: BitfieldOp[] = [];
  let overflow = WRAP;
  let readonly = true;
  let highestWrite = 0;
  for (let j = 2; j < argv.length; j++) {
    const remaining = argv.length - j - 1;
    const sub = argv[j];
    if (is(sub, 'OVERFLOW') && remaining >= 1) {
      overflow = overflowMode(argv[++j]);
      continue;
    }
    const kind = operationKind(sub, remaining);
    const { signed, bits } = bitfieldType(argv[j + 1]);
    const offset = bitOffset(c, argv[j + 2], true, bits);
    let value = 0n;
    if (kind !== 'get') {
      readonly = false;
      if (offset + bits - 1 > highestWrite) highestWrite = offset + bits - 1;
      if (!isLongString(argv[j + 3])) throw new ReplyError(Errors.NOT_INTEGER);
      value = BigInt(argv[j + 3]);
    }
    ops.push({ kind, offset, value, overflow, bits, signed });
    j += kind === 'get' ? 2 : 3;
  }

  const key = argv[1];
  let bytes: Buffer | string;
  let entry: Entry | undefined;
  let created = false;
  let grown = false;
  if (readonly) {
    const value = lookupRead(c, key);
    if (value !== undefined && typeof value !== 'string') throw new ReplyError(Errors.WRONGTYPE);
    bytes = value ?? '';
  } else {
    if (readOnlyCommand) throw new ReplyError('ERR BITFIELD_RO only supports the GET subcommand');
    const needed = Math.floor(highestWrite / 8) + 1;
    checkJsLength(needed);
    entry = lookupBitmapEntry(c, key);
    const old = entry === undefined ? '' : entry.value as string;
    created = entry === undefined;
    grown = needed > old.length;
    bytes = Buffer.alloc(Math.max(needed, old.length));
    bytes.write(old, 'latin1');
  }

  let changes = 0;
  const w = c.w;
  w.array(ops.length);
  for (const op of ops) {
    if (op.kind === 'get') {
      w.int(op.signed ? getSigned(bytes, op.offset, op.bits) : getUnsigned(bytes, op.offset, op.bits));
      continue;
    }
    const result = op.signed ? signedOp(bytes as Buffer, op) : unsignedOp(bytes as Buffer, op);
    if (result === null) {
      w.nullBulk();
      continue;
    }
    w.int(result.reply);
    if (created || grown || result.changed) changes++;
  }

  if (!readonly) {
    // The key is created (or padded) even when every operation failed, as the real server does;
    // it only counts as a change when an operation wrote.
    if (entry === undefined) c.db.set(key, bytes.toString('latin1'));
    else if (grown || changes > 0) c.db.replaceString(entry, bytes.toString('latin1'));
  }
  if (changes > 0) {
    keyChanged(c, key, changes);
    notify(c, Notify.STRING, 'setbit', key);
  }
}

const ONE = 1n;

/** Reads a field from a value (a string when only reading, a buffer when writing); zeros past the end. */
function getUnsigned(p: Buffer | string, offset: number, bits: number): bigint {
  let value = 0n;
  const text = typeof p === 'string';
  for (let j = 0; j < bits; j++, offset++) {
    const byte = Math.floor(offset / 8);
    const v = byte >= p.length ? 0 : text ? (p as string).charCodeAt(byte) : (p as Buffer)[byte];
    const bit = (v >> (7 - (offset & 7))) & 1;
    value = (value << ONE) | BigInt(bit);
  }
  return value;
}

function getSigned(p: Buffer | string, offset: number, bits: number): bigint {
  return BigInt.asIntN(bits, getUnsigned(p, offset, bits));
}

/** Writes the low `bits` bits of `value` (two's complement), most significant first. */
function setBits(p: Buffer, offset: number, bits: number, value: bigint): void {
  const v = BigInt.asUintN(64, value);
  for (let j = 0; j < bits; j++, offset++) {
    const bit = Number((v >> BigInt(bits - 1 - j)) & ONE);
    const byte = Math.floor(offset / 8);
    const mask = 1 << (7 - (offset & 7));
    p[byte] = bit ? p[byte] | mask : p[byte] & ~mask;
  }
}

/** 64-bit two's complement, as C's int64_t arithmetic wraps. */
const i64 = (n: bigint) => BigInt.asIntN(64, n);
const u64 = (n: bigint) => BigInt.asUintN(64, n);

/**
 * The server's overflow check for an unsigned field: 0 when `value + incr` fits, 1 on overflow,
 * -1 on underflow, with the wrapped or saturated result. `value` is a uint64 (a SET value is the
 * two's complement of the argument), `incr` an int64.
 */
function unsignedOverflow(value: bigint, incr: bigint, bits: number, mode: number): { dir: number; limit: bigint } {
  const max = (ONE << BigInt(bits)) - ONE;
  const maxIncr = i64(max - value);
  const minIncr = i64(-value);
  const wrapped = u64(value + incr) & max;
  if (value > max || (incr > 0n && incr > maxIncr)) return { dir: 1, limit: mode === WRAP ? wrapped : max };
  if (incr < 0n && incr < minIncr) return { dir: -1, limit: mode === WRAP ? wrapped : 0n };
  return { dir: 0, limit: 0n };
}

/** The signed counterpart of {@link unsignedOverflow}; `value` and `incr` are int64. */
function signedOverflow(value: bigint, incr: bigint, bits: number, mode: number): { dir: number; limit: bigint } {
  const max = bits === 64 ? 9223372036854775807n : (ONE << BigInt(bits - 1)) - ONE;
  const min = -max - ONE;
  const maxIncr = i64(u64(max) - u64(value));
  const minIncr = i64(min - value);
  const wrap = () => BigInt.asIntN(bits, u64(value + incr));
  if (value > max || (bits !== 64 && incr > maxIncr) || (value >= 0n && incr > 0n && incr > maxIncr)) {
    return { dir: 1, limit: mode === WRAP ? wrap() : max };
  }
  if (value < min || (bits !== 64 && incr < minIncr) || (value < 0n && incr < 0n && incr < minIncr)) {
    return { dir: -1, limit: mode === WRAP ? wrap() : min };
  }
  return { dir: 0, limit: 0n };
}

function signedOp(p: Buffer, op: BitfieldOp): { reply: bigint; changed: boolean } | null {
  const old = getSigned(p, op.offset, op.bits);
  let next: bigint;
  let reply: bigint;
  let dir: number;
  if (op.kind === 'incrby') {
    const check = signedOverflow(old, op.value, op.bits, op.overflow);
    dir = check.dir;
    next = dir !== 0 ? check.limit : old + op.value;
    reply = next;
  } else {
    const check = signedOverflow(op.value, 0n, op.bits, op.overflow);
    dir = check.dir;
    next = dir !== 0 ? check.limit : op.value;
    reply = old;
  }
  if (dir !== 0 && op.overflow === FAIL) return null;
  setBits(p, op.offset, op.bits, next);
  return { reply, changed: old !== next };
}

function unsignedOp(p: Buffer, op: BitfieldOp): { reply: bigint; changed: boolean } | null {
  const old = getUnsigned(p, op.offset, op.bits);
  let next: bigint;
  let reply: bigint;
  let dir: number;
  if (op.kind === 'incrby') {
    const check = unsignedOverflow(old, op.value, op.bits, op.overflow);
    dir = check.dir;
    next = dir !== 0 ? check.limit : u64(old + op.value);
    reply = next;
  } else {
    const value = u64(op.value);
    const check = unsignedOverflow(value, 0n, op.bits, op.overflow);
    dir = check.dir;
    next = dir !== 0 ? check.limit : value;
    reply = old;
  }
  if (dir !== 0 && op.overflow === FAIL) return null;
  setBits(p, op.offset, op.bits, next);
  return { reply, changed: old !== next };
}
