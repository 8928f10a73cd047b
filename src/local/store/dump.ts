/**
 * The DUMP/RESTORE payload of the local engine: a self-checking serialization of one value.
 *
 * ```
 * byte     type tag: 0 for a string, otherwise the tag of the type's registered codec
 * varint   number of items
 * items    each: varint byte length, then the bytes (the codec's flat form of the value)
 * 2 bytes  payload format version, little endian (DUMP_VERSION)
 * 4 bytes  CRC-32 (IEEE) of everything before it, little endian
 * ```
 *
 * Varints are unsigned LEB128 (7 bits per byte, low bits first). The layout mirrors the real
 * server's (type, value, version, checksum) but not its RDB bytes: payloads round-trip within
 * the local engine, and a payload from a real server (or a corrupted one) is refused.
 */
import { RObject, RValue, codecByTag, codecFor, typeOf } from './types';

/** Version of this payload format; RESTORE refuses any other. */
export const DUMP_VERSION = 1;
const STRING_TAG = 0;
const TRAILER = 6;

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let bit = 0; bit < 8; bit++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[i] = c;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, as zlib) of the bytes of a byte string from `start` to `end`. */
export function crc32(s: string, start = 0, end = s.length): number {
  let crc = -1;
  for (let i = start; i < end; i++) crc = CRC_TABLE[(crc ^ s.charCodeAt(i)) & 0xff] ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

function varint(n: number): string {
  let out = '';
  while (n >= 0x80) {
    out += String.fromCharCode((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  return out + String.fromCharCode(n);
}

function uint32le(n: number): string {
  return String.fromCharCode(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
}

function readUint32le(s: string, at: number): number {
  return (s.charCodeAt(at) | (s.charCodeAt(at + 1) << 8) | (s.charCodeAt(at + 2) << 16) | (s.charCodeAt(at + 3) << 24)) >>> 0;
}

/**
 * Serializes a value. Throws an Error when the value's type has no registered codec (a type
 * module that was not loaded), which DUMP reports as an internal error.
 */
export function dumpValue(value: RValue): string {
  let tag: number;
  let items: readonly string[];
  if (typeof value === 'string') {
    tag = STRING_TAG;
    items = [value];
  } else {
    const codec = codecFor(value.type);
    if (codec === undefined) throw new Error(`no codec registered for type ${value.type}`);
    tag = codec.tag;
    items = codec.dump(value);
  }
  const parts: string[] = [String.fromCharCode(tag), varint(items.length)];
  for (const item of items) parts.push(varint(item.length), item);
  parts.push(String.fromCharCode(DUMP_VERSION & 0xff, DUMP_VERSION >>> 8));
  const body = parts.join('');
  return body + uint32le(crc32(body));
}

/** Whether a payload has this format's version and an intact checksum. */
export function verifyPayload(payload: string): boolean {
  const n = payload.length;
  if (n < TRAILER + 2) return false;
  const version = payload.charCodeAt(n - 6) | (payload.charCodeAt(n - 5) << 8);
  if (version !== DUMP_VERSION) return false;
  return readUint32le(payload, n - 4) === crc32(payload, 0, n - 4);
}

/**
 * Reads the value of a verified payload. Returns undefined when its content is malformed (an
 * unknown type tag, lengths that do not add up, an empty collection, or a codec that refuses
 * the items): RESTORE's "Bad data format".
 */
export function decodePayload(payload: string): RValue | undefined {
  const end = payload.length - TRAILER;
  let pos = 1;
  const readVarint = (): number => {
    let n = 0;
    let scale = 1;
    for (;;) {
      if (pos >= end || scale > 2 ** 49) return -1;
      const b = payload.charCodeAt(pos++);
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 128;
    }
  };
  const tag = payload.charCodeAt(0);
  const count = readVarint();
  if (count < 0 || count > end) return undefined;
  const items: string[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const len = readVarint();
    if (len < 0 || pos + len > end) return undefined;
    items[i] = payload.slice(pos, pos + len);
    pos += len;
  }
  if (pos !== end) return undefined;
  if (tag === STRING_TAG) return count === 1 ? items[0] : undefined;
  const found = codecByTag(tag);
  if (found === undefined || count === 0) return undefined;
  let value: RObject;
  try {
    value = found[1].restore(items);
  } catch {
    return undefined;
  }
  if (typeOf(value) !== found[0] || value.length === 0) return undefined;
  return value;
}
