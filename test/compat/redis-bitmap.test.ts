import { CompatPair } from './harness';
import { makeListOnBoth } from './wrong-type';

type Req = string[];

describe('bitmap commands against redis-server', () => {
  let pair: CompatPair;
  beforeAll(async () => {
    pair = await CompatPair.start();
  });
  afterAll(() => pair.stop());
  beforeEach(() => pair.reset());

  async function bothProtocols(requests: Req[], setup?: () => Promise<void>): Promise<void> {
    await setup?.();
    await pair.expectSame(requests);
    await pair.reset();
    await pair.both(['HELLO', '3']);
    await setup?.();
    await pair.expectSame(requests);
  }

  /** A small deterministic generator, so failures reproduce. */
  function generator(seed: number): (n: number) => number {
    let s = seed;
    return (n: number) => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return s % n;
    };
  }

  test('SETBIT and GETBIT: values, growth and errors', async () => {
    await bothProtocols([
      ['SETBIT', 'b', '7', '1'], ['GET', 'b'], ['SETBIT', 'b', '7', '1'], ['SETBIT', 'b', '7', '0'], ['SETBIT', 'b', '0', '1'],
      ['SETBIT', 'b', '100', '1'], ['GET', 'b'], ['STRLEN', 'b'], ['GETBIT', 'b', '100'], ['GETBIT', 'b', '99'], ['GETBIT', 'b', '0'],
      ['GETBIT', 'b', '1000000'], ['GETBIT', 'missing', '5'], ['SETBIT', 'b', '100', '0'], ['SETBIT', 'b', '200', '0'], ['STRLEN', 'b'],
      ['SETBIT', 'b', '-1', '1'], ['SETBIT', 'b', 'x', '1'], ['SETBIT', 'b', '1.5', '1'], ['SETBIT', 'b', '4294967296', '1'],
      ['SETBIT', 'b', '9223372036854775807', '1'], ['SETBIT', 'b', '9223372036854775808', '1'], ['SETBIT', 'b', '1', '2'],
      ['SETBIT', 'b', '1', '-1'], ['SETBIT', 'b', '1', 'x'], ['SETBIT', 'b', '1', ''], ['SETBIT', 'b', '1', '01'],
      ['SETBIT', 'b', '-1', 'x'], ['GETBIT', 'b', '-1'], ['GETBIT', 'b', 'x'], ['GETBIT', 'b', '4294967296'], ['GETBIT', 'missing', 'x'],
      ['SET', 'n', '12'], ['GETBIT', 'n', '2'], ['GETBIT', 'n', '3'], ['SETBIT', 'n', '7', '1'], ['GET', 'n'],
      ['SET', 't', '\xff', 'EX', '100'], ['SETBIT', 't', '0', '0'], ['TTL', 't'], ['GET', 't'],
      ['SETBIT', 'l', '1', '1'], ['GETBIT', 'l', '1'], ['SETBIT', 'l', 'x', '1'], ['GETBIT', 'l', 'x'], ['SETBIT', 'l', '1', '5'],
    ], () => makeListOnBoth(pair, 'l'));
  });

  test('BITCOUNT over every range form', async () => {
    const requests: Req[] = [['SET', 's', 'foobar\x00\xff\x81'], ['SET', 'e', '']];
    const idx = ['0', '1', '2', '7', '8', '9', '71', '72', '100', '-1', '-2', '-9', '-72', '-100', '9223372036854775807',
      '-9223372036854775808'];
    for (const key of ['s', 'e']) {
      requests.push(['BITCOUNT', key]);
      for (const a of idx) {
        for (const b of idx) {
          requests.push(['BITCOUNT', key, a, b], ['BITCOUNT', key, a, b, 'BIT'], ['BITCOUNT', key, a, b, 'byte']);
        }
      }
    }
    await pair.expectSame(requests);
  });

  test('BITCOUNT errors and missing keys', async () => {
    await bothProtocols([
      ['SET', 's', 'foobar'], ['BITCOUNT', 's', '0'], ['BITCOUNT', 's', '0', '1', 'BIT', 'x'], ['BITCOUNT', 's', '0', '1', 'bits'],
      ['BITCOUNT', 's', 'x', '1'], ['BITCOUNT', 's', '1', 'x'], ['BITCOUNT', 's', '-1', '-2', 'foo'], ['BITCOUNT', 's', '-1', '-2', 'x', 'y'],
      ['BITCOUNT', 'missing', 'x', 'y'], ['BITCOUNT', 'missing', '0'], ['BITCOUNT', 'missing', '0', '1', 'foo'], ['BITCOUNT', 'l'],
      ['BITCOUNT', 'l', '0', '1'], ['BITCOUNT', 'l', 'x'], ['BITCOUNT'], ['SET', 'n', '1234'], ['BITCOUNT', 'n'], ['BITCOUNT', 'n', '1', '2'],
    ], () => makeListOnBoth(pair, 'l'));
  });

  test('BITPOS over every range form, with and without an end', async () => {
    const values = ['\xff\xf0\x00', '\x00\x00\x01', '\xff\xff\xff', '\x00\x00\x00', '\x0f\xff\x80', ''];
    const idx = ['0', '1', '2', '3', '5', '8', '15', '16', '23', '24', '-1', '-2', '-9', '-24', '-100', '9223372036854775807'];
    const requests: Req[] = [];
    values.forEach((v, i) => requests.push(['SET', `v${i}`, v]));
    for (let i = 0; i < values.length; i++) {
      for (const bit of ['0', '1']) {
        requests.push(['BITPOS', `v${i}`, bit]);
        for (const a of idx) {
          requests.push(['BITPOS', `v${i}`, bit, a]);
          for (const b of idx) {
            requests.push(['BITPOS', `v${i}`, bit, a, b], ['BITPOS', `v${i}`, bit, a, b, 'BIT'], ['BITPOS', `v${i}`, bit, a, b, 'BYTE']);
          }
        }
      }
    }
    await pair.expectSame(requests);
  });

  test('BITPOS errors and missing keys', async () => {
    await bothProtocols([
      ['SET', 's', '\x00\xff'], ['BITPOS', 's', '2'], ['BITPOS', 's', '-1'], ['BITPOS', 's', 'x'], ['BITPOS', 's', '9223372036854775807'],
      ['BITPOS', 's', '1', 'x'], ['BITPOS', 's', '1', '0', 'x'], ['BITPOS', 's', '1', '0', '1', 'x'], ['BITPOS', 's', '1', '0', '1', 'BIT', 'x'],
      ['BITPOS', 'missing', '0'], ['BITPOS', 'missing', '1'], ['BITPOS', 'missing', '1', 'x'], ['BITPOS', 'missing', '0', '0', '1', 'x'],
      ['BITPOS', 'missing', 'x'], ['BITPOS', 'missing', '3'], ['BITPOS', 'l', '1'], ['BITPOS', 'l', '1', 'x'], ['BITPOS', 'l', 'x'],
      ['BITPOS', 's'], ['SET', 'n', '12'], ['BITPOS', 'n', '1'], ['BITPOS', 'n', '0', '1'],
    ], () => makeListOnBoth(pair, 'l'));
  });

  test('BITOP AND, OR, XOR, NOT with sources of different lengths', async () => {
    await bothProtocols([
      ['SET', 'a', '\xff\x0f\xf0abc'], ['SET', 'b', '\x33\xcc'], ['SET', 'c', '\x00\xff\x55\x55'],
      ['BITOP', 'AND', 'd', 'a', 'b'], ['GET', 'd'], ['BITOP', 'and', 'd', 'a', 'b', 'c'], ['GET', 'd'],
      ['BITOP', 'OR', 'd', 'a', 'b', 'c'], ['GET', 'd'], ['BITOP', 'Xor', 'd', 'a', 'b', 'c'], ['GET', 'd'],
      ['BITOP', 'XOR', 'd', 'a', 'a'], ['GET', 'd'], ['BITOP', 'NOT', 'd', 'a'], ['GET', 'd'], ['BITOP', 'NOT', 'd', 'd'], ['GET', 'd'],
      ['BITOP', 'AND', 'd', 'a', 'missing'], ['GET', 'd'], ['BITOP', 'OR', 'd', 'missing', 'b'], ['GET', 'd'],
      ['BITOP', 'AND', 'd', 'missing', 'missing2'], ['EXISTS', 'd'], ['BITOP', 'NOT', 'd', 'missing'], ['SET', 'd', 'x', 'EX', '100'],
      ['BITOP', 'OR', 'd', 'b'], ['TTL', 'd'], ['GET', 'd'], ['BITOP', 'NOT', 'd', 'a', 'b'], ['BITOP', 'NOT', 'd'],
      ['BITOP', 'NAND', 'd', 'a'], ['BITOP', 'AND', 'd', 'a', 'l'], ['BITOP', 'AND', 'l', 'a'], ['GET', 'l'], ['BITOP', 'AND', 'd'],
      ['SET', 'e', ''], ['BITOP', 'OR', 'd', 'e', 'e'], ['EXISTS', 'd'], ['SET', 'n', '1234'], ['BITOP', 'NOT', 'd', 'n'], ['GET', 'd'],
    ], () => makeListOnBoth(pair, 'l'));
  });

  test('BITOP on long random strings takes the word-at-a-time path the same way', async () => {
    const rand = generator(3);
    const str = (n: number) => Array.from({ length: n }, () => String.fromCharCode(rand(256))).join('');
    const requests: Req[] = [['SET', 'x', str(100)], ['SET', 'y', str(77)], ['SET', 'z', str(130)]];
    for (const op of ['AND', 'OR', 'XOR']) requests.push(['BITOP', op, 'd', 'x', 'y', 'z'], ['GET', 'd'], ['BITOP', op, 'd', 'z', 'x'], ['GET', 'd']);
    requests.push(['BITOP', 'NOT', 'd', 'z'], ['GET', 'd']);
    await pair.expectSame(requests);
  });

  test('BITFIELD GET, SET, INCRBY with each overflow mode', async () => {
    await bothProtocols([
      ['BITFIELD', 'f', 'SET', 'i8', '0', '100', 'GET', 'i8', '0', 'INCRBY', 'i8', '0', '100', 'GET', 'u8', '0'],
      ['BITFIELD', 'f', 'OVERFLOW', 'SAT', 'INCRBY', 'i8', '0', '100', 'INCRBY', 'i8', '0', '-1000', 'OVERFLOW', 'FAIL', 'INCRBY', 'i8', '0', '-1'],
      ['BITFIELD', 'f', 'OVERFLOW', 'WRAP', 'INCRBY', 'u4', '4', '20', 'INCRBY', 'u4', '4', '-20', 'OVERFLOW', 'SAT', 'INCRBY', 'u4', '4', '-20'],
      ['BITFIELD', 'f', 'OVERFLOW', 'fail', 'SET', 'u2', '#3', '5', 'SET', 'u2', '#3', '3', 'SET', 'i2', '#3', '-3', 'get', 'u2', '#3'],
      ['BITFIELD', 'f', 'SET', 'i64', '0', '-9223372036854775808', 'INCRBY', 'i64', '0', '-1', 'OVERFLOW', 'SAT', 'INCRBY', 'i64', '0', '-1'],
      ['BITFIELD', 'f', 'OVERFLOW', 'SAT', 'INCRBY', 'i64', '0', '9223372036854775807', 'INCRBY', 'i64', '0', '9223372036854775807'],
      ['BITFIELD', 'f', 'SET', 'u63', '1', '9223372036854775807', 'GET', 'u63', '1', 'INCRBY', 'u63', '1', '1', 'OVERFLOW', 'SAT', 'INCRBY', 'u63', '1', '5'],
      ['BITFIELD', 'f', 'OVERFLOW', 'SAT', 'SET', 'i8', '0', '-9223372036854775808', 'SET', 'u8', '0', '-1', 'SET', 'u8', '0', '300', 'GET', 'i8', '0'],
      ['BITFIELD', 'f', 'OVERFLOW', 'WRAP', 'SET', 'u8', '0', '-1', 'SET', 'i8', '0', '200', 'SET', 'i3', '0', '-9223372036854775807'],
      ['BITFIELD', 'f', 'OVERFLOW', 'FAIL', 'SET', 'u8', '0', '-1', 'INCRBY', 'i1', '7', '1', 'INCRBY', 'u1', '7', '1', 'INCRBY', 'u1', '7', '1'],
      ['GET', 'f'], ['STRLEN', 'f'],
      ['BITFIELD', 'g', 'GET', 'u8', '1000', 'GET', 'i64', '#100'], ['EXISTS', 'g'],
      ['BITFIELD', 'g', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '80', '1000'], ['EXISTS', 'g'], ['STRLEN', 'g'], ['GET', 'g'],
      ['BITFIELD', 'g', 'SET', 'u8', '80', '0'], ['BITFIELD', 'g', 'SET', 'u8', '160', '0'], ['STRLEN', 'g'],
      ['SET', 't', 'abc', 'EX', '100'], ['BITFIELD', 't', 'INCRBY', 'u8', '#0', '1'], ['TTL', 't'], ['GET', 't'],
      ['BITFIELD', 'empty'], ['BITFIELD', 't'], ['BITFIELD_RO', 't', 'GET', 'u8', '0', 'GET', 'i4', '#3'], ['BITFIELD_RO', 'missing', 'GET', 'u8', '0'],
      ['SET', 'n', '1234'], ['BITFIELD', 'n', 'GET', 'u8', '0', 'INCRBY', 'u8', '0', '1'], ['GET', 'n'],
    ]);
  });

  test('BITFIELD errors', async () => {
    await bothProtocols([
      ['BITFIELD', 'f', 'GET', 'u8'], ['BITFIELD', 'f', 'SET', 'u8', '0'], ['BITFIELD', 'f', 'INCRBY', 'u8', '0'], ['BITFIELD', 'f', 'OVERFLOW'],
      ['BITFIELD', 'f', 'OVERFLOW', 'NONE'], ['BITFIELD', 'f', 'FOO', 'u8', '0'], ['BITFIELD', 'f', 'GET', 'u64', '0'], ['BITFIELD', 'f', 'GET', 'i65', '0'],
      ['BITFIELD', 'f', 'GET', 'i0', '0'], ['BITFIELD', 'f', 'GET', 'U8', '0'], ['BITFIELD', 'f', 'GET', 'x8', '0'], ['BITFIELD', 'f', 'GET', 'u', '0'],
      ['BITFIELD', 'f', 'GET', 'u08', '0'], ['BITFIELD', 'f', 'GET', '', '0'], ['BITFIELD', 'f', 'GET', 'u8', '-1'], ['BITFIELD', 'f', 'GET', 'u8', 'x'],
      ['BITFIELD', 'f', 'GET', 'u8', '#'], ['BITFIELD', 'f', 'GET', 'u8', '#-1'], ['BITFIELD', 'f', 'GET', 'u8', '##1'],
      ['BITFIELD', 'f', 'GET', 'u8', '4294967296'], ['BITFIELD', 'f', 'GET', 'u8', '#536870912'], ['BITFIELD', 'f', 'GET', 'u8', '#9223372036854775807'],
      ['BITFIELD', 'f', 'GET', 'i64', '#1152921504606846976'], ['BITFIELD', 'f', 'SET', 'u8', '0', 'x'], ['BITFIELD', 'f', 'SET', 'u8', '0', '1.5'],
      ['BITFIELD', 'f', 'SET', 'u8', '0', '1', 'GET', 'u8'], ['BITFIELD', 'f', 'SET', 'u8', '0', '1', 'GET', 'u99', '0'], ['EXISTS', 'f'],
      ['BITFIELD_RO', 'f', 'SET', 'u8', '0', '1'], ['BITFIELD_RO', 'f', 'INCRBY', 'u8', '0', '1', 'GET', 'u8', 'x'], ['BITFIELD_RO', 'f', 'OVERFLOW', 'SAT'],
      ['BITFIELD', 'l', 'GET', 'u8', '0'], ['BITFIELD', 'l', 'SET', 'u8', '0', '1'], ['BITFIELD_RO', 'l', 'GET', 'u8', '0'], ['BITFIELD', 'l'],
      ['BITFIELD'], ['BITFIELD_RO'],
    ], () => makeListOnBoth(pair, 'l'));
  });

  test('BITFIELD random operations on random fields', async () => {
    const rand = generator(11);
    const requests: Req[] = [];
    const randomValue = () => {
      const choices = ['0', '1', '-1', '127', '-128', '255', '9223372036854775807', '-9223372036854775808', '4611686018427387904'];
      return rand(3) === 0 ? choices[rand(choices.length)] : String(rand(2000000) - 1000000);
    };
    for (let i = 0; i < 200; i++) {
      const args: string[] = ['BITFIELD', 'r'];
      for (let k = 0; k < 1 + rand(4); k++) {
        const signed = rand(2) === 0;
        const type = (signed ? 'i' : 'u') + (1 + rand(signed ? 64 : 63));
        const offset = rand(4) === 0 ? '#' + rand(5) : String(rand(200));
        const what = rand(4);
        if (what === 0) args.push('GET', type, offset);
        else if (what === 1) args.push('SET', type, offset, randomValue());
        else if (what === 2) args.push('INCRBY', type, offset, randomValue());
        else args.push('OVERFLOW', ['WRAP', 'SAT', 'FAIL'][rand(3)]);
      }
      requests.push(args);
      if (i % 20 === 0) requests.push(['GET', 'r']);
    }
    requests.push(['GET', 'r']);
    await pair.expectSame(requests);
  });

  test('arity errors', async () => {
    await pair.expectSame([['SETBIT', 'k', '1'], ['GETBIT', 'k'], ['BITOP', 'AND', 'd'], ['BITPOS', 'k'], ['BITCOUNT'], ['GETBIT', 'k', '1', '2']]);
  });
});
