import { CompatPair, RealRedis, realRedisVersion, startRealRedis } from './harness';
import { configBoth, decode, listenBoth, scanAll, seed, sortedArray } from './keys-support';
import { RunningRedisServer, startRedisServer } from '../../src/local';
import { makeDouble } from '../local/doubles';
import { RawClient } from '../local/support';

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

/** Values whose string encoding the server derives from their bytes. */
const STRING_VALUES = [
  '0', '1', '-1', '9999', '10000', '-0', '01', '+1', ' 1', '1 ', '1.5', '9223372036854775807', '9223372036854775808',
  '-9223372036854775808', '-9223372036854775809', '12345678901234567890', 'a'.repeat(44), 'a'.repeat(45), '', 'x'.repeat(300),
  '\x00\xff', '00',
];

describe('OBJECT against redis-server', () => {
  let pair: CompatPair;
  beforeAll(async () => {
    pair = await CompatPair.start();
  });
  afterAll(() => pair.stop());
  beforeEach(async () => {
    await configBoth(pair, { 'maxmemory': '0b', 'maxmemory-policy': 'noeviction', 'lfu-log-factor': '10' });
    await pair.reset();
  });

  test.each(PROTOCOLS)('ENCODING and REFCOUNT of strings, HELP, errors (RESP%i)', async (resp) => {
    if (resp === 3) await pair.both(['HELLO', '3']);
    const requests: string[][] = [];
    STRING_VALUES.forEach((v, i) => requests.push(['SET', `k${i}`, v], ['OBJECT', 'ENCODING', `k${i}`], ['OBJECT', 'REFCOUNT', `k${i}`]));
    await pair.expectSame([
      ...requests, ['OBJECT', 'ENCODING', 'nope'], ['OBJECT', 'REFCOUNT', 'nope'], ['OBJECT', 'IDLETIME', 'nope'],
      ['OBJECT', 'FREQ', 'nope'], ['OBJECT', 'FREQ', 'k0'], ['OBJECT', 'HELP'], ['object', 'help'], ['OBJECT', 'HELP', 'x'],
      ['OBJECT'], ['OBJECT', 'ENCODING'], ['OBJECT', 'ENCODING', 'a', 'b'], ['OBJECT', 'FOO', 'k0'], ['OBJECT', 'foo'],
    ]);
    // The idle time of a key set moments ago: 0, or 1 when a second boundary passed meanwhile.
    const idle = await pair.both(['OBJECT', 'IDLETIME', 'k0']);
    expect([':0\r\n', ':1\r\n']).toContain(idle.real);
    expect([':0\r\n', ':1\r\n']).toContain(idle.local);
  });

  test('small integers are not shared under an LRU or LFU policy with a memory limit', async () => {
    await configBoth(pair, { 'maxmemory': '100mb', 'maxmemory-policy': 'allkeys-lru' });
    await pair.expectSame([['SET', 'a', '5'], ['OBJECT', 'REFCOUNT', 'a'], ['OBJECT', 'ENCODING', 'a']]);
    await configBoth(pair, { 'maxmemory-policy': 'volatile-ttl' });
    await pair.expectSame([['SET', 'b', '5'], ['OBJECT', 'REFCOUNT', 'b']]);
  });

  test('FREQ counts accesses one by one with lfu-log-factor 0; lookups without touch do not count', async () => {
    await configBoth(pair, { 'maxmemory': '100mb', 'maxmemory-policy': 'allkeys-lfu', 'lfu-log-factor': '0' });
    const freq = ['OBJECT', 'FREQ', 'k'];
    await pair.expectSame([
      ['SET', 'k', 'v'], freq, ['GET', 'k'], ['GET', 'k'], freq, ['TYPE', 'k'], ['EXISTS', 'k'], ['TTL', 'k'], ['PTTL', 'k'],
      ['EXPIRETIME', 'k'], ['OBJECT', 'ENCODING', 'k'], freq, ['TOUCH', 'k'], freq, ['SET', 'k', 'w'], freq,
      ['EXPIRE', 'k', '1000'], freq, ['PERSIST', 'k'], freq, ['RENAME', 'k', 'r'], ['OBJECT', 'FREQ', 'r'],
      ['COPY', 'r', 'c'], ['OBJECT', 'FREQ', 'r'], ['OBJECT', 'FREQ', 'c'], ['MOVE', 'r', '1'], ['SELECT', '1'],
      ['OBJECT', 'FREQ', 'r'],
    ]);
    await pair.both(['DUMP', 'r']); // payloads differ; the access counts
    await pair.expectSame([
      ['OBJECT', 'FREQ', 'r'], ['OBJECT', 'IDLETIME', 'r'], ['SELECT', '0'],
      ['DEL', 'c'], ['SET', 'n', '1'], ['KEYS', '*'], ['OBJECT', 'FREQ', 'n'], ['RANDOMKEY'], ['SCAN', '0'], ['OBJECT', 'FREQ', 'n'],
      ['SCAN', '0', 'TYPE', 'string'], ['OBJECT', 'FREQ', 'n'],
    ], sortedArray);
  });

  test('RESTORE sets FREQ under an LFU policy and IDLETIME otherwise', async () => {
    await pair.expectSame([['SET', 's', 'v']]);
    const dumps = await dumpBoth(pair, 's');
    await restoreBoth(pair, dumps, ['i', '0', '<payload>', 'IDLETIME', '1000']);
    await restoreBoth(pair, dumps, ['f', '0', '<payload>', 'FREQ', '100']);
    const idle = await pair.both(['OBJECT', 'IDLETIME', 'i']);
    expect([':1000\r\n', ':1001\r\n']).toContain(idle.real);
    expect([':1000\r\n', ':1001\r\n']).toContain(idle.local);
    await configBoth(pair, { 'maxmemory': '100mb', 'maxmemory-policy': 'volatile-lfu', 'lfu-log-factor': '0' });
    await restoreBoth(pair, dumps, ['f2', '0', '<payload>', 'FREQ', '100']);
    await restoreBoth(pair, dumps, ['i2', '0', '<payload>', 'IDLETIME', '1000']);
    await pair.expectSame([['OBJECT', 'FREQ', 'f2'], ['OBJECT', 'FREQ', 'i2'], ['OBJECT', 'IDLETIME', 'f2']]);
  });
});

/** DUMP of a key on each server (the payload formats differ: each server restores its own). */
async function dumpBoth(pair: CompatPair, key: string): Promise<{ real: string; local: string }> {
  const [real, local] = await Promise.all([pair.realClient.call('DUMP', key), pair.localClient.call('DUMP', key)]);
  const r = decode(real);
  const l = decode(local);
  if (r.type !== 'bulk' || l.type !== 'bulk') throw new Error(`DUMP ${key} failed: ${real} / ${local}`);
  return { real: r.value, local: l.value };
}

/** RESTORE on each server with its own payload in place of `<payload>`; the replies must match. */
async function restoreBoth(pair: CompatPair, payloads: { real: string; local: string }, argv: readonly string[]): Promise<string> {
  const fill = (payload: string) => argv.map((a) => (a === '<payload>' ? payload : a));
  const [real, local] = await Promise.all([
    pair.realClient.call('RESTORE', ...fill(payloads.real)),
    pair.localClient.call('RESTORE', ...fill(payloads.local)),
  ]);
  expect({ request: argv, reply: local }).toEqual({ request: argv, reply: real });
  return real;
}

describe('DUMP and RESTORE against redis-server', () => {
  let pair: CompatPair;
  beforeAll(async () => {
    pair = await CompatPair.start();
  });
  afterAll(() => pair.stop());
  beforeEach(() => pair.reset());

  test.each(PROTOCOLS)('argument checks in the real server\'s order (RESP%i)', async (resp) => {
    if (resp === 3) await pair.both(['HELLO', '3']);
    await pair.expectSame([
      ['DUMP', 'nope'], ['DUMP'], ['SET', 'a', '1'], ['RESTORE', 'a', '0', 'garbage'], ['RESTORE', 'b', '0', 'garbage'],
      ['RESTORE', 'b', '0', ''], ['RESTORE', 'b', '-1', 'garbage'], ['RESTORE', 'a', '-1', 'garbage'], ['RESTORE', 'b', 'x', 'garbage'],
      ['RESTORE', 'b', '0', 'garbage', 'REPLACE'], ['RESTORE', 'a', '-1', 'garbage', 'REPLACE'],
      ['RESTORE', 'a', '0', 'garbage', 'IDLETIME', '10', 'FREQ', '5'], ['RESTORE', 'a', '0', 'garbage', 'FREQ', '5', 'IDLETIME', '5'],
      ['RESTORE', 'b', '0', 'garbage', 'FREQ', '256'], ['RESTORE', 'b', '0', 'garbage', 'FREQ', '-1'], ['RESTORE', 'b', '0', 'garbage', 'IDLETIME', '-1'],
      ['RESTORE', 'b', '0', 'garbage', 'IDLETIME', 'x'], ['RESTORE', 'b', '0', 'garbage', 'IDLETIME'], ['RESTORE', 'b', '0', 'garbage', 'foo'],
      ['RESTORE', 'b', '0', 'garbage', 'replace', 'absttl', 'idletime', '5', 'FOO'], ['RESTORE', 'b', '0'],
      ['RESTORE', 'b', '0', 'garbage', 'FREQ', '255', 'FREQ', '0'],
    ]);
  });

  test.each(STRING_VALUES.map((v) => [v]))('a string round-trips: %j', async (value) => {
    await pair.expectSame([['SET', 's', value]]);
    const dumps = await dumpBoth(pair, 's');
    await restoreBoth(pair, dumps, ['copy', '0', '<payload>']);
    await pair.expectSame([['GET', 'copy'], ['OBJECT', 'ENCODING', 'copy'], ['OBJECT', 'REFCOUNT', 'copy'], ['TTL', 'copy']]);
  });

  test('TTL, ABSTTL, REPLACE and already expired payloads', async () => {
    await pair.expectSame([['SET', 's', 'value'], ['SET', 'other', 'x', 'EX', '100']]);
    const dumps = await dumpBoth(pair, 's');
    await restoreBoth(pair, dumps, ['t', '100000', '<payload>']);
    await restoreBoth(pair, dumps, ['abs', '4102444800000', '<payload>', 'ABSTTL']);
    await restoreBoth(pair, dumps, ['other', '0', '<payload>']);
    await restoreBoth(pair, dumps, ['other', '0', '<payload>', 'REPLACE']);
    await restoreBoth(pair, dumps, ['past', '1', '<payload>', 'ABSTTL']);
    await restoreBoth(pair, dumps, ['s', '1', '<payload>', 'ABSTTL', 'REPLACE']);
    await restoreBoth(pair, dumps, ['huge', '9223372036854775807', '<payload>']);
    await restoreBoth(pair, dumps, ['huge2', '9223372036854775807', '<payload>', 'ABSTTL']);
    await pair.expectSame([
      ['TTL', 't'], ['PEXPIRETIME', 'abs'], ['GET', 'other'], ['TTL', 'other'], ['EXISTS', 'past', 's', 'huge'],
      ['GET', 'huge2'],
    ]);
  });

  test('a corrupted or truncated payload is refused', async () => {
    await pair.expectSame([['SET', 's', 'some value to dump']]);
    const dumps = await dumpBoth(pair, 's');
    const flip = (p: string, i: number) => p.slice(0, i) + String.fromCharCode(p.charCodeAt(i) ^ 0x20) + p.slice(i + 1);
    for (const i of [0, 3, 8]) {
      await restoreBoth(pair, { real: flip(dumps.real, i), local: flip(dumps.local, i) }, ['x', '0', '<payload>']);
    }
    await restoreBoth(pair, { real: dumps.real.slice(0, -1), local: dumps.local.slice(0, -1) }, ['x', '0', '<payload>']);
    await restoreBoth(pair, { real: dumps.real + 'x', local: dumps.local + 'x' }, ['x', '0', '<payload>']);
    // A payload of the other server is refused too.
    const foreign = await pair.localClient.call('RESTORE', 'x', '0', dumps.real);
    expect(foreign).toBe('-ERR DUMP payload version or checksum are wrong\r\n');
  });

  test('collections round-trip', async () => {
    await seed(pair, 'list', 'l', ['b', 'a', 'c', 'a']);
    await seed(pair, 'set', 'st', ['x', 'y']);
    await seed(pair, 'zset', 'z', ['2', 'two', '1', 'one', '1.5', 'mid']);
    for (const key of ['l', 'st', 'z']) {
      const dumps = await dumpBoth(pair, key);
      await restoreBoth(pair, dumps, [`${key}2`, '0', '<payload>']);
      await restoreBoth(pair, dumps, [key, '0', '<payload>']);
      await restoreBoth(pair, dumps, [key, '5000000', '<payload>', 'REPLACE']);
    }
    await pair.expectSame([
      ['TYPE', 'l2'], ['SORT', 'l2', 'BY', 'nosort'], ['TYPE', 'st2'], ['SORT', 'st2', 'ALPHA'], ['TYPE', 'z2'],
      ['SORT', 'z2', 'BY', 'nosort'], ['TTL', 'z'], ['SORT', 'z', 'BY', 'nosort', 'DESC'],
    ]);
  });
});

describe('SORT against redis-server', () => {
  let pair: CompatPair;
  beforeAll(async () => {
    pair = await CompatPair.start();
  });
  afterAll(() => pair.stop());
  beforeEach(async () => {
    await pair.reset();
    await seed(pair, 'list', 'l', ['3', '1', '2', '10', '1.5']);
  });

  test.each(PROTOCOLS)('numeric and ALPHA sorting, LIMIT, DESC, BY nosort (RESP%i)', async (resp) => {
    if (resp === 3) await pair.both(['HELLO', '3']);
    await pair.expectSame([
      ['SORT', 'l'], ['SORT', 'l', 'DESC'], ['SORT', 'l', 'ALPHA'], ['SORT', 'l', 'alpha', 'desc'], ['SORT', 'l', 'LIMIT', '1', '2'],
      ['SORT', 'l', 'LIMIT', '-1', '2'], ['SORT', 'l', 'LIMIT', '2', '-1'], ['SORT', 'l', 'LIMIT', '10', '2'], ['SORT', 'l', 'LIMIT', '0', '0'],
      ['SORT', 'l', 'LIMIT', '4', '100'], ['SORT', 'l', 'LIMIT', '-100', '-100'], ['SORT', 'l', 'LIMIT', '9223372036854775807', '9223372036854775807'],
      ['SORT', 'l', 'LIMIT', 'x', '1'], ['SORT', 'l', 'LIMIT', '1', 'x'], ['SORT', 'l', 'LIMIT', '1'], ['SORT', 'l', 'LIMIT', '99999999999999999999', '1'],
      ['SORT', 'l', 'foo'], ['SORT', 'l', 'ASC', 'DESC'], ['SORT', 'l', 'DESC', 'ASC'],
      ['SORT', 'l', 'BY', 'nosort'], ['SORT', 'l', 'BY', 'nosort', 'DESC'], ['SORT', 'l', 'BY', 'nosort', 'LIMIT', '1', '2'],
      ['SORT', 'l', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '2'], ['SORT', 'l', 'BY', 'nosort', 'DESC', 'LIMIT', '0', '-1'],
      ['SORT', 'l', 'BY', 'nosort', 'LIMIT', '5', '1'], ['SORT', 'l', 'BY', 'nosort', 'ALPHA', 'DESC'], ['SORT', 'l', 'BY'],
      ['SORT', 'l', 'GET'], ['SORT', 'l', 'STORE'], ['SORT_RO', 'l', 'STORE', 'd'], ['SORT_RO', 'l', 'LIMIT', '0', '2'],
      ['SORT', 'nope'], ['SORT_RO', 'nope'], ['SORT', 'nope', 'LIMIT', '0', '1', 'GET', '#'], ['SORT'], ['SORT_RO'],
      ['SET', 'str', 'x'], ['SORT', 'str'], ['SORT', 'str', 'foo'], ['SORT_RO', 'str'],
    ]);
  });

  test('sets and sorted sets', async () => {
    await seed(pair, 'set', 'st', ['b', 'a', 'c', '10', '2']);
    await seed(pair, 'set', 'nums', ['5', '-1', '3.5', '1e2', '0x10']);
    await seed(pair, 'zset', 'z', ['1', 'a', '2', 'b', '3', 'c', '0', 'd']);
    await seed(pair, 'hash', 'h', ['f', 'v']);
    await pair.expectSame([
      ['SORT', 'st', 'ALPHA'], ['SORT', 'st', 'ALPHA', 'DESC', 'LIMIT', '1', '2'], ['SORT', 'st'], ['SORT', 'nums'], ['SORT', 'nums', 'DESC'],
      ['SORT', 'st', 'BY', 'nosort', 'STORE', 'out'], ['SORT', 'out', 'BY', 'nosort'], ['SORT', 'st', 'BY', 'nosort', 'DESC', 'STORE', 'out'],
      ['SORT', 'out', 'BY', 'nosort'], ['SORT', 'z', 'BY', 'nosort'], ['SORT', 'z', 'BY', 'nosort', 'DESC'],
      ['SORT', 'z', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '2'], ['SORT', 'z', 'BY', 'nosort', 'LIMIT', '1', '2'],
      ['SORT', 'z', 'ALPHA', 'DESC'], ['SORT', 'z'], ['SORT', 'h'], ['SORT_RO', 'h', 'ALPHA'],
    ]);
    // A set's own order is each server's: compare it as a set.
    await pair.expectSame([['SORT', 'st', 'BY', 'nosort'], ['SORT', 'st', 'BY', 'nosort', 'ALPHA']], sortedArray);
  });

  test.each(PROTOCOLS)('BY and GET patterns with string keys and hash fields (RESP%i)', async (resp) => {
    await pair.expectSame([['SET', 'w_3', '30'], ['SET', 'w_1', '10'], ['SET', 'w_2', '-5'], ['SET', 'w_10', 'x'], ['SET', 'o_1', 'one'], ['SET', 'o_3', 'three']]);
    await seed(pair, 'hash', 'h_3', ['f', 'c', 'n', '3']);
    await seed(pair, 'hash', 'h_1', ['f', 'a', 'n', '-1']);
    await seed(pair, 'hash', 'h_2', ['f', 'b']);
    await seed(pair, 'list', 'wl_1', ['1']);
    if (resp === 3) await pair.both(['HELLO', '3']);
    await pair.expectSame([
      ['SORT', 'l', 'BY', 'w_*'], ['SET', 'w_10', '7'], ['SORT', 'l', 'BY', 'w_*'], ['SORT', 'l', 'BY', 'w_*', 'DESC'],
      ['SORT', 'l', 'BY', 'w_*', 'GET', '#', 'GET', 'w_*', 'GET', 'nokey_*', 'GET', 'o_*'], ['SORT', 'l', 'BY', 'h_*->n'],
      ['SORT', 'l', 'BY', 'h_*->f', 'ALPHA', 'GET', 'h_*->f', 'GET', '#'], ['SORT', 'l', 'GET', 'h_*->', 'GET', 'h_*->g', 'GET', 'h_*->f'],
      ['SET', 'h_1->', 'zz'], ['SORT', 'l', 'GET', 'h_*->', 'GET', '#', 'LIMIT', '0', '2'], ['SORT', 'l', 'GET', 'nopattern'],
      ['SORT', 'l', 'BY', 'nopattern', 'GET', '#'], ['SORT', 'l', 'BY', 'wl_*'], ['SORT', 'l', 'GET', 'wl_*'], ['SORT', 'l', 'GET', 'w_*->x'],
      ['SORT', 'l', 'BY', 'w_*', 'LIMIT', '1', '3', 'GET', 'o_*', 'GET', '#'], ['SORT', 'l', 'GET', '#x'], ['SORT', 'l', 'GET', '*'],
      ['SORT', 'l', 'BY', 'o_*', 'ALPHA', 'DESC', 'LIMIT', '0', '2'], ['SORT', 'l', 'GET', 'o_*', 'GET', 'o_*'],
      ['SORT', 'l', 'by', 'W_*', 'get', '#'], ['SORT', 'l', 'BY', 'w_*', 'BY', 'nosort'], ['SORT', 'l', 'BY', 'nosort', 'BY', 'w_*'],
    ]);
  });

  test('STORE creates a list, replaces any value and TTL, and deletes the key for an empty result', async () => {
    await pair.expectSame([['SET', 'o_1', 'one'], ['SET', 'o_3', 'three']]);
    await pair.expectSame([
      ['SET', 'dst', 'old', 'EX', '100'], ['SORT', 'l', 'STORE', 'dst'], ['TYPE', 'dst'], ['TTL', 'dst'], ['SORT', 'dst', 'BY', 'nosort'],
      ['SORT', 'l', 'DESC', 'LIMIT', '1', '2', 'STORE', 'dst'], ['SORT', 'dst', 'BY', 'nosort'],
      ['SORT', 'l', 'GET', 'o_*', 'GET', '#', 'STORE', 'dst'], ['SORT', 'dst', 'BY', 'nosort'], ['SORT', 'l', 'STORE', 'l'],
      ['SORT', 'l', 'BY', 'nosort'], ['SORT', 'nope', 'STORE', 'dst'], ['EXISTS', 'dst'], ['SORT', 'nope', 'STORE', 'dst'],
      ['SORT', 'l', 'LIMIT', '0', '0', 'STORE', 'l2'], ['EXISTS', 'l2'], ['SORT', 'l', 'STORE', 'a', 'STORE', 'b'], ['EXISTS', 'a', 'b'],
      ['SET', 'str', 'x'], ['SORT', 'str', 'STORE', 'dst'], ['SORT', 'l', 'STORE', 'str'], ['TYPE', 'str'],
    ]);
  });

  test('weights parse as strtod parses them', async () => {
    await seed(pair, 'list', 'e', ['', '1', ' 2', '0x10', 'inf', '-inf', '\t3', '1e2', '.5', '5.', '-0', '0', '+4', '0x1p-2']);
    await seed(pair, 'list', 'bad1', ['1 ']);
    await seed(pair, 'list', 'bad2', ['nan']);
    await seed(pair, 'list', 'bad3', ['abc', '1']);
    await seed(pair, 'list', 'bad4', [' ']);
    await seed(pair, 'list', 'bad5', ['1e']);
    await seed(pair, 'list', 'nul', ['2\x00x', '1']);
    await pair.expectSame([
      ['SORT', 'e'], ['SORT', 'e', 'DESC'], ['SORT', 'bad1'], ['SORT', 'bad2'], ['SORT', 'bad3'], ['SORT', 'bad3', 'ALPHA'],
      ['SORT', 'bad4'], ['SORT', 'bad5'], ['SORT', 'nul'], ['SORT', 'bad1', 'BY', 'nosort'],
    ]);
  });

  test('out-of-range weights are errors', async () => {
    // redis-server keeps errno from an out-of-range weight until a system call resets it, failing
    // later numeric sorts on its own; each case runs on a fresh connection, where it is reset.
    await seed(pair, 'list', 'big', ['1e400']);
    await seed(pair, 'list', 'tiny', ['1e-310']);
    await seed(pair, 'list', 'zero', ['1e-400']);
    for (const key of ['big', 'tiny', 'zero']) {
      const { real, local } = await pair.connectBoth();
      const [r, l] = await Promise.all([real.call('SORT', key), local.call('SORT', key)]);
      expect(l).toBe(r);
      expect(l).toBe("-ERR One or more scores can't be converted into double\r\n");
    }
    await pair.connectBoth();
  });

  test('ALPHA compares C strings (up to a NUL byte) unless storing, which compares all bytes', async () => {
    await seed(pair, 'list', 'bin', ['a\x00b', 'a\x00a', 'a', '\xff', 'b']);
    await pair.expectSame([['SORT', 'bin', 'ALPHA'], ['SORT', 'bin', 'ALPHA', 'STORE', 'out'], ['SORT', 'out', 'BY', 'nosort']]);
  });
});

describe('cluster mode restrictions against redis-server', () => {
  let real: RealRedis;
  let local: RunningRedisServer;
  let r: RawClient;
  let l: RawClient;
  beforeAll(async () => {
    real = await startRealRedis({ 'cluster-enabled': 'yes', 'cluster-config-file': `/tmp/compat-keys-nodes-${process.pid}.conf` });
    local = await startRedisServer({ engine: 'redis', version: realRedisVersion(), config: { 'cluster-enabled': 'yes' } });
    r = await RawClient.connect(real.port);
    l = await RawClient.connect(local.port);
    expect(await r.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383')).toBe('+OK\r\n');
    for (let i = 0; i < 100 && !(await r.call('CLUSTER', 'INFO')).includes('cluster_state:ok'); i++) await new Promise((f) => setTimeout(f, 50));
  });
  afterAll(async () => {
    r.close();
    l.close();
    await local.stop();
    await real.stop();
  });

  test('MOVE, COPY to another database and SORT patterns are refused', async () => {
    const requests = [
      ['SET', '{k}a', '1'], ['MOVE', '{k}a', '1'], ['MOVE', '{k}a', 'x'], ['COPY', '{k}a', '{k}b', 'DB', '1'],
      ['COPY', '{k}a', '{k}b', 'DB', '0'], ['COPY', '{k}a', '{k}c'], ['GET', '{k}c'], ['RPUSH', 'l', '2', '1'], ['SORT', 'l', 'BY', 'w_*'], ['SORT', 'l', 'GET', '#'],
      ['SORT', 'l', 'BY', 'nosort'], ['SORT', 'l'], ['SORT', 'l', 'BY', '{l}w_*'],
    ];
    for (const argv of requests) {
      if (argv[0] === 'RPUSH' && local.server.lookupCommand('rpush') === undefined) {
        await r.call(...argv);
        local.server.dbs[0].set('l', makeDouble('list', ['2', '1']));
        continue;
      }
      const [realReply, localReply] = await Promise.all([r.call(...argv), l.call(...argv)]);
      expect({ request: argv, reply: localReply }).toEqual({ request: argv, reply: realReply });
    }
  });
});
