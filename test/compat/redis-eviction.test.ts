/**
 * maxmemory against redis-server: which commands are refused when memory is over the limit, what
 * each policy may evict, and the statistics and notifications of eviction. Both servers account
 * memory their own way, so the limits used here are either far above or far below the dataset:
 * the outcome then does not depend on the accounting.
 */
import { CompatPair } from './harness';
import { configBoth, infoField, listenBoth } from './keys-support';

describe('maxmemory against redis-server', () => {
  let pair: CompatPair;
  beforeAll(async () => {
    pair = await CompatPair.start();
  });
  afterAll(() => pair.stop());
  beforeEach(async () => {
    await configBoth(pair, { 'maxmemory': '0b', 'maxmemory-policy': 'noeviction', 'notify-keyspace-events': '' });
    await pair.reset();
  });

  test.each([2, 3])('noeviction refuses denyoom commands with OOM; reads and deletes still work (RESP%i)', async (resp) => {
    if (resp === 3) await pair.both(['HELLO', '3']);
    await pair.expectSame([['SET', 'a', '1'], ['SET', 'b', '2', 'EX', '100']]);
    await configBoth(pair, { maxmemory: '1b' });
    await pair.expectSame([
      ['SET', 'c', '3'], ['GET', 'a'], ['COPY', 'a', 'x'], ['EXPIRE', 'a', '100'], ['TTL', 'a'], ['RESTORE', 'z', '0', 'x'],
      ['SORT', 'nope'], ['SORT_RO', 'nope'], ['RENAME', 'a', 'r'], ['GET', 'r'], ['PERSIST', 'b'], ['DEL', 'b'], ['DBSIZE'],
      ['SET', 'nope'], ['NOSUCH'],
    ]);
    expect(await infoField(pair.localClient, 'stats', 'evicted_keys')).toBe(0);
  });

  test('a limit far above the dataset changes nothing', async () => {
    await configBoth(pair, { 'maxmemory-policy': 'allkeys-lru', 'maxmemory': '1gb' });
    for (let i = 0; i < 100; i++) await pair.expectSame([['SET', `k${i}`, 'v'.repeat(100)]]);
    await pair.expectSame([['DBSIZE']]);
    expect(await infoField(pair.localClient, 'stats', 'evicted_keys')).toBe(0);
  });

  test.each([
    ['allkeys-lru', 0], ['allkeys-lfu', 0], ['allkeys-random', 0],
    ['volatile-lru', 2], ['volatile-lfu', 2], ['volatile-random', 2], ['volatile-ttl', 2],
  ])('%s evicts what it may before the next command, then refuses writes', async (policy, survivors) => {
    await configBoth(pair, { 'notify-keyspace-events': 'Ee' });
    const events = await listenBoth(pair);
    await pair.expectSame([
      ['SET', 'a', '1'], ['SET', 'b', '2'], ['SET', 'c', '3', 'EX', '100'], ['SET', 'd', '4', 'PX', '100000'],
      ['SELECT', '5'], ['SET', 'e', '5', 'EX', '100'], ['SET', 'f', '6'], ['SELECT', '0'],
    ]);
    const before = await Promise.all([infoField(pair.realClient, 'stats', 'evicted_keys'), infoField(pair.localClient, 'stats', 'evicted_keys')]);
    await configBoth(pair, { 'maxmemory-policy': policy, 'maxmemory': '1b' });
    await pair.expectSame([['DBSIZE'], ['SET', 'g', '7'], ['GET', 'a'], ['EXISTS', 'c', 'd'], ['SELECT', '5'], ['DBSIZE'], ['SELECT', '0']]);
    const after = await Promise.all([infoField(pair.realClient, 'stats', 'evicted_keys'), infoField(pair.localClient, 'stats', 'evicted_keys')]);
    expect(after[1] - before[1]).toBe(after[0] - before[0]);
    expect(after[1] - before[1]).toBe(survivors === 0 ? 6 : 3);
    const [real, local] = await Promise.all([pair.realClient.call('DBSIZE'), pair.localClient.call('DBSIZE')]);
    expect(local).toBe(real);
    expect(local).toBe(`:${survivors}\r\n`);
    const got = await events.take();
    const messages = (raw: string) => raw.split('*4\r\n').filter((m) => m.length > 0).sort();
    expect(messages(got.local)).toEqual(messages(got.real));
    expect(messages(got.local)).toHaveLength(survivors === 0 ? 6 : 3);
  });
});

describe('maxmemory and transactions against redis-server', () => {
  let pair: CompatPair;
  beforeAll(async () => {
    pair = await CompatPair.start();
  });
  afterAll(() => pair.stop());
  beforeEach(async () => {
    await configBoth(pair, { 'maxmemory': '0b', 'maxmemory-policy': 'noeviction' });
    await pair.reset();
  });

  test('over the limit, commands queued in MULTI are refused and EXEC aborts; EXEC of queued writes is refused', async () => {
    const { real, local } = await pair.connectBoth();
    const both = async (argv: string[]) => {
      const [r, l] = await Promise.all([real.call(...argv), local.call(...argv)]);
      expect({ request: argv, reply: l }).toEqual({ request: argv, reply: r });
    };
    await both(['SET', 'a', '1']);
    await both(['MULTI']);
    await both(['SET', 'b', '2']);
    await both(['GET', 'a']);
    await configBoth(pair, { maxmemory: '1b' });
    await both(['EXEC']);
    await both(['MULTI']);
    await both(['GET', 'a']);
    await both(['DISCARD']);
    await both(['MULTI']);
    await both(['GET', 'a']);
    await both(['EXEC']);
    await both(['GET', 'a']);
    await both(['EXISTS', 'b']);
  });
});
