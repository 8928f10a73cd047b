import fc from 'fast-check';
import { DUMP_VERSION, crc32, decodePayload, dumpValue, verifyPayload } from '../../../src/local/store/dump';
import { RObject, registerCodec } from '../../../src/local/store/types';
import { HashDouble, ListDouble, SetDouble, ZSetDouble, registerDoubles } from '../doubles';

registerDoubles();

/** A payload with a correct trailer around an arbitrary body (to reach the content checks). */
function sealed(body: string): string {
  const withVersion = body + String.fromCharCode(DUMP_VERSION & 0xff, DUMP_VERSION >>> 8);
  const crc = crc32(withVersion);
  return withVersion + String.fromCharCode(crc & 0xff, (crc >>> 8) & 0xff, (crc >>> 16) & 0xff, crc >>> 24);
}

const byteString = fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a).toString('latin1'));

describe('DUMP payload', () => {
  test('CRC-32 is the IEEE/zlib checksum', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(crc32('')).toBe(0);
    expect(crc32('The quick brown fox jumps over the lazy dog')).toBe(0x414fa339);
  });

  test('the layout: tag, item count, items, version, checksum', () => {
    const payload = dumpValue('ab');
    expect(payload.slice(0, 5)).toBe('\x00\x01\x02ab');
    expect(payload.slice(5, 7)).toBe('\x01\x00');
    expect(payload.length).toBe(11);
    expect(verifyPayload(payload)).toBe(true);
  });

  test('strings of any bytes and lengths round-trip (multi-byte lengths included)', () => {
    fc.assert(fc.property(byteString, (s) => decodePayload(dumpValue(s)) === s));
    for (const n of [127, 128, 16383, 16384, 70000]) {
      const s = 'x'.repeat(n);
      expect(decodePayload(dumpValue(s))).toBe(s);
    }
  });

  test('values of every registered type round-trip as deep copies', () => {
    const values: RObject[] = [
      new ListDouble(['a', '', '\x00\xff', 'x'.repeat(200)]),
      new SetDouble(['m', 'n']),
      new ZSetDouble(['1', 'a', '-2.5', 'b']),
      new HashDouble(['f', 'v', 'g', '']),
    ];
    for (const v of values) {
      const back = decodePayload(dumpValue(v)) as RObject;
      expect(back).toEqual(v);
      expect(back).not.toBe(v);
      expect(back.type).toBe(v.type);
    }
  });

  test('any change of one byte, or a truncation, is refused', () => {
    const payload = dumpValue(new ListDouble(['alpha', 'beta', 'gamma']));
    for (let i = 0; i < payload.length; i++) {
      for (const bit of [1, 0x10, 0x80]) {
        const bad = payload.slice(0, i) + String.fromCharCode(payload.charCodeAt(i) ^ bit) + payload.slice(i + 1);
        expect(verifyPayload(bad)).toBe(false);
      }
      expect(verifyPayload(payload.slice(0, i))).toBe(false);
    }
    expect(verifyPayload(payload + '\x00')).toBe(false);
  });

  test('another version, or a real server\'s payload, is refused', () => {
    const other = sealed('\x00\x01\x01a').slice(0, -6) + '\x02\x00';
    const crc = crc32(other);
    expect(verifyPayload(other + String.fromCharCode(crc & 0xff, (crc >>> 8) & 0xff, (crc >>> 16) & 0xff, crc >>> 24))).toBe(false);
    // DUMP of "12" by redis-server 7.0 (RDB 10, CRC-64).
    expect(verifyPayload('\x00\xc0\x0c\n\x00<*\xf8Q\\\x04\xbc\xd5')).toBe(false);
  });

  test('a payload with a good checksum but malformed content is bad data, not a crash', () => {
    expect(decodePayload(sealed('\x00\x01\x01a'))).toBe('a');
    expect(decodePayload(sealed('\x00\x02\x01a\x01b'))).toBeUndefined(); // a string is one item
    expect(decodePayload(sealed('\x00\x01\x05ab'))).toBeUndefined(); // item longer than the payload
    expect(decodePayload(sealed('\x00\x01\x01ab'))).toBeUndefined(); // bytes left over
    expect(decodePayload(sealed('\x00\x80'))).toBeUndefined(); // varint cut short
    expect(decodePayload(sealed('\x00\xff\xff\xff\xff\x0f'))).toBeUndefined(); // huge count
    expect(decodePayload(sealed('\x7f\x01\x01a'))).toBeUndefined(); // no type has tag 0x7f
    expect(decodePayload(sealed('\xe1\x00'))).toBeUndefined(); // an empty list
    expect(decodePayload(sealed('\xe3\x01\x01a'))).toBeUndefined(); // the zset codec refuses an odd item count
  });

  test('a codec that returns another type is refused', () => {
    registerCodec('stream', { tag: 0x70, dump: () => ['x'], restore: () => new ListDouble(['x']) });
    expect(decodePayload(sealed('\x70\x01\x01x'))).toBeUndefined();
  });
});
