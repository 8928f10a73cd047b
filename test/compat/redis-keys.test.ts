import { CompatPair } from './harness';
import { configBoth, decode, listenBoth, scanAll, seed, sortedArray } from './keys-support';

/** Both protocols: each test body runs in RESP2, then again after HELLO 3. */
const PROTOCOLS = [2, 3] as const;

describe('generic key commands against redis-server', () => {
  let pair: CompatPair;
  beforeAll(async () => {
    pair = await CompatPair.start();
  });
  afterAll(() => pair.stop());
  beforeEach(() => pair.reset());

  async function protocol(resp: 2 | 3): Promise<void> {
    if (resp === 3) await pair.both(['HELLO', '3']);
  }

  describe.each(PROTOCOLS)('RESP%i', (resp) => {
    beforeEach(() => protocol(resp));

    test('RENAME and RENAMENX', async () => {
      await pair.expectSame([
        ['SET', 'a', '1'], ['RENAME', 'a', 'a'], ['RENAMENX', 'a', 'a'], ['RENAME', 'nope', 'nope'], ['RENAME', 'nope', 'x'],
        ['RENAMENX', 'nope', 'x'], ['SET', 'b', '2'], ['RENAMENX', 'a', 'b'], ['GET', 'b'], ['RENAME', 'a', 'b'], ['GET', 'b'],
        ['EXISTS', 'a'], ['RENAMENX', 'b', 'c'], ['GET', 'c'], ['rename', 'c', ''], ['GET', ''], ['RENAME', '', 'bin\x00\xff'],
        ['GET', 'bin\x00\xff'], ['RENAME', 'x'], ['RENAME', 'x', 'y', 'z'], ['RENAMENX', 'x'],
        // The TTL goes with the value; an overwritten key's TTL does not survive.
        ['SET', 'ttl', 'v', 'EX', '100'], ['SET', 'plain', 'p'], ['RENAME', 'ttl', 'moved'], ['TTL', 'moved'], ['TTL', 'ttl'],
        ['SET', 'old', 'o', 'EX', '500'], ['RENAME', 'plain', 'old'], ['TTL', 'old'], ['GET', 'old'],
        ['PEXPIREAT', 'moved', '1'], ['RENAME', 'moved', 'again'], ['EXISTS', 'again'],
      ]);
    });

    test('COPY within and across databases', async () => {
      await pair.expectSame([
        ['SET', 'a', '1'], ['COPY', 'a', 'a'], ['COPY', 'a', 'b'], ['COPY', 'a', 'b'], ['COPY', 'a', 'b', 'REPLACE'],
        ['COPY', 'a', 'b', 'DB', '0'], ['COPY', 'a', 'b', 'DB', '16'], ['COPY', 'a', 'b', 'DB', '-1'], ['COPY', 'a', 'b', 'DB', 'x'],
        ['COPY', 'a', 'b', 'DB', '4294967296'], ['COPY', 'a', 'b', 'DB'], ['COPY', 'a', 'b', 'foo'], ['COPY', 'nope', 'b'],
        ['COPY', 'nope', 'nope'], ['COPY', 'a', 'a', 'DB', '1'], ['COPY', 'a', 'a', 'db', '1'],
        ['COPY', 'a', 'b', 'replace', 'REPLACE', 'db', '1'], ['COPY', 'a', 'b', 'DB', 'x', 'FOO'], ['COPY', 'a', 'b', 'FOO', 'DB', 'x'],
        ['COPY', 'a'], ['SET', 'e', 'v', 'EX', '300'], ['COPY', 'e', 'e2', 'DB', '2'], ['SELECT', '2'], ['TTL', 'e2'], ['GET', 'e2'],
        ['SELECT', '1'], ['GET', 'a'], ['GET', 'b'], ['SELECT', '0'], ['SET', 'big', '12345'], ['COPY', 'big', 'big2'],
        ['GET', 'big2'], ['OBJECT', 'ENCODING', 'big2'], ['SET', 'small', '7'], ['COPY', 'small', 'small2'],
        ['OBJECT', 'REFCOUNT', 'small'], ['OBJECT', 'REFCOUNT', 'small2'], ['OBJECT', 'ENCODING', 'small2'],
      ]);
    });

    test('COPY of collections copies deeply', async () => {
      await seed(pair, 'list', 'l', ['c', 'a', 'b']);
      await seed(pair, 'zset', 'z', ['1', 'x', '2', 'y']);
      await pair.expectSame([
        ['COPY', 'l', 'l2'], ['TYPE', 'l2'], ['SORT', 'l2', 'BY', 'nosort'], ['COPY', 'z', 'z2', 'DB', '3'], ['SELECT', '3'],
        ['TYPE', 'z2'], ['SORT', 'z2', 'BY', 'nosort'], ['SELECT', '0'], ['COPY', 'l', 'z', 'REPLACE'], ['TYPE', 'z'],
        ['DEL', 'l'], ['SORT', 'l2', 'BY', 'nosort', 'ALPHA'], ['SORT', 'z', 'ALPHA'],
      ]);
    });

    test('MOVE', async () => {
      await pair.expectSame([
        ['SET', 'a', '1'], ['MOVE', 'a', '0'], ['MOVE', 'a', '16'], ['MOVE', 'a', 'x'], ['MOVE', 'a', '-1'],
        ['MOVE', 'a', '4294967296'], ['MOVE', 'a', '-4294967296'], ['MOVE', 'nope', '1'], ['MOVE', 'nope', '0'],
        ['MOVE', 'a', '1'], ['EXISTS', 'a'], ['SET', 'a', 'again', 'PX', '100000'], ['MOVE', 'a', '1'], ['GET', 'a'],
        ['SELECT', '1'], ['GET', 'a'], ['MOVE', 'a', '2'], ['SELECT', '0'], ['MOVE', 'a', '1'], ['SELECT', '1'], ['GET', 'a'],
        ['PTTL', 'a'], ['MOVE', 'a'], ['MOVE', 'a', '1', '2'],
      ], (r) => r.replace(/^:(99\d\d\d)\r\n$/, ':<ttl>\r\n'));
    });

    test('TTL family, EXPIRETIME and PEXPIRETIME', async () => {
      await pair.expectSame([
        ['SET', 'a', '1'], ['EXPIRETIME', 'a'], ['PEXPIRETIME', 'a'], ['EXPIRETIME', 'nope'], ['PEXPIRETIME', 'nope'],
        ['PEXPIREAT', 'a', '1999999999999'], ['EXPIRETIME', 'a'], ['PEXPIRETIME', 'a'],
        ['PEXPIREAT', 'a', '1999999999500'], ['EXPIRETIME', 'a'], ['PEXPIREAT', 'a', '1999999999499'], ['EXPIRETIME', 'a'],
        ['EXPIREAT', 'a', '4102444800'], ['EXPIRETIME', 'a'], ['PEXPIRETIME', 'a'], ['PERSIST', 'a'], ['EXPIRETIME', 'a'],
        ['EXPIRETIME'], ['EXPIRETIME', 'a', 'b'], ['PEXPIRETIME'],
        ['PEXPIREAT', 'a', '4102444800000', 'NX'], ['PEXPIREAT', 'a', '4102444800001', 'NX'], ['PEXPIRETIME', 'a'],
        ['EXPIREAT', 'a', '4102444801', 'xx', 'gt'], ['PEXPIRETIME', 'a'], ['EXPIREAT', 'a', '1', 'GT'], ['EXISTS', 'a'],
        ['EXPIREAT', 'a', '1', 'LT'], ['EXISTS', 'a'], ['SET', 'b', '1'], ['EXPIRE', 'b', '0'], ['EXISTS', 'b'],
        ['SET', 'c', '1'], ['PEXPIRE', 'c', '-9223372036854775808'], ['EXISTS', 'c'], ['SET', 'c', '1'],
        ['EXPIRE', 'c', '-9223372036854775'], ['EXPIRE', 'c', '-9223372036854776'], ['EXPIREAT', 'c', '9223372036854776'],
        ['PEXPIRE', 'c', '9223372036854775807'], ['PEXPIRE', 'c', 'abc', 'NX'], ['PEXPIRE', 'c', '10', 'FOO'], ['TTL', 'c'],
      ]);
    });

    test('TOUCH, TYPE, EXISTS', async () => {
      await pair.expectSame([
        ['SET', 'a', '1'], ['SET', 'b', '2'], ['TOUCH', 'a', 'b', 'nope', 'a'], ['TOUCH'], ['TOUCH', 'nope'],
        ['TYPE', 'a'], ['TYPE', 'nope'], ['EXISTS', 'a', 'nope', 'b', 'a'], ['PEXPIREAT', 'b', '1'], ['TOUCH', 'b'], ['TYPE', 'b'],
      ]);
    });

    test('KEYS with patterns (order is each server\'s own)', async () => {
      for (const k of ['hello', 'hallo', 'hxllo', 'hllo', 'heeeello', 'h*llo', 'a[b]', 'x\x00y', '', 'Hello']) {
        await pair.expectSame([['SET', k, 'v']]);
      }
      await pair.expectSame([['SET', 'gone', 'v', 'PX', '1']]);
      await new Promise((r) => setTimeout(r, 5));
      await pair.expectSame([
        ['KEYS', '*'], ['KEYS', 'h?llo'], ['KEYS', 'h*llo'], ['KEYS', 'h[ae]llo'], ['KEYS', 'h[^e]llo'], ['KEYS', 'h[a-b]llo'],
        ['KEYS', 'h\\*llo'], ['KEYS', 'a\\[b\\]'], ['KEYS', '[H]ello'], ['KEYS', 'x*'], ['KEYS', 'nomatch*'], ['KEYS', ''],
        ['KEYS', '*llo'], ['KEYS', 'g*'], ['KEYS'], ['KEYS', 'a', 'b'],
      ], sortedArray);
      // KEYS does not delete the expired key it skips.
      await pair.expectSame([['DBSIZE']]);
    });

    test('RANDOMKEY', async () => {
      await pair.expectSame([['RANDOMKEY'], ['SET', 'only', 'v'], ['RANDOMKEY'], ['RANDOMKEY', 'x'], ['DEL', 'only'], ['RANDOMKEY']]);
      await pair.expectSame([['SET', 'gone', 'v', 'PX', '1']]);
      await new Promise((r) => setTimeout(r, 5));
      await pair.expectSame([['RANDOMKEY'], ['DBSIZE']]);
    });
  });
});

describe('SCAN against redis-server', () => {
  let pair: CompatPair;
  beforeAll(async () => {
    pair = await CompatPair.start();
  });
  afterAll(() => pair.stop());
  beforeEach(() => pair.reset());

  test('argument errors', async () => {
    await pair.expectSame([
      ['SCAN'], ['SCAN', 'x'], ['SCAN', '1x'], ['SCAN', ' 1'], ['SCAN', '18446744073709551616'], ['SCAN', '0', 'COUNT', '0'],
      ['SCAN', '0', 'COUNT', '-1'], ['SCAN', '0', 'COUNT', 'x'], ['SCAN', '0', 'MATCH'], ['SCAN', '0', 'COUNT'], ['SCAN', '0', 'TYPE'],
      ['SCAN', '0', 'NOVALUES'], ['SCAN', '0', 'FOO', 'bar'], ['SCAN', '0', 'count', '10', 'match', '*', 'type', 'string', 'x'],
    ]);
  });

  test('cursors Redis 7.0 accepts through strtoul', async () => {
    // On an empty database every cursor ends the iteration at once.
    await pair.expectSame([
      ['SCAN', '-1'], ['SCAN', '+0'], ['SCAN', ''], ['SCAN', '18446744073709551615'], ['SCAN', '-18446744073709551615'],
      ['SCAN', '-18446744073709551616'], ['SCAN', '-'], ['SCAN', '+'],
    ]);
  });

  test.each([
    [[]], [['COUNT', '1']], [['COUNT', '7']], [['COUNT', '1000']], [['MATCH', 'key:1*']], [['MATCH', '*9', 'COUNT', '3']],
    [['TYPE', 'string']], [['TYPE', 'STRING', 'COUNT', '5']], [['TYPE', 'list']], [['TYPE', 'zset']], [['TYPE', 'nosuchtype']],
    [['MATCH', 'l*', 'TYPE', 'list']],
  ])('a full iteration with %j returns the same keys', async (options) => {
    for (let i = 0; i < 300; i++) await pair.expectSame([['SET', `key:${i}`, 'v']]);
    await seed(pair, 'list', 'list:1', ['a']);
    await seed(pair, 'list', 'list:2', ['a']);
    await seed(pair, 'zset', 'zset', ['1', 'a']);
    const [real, local] = await Promise.all([scanAll(pair.realClient, options), scanAll(pair.localClient, options)]);
    expect(local.keys).toEqual(real.keys);
  });

  test('expired keys are not returned, and SCAN deletes them', async () => {
    for (let i = 0; i < 20; i++) await pair.expectSame([['SET', `k${i}`, 'v', i % 2 === 0 ? 'PX' : 'EX', i % 2 === 0 ? '1' : '100']]);
    await new Promise((r) => setTimeout(r, 5));
    const [real, local] = await Promise.all([scanAll(pair.realClient), scanAll(pair.localClient)]);
    expect(local.keys).toEqual(real.keys);
    expect(local.keys).toHaveLength(10);
    await pair.expectSame([['DBSIZE']]);
  });

  test('RESP3 replies have the same shape', async () => {
    await pair.both(['HELLO', '3']);
    await pair.expectSame([['SCAN', '0'], ['SET', 'a', '1'], ['SCAN', '0', 'COUNT', '100']]);
    const reply = decode(await pair.localClient.call('SCAN', '0'));
    expect(reply).toEqual({ type: 'array', value: [{ type: 'bulk', value: '0' }, { type: 'array', value: [{ type: 'bulk', value: 'a' }] }] });
  });
});

describe('keyspace notifications of the generic commands', () => {
  let pair: CompatPair;
  beforeAll(async () => {
    pair = await CompatPair.start();
    await configBoth(pair, { 'notify-keyspace-events': 'KEA' });
  });
  afterAll(() => pair.stop());
  beforeEach(() => pair.reset());

  test('RENAME, COPY, MOVE, EXPIRE, PERSIST, DEL and misses publish the same events', async () => {
    const events = await listenBoth(pair);
    await pair.expectSame([
      ['SET', 'a', '1'], ['SET', 'b', 'x'], ['RENAME', 'a', 'b'], ['RENAMENX', 'b', 'c'], ['RENAME', 'c', 'c'],
      ['COPY', 'c', 'd'], ['COPY', 'c', 'd', 'REPLACE'], ['COPY', 'c', 'd'], ['MOVE', 'd', '1'], ['EXPIRE', 'c', '-1'],
      ['SET', 'f', '1'], ['EXPIRE', 'f', '100'], ['PERSIST', 'f'], ['PERSIST', 'f'], ['DEL', 'f', 'nope'], ['UNLINK', 'b', 'x'],
      ['GET', 'missing'], ['TYPE', 'missing'], ['TTL', 'missing'], ['EXISTS', 'missing'], ['TOUCH', 'missing'],
      ['OBJECT', 'ENCODING', 'missing'], ['DUMP', 'missing'], ['COPY', 'missing', 'x'],
    ]);
    const got = await events.take();
    expect(got.local).toEqual(got.real);
    expect(got.real).toContain('rename_from');
    expect(got.real).toContain('move_to');
  });

  test('RESTORE and SORT STORE publish restore, sortstore and del', async () => {
    await seed(pair, 'list', 'l', ['3', '1', '2']);
    const events = await listenBoth(pair);
    await pair.expectSame([['SET', 's', 'v']]);
    const realDump = decode(await pair.realClient.call('DUMP', 's'));
    const localDump = decode(await pair.localClient.call('DUMP', 's'));
    if (realDump.type !== 'bulk' || localDump.type !== 'bulk') throw new Error('DUMP failed');
    for (const args of [['r1', '0'], ['r1', '0', 'REPLACE'], ['r1', '1', 'REPLACE', 'ABSTTL'], ['r2', '1', 'ABSTTL']]) {
      const [real, local] = await Promise.all([
        pair.realClient.call('RESTORE', args[0], args[1], realDump.value, ...args.slice(2)),
        pair.localClient.call('RESTORE', args[0], args[1], localDump.value, ...args.slice(2)),
      ]);
      expect(local).toBe(real);
    }
    await pair.expectSame([['SORT', 'l', 'STORE', 'dst'], ['SORT', 'nope', 'STORE', 'dst'], ['SORT', 'nope', 'STORE', 'dst']]);
    const got = await events.take();
    expect(got.local).toEqual(got.real);
    expect(got.real).toContain('sortstore');
  });
});

describe('maxmemory against redis-server', () => {
  let pair: CompatPair;
  beforeAll(async () => {
    pair = await CompatPair.start();
  });
  afterAll(() => pair.stop());
  beforeEach(async () => {
    await configBoth(pair, { maxmemory: '0b', 'maxmemory-policy': 'noeviction' });
    await pair.reset();
  });

  test('noeviction refuses denyoom commands with OOM; reads and deletes still work', async () => {
    await pair.expectSame([['SET', 'a', '1'], ['SET', 'b', '2', 'EX', '100']]);
    await configBoth(pair, { maxmemory: '1b' });
    await pair.expectSame([
      ['SET', 'c', '3'], ['GET', 'a'], ['COPY', 'a', 'x'], ['EXPIRE', 'a', '100'], ['TTL', 'a'], ['RESTORE', 'z', '0', 'x'],
      ['SORT', 'nope'], ['SORT_RO', 'nope'], ['DEL', 'b'], ['DBSIZE'],
    ]);
  });

  test.each([
    ['allkeys-lru', 0], ['allkeys-lfu', 0], ['allkeys-random', 0],
    ['volatile-lru', 2], ['volatile-lfu', 2], ['volatile-random', 2], ['volatile-ttl', 2],
  ])('%s evicts what it may, then refuses writes when that is not enough', async (policy, survivors) => {
    await pair.expectSame([['SET', 'a', '1'], ['SET', 'b', '2'], ['SET', 'c', '3', 'EX', '100'], ['SET', 'd', '4', 'PX', '100000']]);
    await configBoth(pair, { 'maxmemory-policy': policy, maxmemory: '1b' });
    await pair.expectSame([['DBSIZE'], ['DBSIZE'], ['SET', 'e', '5'], ['GET', 'a'], ['EXISTS', 'c', 'd']]);
    const [real, local] = await Promise.all([pair.realClient.call('DBSIZE'), pair.localClient.call('DBSIZE')]);
    expect(local).toBe(real);
    expect(local).toBe(`:${survivors}\r\n`);
  });
});
