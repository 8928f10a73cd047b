import { binRequest, fakeConnection, storeExtras } from './helpers';
import { decodeKeyBase64 } from '../../../src/local/memcached/base64';
import { binaryFrameLength } from '../../../src/local/memcached/binary';
import { parseCas, parseI32, parseU32, parseU64 } from '../../../src/local/memcached/numbers';
import { itemTotalSize, slabClasses } from '../../../src/local/memcached/slabs';
import { Tokens, tokenize } from '../../../src/local/memcached/text';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('number parsing follows memcached safe_strto*', () => {
  test.each([
    ['0', 0], ['42', 42], ['+7', 7], ['-0', 0], ['4294967295', 4294967295], ['4294967296', 0],
    ['4294967297', 1], ['18446744073709551615', 4294967295], ['5\t', 5], [' 5', 5],
    ['-1', undefined], ['-5', undefined], ['', undefined], ['+', undefined], ['1x', undefined],
    ['18446744073709551616', undefined], ['-18446744073709551615', 1], ['0001', 1],
  ])('u32 %j -> %j', (text, expected) => {
    expect(parseU32(b(text), 0, text.length)).toBe(expected);
  });

  test.each([
    ['0', 0], ['-1', -1], ['2147483647', 2147483647], ['2147483648', -2147483648], ['4294967297', 1],
    ['-2147483649', 2147483647], ['9223372036854775807', -1], ['9223372036854775808', undefined],
    ['-9223372036854775808', 0], ['-9223372036854775809', undefined], ['12 ', 12], ['x', undefined],
  ])('i32 %j -> %j', (text, expected) => {
    expect(parseI32(b(text), 0, text.length)).toBe(expected);
  });

  test.each([
    ['0', 0n], ['18446744073709551615', 18446744073709551615n], ['18446744073709551616', undefined],
    ['-1', undefined], ['-0', 0n], ['-9223372036854775808', undefined], ['-9223372036854775807', undefined],
    ['-18446744073709551615', 1n],
    ['9223372036854775808', 9223372036854775808n],
  ])('u64 %j -> %j', (text, expected) => {
    expect(parseU64(b(text), 0, text.length)).toBe(expected);
  });

  test('CAS tokens beyond 2^53 never match a CAS', () => {
    expect(parseCas(b('9007199254740993'), 0, 16)).toBe(Infinity);
    expect(parseCas(b('123'), 0, 3)).toBe(123);
    expect(parseCas(b('-3'), 0, 2)).toBeUndefined();
  });

  test('parses inside a larger buffer without reading past the token', () => {
    const buf = b('set a 12 34 5');
    expect(parseU32(buf, 6, 8)).toBe(12);
    expect(parseI32(buf, 9, 11)).toBe(34);
  });
});

describe('tokenizer', () => {
  test('splits on spaces only, collapses runs, stops at NUL', () => {
    const t = new Tokens();
    const line = b('  get  a\tb   c\u0000d e');
    tokenize(t, line, 0, line.length);
    const words = Array.from({ length: t.count }, (_, i) => line.toString('latin1', t.start[i], t.end[i]));
    expect(words).toEqual(['get', 'a\tb', 'c']);
  });

  test('counts tokens as memcached does (at most 23 plus the terminal one)', () => {
    const t = new Tokens();
    const line = b(Array.from({ length: 30 }, (_, i) => `k${i}`).join(' '));
    tokenize(t, line, 0, line.length);
    expect(t.count).toBe(30);
    expect(t.ntokens).toBe(24);
  });
});

describe('base64 keys decode as memcached decodes them', () => {
  test.each([
    ['Zm9v', 'foo'], ['Zg==', 'f'], ['Zm8=', 'fo'], ['Zm 9v', 'foo'], ['Z!m9v', 'foo'],
    ['Zm9', undefined], ['', undefined], ['====', undefined], ['Z===', undefined], ['Zg==Zm9v', 'f'],
  ])('%j -> %j', (text, expected) => {
    const decoded = decodeKeyBase64(b(text), 0, text.length);
    expect(decoded?.toString('latin1')).toBe(expected);
  });
});

describe('memory model', () => {
  test('slab classes are memcached 1.6 defaults', () => {
    const classes = slabClasses();
    expect(classes.slice(0, 8).map((c) => c.size)).toEqual([96, 120, 152, 192, 240, 304, 384, 480]);
    expect(classes[0].perPage).toBe(10922);
    expect(classes[classes.length - 1]).toEqual({ id: classes.length, size: 524288, perPage: 2 });
    expect(classes).toHaveLength(39);
  });

  test('item sizes count header, key, flags, data, CRLF and CAS', () => {
    expect(itemTotalSize(3, 0, 3)).toBe(65);
    expect(itemTotalSize(1, 5, 300)).toBe(364);
  });
});

describe('binary frame length', () => {
  test('is header, extras and key; -1 without the request magic', () => {
    const req = binRequest(0x01, { key: 'abc', extras: storeExtras(0, 0), value: 'xyz' });
    expect(binaryFrameLength(req, 0)).toBe(24 + 8 + 3);
    req[0] = 0x81;
    expect(binaryFrameLength(req, 0)).toBe(-1);
  });
});

/** Replies to `stream` delivered in the given chunks. */
function replies(chunks: Buffer[]): string {
  const c = fakeConnection();
  c.feed(...chunks);
  return show(c.socket.output);
}

function show(buf: Buffer): string {
  return buf.toString('latin1');
}

/**
 * Every split point of a request stream must give the same replies as the whole stream: the
 * parser treats "incomplete" as a normal state and keeps partial lines, values and headers.
 */
describe('frames split at every byte offset', () => {
  const textStream = b([
    'set alpha 5 0 3\r\nabc\r\n',
    'get alpha nope\r\n',
    'gets alpha\r\n',
    'append alpha 0 0 2 noreply\r\nde\r\n',
    'incr n 1\r\n',
    'set n 0 0 2\r\n10\r\n',
    'decr n 3\r\n',
    'ms m 4 T0 F9\r\nwxyz\r\n',
    'mg m v f s k Oop\r\n',
    'md m q\r\n',
    'mn\r\n',
    'bogus\r\n',
    'touch alpha 100\r\n',
    'get alpha\r\n',
  ].join(''));

  test('text protocol', () => {
    const whole = replies([textStream]);
    expect(whole).toBe([
      'STORED\r\n', 'VALUE alpha 5 3\r\nabc\r\nEND\r\n', 'VALUE alpha 5 3 1\r\nabc\r\nEND\r\n',
      'NOT_FOUND\r\n', 'STORED\r\n', '7\r\n', 'HD\r\n', 'VA 4 f9 s4 km Oop\r\nwxyz\r\n', 'MN\r\n',
      'ERROR\r\n', 'TOUCHED\r\n', 'VALUE alpha 5 5\r\nabcde\r\nEND\r\n',
    ].join(''));
    for (let k = 1; k < textStream.length; k++) {
      expect([k, replies([textStream.subarray(0, k), textStream.subarray(k)])]).toEqual([k, whole]);
    }
    const bytes = Array.from({ length: textStream.length }, (_, i) => textStream.subarray(i, i + 1));
    expect(replies(bytes)).toBe(whole);
  });

  const binaryStream = Buffer.concat([
    binRequest(0x01, { key: 'k1', extras: storeExtras(7, 0), value: 'value-1', opaque: 1 }),
    binRequest(0x00, { key: 'k1', opaque: 2 }),
    binRequest(0x0c, { key: 'nope', opaque: 3 }),
    binRequest(0x09, { key: 'nope', opaque: 4 }),
    binRequest(0x0e, { key: 'k1', value: '+more', opaque: 5 }),
    binRequest(0x05, { key: 'cnt', extras: Buffer.from('000000000000000200000000000000050000000a', 'hex'), opaque: 6 }),
    binRequest(0x0a, { opaque: 7 }),
  ]);

  test('binary protocol', () => {
    const whole = replies([binaryStream]);
    expect(whole.length).toBeGreaterThan(6 * 24);
    for (let k = 1; k < binaryStream.length; k++) {
      expect([k, replies([binaryStream.subarray(0, k), binaryStream.subarray(k)])]).toEqual([k, whole]);
    }
    const bytes = Array.from({ length: binaryStream.length }, (_, i) => binaryStream.subarray(i, i + 1));
    expect(replies(bytes)).toBe(whole);
  });

  test('one write per batch of replies', () => {
    const c = fakeConnection();
    let batch = '';
    for (let i = 0; i < 100; i++) batch += `set k${i} 0 0 1\r\n${i % 10}\r\nmg k${i} v\r\n`;
    c.feed(batch);
    expect(c.socket.writes).toHaveLength(1);
    expect(show(c.socket.output).split('STORED').length - 1).toBe(100);
  });
});

describe('no quadratic paths', () => {
  test('a binary key arriving a byte at a time is not re-joined on every byte', () => {
    const frame = binRequest(0x00, { key: 'k'.repeat(250), opaque: 1 });
    const c = fakeConnection();
    const started = process.cpuUsage();
    for (let round = 0; round < 200; round++) {
      for (let i = 0; i < frame.length; i++) c.feed(frame.subarray(i, i + 1));
    }
    const used = process.cpuUsage(started);
    expect(c.socket.output.toString('latin1').split('Not found').length - 1).toBe(200);
    // 200 x 274 single-byte reads: linear work stays far below a second of CPU.
    expect((used.user + used.system) / 1e6).toBeLessThan(2);
  });

  test('a large value arriving in 10,000 pieces is stored', () => {
    const c = fakeConnection();
    const value = Buffer.alloc(1_000_000, 0x61);
    c.feed('set big 0 0 1000000\r\n');
    for (let i = 0; i < value.length; i += 100) c.feed(value.subarray(i, i + 100));
    c.feed('\r\nmg big s\r\n');
    expect(show(c.socket.output)).toBe('STORED\r\nHD s1000000\r\n');
  });

  test('a multi-get line arriving a byte at a time is kept in a few blocks', () => {
    const c = fakeConnection();
    c.feed('set k 0 0 1\r\nv\r\n');
    const line = Buffer.from(`get ${'k '.repeat(50_000)}\r\n`);
    const started = process.cpuUsage();
    for (let i = 0; i < line.length; i++) c.feed(line.subarray(i, i + 1));
    const used = process.cpuUsage(started);
    expect(show(c.socket.output)).toBe(`STORED\r\n${'VALUE k 0 1\r\nv\r\n'.repeat(50_000)}END\r\n`);
    expect((used.user + used.system) / 1e6).toBeLessThan(3);
  });
});
