import { CompatPair } from './harness';

describe('transactions against redis-server', () => {
  let pair: CompatPair;
  beforeAll(async () => {
    pair = await CompatPair.start();
  });
  afterAll(() => pair.stop());
  beforeEach(() => pair.reset());

  test('MULTI/EXEC queues and runs commands, with runtime errors in place', async () => {
    await pair.expectSame([
      ['MULTI'], ['SET', 'a', '1'], ['GET', 'a'], ['EXPIRE', 'a', 'x'], ['DEL', 'a'], ['EXEC'],
      ['EXEC'], ['DISCARD'],
    ]);
  });

  test('errors while queueing abort the transaction', async () => {
    await pair.expectSame([
      ['MULTI'], ['SET', 'a', '1'], ['NOSUCH'], ['GET'], ['EXEC'], ['GET', 'a'],
      ['MULTI'], ['MULTI'], ['WATCH', 'x'], ['SET', 'b', '2'], ['EXEC'],
      ['MULTI'], ['SET', 'c', '1'], ['DISCARD'], ['GET', 'c'],
    ]);
  });

  test('a refused EXEC outside MULTI is an EXECABORT and forgets watched keys', async () => {
    const other = await pair.connectBoth();
    await pair.expectSame([['SET', 'w', '1'], ['WATCH', 'w'], ['EXEC', 'extra']]);
    await Promise.all([other.real.call('SET', 'w', '2'), other.local.call('SET', 'w', '2')]);
    // Had w still been watched, this EXEC would return a null array.
    await pair.expectSame([['MULTI'], ['GET', 'w'], ['EXEC']]);
    await pair.expectSame([['MULTI'], ['EXEC', 'extra'], ['EXEC']]);
  });

  test('WATCH aborts EXEC when another client changes the key', async () => {
    const other = await pair.connectBoth();
    await pair.expectSame([['SET', 'w', '1'], ['WATCH', 'w'], ['MULTI'], ['SET', 'w', '2']]);
    await Promise.all([other.real.call('SET', 'w', '10'), other.local.call('SET', 'w', '10')]);
    await pair.expectSame([['SET', 'x', '1'], ['EXEC'], ['GET', 'w'], ['GET', 'x']]);
  });

  test('WATCH survives unrelated writes and UNWATCH forgets keys', async () => {
    const other = await pair.connectBoth();
    await pair.expectSame([['WATCH', 'w', 'v'], ['UNWATCH'], ['MULTI']]);
    await Promise.all([other.real.call('SET', 'w', '2'), other.local.call('SET', 'w', '2')]);
    await pair.expectSame([['SET', 'y', '1'], ['EXEC'], ['WATCH', 'w'], ['MULTI'], ['GET', 'w'], ['EXEC']]);
  });

  test('FLUSHALL touches watched keys that existed', async () => {
    const other = await pair.connectBoth();
    await pair.expectSame([['SET', 'f', '1'], ['WATCH', 'f', 'missing'], ['MULTI'], ['PING']]);
    await Promise.all([other.real.call('FLUSHALL'), other.local.call('FLUSHALL')]);
    await pair.expectSame([['EXEC']]);
    await pair.expectSame([['WATCH', 'missing'], ['MULTI'], ['PING']]);
    await Promise.all([other.real.call('FLUSHALL'), other.local.call('FLUSHALL')]);
    await pair.expectSame([['EXEC']]);
  });

  test('RESP3 transaction replies', async () => {
    await pair.both(['HELLO', '3']);
    await pair.expectSame([['MULTI'], ['GET', 'nope'], ['SET', 'k', 'v'], ['EXEC']]);
    const other = await pair.connectBoth();
    await pair.expectSame([['WATCH', 'k'], ['MULTI'], ['GET', 'k']]);
    await Promise.all([other.real.call('DEL', 'k'), other.local.call('DEL', 'k')]);
    await pair.expectSame([['EXEC']]);
  });
});
