import { CompatPair } from './harness';
import { makeListOnBoth } from './wrong-type';

type Req = string[];

describe('string commands against redis-server', () => {
  let pair: CompatPair;
  beforeAll(async () => {
    pair = await CompatPair.start();
  });
  afterAll(() => pair.stop());
  beforeEach(() => pair.reset());

  /** Runs the requests in RESP2, then again from an empty keyspace in RESP3. */
  async function bothProtocols(requests: Req[], setup?: () => Promise<void>): Promise<void> {
    await setup?.();
    await pair.expectSame(requests);
    await pair.reset();
    await pair.both(['HELLO', '3']);
    await setup?.();
    await pair.expectSame(requests);
  }

  test('SET option parsing: repeats, conflicts, missing values, any case', async () => {
    await bothProtocols([
      ['SET', 'k', 'v', 'EX', '10', 'EX', '20'], ['TTL', 'k'], ['SET', 'k', 'v', 'px', '5000', 'PX', '9000'], ['TTL', 'k'],
      ['SET', 'k', 'v', 'NX', 'NX'], ['SET', 'k', 'v', 'XX', 'XX'], ['SET', 'k', 'v', 'GET', 'GET'],
      ['SET', 'k', 'v', 'NX', 'XX'], ['SET', 'k', 'v', 'XX', 'NX'], ['SET', 'k', 'v', 'EX', '1', 'PX', '1'],
      ['SET', 'k', 'v', 'EXAT', '1', 'PXAT', '1'], ['SET', 'k', 'v', 'PX', '1', 'EXAT', '1'],
      ['SET', 'k', 'v', 'KEEPTTL', 'PX', '1'], ['SET', 'k', 'v', 'PXAT', '99999999999999', 'KEEPTTL'],
      ['SET', 'k', 'v', 'KEEPTTL', 'KEEPTTL'], ['SET', 'k', 'v', 'PERSIST'], ['SET', 'k', 'v', 'EX'],
      ['SET', 'k', 'v', 'ex', '100', 'get', 'xx'], ['TTL', 'k'], ['SET', 'k', 'v', 'Get', 'Nx'],
      ['SET', 'k', 'v', 'EX', '1.5'], ['SET', 'k', 'v', 'EX', ' 1'], ['SET', 'k', 'v', 'EX', '+1'], ['SET', 'k', 'v', 'EX', '01'],
      ['SET', 'k', 'v', 'EX', '9223372036854775807'], ['SET', 'k', 'v', 'EX', '9223372036854776'],
      ['SET', 'k', 'v', 'PX', '9223372036854775807'], ['SET', 'k', 'v', 'PXAT', '9223372036854775807'],
      ['SET', 'k', 'v', 'EXAT', '9223372036854775'], ['SET', 'k', 'v', 'EXAT', '9223372036854776'],
      ['SET', 'k', 'v', 'EX', '99999999999999999999'], ['SET', 'k', 'v', 'PX', '-9223372036854775808'],
      ['SET', 'k', 'v', 'EX', '0', 'GET'], ['GET', 'k'],
    ]);
  });

  test('SET GET, NX, XX and TTL handling', async () => {
    await bothProtocols([
      ['SET', 'k', 'a', 'GET'], ['SET', 'k', 'b', 'GET'], ['SET', 'k', 'c', 'NX', 'GET'], ['GET', 'k'],
      ['SET', 'n', 'x', 'XX', 'GET'], ['EXISTS', 'n'], ['SET', 'k', 'd', 'XX', 'GET'],
      ['SET', 'k', 'v', 'EX', '100'], ['SET', 'k', 'w', 'KEEPTTL'], ['TTL', 'k'], ['SET', 'k', 'w', 'NX', 'EX', '5'], ['TTL', 'k'],
      ['SET', 'k', 'x'], ['TTL', 'k'], ['SET', 'k', 'x', 'EXAT', '4102444800'], ['TTL', 'k'],
      ['SET', 'k', 'x', 'PXAT', '4102444800000', 'GET'], ['TTL', 'k'], ['SET', 'k', 'x', 'PXAT', '1'], ['EXISTS', 'k'],
      ['SET', '', '', 'GET'], ['SET', 'bin\x00\xff', '\x00\r\n\xff', 'GET'], ['GET', 'bin\x00\xff'],
    ]);
  });

  test('SET GET and the other string writers on a key of another type', async () => {
    await bothProtocols([
      ['SET', 'l', 'v', 'GET'], ['SET', 'l', 'v', 'NX', 'GET'], ['GETSET', 'l', 'v'], ['GETDEL', 'l'], ['GETEX', 'l'],
      ['GETEX', 'l', 'EX', 'abc'], ['GET', 'l'], ['APPEND', 'l', 'x'], ['STRLEN', 'l'], ['GETRANGE', 'l', '0', '-1'],
      ['SETRANGE', 'l', '0', 'x'], ['SETRANGE', 'l', '0', ''], ['SETRANGE', 'l', '-1', 'x'], ['INCR', 'l'],
      ['INCRBY', 'l', 'x'], ['DECRBY', 'l', '1'], ['INCRBYFLOAT', 'l', '1'], ['INCRBYFLOAT', 'l', 'x'],
      ['MGET', 'l', 'missing', 'l'], ['SETNX', 'l', 'v'], ['MSETNX', 'l', 'v'], ['SETEX', 'l', '10', 'v'], ['TYPE', 'l'],
      ['SET', 'l', 'v'], ['TYPE', 'l'],
    ], () => makeListOnBoth(pair, 'l'));
  });

  test('SETNX, SETEX, PSETEX', async () => {
    await bothProtocols([
      ['SETNX', 'k', 'a'], ['SETNX', 'k', 'b'], ['GET', 'k'], ['SETEX', 'k', '100', 'c'], ['TTL', 'k'], ['GET', 'k'],
      ['SETEX', 'k', '0', 'c'], ['SETEX', 'k', '-5', 'c'], ['SETEX', 'k', 'x', 'c'], ['SETEX', 'k', '9223372036854776', 'c'],
      ['PSETEX', 'k', '100000', 'd'], ['TTL', 'k'], ['PSETEX', 'k', '0', 'd'], ['PSETEX', 'k', '9223372036854775807', 'd'],
      ['SETEX', 'k', '10'], ['SETNX', 'k'], ['PSETEX', 'k', '1', 'x', 'y'], ['GET', 'k'],
    ]);
  });

  test('GETEX', async () => {
    await bothProtocols([
      ['GETEX', 'missing'], ['GETEX', 'missing', 'EX', 'abc'], ['GETEX', 'missing', 'FOO'], ['SET', 'k', 'v'],
      ['GETEX', 'k'], ['TTL', 'k'], ['GETEX', 'k', 'EX', '100'], ['TTL', 'k'], ['GETEX', 'k', 'PERSIST'], ['TTL', 'k'],
      ['GETEX', 'k', 'px', '50000'], ['TTL', 'k'], ['GETEX', 'k', 'EXAT', '4102444800'], ['TTL', 'k'],
      ['GETEX', 'k', 'PXAT', '4102444800000'], ['TTL', 'k'], ['GETEX', 'k', 'PERSIST', 'PERSIST'], ['TTL', 'k'],
      ['GETEX', 'k', 'EX', '10', 'PERSIST'], ['GETEX', 'k', 'PERSIST', 'EX', '10'], ['GETEX', 'k', 'EX', '10', 'PX', '10'],
      ['GETEX', 'k', 'EX', '10', 'EX', '20'], ['TTL', 'k'], ['GETEX', 'k', 'KEEPTTL'], ['GETEX', 'k', 'NX'], ['GETEX', 'k', 'GET'],
      ['GETEX', 'k', 'EX'], ['GETEX', 'k', 'EX', '0'], ['GETEX', 'k', 'EX', '-1'], ['GETEX', 'k', 'EX', 'x'],
      ['GETEX', 'k', 'EX', '9223372036854776'], ['GETEX', 'k', 'PXAT', '1'], ['EXISTS', 'k'],
      ['SET', 'k', 'v'], ['GETEX', 'k', 'EXAT', '1'], ['EXISTS', 'k'],
    ]);
  });

  test('GETDEL, GETSET, MGET, MSET, MSETNX', async () => {
    await bothProtocols([
      ['GETDEL', 'k'], ['SET', 'k', 'v', 'EX', '100'], ['GETDEL', 'k'], ['EXISTS', 'k'],
      ['GETSET', 'k', 'a'], ['SET', 'k', 'b', 'EX', '100'], ['GETSET', 'k', 'c'], ['TTL', 'k'], ['GET', 'k'],
      ['MSET', 'a', '1', 'b', '2', 'a', '3'], ['MGET', 'a', 'b', 'c', 'a'], ['MSET', 'a'], ['MSET', 'a', '1', 'b'],
      ['MSETNX', 'x', '1', 'y', '2'], ['MSETNX', 'y', '3', 'z', '4'], ['MGET', 'x', 'y', 'z'], ['MSETNX', 'q', '1', 'q', '2'],
      ['GET', 'q'], ['MSETNX', 'x'], ['MSETNX', 'x', '1', 'y'], ['MGET', ''], ['MSET', '', ''], ['MGET', ''],
      ['SET', 't', 'v', 'EX', '100'], ['MSET', 't', 'w'], ['TTL', 't'],
    ]);
  });

  test('INCR, DECR, INCRBY, DECRBY: 64-bit exactness, overflow, and what is an integer', async () => {
    await bothProtocols([
      ['INCR', 'n'], ['INCR', 'n'], ['DECR', 'n'], ['DECR', 'fresh'], ['INCRBY', 'n', '100'], ['DECRBY', 'n', '-50'],
      ['INCRBY', 'n', '-1000'], ['GET', 'n'],
      ['SET', 'n', '9223372036854775806'], ['INCR', 'n'], ['INCR', 'n'], ['GET', 'n'], ['INCRBY', 'n', '-1'],
      ['SET', 'n', '-9223372036854775807'], ['DECR', 'n'], ['DECR', 'n'], ['DECRBY', 'n', '-9223372036854775807'],
      ['SET', 'n', '0'], ['DECRBY', 'n', '-9223372036854775808'], ['INCRBY', 'n', '-9223372036854775808'], ['INCR', 'n'],
      ['SET', 'n', '1'], ['INCRBY', 'n', '9223372036854775807'], ['DECRBY', 'n', '9223372036854775807'], ['GET', 'n'],
      ['SET', 'n', '999999999999999'], ['INCR', 'n'], ['INCRBY', 'n', '123456789012345'], ['DECRBY', 'n', '9999999999999999'],
      ['INCRBY', 'n', '9223372036854775808'], ['INCRBY', 'n', 'abc'], ['INCRBY', 'n', ''], ['INCRBY', 'n', '1.0'],
      ['INCRBY', 'n', '+1'], ['INCRBY', 'n', '01'], ['INCRBY', 'n', '-0'], ['INCRBY', 'n', ' 1'], ['INCRBY', 'n', '0'],
      ['SET', 's', 'abc'], ['INCR', 's'], ['SET', 's', ''], ['INCR', 's'], ['SET', 's', ' 1'], ['INCR', 's'], ['SET', 's', '1 '],
      ['INCR', 's'], ['SET', 's', '+1'], ['INCR', 's'], ['SET', 's', '00'], ['INCR', 's'], ['SET', 's', '-0'], ['INCR', 's'],
      ['SET', 's', '1.5'], ['INCR', 's'], ['SET', 's', '9223372036854775808'], ['INCR', 's'], ['SET', 's', '1\x00'], ['INCR', 's'],
      ['SET', 't', '5', 'EX', '100'], ['INCR', 't'], ['TTL', 't'], ['INCRBY', 't', '10'], ['TTL', 't'],
      ['INCR', 'a', 'b'], ['DECRBY', 'a'],
    ]);
  });

  test('INCRBYFLOAT: long double results and errors', async () => {
    await bothProtocols([
      ['SET', 'f', '10.5'], ['INCRBYFLOAT', 'f', '0.1'], ['INCRBYFLOAT', 'f', '-5'], ['INCRBYFLOAT', 'f', '3.0e3'],
      ['INCRBYFLOAT', 'f', '5.0e3'], ['INCRBYFLOAT', 'f', '2.0e-3'], ['INCRBYFLOAT', 'new', '1.23'], ['INCRBYFLOAT', 'new2', '0'],
      ['INCRBYFLOAT', 'new3', '-0'], ['INCRBYFLOAT', 'new3', '-0.0'], ['SET', 'f', '1'], ['INCRBYFLOAT', 'f', '-1'],
      ['SET', 'f', '0.1'], ['INCRBYFLOAT', 'f', '0.2'], ['INCRBYFLOAT', 'f', '1e-18'], ['INCRBYFLOAT', 'f', '-1e-30'],
      ['SET', 'f', '0.000003814697265625'], ['INCRBYFLOAT', 'f', '0'], ['SET', 'f', '1e300'], ['INCRBYFLOAT', 'f', '1'],
      ['SET', 'f', '1.7976931348623157e308'], ['INCRBYFLOAT', 'f', '1.7976931348623157e308'],
      ['INCRBYFLOAT', 'g', '1e4932'], ['INCRBYFLOAT', 'g', '1e4933'], ['INCRBYFLOAT', 'g', '1e-4950'], ['INCRBYFLOAT', 'g', '1e-4952'],
      ['INCRBYFLOAT', 'g', '1e-99999'], ['INCRBYFLOAT', 'g', '0e99999'], ['INCRBYFLOAT', 'g', '1e99999'],
      ['INCRBYFLOAT', 'h', 'inf'], ['INCRBYFLOAT', 'h', '-INF'], ['INCRBYFLOAT', 'h', 'Infinity'], ['INCRBYFLOAT', 'h', 'nan'],
      ['INCRBYFLOAT', 'h', 'NaN'], ['INCRBYFLOAT', 'h', ' 1'], ['INCRBYFLOAT', 'h', '1 '], ['INCRBYFLOAT', 'h', ''],
      ['INCRBYFLOAT', 'h', '1e'], ['INCRBYFLOAT', 'h', '1e+'], ['INCRBYFLOAT', 'h', '.5'], ['INCRBYFLOAT', 'h', '5.'],
      ['INCRBYFLOAT', 'h', '+.5e+2'], ['INCRBYFLOAT', 'h', '-'], ['INCRBYFLOAT', 'h', '.'], ['INCRBYFLOAT', 'h', '0x'],
      ['INCRBYFLOAT', 'h', '0x1p3'], ['INCRBYFLOAT', 'h', '0X1.8P-1'], ['INCRBYFLOAT', 'h', '0x.8'], ['INCRBYFLOAT', 'h', '0x1p'],
      ['INCRBYFLOAT', 'h', '0x1p-16445'], ['INCRBYFLOAT', 'h', '0x1p16384'], ['INCRBYFLOAT', 'h', '1\x00abc'],
      ['INCRBYFLOAT', 'h', '\x00'], ['INCRBYFLOAT', 'h', 'x'.repeat(6000)], ['INCRBYFLOAT', 'h', '1' + '0'.repeat(5119)],
      ['INCRBYFLOAT', 'h', '0.' + '0'.repeat(5000) + '1'], ['GET', 'h'],
      ['SET', 'i', 'inf'], ['INCRBYFLOAT', 'i', '1'], ['INCRBYFLOAT', 'i', '-inf'], ['SET', 'i', 'abc'], ['INCRBYFLOAT', 'i', '1'],
      ['SET', 't', '1', 'EX', '100'], ['INCRBYFLOAT', 't', '1.5'], ['TTL', 't'],
      ['SET', 'n', '123456789012345678'], ['INCRBYFLOAT', 'n', '1'], ['INCRBYFLOAT', 'n', '0.5'],
      ['SET', 'n', '-9223372036854775808'], ['INCRBYFLOAT', 'n', '-0.25'],
    ]);
  });

  test('INCRBYFLOAT: random operands give the same digits', async () => {
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const numbers: string[] = [];
    for (let i = 0; i < 300; i++) {
      const mantissa = (rand() * 2 - 1) * Math.pow(10, Math.floor(rand() * 8));
      const exp = Math.floor(rand() * 40) - 20;
      const form = i % 4;
      numbers.push(form === 0 ? mantissa.toFixed(Math.floor(rand() * 12))
        : form === 1 ? `${mantissa.toPrecision(1 + Math.floor(rand() * 20))}e${exp}`
          : form === 2 ? String(Math.floor(mantissa * 1000))
            : (rand() / 3).toString());
    }
    const requests: Req[] = [];
    for (let i = 0; i < numbers.length; i++) {
      if (i % 10 === 0) requests.push(['SET', 'r', numbers[i]]);
      else requests.push(['INCRBYFLOAT', 'r', numbers[i]]);
    }
    await pair.expectSame(requests);
  });

  test('APPEND and STRLEN', async () => {
    await bothProtocols([
      ['APPEND', 'k', 'abc'], ['APPEND', 'k', ''], ['APPEND', 'k', 'de\x00f'], ['STRLEN', 'k'], ['GET', 'k'], ['STRLEN', 'missing'],
      ['APPEND', 'e', ''], ['EXISTS', 'e'], ['STRLEN', 'e'], ['SET', 'n', '12'], ['APPEND', 'n', '3'], ['INCR', 'n'],
      ['SET', 't', 'x', 'EX', '100'], ['APPEND', 't', 'y'], ['TTL', 't'], ['APPEND', 'k'], ['STRLEN', 'k', 'x'],
    ]);
  });

  test('GETRANGE and SUBSTR: negative and out-of-range indexes', async () => {
    const requests: Req[] = [['SET', 's', 'Hello World'], ['SET', 'e', ''], ['SET', 'n', '1234']];
    const indexes = ['0', '1', '4', '10', '11', '100', '-1', '-3', '-11', '-12', '-100', '9223372036854775807',
      '-9223372036854775808', '-9223372036854775807'];
    for (const key of ['s', 'e', 'n', 'missing']) {
      for (const a of indexes) for (const b of indexes) requests.push(['GETRANGE', key, a, b]);
    }
    requests.push(['SUBSTR', 's', '0', '4'], ['SUBSTR', 's', '-5', '-1'], ['GETRANGE', 's', 'x', '1'], ['GETRANGE', 's', '1', '1.5'],
      ['GETRANGE', 'missing', 'x', '1'], ['GETRANGE', 's', '9223372036854775808', '1'], ['GETRANGE', 's', '0']);
    await bothProtocols(requests);
  });

  test('SETRANGE: padding, offsets and limits', async () => {
    await bothProtocols([
      ['SETRANGE', 'k', '0', 'abc'], ['SETRANGE', 'k', '1', 'X'], ['SETRANGE', 'k', '5', 'Y'], ['GET', 'k'],
      ['SETRANGE', 'k', '2', 'longer-than-before'], ['GET', 'k'], ['SETRANGE', 'k', '0', ''], ['SETRANGE', 'k', '100', ''],
      ['STRLEN', 'k'], ['SETRANGE', 'new', '3', ''], ['EXISTS', 'new'], ['SETRANGE', 'new', '3', 'x'], ['GET', 'new'],
      ['SETRANGE', 'k', '-1', 'x'], ['SETRANGE', 'k', 'x', 'x'], ['SETRANGE', 'k', '1.5', 'x'],
      ['SETRANGE', 'k', '536870912', 'x'], ['SETRANGE', 'k', '536870911', 'xy'], ['SETRANGE', 'k', '9223372036854775807', 'x'],
      ['SETRANGE', 'big', '536870912', 'x'], ['SETRANGE', 'big', '536870912', ''], ['SETRANGE', 'big', '-1', ''],
      ['SET', 'n', '1234'], ['SETRANGE', 'n', '1', '9'], ['INCR', 'n'], ['SET', 't', 'x', 'EX', '100'], ['SETRANGE', 't', '3', 'y'],
      ['TTL', 't'], ['GET', 't'],
    ]);
  });

  test('APPEND, SETRANGE and LCS beyond proto-max-bulk-len', async () => {
    const small = await CompatPair.start({ config: { 'proto-max-bulk-len': '1048576' } });
    try {
      const chunk = 'x'.repeat(600_000);
      await small.expectSame([
        ['APPEND', 'k', chunk], ['APPEND', 'k', chunk], ['STRLEN', 'k'], ['SETRANGE', 'k', '1048575', 'y'],
        ['SETRANGE', 'k', '1048575', 'yz'], ['SETRANGE', 'k', '1048576', 'y'], ['STRLEN', 'k'],
        ['SET', 'a', 'x'.repeat(500)], ['SET', 'b', 'y'.repeat(500)], ['LCS', 'a', 'b', 'LEN'], ['SET', 'b', 'y'.repeat(600)],
        ['LCS', 'a', 'b', 'LEN'], ['LCS', 'a', 'b'],
      ]);
    } finally {
      await small.stop();
    }
  });

  test('LCS: subsequence, LEN, IDX, MINMATCHLEN, WITHMATCHLEN in both protocols', async () => {
    await bothProtocols([
      ['MSET', 'key1', 'ohmytext', 'key2', 'mynewtext'], ['LCS', 'key1', 'key2'], ['LCS', 'key1', 'key2', 'LEN'],
      ['LCS', 'key1', 'key2', 'IDX'], ['LCS', 'key1', 'key2', 'IDX', 'MINMATCHLEN', '4'],
      ['LCS', 'key1', 'key2', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN'], ['LCS', 'key1', 'key2', 'idx', 'withmatchlen'],
      ['LCS', 'key1', 'key2', 'MINMATCHLEN', '-5', 'IDX'], ['LCS', 'key1', 'key2', 'LEN', 'IDX'],
      ['LCS', 'key1', 'key2', 'MINMATCHLEN'], ['LCS', 'key1', 'key2', 'MINMATCHLEN', 'x'], ['LCS', 'key1', 'key2', 'FOO'],
      ['LCS', 'key1', 'missing'], ['LCS', 'missing', 'key2', 'IDX'], ['LCS', 'missing', 'missing2', 'LEN'],
      ['LCS', 'key1', 'key1', 'IDX', 'WITHMATCHLEN'], ['LCS', 'key1'], ['LCS', 'key1', 'l'], ['LCS', 'l', 'key1', 'FOO'],
      ['MSET', 'a', 'GAC\x00TTAG\xffGA', 'b', 'TAGCT\x00TAG\xffAG'], ['LCS', 'a', 'b'], ['LCS', 'a', 'b', 'IDX', 'WITHMATCHLEN'],
      ['LCS', 'b', 'a', 'IDX', 'MINMATCHLEN', '2'],
    ], () => makeListOnBoth(pair, 'l'));
  });

  test('LCS: random strings', async () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const word = (n: number, alphabet: string) => Array.from({ length: n }, () => alphabet[rand(alphabet.length)]).join('');
    const requests: Req[] = [];
    for (let i = 0; i < 40; i++) {
      const alphabet = i % 2 === 0 ? 'ab' : 'abcdefg';
      requests.push(['MSET', 'x', word(rand(40), alphabet), 'y', word(rand(40), alphabet)]);
      requests.push(['LCS', 'x', 'y'], ['LCS', 'x', 'y', 'IDX', 'WITHMATCHLEN'], ['LCS', 'y', 'x', 'IDX', 'MINMATCHLEN', String(rand(4))]);
    }
    await pair.expectSame(requests);
  });

  test('arity errors', async () => {
    await pair.expectSame([
      ['SETNX', 'k'], ['SETEX', 'k', '1'], ['GETDEL'], ['GETDEL', 'a', 'b'], ['GETSET', 'k'], ['MGET'], ['MSET'], ['MSETNX', 'a'],
      ['INCR'], ['DECR', 'a', 'b'], ['INCRBY', 'a'], ['INCRBYFLOAT', 'a'], ['APPEND', 'a'], ['STRLEN'], ['GETRANGE', 'a', '1'],
      ['SUBSTR', 'a'], ['SETRANGE', 'a', '1'], ['LCS', 'a'], ['GETEX'],
    ]);
  });
});
