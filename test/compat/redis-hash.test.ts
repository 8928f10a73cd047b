import { EventTap } from './events';
import { CompatPair } from './harness';
import { ReplicationTap } from './replication';
import { itemsOf, unordered, unorderedScan } from './unordered';
import { parseNotifyFlags } from '../../src/local/notify';
import type { RObject } from '../../src/local/store/types';

/** A hash of `n` fields f0..f{n-1} with values v0..: HSET arguments. */
function fields(n: number, prefix = 'f'): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(`${prefix}${i}`, `v${i}`);
  return out;
}

describe('hash commands against redis-server', () => {
  let pair: CompatPair;
  beforeAll(async () => {
    // The compiled-in default (512) and redis.conf's (128) differ: state it for both servers.
    pair = await CompatPair.start({ config: { 'hash-max-listpack-entries': '128' } });
  });
  afterAll(() => pair.stop());
  beforeEach(() => pair.reset());

  /** OBJECT ENCODING on the real server next to the local value's encoding. */
  async function expectSameEncoding(key: string): Promise<void> {
    const real = await pair.realClient.call('OBJECT', 'ENCODING', key);
    const value = pair.local.server.dbs[0].get(key, Date.now(), false) as RObject;
    const local = value.encoding(pair.local.server.encoding);
    expect({ key, encoding: `$${local.length}\r\n${local}\r\n` }).toEqual({ key, encoding: real });
  }

  test.each([2, 3])('HSET, HGET, HMSET, HSETNX, HMGET, HLEN, HSTRLEN, HEXISTS, HDEL in RESP%i', async (resp) => {
    await pair.both(['HELLO', String(resp)]);
    await pair.expectSame([
      ['HSET', 'h', 'a', '1'], ['HSET', 'h', 'a', '2', 'b', '3'], ['HSET', 'h', 'c', '4', 'c', '5'], ['HGET', 'h', 'a'],
      ['HGET', 'h', 'c'], ['HGET', 'h', 'zz'], ['HGET', 'nokey', 'a'], ['HSET', 'h', 'a'], ['HSET', 'h', 'a', '1', 'b'],
      ['HSET', 'h'], ['HMSET', 'h', 'x', '10', 'y', '20'], ['HMSET', 'h', 'x'], ['HMSET', 'h', 'x', '1', 'y'],
      ['HSETNX', 'h', 'x', 'new'], ['HSETNX', 'h', 'z', 'new'], ['HSETNX', 'h2', 'f', 'v'], ['HSETNX', 'h', 'x'],
      ['HMGET', 'h', 'a', 'nope', 'x', 'z'], ['HMGET', 'nokey', 'a', 'b'], ['HMGET', 'h'],
      ['HLEN', 'h'], ['HLEN', 'nokey'], ['HSTRLEN', 'h', 'x'], ['HSTRLEN', 'h', 'nope'], ['HSTRLEN', 'nokey', 'x'],
      ['HEXISTS', 'h', 'a'], ['HEXISTS', 'h', 'nope'], ['HEXISTS', 'nokey', 'a'],
      ['HDEL', 'h', 'a', 'a', 'nope', 'b'], ['HDEL', 'nokey', 'a'], ['HDEL', 'h'], ['HLEN', 'h'],
      ['HDEL', 'h2', 'f'], ['EXISTS', 'h2'], ['HDEL', 'h', 'c', 'x', 'y', 'z'], ['EXISTS', 'h'],
      ['HSET', 'bin', '', ''], ['HSET', 'bin', 'k\x00\xff\r\n', 'v\x00\r\n'], ['HGET', 'bin', ''], ['HGET', 'bin', 'k\x00\xff\r\n'],
      ['HSTRLEN', 'bin', 'k\x00\xff\r\n'], ['HGETALL', 'bin'], ['hset', 'lower', 'f', 'v'], ['HsEt', 'lower', 'g', 'w'],
    ]);
  });

  test.each([2, 3])('wrong type and arity in RESP%i', async (resp) => {
    await pair.both(['HELLO', String(resp)]);
    await pair.both(['SET', 's', 'x']);
    const wrongType = [
      ['HSET', 's', 'f', 'v'], ['HMSET', 's', 'f', 'v'], ['HSETNX', 's', 'f', 'v'], ['HGET', 's', 'f'], ['HMGET', 's', 'f'],
      ['HDEL', 's', 'f'], ['HLEN', 's'], ['HSTRLEN', 's', 'f'], ['HEXISTS', 's', 'f'], ['HKEYS', 's'], ['HVALS', 's'],
      ['HGETALL', 's'], ['HINCRBY', 's', 'f', '1'], ['HINCRBYFLOAT', 's', 'f', '1'], ['HRANDFIELD', 's'],
      ['HRANDFIELD', 's', '2'], ['HRANDFIELD', 's', '2', 'WITHVALUES'], ['HSCAN', 's', '0'],
    ];
    const arity = [
      ['HSET', 'h', 'f'], ['HMSET', 'h'], ['HSETNX', 'h', 'f'], ['HGET', 'h'], ['HMGET', 'h'], ['HDEL', 'h'], ['HLEN'],
      ['HSTRLEN', 'h'], ['HEXISTS', 'h'], ['HKEYS'], ['HVALS', 'a', 'b'], ['HGETALL'], ['HINCRBY', 'h', 'f'],
      ['HINCRBYFLOAT', 'h', 'f', '1', '2'], ['HRANDFIELD'], ['HSCAN', 'h'],
    ];
    await pair.expectSame([...wrongType, ...arity]);
    // The increment is checked before the type.
    await pair.expectSame([['HINCRBY', 's', 'f', 'x'], ['HINCRBYFLOAT', 's', 'f', 'x']]);
  });

  test.each([2, 3])('HGETALL, HKEYS, HVALS of a listpack keep insertion order in RESP%i', async (resp) => {
    await pair.both(['HELLO', String(resp)]);
    await pair.expectSame([
      ['HGETALL', 'nokey'], ['HKEYS', 'nokey'], ['HVALS', 'nokey'],
      ['HSET', 'h', 'z', '1', 'a', '2', 'm', '3', '10', '4', '-5', 'x'], ['HSET', 'h', 'a', 'changed'], ['HDEL', 'h', 'z'],
      ['HSET', 'h', 'z', 'back'], ['HGETALL', 'h'], ['HKEYS', 'h'], ['HVALS', 'h'],
    ]);
    await expectSameEncoding('h');
  });

  test.each([2, 3])('a hash table: HGETALL, HKEYS, HVALS as multisets in RESP%i', async (resp) => {
    await pair.both(['HELLO', String(resp)]);
    await pair.expectSame([['HSET', 'big', ...fields(300)], ['HDEL', 'big', 'f7', 'f100', 'f299'], ['HLEN', 'big'], ['HGET', 'big', 'f150']]);
    await expectSameEncoding('big');
    await pair.expectSame([['HGETALL', 'big']], (r) => unordered(r, 2));
    await pair.expectSame([['HKEYS', 'big'], ['HVALS', 'big']], (r) => unordered(r));
  });

  test('listpack limits: entries and value length, one-way conversion', async () => {
    await pair.both(['HSET', 'h', ...fields(128)]);
    await expectSameEncoding('h');
    await pair.both(['HSET', 'h', 'one', 'more']);
    await expectSameEncoding('h');
    await pair.both(['HDEL', 'h', 'one', 'f0', 'f1', 'f2']);
    await expectSameEncoding('h');

    await pair.both(['HSET', 'v', 'f', 'x'.repeat(64)]);
    await expectSameEncoding('v');
    await pair.both(['HSET', 'v', 'g', 'x'.repeat(65)]);
    await expectSameEncoding('v');

    await pair.both(['HSET', 'k', 'y'.repeat(65), '1']);
    await expectSameEncoding('k');

    // HSETNX on an existing field does not convert, even with a long value.
    await pair.expectSame([['HSET', 'n', 'f', '1'], ['HSETNX', 'n', 'f', 'z'.repeat(100)]]);
    await expectSameEncoding('n');
    await pair.expectSame([['HSETNX', 'n', 'g', 'z'.repeat(100)]]);
    await expectSameEncoding('n');

    // HINCRBYFLOAT's result is checked against the value limit too.
    await pair.expectSame([['HINCRBYFLOAT', 'fl', 'f', '1e60']]);
    await expectSameEncoding('fl');

    // Updating an existing field with a long value converts as well.
    await pair.expectSame([['HSET', 'u', 'f', '1'], ['HSET', 'u', 'f', 'w'.repeat(70)]]);
    await expectSameEncoding('u');
  });

  test.each([2, 3])('HINCRBY in RESP%i', async (resp) => {
    await pair.both(['HELLO', String(resp)]);
    await pair.expectSame([
      ['HINCRBY', 'h', 'n', '5'], ['HINCRBY', 'h', 'n', '-10'], ['HGET', 'h', 'n'], ['HINCRBY', 'h', 'n', '0'],
      ['HINCRBY', 'h', 'n', 'abc'], ['HINCRBY', 'h', 'n', '1.5'], ['HINCRBY', 'h', 'n', ' 1'], ['HINCRBY', 'h', 'n', '+1'],
      ['HINCRBY', 'h', 'n', '01'], ['HINCRBY', 'h', 'n', ''], ['HINCRBY', 'h', 'n', '9223372036854775808'],
      ['HSET', 'h', 'max', '9223372036854775807'], ['HINCRBY', 'h', 'max', '1'], ['HINCRBY', 'h', 'max', '0'],
      ['HINCRBY', 'h', 'max', '-9223372036854775808'], ['HSET', 'h', 'min', '-9223372036854775808'],
      ['HINCRBY', 'h', 'min', '-1'], ['HINCRBY', 'h', 'min', '9223372036854775807'],
      ['HSET', 'h', 'str', 'abc'], ['HINCRBY', 'h', 'str', '1'], ['HSET', 'h', 'sp', ' 1'], ['HINCRBY', 'h', 'sp', '1'],
      ['HSET', 'h', 'fl', '1.0'], ['HINCRBY', 'h', 'fl', '1'], ['HSET', 'h', 'big', '99999999999999999999'], ['HINCRBY', 'h', 'big', '1'],
      ['HSET', 'h', 'zero', '-0'], ['HINCRBY', 'h', 'zero', '1'], ['HSET', 'h', 'empty', ''], ['HINCRBY', 'h', 'empty', '1'],
      ['HINCRBY', 'h', 'n', '9007199254740993'], ['HGET', 'h', 'n'], ['HINCRBY', 'new', 'f', '-9223372036854775808'],
      ['HGETALL', 'h'],
    ]);
  });

  test.each([2, 3])('HINCRBYFLOAT computes in extended precision and prints as the server does in RESP%i', async (resp) => {
    await pair.both(['HELLO', String(resp)]);
    const requests: string[][] = [];
    const incr = (field: string, by: string) => requests.push(['HINCRBYFLOAT', 'h', field, by]);
    incr('a', '10.5'); incr('a', '0.1'); incr('a', '-5.05'); incr('a', '3.0e3'); incr('a', '1e-5');
    incr('b', '1.5'); incr('b', '0.1'); incr('b', '0.1'); incr('b', '0.1');
    incr('c', '0.1'); incr('c', '0.2');
    incr('d', '1e308'); incr('d', '1e308'); incr('d', '1e4000'); incr('d', '-1e4000');
    incr('e', '1e-20'); incr('e', '-2e-20'); incr('e', '1e-300');
    incr('f', '0x1p3'); incr('f', '0X.8'); incr('f', '0x1.8p-1');
    incr('g', '.5'); incr('g', '5.'); incr('g', '+2'); incr('g', '-0'); incr('g', '1E2');
    incr('h', '123456789012345678901234567890'); incr('h', '1');
    incr('i', '3.14159265358979323846264338327950288'); incr('i', '2.718281828459045');
    incr('j', '9223372036854775807'); incr('j', '1');
    incr('k', '0.000000000000000001'); incr('k', '0.000000000000000005');
    incr('l', '-1.5'); incr('l', '1.5');
    incr('m', '7.2057594037927935e16'); incr('m', '1');
    // Errors: not a float, NaN/infinity, results that overflow.
    for (const bad of ['abc', '', ' 1', '1 ', '1e', 'nan', 'NaN', '1e5000', '-1e5000', '1e-5000', '0x', 'x1', '1..2', '--1']) incr('z', bad);
    incr('z', 'inf'); incr('z', '-infinity'); incr('z', 'INF');
    incr('big', '1e4932'); incr('big', '1e4932');
    requests.push(['HSET', 'h', 'str', 'abc'], ['HINCRBYFLOAT', 'h', 'str', '1']);
    requests.push(['HSET', 'h', 'sp', ' 1.5'], ['HINCRBYFLOAT', 'h', 'sp', '1']);
    requests.push(['HSET', 'h', 'inf', 'inf'], ['HINCRBYFLOAT', 'h', 'inf', '1']);
    requests.push(['HSET', 'h', 'hex', '0x10'], ['HINCRBYFLOAT', 'h', 'hex', '1']);
    requests.push(['HSET', 'h', 'int', '42'], ['HINCRBYFLOAT', 'h', 'int', '0.5']);
    requests.push(['HSET', 'h', 'long', '1'.repeat(5200)], ['HINCRBYFLOAT', 'h', 'long', '1']);
    requests.push(['HINCRBYFLOAT', 'h', 'x', '1'.repeat(5119)], ['HINCRBYFLOAT', 'h', 'y', '1'.repeat(5120)]);
    await pair.expectSame(requests);
    // Long results made it a hash table: compare as a multiset.
    await pair.expectSame([['HGETALL', 'h']], (r) => unordered(r, 2));
  });

  test('HINCRBYFLOAT: randomized increments agree with the server', async () => {
    const requests: string[][] = [];
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (let i = 0; i < 300; i++) {
      const mantissa = ((rand() - 0.5) * 2000).toFixed(Math.floor(rand() * 12));
      const exponent = Math.floor(rand() * 40) - 20;
      const text = rand() < 0.5 ? mantissa : `${mantissa}e${exponent}`;
      requests.push(['HINCRBYFLOAT', 'r', `f${i % 7}`, text]);
    }
    await pair.expectSame(requests);
  });

  test.each([2, 3])('HRANDFIELD argument errors and deterministic cases in RESP%i', async (resp) => {
    await pair.both(['HELLO', String(resp)]);
    await pair.expectSame([
      ['HRANDFIELD', 'nokey'], ['HRANDFIELD', 'nokey', '5'], ['HRANDFIELD', 'nokey', '-5', 'WITHVALUES'],
      ['HRANDFIELD', 'nokey', '-9223372036854775807'], ['HRANDFIELD', 'nokey', '-9223372036854775808'],
      ['HRANDFIELD', 'nokey', '9223372036854775807'], ['HRANDFIELD', 'nokey', '9223372036854775808'],
      ['HRANDFIELD', 'nokey', 'abc'], ['HRANDFIELD', 'nokey', '1', 'FOO'], ['HRANDFIELD', 'nokey', '1', 'WITHVALUES', 'x'],
      ['HRANDFIELD', 'nokey', '-4611686018427387903', 'WITHVALUES'], ['HRANDFIELD', 'nokey', '-4611686018427387904', 'WITHVALUES'],
      ['HRANDFIELD', 'nokey', '4611686018427387903', 'WITHVALUES'], ['HRANDFIELD', 'nokey', '4611686018427387904', 'WITHVALUES'],
      ['HRANDFIELD', 'nokey', 'x', 'FOO'],
      ['HSET', 'h', 'a', '1', 'b', '2', 'c', '3'],
      ['HRANDFIELD', 'h', '0'], ['HRANDFIELD', 'h', '0', 'WITHVALUES'], ['HRANDFIELD', 'h', '3'], ['HRANDFIELD', 'h', '100'],
      ['HRANDFIELD', 'h', '3', 'withvalues'], ['HRANDFIELD', 'h', '9223372036854775807'],
      ['HRANDFIELD', 'h', '4611686018427387903', 'WITHVALUES'],
      ['HSET', 'one', 'only', 'v'], ['HRANDFIELD', 'one'], ['HRANDFIELD', 'one', '-3'], ['HRANDFIELD', 'one', '-3', 'WITHVALUES'],
      ['HRANDFIELD', 'one', '1', 'WITHVALUES'],
    ]);
  });

  test.each([2, 3])('HRANDFIELD random picks have the server\'s shape in RESP%i', async (resp) => {
    await pair.both(['HELLO', String(resp)]);
    for (const size of [5, 300]) {
      const key = `h${size}`;
      await pair.both(['HSET', key, ...fields(size)]);
      const fieldSet = new Set(fields(size).filter((_, i) => i % 2 === 0));
      for (const args of [[], ['2'], ['4'], ['-10'], [String(size - 1)], ['2', 'WITHVALUES'], ['-10', 'WITHVALUES'], [String(size - 1), 'WITHVALUES']]) {
        const { real, local } = await pair.both(['HRANDFIELD', key, ...args]);
        if (args.length === 0) {
          expect(local[0]).toBe('$');
          expect(fieldSet.has(local.split('\r\n')[1])).toBe(true);
          continue;
        }
        const count = Number(args[0]);
        const withValues = args.length === 2;
        const realItems = itemsOf(real);
        const localItems = itemsOf(local);
        expect({ args, n: localItems.length, head: local.slice(0, local.indexOf('\r\n')) })
          .toEqual({ args, n: realItems.length, head: real.slice(0, real.indexOf('\r\n')) });
        // Every pick is a field (with its own value); positive counts pick distinct fields.
        const picked = localItems.map((item) => {
          if (withValues && resp === 3) {
            const [f, v] = itemsOf(item).map((x) => x.split('\r\n')[1]);
            expect(`v${f.slice(1)}`).toBe(v);
            return f;
          }
          return item.split('\r\n')[1];
        }).filter((_, i) => !(withValues && resp === 2) || i % 2 === 0);
        for (const f of picked) expect(fieldSet.has(f)).toBe(true);
        if (count > 0) expect(new Set(picked).size).toBe(picked.length);
      }
    }
  });

  test.each([2, 3])('HSCAN of a listpack is one call with cursor 0; errors as the server in RESP%i', async (resp) => {
    await pair.both(['HELLO', String(resp)]);
    await pair.expectSame([
      ['HSCAN', 'nokey', '0'], ['HSCAN', 'nokey', 'abc'], ['HSCAN', 'nokey', '0', 'COUNT', '0'], ['HSCAN', 'nokey', '0', 'FOO'],
      ['HSET', 'h', 'name', 'n', 'age', '3', 'nick', 'k', 'x', 'y'],
      ['HSCAN', 'h', '0'], ['HSCAN', 'h', '12345'], ['HSCAN', 'h', '0', 'MATCH', 'n*'], ['HSCAN', 'h', '0', 'match', '*a*', 'count', '1'],
      ['HSCAN', 'h', '0', 'MATCH', '*'], ['HSCAN', 'h', '0', 'COUNT', '0'], ['HSCAN', 'h', '0', 'COUNT', '-1'],
      ['HSCAN', 'h', '0', 'COUNT', 'x'], ['HSCAN', 'h', '0', 'MATCH'], ['HSCAN', 'h', '0', 'NOVALUES'],
      ['HSCAN', 'h', '0', 'TYPE', 'string'], ['HSCAN', 'h', '18446744073709551616'], ['HSCAN', 'h', '1.5'],
    ]);
  });

  test('HSCAN of a hash table returns every field over a full iteration', async () => {
    await pair.both(['HSET', 'big', ...fields(1000)]);
    for (const [client, label] of [[pair.realClient, 'real'], [pair.localClient, 'local']] as const) {
      const seen = new Map<string, string>();
      let cursor = '0';
      let calls = 0;
      do {
        const reply = await client.call('HSCAN', 'big', cursor, 'COUNT', '50');
        const [c, items] = itemsOf(reply);
        cursor = c.split('\r\n')[1];
        const flat = itemsOf(items).map((x) => x.split('\r\n')[1]);
        for (let i = 0; i < flat.length; i += 2) seen.set(flat[i], flat[i + 1]);
        calls++;
      } while (cursor !== '0');
      expect({ label, size: seen.size, v500: seen.get('f500') }).toEqual({ label, size: 1000, v500: 'v500' });
      expect(calls).toBeGreaterThan(5);
    }
    const { real, local } = await pair.both(['HSCAN', 'big', '0', 'MATCH', 'f99*', 'COUNT', '100000']);
    expect(unorderedScan(local, 2).replace(/^\*2\r\n\$\d+\r\n\d+\r\n/, '')).toBe(unorderedScan(real, 2).replace(/^\*2\r\n\$\d+\r\n\d+\r\n/, ''));
  });

  test('keyspace notifications', async () => {
    await pair.realClient.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    pair.local.server.notifyFlags = parseNotifyFlags('KEA') as number;
    const tap = await EventTap.attach(pair);
    try {
      await pair.expectSame([
        ['HSET', 'h', 'a', '1', 'b', '2'], ['HSET', 'h', 'a', '1'], ['HMSET', 'h', 'c', '3'], ['HSETNX', 'h', 'a', 'x'],
        ['HSETNX', 'h', 'd', 'x'], ['HINCRBY', 'h', 'n', '1'], ['HINCRBYFLOAT', 'h', 'n', '1.5'], ['HDEL', 'h', 'zz'],
        ['HDEL', 'h', 'a', 'b'], ['HGET', 'h', 'c'], ['HGET', 'missing', 'x'], ['HDEL', 'h', 'c', 'd', 'n'], ['EXISTS', 'h'],
        ['HINCRBY', 'h', 'n', 'bad'],
      ]);
      const { real, local } = await tap.take();
      expect(local).toBe(real);
      expect(real).toContain('hincrbyfloat');
    } finally {
      tap.detach(pair);
      await pair.realClient.call('CONFIG', 'SET', 'notify-keyspace-events', '');
      pair.local.server.notifyFlags = 0;
    }
  });

  test('replication stream: HINCRBYFLOAT as HSET of the result, the rest as sent', async () => {
    const tap = await ReplicationTap.attach(pair);
    try {
      await pair.expectSame([
        ['HSET', 'h', 'a', '1'], ['HINCRBYFLOAT', 'h', 'f', '10.5'], ['HINCRBYFLOAT', 'h', 'f', '1e-3'], ['HINCRBYFLOAT', 'h', 'f', 'x'],
        ['HINCRBY', 'h', 'n', '-4'], ['HSETNX', 'h', 'a', '2'], ['HDEL', 'h', 'zz'], ['HMSET', 'h', 'b', '2'], ['HDEL', 'h', 'a', 'b'],
        ['HRANDFIELD', 'h', '2'],
      ]);
      const { real, local } = await tap.take();
      expect(local).toEqual(real);
      expect(real).toContainEqual(['HSET', 'h', 'f', '10.501']);
    } finally {
      tap.close();
    }
  });

  test('encodings follow changed thresholds, including 0', async () => {
    const set = async (name: string, value: string) => {
      await pair.realClient.call('CONFIG', 'SET', name, value);
      pair.local.server.config.set([[name, value]]);
    };
    try {
      await set('hash-max-listpack-entries', '0');
      await pair.expectSame([['HSET', 'zero', 'f', 'v'], ['HGETALL', 'zero']]);
      await expectSameEncoding('zero');
      await set('hash-max-listpack-entries', '3');
      await set('hash-max-listpack-value', '4');
      await pair.expectSame([['HSET', 'h', 'a', '1', 'b', '2', 'c', '3'], ['HGETALL', 'h']]);
      await expectSameEncoding('h');
      await pair.expectSame([['HSET', 'v', 'abcd', 'wxyz'], ['HINCRBY', 'v', 'n', '9999']]);
      await expectSameEncoding('v');
      // A result longer than the value limit converts (then the order is the hash table's).
      await pair.expectSame([['HINCRBY', 'v', 'n', '1']]);
      await expectSameEncoding('v');
      await pair.expectSame([['HGETALL', 'v']], (r) => unordered(r, 2));
      await set('hash-max-listpack-entries', '2');
      await expectSameEncoding('h');
      await pair.expectSame([['HSET', 'h', 'a', '9']]);
      await expectSameEncoding('h');
      await pair.expectSame([['HSET', 'h2', 'a', '1', 'b', '2'], ['HSETNX', 'h2', 'c', '3']]);
      await expectSameEncoding('h2');
    } finally {
      await set('hash-max-listpack-entries', '128');
      await set('hash-max-listpack-value', '64');
    }
  });
});
