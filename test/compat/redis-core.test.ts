import { CompatPair } from './harness';

/** HELLO's id field is each server's own client id. */
const helloId = (reply: string) => reply.replace(/\$2\r\nid\r\n:\d+\r\n/, '$2\r\nid\r\n:<id>\r\n');

describe('core protocol against redis-server', () => {
  let pair: CompatPair;
  beforeAll(async () => {
    pair = await CompatPair.start();
  });
  afterAll(() => pair.stop());
  beforeEach(() => pair.reset());

  test('connection commands', async () => {
    await pair.expectSame([
      ['PING'], ['PING', 'hello'], ['PING', 'a', 'b'], ['ping'], ['PiNg'],
      ['ECHO', 'x'], ['ECHO'], ['ECHO', ''],
      ['SELECT', '15'], ['SELECT', '16'], ['SELECT', '-1'], ['SELECT', 'abc'], ['SELECT', '0'],
      ['AUTH', 'x'], ['AUTH', 'a', 'b'], ['AUTH', 'a', 'b', 'c'],
      ['HELLO', '4'], ['HELLO', 'x'], ['HELLO', '3', 'FOO'], ['HELLO', '2', 'SETNAME', 'bad name'],
    ]);
    await pair.expectSame([['HELLO'], ['HELLO', '3'], ['HELLO', '2', 'SETNAME', 'me']], (r) => helloId(r.replace(/valkey|redis/, 'S').replace(/\$\d+\r\n\d+\.\d+\.\d+\r\n/, '<version>')));
  });

  test('unknown commands and arity', async () => {
    await pair.expectSame([
      ['NOSUCH'], ['NOSUCH', 'a', 'b'], ['nosuch', 'x'.repeat(200), 'y'], ['GET'], ['GET', 'a', 'b'], ['SET', 'a'],
    ]);
  });

  test('SET options and GET', async () => {
    await pair.expectSame([
      ['SET', 'k', 'v'], ['GET', 'k'], ['SET', 'k', 'v2', 'NX'], ['SET', 'k', 'v3', 'XX'], ['GET', 'k'],
      ['SET', 'n', 'v', 'XX'], ['SET', 'k', 'x', 'NX', 'XX'], ['SET', 'k', 'x', 'EX', '10', 'PX', '100'],
      ['SET', 'k', 'x', 'EX', '0'], ['SET', 'k', 'x', 'EX', '-1'], ['SET', 'k', 'x', 'EX', 'abc'],
      ['SET', 'k', 'x', 'PX', '9223372036854775807'], ['SET', 'k', 'x', 'EX', '9223372036854775'],
      ['SET', 'k', 'x', 'KEEPTTL', 'EX', '10'], ['SET', 'k', 'x', 'EX'], ['SET', 'k', 'x', 'FOO'],
      ['SET', 'k', 'new', 'GET'], ['SET', 'fresh', 'v', 'GET'], ['SET', 'k', 'other', 'NX', 'GET'],
      ['SET', 'k', 'x', 'EX', '100'], ['TTL', 'k'], ['SET', 'k', 'y', 'KEEPTTL'], ['TTL', 'k'], ['SET', 'k', 'z'], ['TTL', 'k'],
      ['SET', 'k', 'x', 'exat', '99999999999'], ['TTL', 'k'], ['SET', 'k', 'x', 'pxat', '1'], ['GET', 'k'],
      ['SET', '', ''], ['GET', ''], ['SET', 'bin\x00\xff', '\r\n\x00'], ['GET', 'bin\x00\xff'],
    ]);
  });

  test('keys: DEL, EXISTS, TYPE, EXPIRE family, TTL, PERSIST', async () => {
    await pair.expectSame([
      ['SET', 'a', '1'], ['SET', 'b', '2'], ['EXISTS', 'a', 'a', 'b', 'c'], ['TYPE', 'a'], ['TYPE', 'zz'],
      ['TTL', 'a'], ['PTTL', 'zz'], ['EXPIRE', 'a', '100'], ['TTL', 'a'], ['EXPIRE', 'a', '50', 'GT'], ['EXPIRE', 'a', '200', 'GT'],
      ['TTL', 'a'], ['EXPIRE', 'a', '300', 'LT'], ['EXPIRE', 'a', '10', 'LT'], ['TTL', 'a'], ['EXPIRE', 'a', '10', 'NX'],
      ['EXPIRE', 'b', '10', 'XX'], ['EXPIRE', 'b', '10', 'LT'], ['TTL', 'b'], ['PERSIST', 'b'], ['PERSIST', 'b'],
      ['EXPIRE', 'a', '10', 'NX', 'XX'], ['EXPIRE', 'a', '10', 'GT', 'LT'], ['EXPIRE', 'a', '10', 'FOO'],
      ['EXPIRE', 'a', 'x'], ['EXPIRE', 'a', '9223372036854775807'], ['PEXPIRE', 'a', '9223372036854775807'],
      ['EXPIRE', 'missing', '10'], ['EXPIRE', 'a', '-1'], ['EXISTS', 'a'], ['EXPIREAT', 'b', '1'], ['EXISTS', 'b'],
      ['DEL', 'a', 'b', 'c'], ['UNLINK', 'x'], ['DBSIZE'],
    ]);
  });

  test('RESP3 nulls and errors', async () => {
    await pair.both(['HELLO', '3']);
    await pair.expectSame([['GET', 'missing'], ['SET', 'k', 'v', 'XX'], ['SET', 'k', 'v', 'GET'], ['GET', 'k'], ['NOSUCH']]);
  });

  test('inline requests and malformed frames', async () => {
    await pair.expectSameRaw('PING\r\n');
    await pair.expectSameRaw('SET "a b" \'c\\\'d\'\r\nGET "a b"\r\n', 2);
    await pair.expectSameRaw('ECHO "\\x41\\x42\\n"\r\n');
    await pair.expectSameRaw('\r\n\r\nPING\r\n');
    await pair.expectSameRaw('*0\r\n*-1\r\nPING\r\n');
  });

  test.each([
    ['*abc\r\n'],
    ['*1\r\n+PING\r\n'],
    ['*1\r\n$-1\r\n'],
    ['*1\r\n$x\r\n'],
    ['SET "a\r\n'],
    ['*1\r\n$600000000\r\n'],
  ])('protocol error for %j, then the connection closes', async (bytes) => {
    const { real, local } = await pair.connectBoth();
    real.write(bytes);
    local.write(bytes);
    const [r, l] = await Promise.all([real.reply(), local.reply()]);
    expect(l).toBe(r);
    await Promise.all([real.closedByServer(), local.closedByServer()]);
  });
});
