import { createClient } from '@redis/client';
import Redis from 'ioredis';
import { RunningRedisServer, startRedisServer } from '../../../src/local';
import { RawClient } from '../support';

describe('transactions and pub/sub with real clients', () => {
  let server: RunningRedisServer;
  beforeAll(async () => {
    server = await startRedisServer({ config: { 'notify-keyspace-events': 'Ex' } });
  });
  afterAll(() => server.stop());

  test('ioredis MULTI/EXEC and optimistic locking with WATCH', async () => {
    const a = new Redis({ port: server.port });
    const b = new Redis({ port: server.port });
    expect(await a.multi().set('t1', 'a').get('t1').exec()).toEqual([[null, 'OK'], [null, 'a']]);
    await a.watch('t1');
    await b.set('t1', 'changed');
    expect(await a.multi().set('t1', 'mine').exec()).toBeNull();
    expect(await a.get('t1')).toBe('changed');
    a.disconnect();
    b.disconnect();
  });

  test('PUBSUB NUMSUB and SHARDNUMSUB reply with a flat array in RESP2 and RESP3', async () => {
    const sub = await RawClient.connect(server.port);
    expect(await sub.call('SUBSCRIBE', 'n1')).toBe('*3\r\n$9\r\nsubscribe\r\n$2\r\nn1\r\n:1\r\n');
    const c = await RawClient.connect(server.port);
    const expected = '*4\r\n$2\r\nn1\r\n:1\r\n$2\r\nn2\r\n:0\r\n';
    expect(await c.call('PUBSUB', 'NUMSUB', 'n1', 'n2')).toBe(expected);
    expect(await c.call('HELLO', '3')).toMatch(/^%7\r\n/);
    expect(await c.call('PUBSUB', 'NUMSUB', 'n1', 'n2')).toBe(expected);
    expect(await c.call('PUBSUB', 'NUMSUB')).toBe('*0\r\n');
    expect(await c.call('PUBSUB', 'SHARDNUMSUB', 's1')).toBe('*2\r\n$2\r\ns1\r\n:0\r\n');
    sub.close();
    c.close();
  });

  test('a queued error aborts EXEC with EXECABORT', async () => {
    const c = await RawClient.connect(server.port);
    expect(await c.call('MULTI')).toBe('+OK\r\n');
    expect(await c.call('SET', 'x')).toBe("-ERR wrong number of arguments for 'set' command\r\n");
    expect(await c.call('EXEC')).toBe('-EXECABORT Transaction discarded because of previous errors.\r\n');
    c.close();
  });

  test('EXEC refused outside MULTI is an EXECABORT too, as in the real server', async () => {
    const c = await RawClient.connect(server.port);
    expect(await c.call('EXEC', 'extra')).toBe("-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n");
    expect(await c.call('EXEC')).toBe('-ERR EXEC without MULTI\r\n');
    c.close();
  });

  test('a watched key that expires after WATCH aborts EXEC', async () => {
    const c = await RawClient.connect(server.port);
    await c.call('SET', 'soon', '1', 'PX', '30');
    expect(await c.call('WATCH', 'soon')).toBe('+OK\r\n');
    await new Promise((r) => setTimeout(r, 60));
    await c.call('MULTI');
    await c.call('PING');
    expect(await c.call('EXEC')).toBe('*-1\r\n');
    // Gone now, not at the next expiry cycle: its expired event must not reach a later test's
    // subscriber (a loaded machine can delay the cycle past the next tests).
    expect(await c.call('EXISTS', 'soon')).toBe(':0\r\n');
    c.close();
  });

  test('writes inside EXEC propagate wrapped in MULTI/EXEC', async () => {
    const seen: string[][] = [];
    // Keys with a TTL left by earlier tests must not expire (and propagate a DEL) meanwhile.
    server.server.activeExpireEnabled = false;
    const off = server.server.onPropagate((_db, argv) => seen.push([...argv]));
    const c = await RawClient.connect(server.port);
    await c.call('MULTI');
    await c.call('SET', 'p1', 'a');
    await c.call('GET', 'p1');
    await c.call('SET', 'p2', 'b', 'EX', '100');
    await c.call('EXEC');
    off();
    server.server.activeExpireEnabled = true;
    expect(seen.length).toBe(4);
    expect(seen[0]).toEqual(['MULTI']);
    expect(seen[1]).toEqual(['SET', 'p1', 'a']);
    expect(seen[2].slice(0, 4)).toEqual(['SET', 'p2', 'b', 'PXAT']);
    expect(seen[3]).toEqual(['EXEC']);
    c.close();
  });

  test('ioredis subscriber receives messages and pattern messages', async () => {
    const sub = new Redis({ port: server.port });
    const pub = new Redis({ port: server.port });
    const got: string[] = [];
    sub.on('message', (ch, msg) => got.push(`${ch}:${msg}`));
    sub.on('pmessage', (pattern, ch, msg) => got.push(`${pattern}|${ch}:${msg}`));
    await sub.subscribe('orders');
    await sub.psubscribe('ord*');
    expect(await pub.publish('orders', 'o1')).toBe(2);
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toEqual(['orders:o1', 'ord*|orders:o1']);
    sub.disconnect();
    pub.disconnect();
  });

  test('node-redis RESP3 subscriber gets push messages and keyspace events', async () => {
    const sub = createClient({ socket: { port: server.port, host: '127.0.0.1' }, RESP: 3 });
    const pub = createClient({ socket: { port: server.port, host: '127.0.0.1' }, RESP: 3 });
    await sub.connect();
    await pub.connect();
    const events: string[] = [];
    await sub.subscribe('__keyevent@0__:expired', (key) => events.push(key));
    await pub.set('short', 'v', { PX: 20 });
    await new Promise((r) => setTimeout(r, 400));
    expect(events).toEqual(['short']);
    await sub.close();
    await pub.close();
  });
});
