import { CompatPair } from './harness';

describe('pub/sub against redis-server', () => {
  let pair: CompatPair;
  beforeAll(async () => {
    pair = await CompatPair.start({ config: { 'notify-keyspace-events': 'KEA' } });
  });
  afterAll(() => pair.stop());
  beforeEach(() => pair.reset());

  test('subscribe, publish, pattern and unsubscribe replies', async () => {
    const sub = await pair.connectBoth();
    const both = async (...argv: string[]) => {
      const [r, l] = await Promise.all([sub.real.call(...argv), sub.local.call(...argv)]);
      expect({ argv, reply: l }).toEqual({ argv, reply: r });
    };
    const next = async () => {
      const [r, l] = await Promise.all([sub.real.reply(), sub.local.reply()]);
      expect(l).toBe(r);
    };
    await both('SUBSCRIBE', 'news', 'sports');
    await next();
    await both('PSUBSCRIBE', 'n*');
    await pair.expectSame([['PUBLISH', 'news', 'hello'], ['PUBLISH', 'other', 'x'], ['PUBSUB', 'CHANNELS'], ['PUBSUB', 'CHANNELS', 's*'],
      ['PUBSUB', 'NUMSUB', 'news', 'none'], ['PUBSUB', 'NUMPAT'], ['PUBSUB', 'SHARDCHANNELS'], ['PUBSUB', 'SHARDNUMSUB', 'x']],
    (r) => r.replace(/\*2\r\n\$4\r\nnews\r\n\$6\r\nsports\r\n|\*2\r\n\$6\r\nsports\r\n\$4\r\nnews\r\n/, '<two channels>'));
    await next(); // message
    await next(); // pmessage
    await both('GET', 'k');
    await both('PING');
    await both('PING', 'x');
    await both('UNSUBSCRIBE', 'news');
    await both('PUNSUBSCRIBE');
    await both('UNSUBSCRIBE');
    await both('UNSUBSCRIBE');
    await both('GET', 'k');
  });

  test('RESP3 pushes and ordinary commands while subscribed', async () => {
    const sub = await pair.connectBoth();
    const both = async (...argv: string[]) => {
      const [r, l] = await Promise.all([sub.real.call(...argv), sub.local.call(...argv)]);
      expect({ argv, reply: l }).toEqual({ argv, reply: r });
    };
    await Promise.all([sub.real.call('HELLO', '3'), sub.local.call('HELLO', '3')]);
    await both('SUBSCRIBE', 'c');
    await both('SET', 'k', 'v');
    await pair.expectSame([['PUBLISH', 'c', 'm']]);
    const [r, l] = await Promise.all([sub.real.reply(), sub.local.reply()]);
    expect(l).toBe(r);
    await both('SSUBSCRIBE', 's1');
    await pair.expectSame([['SPUBLISH', 's1', 'hi'], ['PUBSUB', 'SHARDCHANNELS'], ['PUBSUB', 'SHARDNUMSUB', 's1']]);
    const [r2, l2] = await Promise.all([sub.real.reply(), sub.local.reply()]);
    expect(l2).toBe(r2);
    await both('SUNSUBSCRIBE');
    await both('SUNSUBSCRIBE');
  });

  test('keyspace notifications', async () => {
    const sub = await pair.connectBoth();
    await Promise.all([sub.real.call('PSUBSCRIBE', '__key*__:*'), sub.local.call('PSUBSCRIBE', '__key*__:*')]);
    const requests = [['SET', 'k', 'v'], ['EXPIRE', 'k', '100'], ['PERSIST', 'k'], ['DEL', 'k'], ['SET', 'x', '1', 'EX', '10'], ['EXPIRE', 'x', '-1']];
    for (const argv of requests) {
      await pair.expectSame([argv]);
    }
    const [real, local] = await Promise.all([sub.real.drain(300), sub.local.drain(300)]);
    expect(local).toEqual(real);
    expect(real.length).toBe(2 * 7); // keyspace + keyevent for each of the 7 events
  });
});
