import { EventTap } from './events';
import { CompatPair } from './harness';
import { ReplicationTap } from './replication';
import { itemsOf, unordered, unorderedScan } from './unordered';
import { parseNotifyFlags } from '../../src/local/notify';
import type { RObject } from '../../src/local/store/types';

/** `n` members with a prefix: m0, m1, ... */
function members(n: number, prefix = 'm'): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i}`);
}

/** The integers from..to as strings. */
function ints(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
}

const bulkValue = (item: string) => item.split('\r\n')[1];

describe('set commands against redis-server', () => {
  let pair: CompatPair;
  beforeAll(async () => {
    pair = await CompatPair.start({ config: { 'set-max-intset-entries': '512' } });
  });
  afterAll(() => pair.stop());
  beforeEach(() => pair.reset());

  async function expectSameEncoding(key: string): Promise<void> {
    const real = await pair.realClient.call('OBJECT', 'ENCODING', key);
    const value = pair.local.server.dbs[0].get(key, Date.now(), false) as RObject;
    const local = value.encoding(pair.local.server.encoding);
    expect({ key, encoding: `$${local.length}\r\n${local}\r\n` }).toEqual({ key, encoding: real });
  }

  test.each([2, 3])('SADD, SREM, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS in RESP%i', async (resp) => {
    await pair.both(['HELLO', String(resp)]);
    await pair.expectSame([
      ['SADD', 's', '3', '1', '2', '1'], ['SADD', 's', '2'], ['SMEMBERS', 's'], ['SCARD', 's'], ['SCARD', 'nokey'],
      ['SISMEMBER', 's', '1'], ['SISMEMBER', 's', '01'], ['SISMEMBER', 's', 'x'], ['SISMEMBER', 'nokey', '1'],
      ['SMISMEMBER', 's', '1', 'x', '3'], ['SMISMEMBER', 'nokey', 'a', 'b'], ['SMEMBERS', 'nokey'],
      ['SADD', 'i', '-5', '9223372036854775807', '-9223372036854775808', '0', '100', '-100', '7'], ['SMEMBERS', 'i'],
      ['SADD', 'i', '9223372036854775808'], ['SISMEMBER', 'i', '9223372036854775808'],
      ['SADD', 'j', '10', '-0', '+1', '01', ' 1', '1'], ['SCARD', 'j'], ['SISMEMBER', 'j', '-0'],
      ['SREM', 's', '1', '1', 'x'], ['SREM', 'nokey', 'a'], ['SREM', 's', '2', '3'], ['EXISTS', 's'], ['SCARD', 's'],
      ['SADD', 'bin', '', '\x00\xff', 'a\r\nb'], ['SISMEMBER', 'bin', ''], ['SREM', 'bin', '\x00\xff'], ['SCARD', 'bin'],
      ['sadd', 'low', 'x'], ['SaDd', 'low', 'y'],
    ]);
    // Sets with strings are hash tables in Redis 7.0: order is the server's own.
    await pair.expectSame([['SMEMBERS', 'i'], ['SMEMBERS', 'j'], ['SMEMBERS', 'bin']], (r) => unordered(r));
  });

  test.each([2, 3])('wrong type and arity in RESP%i', async (resp) => {
    await pair.both(['HELLO', String(resp)]);
    await pair.both(['SET', 'str', 'x']);
    await pair.both(['SADD', 'set', 'a']);
    await pair.expectSame([
      ['SADD', 'str', 'a'], ['SREM', 'str', 'a'], ['SCARD', 'str'], ['SISMEMBER', 'str', 'a'], ['SMISMEMBER', 'str', 'a'],
      ['SMEMBERS', 'str'], ['SRANDMEMBER', 'str'], ['SRANDMEMBER', 'str', '2'], ['SPOP', 'str'], ['SPOP', 'str', '2'],
      ['SMOVE', 'str', 'set', 'a'], ['SMOVE', 'set', 'str', 'a'], ['SMOVE', 'nokey', 'str', 'a'], ['SINTER', 'set', 'str'],
      ['SINTER', 'nokey', 'str'], ['SINTERCARD', '2', 'set', 'str'], ['SINTERSTORE', 'd', 'set', 'str'], ['SUNION', 'set', 'str'],
      ['SUNIONSTORE', 'd', 'str'], ['SDIFF', 'set', 'str'], ['SDIFF', 'nokey', 'str'], ['SDIFFSTORE', 'd', 'str', 'set'], ['SSCAN', 'str', '0'],
      ['SADD', 's'], ['SREM', 's'], ['SCARD'], ['SISMEMBER', 's'], ['SMISMEMBER', 's'], ['SMEMBERS'], ['SRANDMEMBER'],
      ['SPOP'], ['SMOVE', 'a', 'b'], ['SINTER'], ['SINTERCARD', '1'], ['SINTERSTORE', 'd'], ['SUNION'], ['SUNIONSTORE', 'd'],
      ['SDIFF'], ['SDIFFSTORE', 'd'], ['SSCAN', 's'], ['SRANDMEMBER', 'set', '1', '2'], ['SPOP', 'set', '1', '2'],
      ['EXISTS', 'd'],
    ]);
  });

  test('encodings: intset limits and one-way conversion', async () => {
    await pair.both(['SADD', 'i', ...ints(1, 512)]);
    await expectSameEncoding('i');
    await pair.both(['SADD', 'i', '513']);
    await expectSameEncoding('i');
    await pair.both(['SREM', 'i', ...ints(2, 513)]);
    await expectSameEncoding('i');
    await pair.both(['SADD', 'm', '1', '2']);
    await expectSameEncoding('m');
    await pair.both(['SADD', 'm', 'x']);
    await expectSameEncoding('m');
    await pair.both(['SREM', 'm', 'x']);
    await expectSameEncoding('m');
    await pair.both(['SADD', 'str', 'a', '1']);
    await expectSameEncoding('str');
    await pair.both(['SADD', 'big', '99999999999999999999']);
    await expectSameEncoding('big');
    await pair.both(['SADD', 'one', ...ints(1, 600)]);
    await expectSameEncoding('one');
  });

  test.each([2, 3])('intset members come in ascending order in RESP%i', async (resp) => {
    await pair.both(['HELLO', String(resp)]);
    await pair.expectSame([
      ['SADD', 'a', '5', '-3', '100', '42', '0', '-9223372036854775808', '17'], ['SMEMBERS', 'a'], ['SRANDMEMBER', 'a', '100'],
      ['SRANDMEMBER', 'a', '7'], ['SSCAN', 'a', '0'], ['SSCAN', 'a', '0', 'MATCH', '1*'], ['SADD', 'b', '5', '17', '18', '-3'],
      ['SINTER', 'a', 'b'], ['SUNION', 'a', 'b'], ['SDIFF', 'a', 'b'], ['SDIFF', 'b', 'a'], ['SINTERSTORE', 'c', 'a', 'b'],
      ['SMEMBERS', 'c'], ['SUNIONSTORE', 'c', 'b', 'a'], ['SMEMBERS', 'c'], ['SDIFFSTORE', 'c', 'a', 'b'], ['SMEMBERS', 'c'],
      ['SPOP', 'b', '10'], ['EXISTS', 'b'],
    ]);
  });

  test.each([2, 3])('SMOVE in RESP%i', async (resp) => {
    await pair.both(['HELLO', String(resp)]);
    await pair.expectSame([
      ['SADD', 'src', '1', '2', 'a'], ['SADD', 'dst', '3'], ['SMOVE', 'src', 'dst', '1'], ['SMOVE', 'src', 'dst', '1'],
      ['SMOVE', 'nokey', 'dst', '3'], ['SMOVE', 'src', 'src', 'a'], ['SMOVE', 'src', 'src', 'zz'], ['SMOVE', 'src', 'new', 'a'],
      ['SMEMBERS', 'new'], ['SMOVE', 'src', 'new2', '2'], ['SMEMBERS', 'new2'], ['EXISTS', 'src'], ['SMEMBERS', 'dst'],
      ['SADD', 'x', 'v'], ['SADD', 'y', 'v'], ['SMOVE', 'x', 'y', 'v'], ['EXISTS', 'x'], ['SCARD', 'y'],
    ]);
    await expectSameEncoding('new');
    await expectSameEncoding('new2');
    await expectSameEncoding('dst');
  });

  test.each([2, 3])('SRANDMEMBER errors and deterministic cases in RESP%i', async (resp) => {
    await pair.both(['HELLO', String(resp)]);
    await pair.expectSame([
      ['SRANDMEMBER', 'nokey'], ['SRANDMEMBER', 'nokey', '3'], ['SRANDMEMBER', 'nokey', '-3'], ['SRANDMEMBER', 'nokey', '0'],
      ['SRANDMEMBER', 'nokey', 'x'], ['SRANDMEMBER', 'nokey', '-9223372036854775808'], ['SRANDMEMBER', 'nokey', '-9223372036854775807'],
      ['SRANDMEMBER', 'nokey', '9223372036854775808'], ['SADD', 's', '1'], ['SRANDMEMBER', 's'], ['SRANDMEMBER', 's', '-3'],
      ['SRANDMEMBER', 's', '0'], ['SRANDMEMBER', 's', '9223372036854775807'], ['SRANDMEMBER', 's', 'x'],
    ]);
  });

  test.each([2, 3])('SRANDMEMBER random picks have the server\'s shape in RESP%i', async (resp) => {
    await pair.both(['HELLO', String(resp)]);
    for (const [key, content] of [['small', ints(1, 5)], ['strs', members(5)], ['big', members(400)]] as const) {
      await pair.both(['SADD', key, ...content]);
      const all = new Set<string>(content);
      for (const count of ['1', '3', '-10', String(content.length - 1), String(content.length + 5)]) {
        const { real, local } = await pair.both(['SRANDMEMBER', key, count]);
        const realItems = itemsOf(real);
        const localItems = itemsOf(local).map(bulkValue);
        expect({ count, n: localItems.length, head: local.slice(0, 1) }).toEqual({ count, n: realItems.length, head: real.slice(0, 1) });
        for (const m of localItems) expect(all.has(m)).toBe(true);
        if (Number(count) > 0) expect(new Set(localItems).size).toBe(localItems.length);
      }
      const { local } = await pair.both(['SRANDMEMBER', key]);
      expect(all.has(bulkValue(local))).toBe(true);
    }
  });

  test.each([2, 3])('SPOP errors and deterministic cases in RESP%i', async (resp) => {
    await pair.both(['HELLO', String(resp)]);
    await pair.expectSame([
      ['SPOP', 'nokey'], ['SPOP', 'nokey', '3'], ['SPOP', 'nokey', '0'], ['SPOP', 'nokey', '-1'], ['SPOP', 'nokey', 'x'],
      ['SPOP', 'nokey', '9223372036854775808'], ['SADD', 's', '7', '3', '5'], ['SPOP', 's', '0'], ['SPOP', 's', '-1'],
      ['SPOP', 's', '3'], ['EXISTS', 's'], ['SADD', 's', '9'], ['SPOP', 's'], ['EXISTS', 's'], ['SADD', 's', '1', '2'],
      ['SPOP', 's', '9223372036854775807'], ['EXISTS', 's'],
    ]);
    await pair.both(['SADD', 'h', ...members(50)]);
    await pair.expectSame([['SPOP', 'h', '50']], (r) => unordered(r));
  });

  test.each([2, 3])('SPOP pops distinct members and leaves the rest in RESP%i', async (resp) => {
    await pair.both(['HELLO', String(resp)]);
    for (const [content, count] of [[members(300), 10], [members(300), 290], [ints(1, 300), 7], [ints(1, 300), 299], [ints(1, 600), 599]] as const) {
      await pair.both(['DEL', 'p']);
      await pair.both(['SADD', 'p', ...content]);
      const { real, local } = await pair.both(['SPOP', 'p', String(count)]);
      expect(local.slice(0, local.indexOf('\r\n'))).toBe(real.slice(0, real.indexOf('\r\n')));
      const popped = itemsOf(local).map(bulkValue);
      expect(new Set(popped).size).toBe(count);
      const left = itemsOf(await pair.localClient.call('SMEMBERS', 'p')).map(bulkValue);
      expect(left.length + popped.length).toBe(content.length);
      expect(new Set([...left, ...popped])).toEqual(new Set(content));
      await pair.expectSame([['SCARD', 'p']]);
      await expectSameEncoding('p');
    }
    await pair.both(['SADD', 'one', 'x', 'y']);
    const { local } = await pair.both(['SPOP', 'one']);
    expect(['$1\r\nx\r\n', '$1\r\ny\r\n']).toContain(local);
  });

  test.each([2, 3])('SINTER, SINTERCARD, SINTERSTORE in RESP%i', async (resp) => {
    await pair.both(['HELLO', String(resp)]);
    await pair.both(['SADD', 'a', ...members(20), '1', '2', '3']);
    await pair.both(['SADD', 'b', ...members(10), '2', '3', '4']);
    await pair.both(['SADD', 'c', 'm1', 'm2', 'm3', 'zz', '3']);
    await pair.both(['SADD', 'ia', ...ints(1, 10)]);
    await pair.both(['SADD', 'ib', ...ints(5, 15)]);
    await pair.both(['SET', 'str', 'v']);
    await pair.expectSame([
      ['SINTER', 'ia', 'ib'], ['SINTER', 'ia'], ['SINTER', 'ia', 'nokey'], ['SINTER', 'nokey'], ['SINTER', 'ia', 'ia'],
      ['SINTERCARD', '2', 'a', 'b'], ['SINTERCARD', '3', 'a', 'b', 'c'], ['SINTERCARD', '1', 'a'], ['SINTERCARD', '2', 'a', 'nokey'],
      ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '3'], ['SINTERCARD', '2', 'a', 'b', 'limit', '0'], ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '100'],
      ['SINTERCARD', '0', 'a'], ['SINTERCARD', '-1', 'a'], ['SINTERCARD', 'x', 'a'], ['SINTERCARD', '3', 'a', 'b'],
      ['SINTERCARD', '1', 'a', 'LIMIT', '-1'], ['SINTERCARD', '1', 'a', 'LIMIT', 'x'], ['SINTERCARD', '1', 'a', 'LIMIT'],
      ['SINTERCARD', '1', 'a', 'FOO', '1'], ['SINTERCARD', '1', 'a', 'b'], ['SINTERCARD', '2', 'a', 'str'],
      ['SINTERCARD', '1', 'a', 'LIMIT', '1', 'LIMIT', '2'], ['SINTERCARD', '9223372036854775808', 'a'],
      ['SINTERSTORE', 'dst', 'ia', 'ib'], ['SMEMBERS', 'dst'], ['SINTERSTORE', 'dst', 'ia', 'nokey'], ['EXISTS', 'dst'],
      ['SET', 'dst', 'string'], ['EXPIRE', 'dst', '100'], ['SINTERSTORE', 'dst', 'ia', 'ib'], ['TTL', 'dst'], ['TYPE', 'dst'],
      ['SINTERSTORE', 'dst', 'dst', 'ia'], ['SCARD', 'dst'], ['SINTERSTORE', 'dst', 'a', 'c'], ['SCARD', 'dst'],
      ['SINTERSTORE', 'dst', 'ia', 'c'], ['SCARD', 'dst'], ['SINTERSTORE', 'dst', 'a', 'str'], ['SCARD', 'dst'],
      ['SINTERSTORE', 'dst2', 'nokey'], ['EXISTS', 'dst2'],
    ]);
    await expectSameEncoding('dst');
    await pair.expectSame([['SINTER', 'a', 'b'], ['SINTER', 'a', 'b', 'c'], ['SINTER', 'c', 'b', 'a']], (r) => unordered(r));
    await pair.expectSame([['SINTERSTORE', 'mixed', 'a', 'b'], ['SMEMBERS', 'mixed']], (r) => unordered(r));
    await expectSameEncoding('mixed');
    await pair.expectSame([['SINTERSTORE', 'nums', 'a', 'c'], ['SMEMBERS', 'nums']], (r) => unordered(r));
    await expectSameEncoding('nums');
  });

  test.each([2, 3])('SUNION, SDIFF and their STORE forms in RESP%i', async (resp) => {
    await pair.both(['HELLO', String(resp)]);
    await pair.both(['SADD', 'a', ...members(20), '1', '2', '3']);
    await pair.both(['SADD', 'b', ...members(10), '2', '3', '4']);
    await pair.both(['SADD', 'c', 'm1', 'm2', 'm3', 'zz', '3']);
    await pair.both(['SADD', 'big', ...members(500)]);
    await pair.both(['SADD', 'ia', ...ints(1, 10)]);
    await pair.both(['SADD', 'ib', ...ints(5, 15)]);
    await pair.both(['SET', 'str', 'v']);
    await pair.expectSame([
      ['SUNION', 'ia', 'ib'], ['SUNION', 'ia', 'nokey', 'ib'], ['SUNION', 'nokey'], ['SDIFF', 'ia', 'ib'], ['SDIFF', 'ib', 'ia'],
      ['SDIFF', 'ia', 'nokey'], ['SDIFF', 'nokey', 'ia'], ['SDIFF', 'ia', 'ia'], ['SDIFF', 'ia', 'ib', 'ia'], ['SDIFF', 'ia'],
      ['SUNIONSTORE', 'dst', 'ia', 'ib'], ['SMEMBERS', 'dst'], ['SDIFFSTORE', 'dst', 'ia', 'ib'], ['SMEMBERS', 'dst'],
      ['SDIFFSTORE', 'dst', 'ia', 'ia'], ['EXISTS', 'dst'], ['SUNIONSTORE', 'dst', 'nokey'], ['EXISTS', 'dst'],
      ['SET', 'dst', 'x'], ['EXPIRE', 'dst', '100'], ['SUNIONSTORE', 'dst', 'ia'], ['TTL', 'dst'], ['SDIFFSTORE', 'dst', 'dst', 'ib'],
      ['SMEMBERS', 'dst'], ['SUNIONSTORE', 'dst', 'ia', 'str'], ['SDIFFSTORE', 'dst', 'str'], ['SDIFF', 'nokey', 'str'],
      ['SUNIONSTORE', 'u', 'a', 'b', 'c'], ['SCARD', 'u'], ['SDIFFSTORE', 'd', 'big', 'a'], ['SCARD', 'd'],
      ['SDIFFSTORE', 'd2', 'a', 'big', 'b'], ['SCARD', 'd2'], ['SDIFFSTORE', 'd3', 'c', 'a'], ['SCARD', 'd3'],
    ]);
    await expectSameEncoding('u');
    await expectSameEncoding('d');
    await pair.expectSame([
      ['SUNION', 'a', 'b', 'c'], ['SDIFF', 'a', 'b', 'c'], ['SDIFF', 'big', 'a'], ['SDIFF', 'a', 'big'], ['SDIFF', 'c', 'a'],
      ['SMEMBERS', 'u'], ['SMEMBERS', 'd2'],
    ], (r) => unordered(r));
  });

  test.each([2, 3])('SSCAN in RESP%i', async (resp) => {
    await pair.both(['HELLO', String(resp)]);
    await pair.expectSame([
      ['SSCAN', 'nokey', '0'], ['SSCAN', 'nokey', 'x'], ['SSCAN', 'nokey', '0', 'COUNT', '0'],
      ['SADD', 'i', '3', '1', '2', '10', '20'], ['SSCAN', 'i', '0'], ['SSCAN', 'i', '7'], ['SSCAN', 'i', '0', 'MATCH', '1*', 'COUNT', '1'],
      ['SSCAN', 'i', '0', 'COUNT', '0'], ['SSCAN', 'i', '0', 'COUNT', 'x'], ['SSCAN', 'i', '0', 'NOVALUES'], ['SSCAN', 'i', '0', 'TYPE', 'set'],
      ['SSCAN', 'i', '0', 'MATCH'], ['SSCAN', 'i', 'abc'],
    ]);
    await pair.both(['SADD', 'small', 'a', 'b', 'c']);
    await pair.expectSame([['SSCAN', 'small', '0', 'COUNT', '100']], (r) => unorderedScan(r));
    await pair.both(['SADD', 'big', ...members(1000)]);
    for (const client of [pair.realClient, pair.localClient]) {
      const seen = new Set<string>();
      let cursor = '0';
      do {
        const [c, items] = itemsOf(await client.call('SSCAN', 'big', cursor, 'COUNT', '37'));
        cursor = bulkValue(c);
        for (const item of itemsOf(items)) seen.add(bulkValue(item));
      } while (cursor !== '0');
      expect(seen).toEqual(new Set(members(1000)));
    }
  });

  test('keyspace notifications', async () => {
    await pair.realClient.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    pair.local.server.notifyFlags = parseNotifyFlags('KEA') as number;
    const tap = await EventTap.attach(pair);
    try {
      await pair.expectSame([
        ['SADD', 's', 'a', 'b', 'c'], ['SADD', 's', 'a'], ['SREM', 's', 'zz'], ['SREM', 's', 'a'], ['SMOVE', 's', 't', 'b'],
        ['SMOVE', 's', 't', 'nope'], ['SADD', 't', 'c'], ['SMOVE', 's', 't', 'c'], ['SADD', 'p', '1', '2', '3'],
      ]);
      // Which member goes is random; the events are not.
      await pair.both(['SPOP', 'p']);
      await pair.both(['SPOP', 'p', '1']);
      await pair.both(['SPOP', 'p', '5']);
      await pair.expectSame([
        ['SPOP', 'p', '0'], ['SPOP', 'nokey', '5'], ['SADD', 'q', '1'], ['SPOP', 'q'],
        ['SINTERSTORE', 'd', 't', 't'], ['SUNIONSTORE', 'd', 't'], ['SDIFFSTORE', 'd', 't', 't'], ['SDIFFSTORE', 'd', 't', 't'],
        ['SINTERSTORE', 'd', 'nokey'], ['SUNIONSTORE', 'd', 't'], ['SINTERSTORE', 'd', 'nokey'], ['SDIFFSTORE', 'd', 't', 'nokey'],
        ['SREM', 't', 'b', 'c'],
        ['SMEMBERS', 't'],
      ]);
      const { real, local } = await tap.take();
      expect(local).toBe(real);
      for (const event of ['sadd', 'srem', 'spop', 'del', 'sinterstore', 'sunionstore', 'sdiffstore']) expect(real).toContain(`$${event.length}\r\n${event}\r\n`);
    } finally {
      tap.detach(pair);
      await pair.realClient.call('CONFIG', 'SET', 'notify-keyspace-events', '');
      pair.local.server.notifyFlags = 0;
    }
  });

  test('replication stream: SPOP as SREMs or DEL, the rest as sent', async () => {
    const tap = await ReplicationTap.attach(pair);
    try {
      await pair.expectSame([
        ['SADD', 'i', '1', '2', '3'], ['SPOP', 'i', '3'], ['SADD', 's', 'a', 'b', 'c', 'd', 'e', 'f'], ['SREM', 's', 'zz'],
        ['SPOP', 's', '0'], ['SPOP', 'nokey', '2'], ['SMOVE', 's', 't', 'nope'], ['SINTERSTORE', 'd', 'nokey'],
      ]);
      await pair.both(['SPOP', 's']);
      await pair.both(['SPOP', 's', '2']);
      await pair.both(['SPOP', 's', '10']);
      await pair.both(['SADD', 'big', ...members(50)]);
      await pair.both(['SPOP', 'big', '45']);
      await pair.both(['SRANDMEMBER', 'big', '3']);
      await pair.expectSame([['SADD', 'u', 'x'], ['SUNIONSTORE', 'v', 'u'], ['SDIFFSTORE', 'v', 'u', 'u'], ['SMOVE', 'u', 'w', 'x']]);
      // Inside a transaction the rewritten commands join the transaction's MULTI/EXEC.
      await pair.both(['SADD', 't', ...members(20)]);
      await pair.expectSame([['MULTI'], ['SPOP', 't', '2'], ['HINCRBYFLOAT', 'h', 'f', '2.5'], ['SPOP', 't', '100']], (r) => r.replace(/^\*2\r\n.*/s, '<popped>'));
      await pair.both(['EXEC']);
      const { real, local } = await tap.take();
      // Popped members are random: compare the commands with members masked.
      const mask = (stream: string[][]) => stream.map((argv) => argv[0] === 'SREM' && argv[1] !== 'i' ? ['SREM', argv[1], ...argv.slice(2).map(() => '?')] : argv);
      expect(mask(local)).toEqual(mask(real));
      expect(real.some((argv) => argv[0] === 'MULTI')).toBe(true);
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
      await set('set-max-intset-entries', '0');
      await pair.expectSame([['SADD', 'zero', '1'], ['SMEMBERS', 'zero']]);
      await expectSameEncoding('zero');
      await set('set-max-intset-entries', '3');
      await pair.expectSame([['SADD', 'three', '3', '2', '1'], ['SMEMBERS', 'three']]);
      await expectSameEncoding('three');
      // A lower limit does not convert an existing intset until it grows.
      await set('set-max-intset-entries', '2');
      await expectSameEncoding('three');
      await pair.expectSame([['SADD', 'three', '2'], ['SREM', 'three', '1']]);
      await expectSameEncoding('three');
      await pair.expectSame([['SADD', 'three', '4']]);
      await expectSameEncoding('three');
      await pair.expectSame([['SADD', 'four', '4', '5'], ['SINTERSTORE', 'both', 'three', 'four'], ['SUNIONSTORE', 'all', 'three', 'four']]);
      await expectSameEncoding('both');
      await expectSameEncoding('all');
    } finally {
      await set('set-max-intset-entries', '512');
    }
  });
});
