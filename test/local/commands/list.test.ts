import { createClient } from '@redis/client';
import Redis from 'ioredis';
import type { Client } from '../../../src/local/client';
import { RedisServer, RunningRedisServer, startRedisServer } from '../../../src/local/server';
import { FakeClock } from '../../../src/local/store/clock';
import { ListValue } from '../../../src/local/store/list';
import { RawClient } from '../support';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The server-side client of a connection. */
function serverClientOf(server: RedisServer, conn: RawClient): Client {
  for (const c of server.clients.values()) if (c.socket?.remotePort === conn.socket.localPort) return c;
  throw new Error('no such client');
}

/** Runs commands as one unit that serves blocked clients only at its end (as EXEC and scripts do). */
function runAsUnit(server: RedisServer, commands: string[][]): void {
  const unit = server.createInternalClient('script');
  for (const argv of commands) server.execute(unit, argv);
}

describe('list commands (Valkey flavour)', () => {
  let running: RunningRedisServer;
  let server: RedisServer;
  let c: RawClient;
  let other: RawClient;
  beforeEach(async () => {
    running = await startRedisServer();
    server = running.server;
    c = await RawClient.connect(running.port);
    other = await RawClient.connect(running.port);
  });
  afterEach(async () => {
    c.close();
    other.close();
    await running.stop();
  });

  test('replies byte for byte', async () => {
    expect(await c.call('RPUSH', 'l', 'a', 'b', 'c')).toBe(':3\r\n');
    expect(await c.call('LPUSH', 'l', 'z')).toBe(':4\r\n');
    expect(await c.call('LRANGE', 'l', '0', '-1')).toBe('*4\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n');
    expect(await c.call('LPOP', 'l')).toBe('$1\r\nz\r\n');
    expect(await c.call('RPOP', 'l', '2')).toBe('*2\r\n$1\r\nc\r\n$1\r\nb\r\n');
    expect(await c.call('LPOP', 'l', '0')).toBe('*0\r\n');
    expect(await c.call('LINDEX', 'l', '-1')).toBe('$1\r\na\r\n');
    expect(await c.call('LSET', 'l', '5', 'x')).toBe('-ERR index out of range\r\n');
    expect(await c.call('LSET', 'nokey', '0', 'x')).toBe('-ERR no such key\r\n');
    expect(await c.call('LINSERT', 'l', 'BEFORE', 'nope', 'x')).toBe(':-1\r\n');
    expect(await c.call('LPOS', 'l', 'a', 'COUNT', '0')).toBe('*1\r\n:0\r\n');
    expect(await c.call('LMPOP', '1', 'l', 'LEFT', 'COUNT', '3')).toBe('*2\r\n$1\r\nl\r\n*1\r\n$1\r\na\r\n');
    expect(await c.call('EXISTS', 'l')).toBe(':0\r\n');
    expect(await c.call('LPOP', 'l', '1')).toBe('*-1\r\n');
    expect(await c.call('LPOP', 'l', '-1')).toBe('-ERR value is out of range, must be positive\r\n');
    expect(await c.call('LPOP', 'l', '1', '2')).toBe('-ERR wrong number of arguments for \'lpop\' command\r\n');
    expect(await c.call('SET', 's', 'v')).toBe('+OK\r\n');
    expect(await c.call('RPUSH', 's', 'x')).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    await c.call('HELLO', '3');
    expect(await c.call('LPOP', 'nokey')).toBe('_\r\n');
    expect(await c.call('LPOP', 'nokey', '2')).toBe('_\r\n');
    expect(await c.call('LPOS', 'nokey', 'a')).toBe('_\r\n');
    expect(await c.call('LMPOP', '1', 'nokey', 'LEFT')).toBe('_\r\n');
  });

  test('Valkey refuses the 64-bit minimum where Redis 7.0 wraps it', async () => {
    await c.call('RPUSH', 'l', 'a', 'b', 'a');
    const range = '-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n';
    expect(await c.call('LREM', 'l', '-9223372036854775808', 'a')).toBe(range);
    expect(await c.call('LPOS', 'l', 'a', 'RANK', '-9223372036854775808')).toBe(range);
    expect(await c.call('LREM', 'l', '-9223372036854775807', 'a')).toBe(':2\r\n');
  });

  test('Valkey refuses timeouts out of range', async () => {
    expect(await c.call('BLPOP', 'k', 'inf')).toBe('-ERR timeout is out of range\r\n');
    expect(await c.call('BLMOVE', 'a', 'b', 'LEFT', 'LEFT', '9223372036854775.807')).toBe('-ERR timeout is out of range\r\n');
    expect(await c.call('BLMPOP', '-inf', '1', 'k', 'LEFT')).toBe('-ERR timeout is negative\r\n');
  });

  test('small lists are listpacks, grown ones quicklists, and back after trimming', async () => {
    const value = 'v'.repeat(100);
    await c.call('RPUSH', 'l', ...Array(79).fill(value));
    const encoding = () => (server.dbs[0].get('l', Date.now()) as ListValue).encoding(server.encoding);
    expect(encoding()).toBe('listpack');
    await c.call('RPUSH', 'l', value);
    expect(encoding()).toBe('quicklist');
    await c.call('LTRIM', 'l', '0', '38');
    expect(encoding()).toBe('listpack');
    // A count limit: at most 4 entries in a listpack.
    server.config.set([['list-max-listpack-size', '4']]);
    await c.call('RPUSH', 'four', 'a', 'b', 'c', 'd');
    await c.call('RPUSH', 'five', 'a', 'b', 'c', 'd', 'e');
    const encodingOf = (key: string) => (server.dbs[0].get(key, Date.now()) as ListValue).encoding(server.encoding);
    expect(encodingOf('four')).toBe('listpack');
    expect(encodingOf('five')).toBe('quicklist');
  });

  test('memory accounting follows pushes and deletes', async () => {
    const base = server.mem.used;
    await c.call('RPUSH', 'l', 'x'.repeat(1000), 'y'.repeat(1000));
    expect(server.mem.used - base).toBeGreaterThan(2000);
    await c.call('LPOP', 'l');
    expect(server.mem.used - base).toBeGreaterThan(1000);
    expect(server.mem.used - base).toBeLessThan(2000);
    await c.call('DEL', 'l');
    expect(server.mem.used).toBe(base);
  });

  test('a woken client runs its command again over all its keys, in order', async () => {
    c.write('*4\r\n$5\r\nBLPOP\r\n$2\r\nk1\r\n$2\r\nk2\r\n$1\r\n0\r\n');
    await sleep(30);
    runAsUnit(server, [['RPUSH', 'k2', 'a'], ['RPUSH', 'k1', 'b']]);
    await other.call('PING');
    expect(await c.reply()).toBe('*2\r\n$2\r\nk1\r\n$1\r\nb\r\n');
    expect(await other.call('LRANGE', 'k2', '0', '-1')).toBe('*1\r\n$1\r\na\r\n');
  });

  test('a woken client whose other key has the wrong type gets WRONGTYPE', async () => {
    c.write('*4\r\n$5\r\nBLPOP\r\n$2\r\nk1\r\n$2\r\nk2\r\n$1\r\n0\r\n');
    await sleep(30);
    await other.call('SET', 'k1', 'str');
    await other.call('RPUSH', 'k2', 'a');
    expect(await c.reply()).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    expect(await other.call('LLEN', 'k2')).toBe(':1\r\n');
  });

  test('a served BLMOVE propagates LMOVE with its own LEFT/RIGHT words', async () => {
    const stream: string[][] = [];
    server.onPropagate((_db, argv) => stream.push([...argv]));
    c.write('*6\r\n$6\r\nBLMOVE\r\n$1\r\ns\r\n$1\r\nd\r\n$5\r\nRight\r\n$4\r\nlEFT\r\n$1\r\n0\r\n');
    await sleep(30);
    await other.call('RPUSH', 's', 'x');
    expect(await c.reply()).toBe('$1\r\nx\r\n');
    expect(stream).toEqual([['RPUSH', 's', 'x'], ['LMOVE', 's', 'd', 'Right', 'lEFT']]);
  });

  test.each([
    ['inside EXEC', (cl: Client, on: boolean) => { cl.inExec = on; }],
    ['inside a script', (cl: Client, on: boolean) => { cl.kind = on ? 'script' : 'normal'; }],
  ])('blocking commands answer at once %s, as on timeout', async (_name, context) => {
    const stream: string[][] = [];
    server.onPropagate((_db, argv) => stream.push([...argv]));
    const sc = serverClientOf(server, c);
    context(sc, true);
    expect(await c.call('BLPOP', 'k', '0')).toBe('*-1\r\n');
    expect(await c.call('BRPOP', 'k', 'k2', '5')).toBe('*-1\r\n');
    expect(await c.call('BLMOVE', 'k', 'd', 'LEFT', 'RIGHT', '0')).toBe('$-1\r\n');
    expect(await c.call('BRPOPLPUSH', 'k', 'd', '0')).toBe('$-1\r\n');
    expect(await c.call('BLMPOP', '0', '1', 'k', 'LEFT')).toBe('*-1\r\n');
    expect(await c.call('BLPOP', 'k', '-1')).toBe('-ERR timeout is negative\r\n');
    await c.call('HELLO', '3');
    expect(await c.call('BLPOP', 'k', '0')).toBe('_\r\n');
    expect(await c.call('BLMOVE', 'k', 'd', 'LEFT', 'RIGHT', '0')).toBe('_\r\n');
    expect(server.blockedClients).toBe(0);
    expect(await c.call('RPUSH', 'k', 'v')).toBe(':1\r\n');
    expect(await c.call('BLPOP', 'k', '0')).toBe('*2\r\n$1\r\nk\r\n$1\r\nv\r\n');
    context(sc, false);
    server.flushPropagation();
    // Nothing but the push and the pop was written; the pop replicates as LPOP.
    expect(stream).toEqual([['MULTI'], ['RPUSH', 'k', 'v'], ['LPOP', 'k'], ['EXEC']]);
  });

  test('CLIENT UNBLOCK support: as on timeout, or with the UNBLOCKED error', async () => {
    const sc = serverClientOf(server, c);
    expect(server.unblockClient(sc, false)).toBe(false);
    c.write('*6\r\n$6\r\nBLMOVE\r\n$1\r\na\r\n$1\r\nb\r\n$4\r\nLEFT\r\n$4\r\nLEFT\r\n$1\r\n0\r\n');
    await sleep(30);
    expect(server.unblockClient(sc, false)).toBe(true);
    expect(await c.reply()).toBe('*-1\r\n');
    c.write('*3\r\n$5\r\nBLPOP\r\n$1\r\nk\r\n$1\r\n0\r\n*1\r\n$4\r\nPING\r\n');
    await sleep(30);
    expect(server.unblockClient(sc, true)).toBe(true);
    expect(await c.reply()).toBe('-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n');
    expect(await c.reply()).toBe('+PONG\r\n');
    expect(server.blockedClients).toBe(0);
    await other.call('RPUSH', 'k', 'x');
    expect(await c.silentFor(50)).toBe(true);
  });

  test('a timeout fires after its delay, not before', async () => {
    const started = Date.now();
    expect(await c.call('BLPOP', 'k', '0.2')).toBe('*-1\r\n');
    expect(Date.now() - started).toBeGreaterThanOrEqual(195);
  });

  test('many clients on many keys: each push serves the longest-waiting client of its key', async () => {
    const clients: RawClient[] = [];
    for (let i = 0; i < 30; i++) {
      const cl = await RawClient.connect(running.port);
      cl.write(`*3\r\n$5\r\nBLPOP\r\n$2\r\nq${i % 3}\r\n$1\r\n0\r\n`);
      clients.push(cl);
      await sleep(2);
    }
    await sleep(30);
    for (let i = 0; i < 30; i++) await other.call('RPUSH', `q${i % 3}`, String(i));
    for (let i = 0; i < 30; i++) {
      expect(await clients[i].reply()).toBe(`*2\r\n$2\r\nq${i % 3}\r\n$${String(i).length}\r\n${i}\r\n`);
      clients[i].close();
    }
    expect(server.blockedClients).toBe(0);
  });
});

describe('list commands (Redis 7.0 flavour)', () => {
  let running: RunningRedisServer;
  let c: RawClient;
  let other: RawClient;
  beforeEach(async () => {
    running = await startRedisServer({ engine: 'redis', version: '7.0.15' });
    c = await RawClient.connect(running.port);
    other = await RawClient.connect(running.port);
  });
  afterEach(async () => {
    c.close();
    other.close();
    await running.stop();
  });

  test('a woken client is served from the key that became ready first', async () => {
    c.write('*4\r\n$5\r\nBLPOP\r\n$2\r\nk1\r\n$2\r\nk2\r\n$1\r\n0\r\n');
    await sleep(30);
    runAsUnit(running.server, [['RPUSH', 'k2', 'a'], ['RPUSH', 'k1', 'b']]);
    await other.call('PING');
    expect(await c.reply()).toBe('*2\r\n$2\r\nk2\r\n$1\r\na\r\n');
    expect(await other.call('LRANGE', 'k1', '0', '-1')).toBe('*1\r\n$1\r\nb\r\n');
  });

  test('a key that was created and emptied in the same unit serves nobody', async () => {
    c.write('*3\r\n$5\r\nBLPOP\r\n$1\r\nk\r\n$1\r\n0\r\n');
    await sleep(30);
    runAsUnit(running.server, [['RPUSH', 'k', 'a'], ['LPOP', 'k']]);
    await other.call('PING');
    expect(await c.silentFor(50)).toBe(true);
    await other.call('RPUSH', 'k', 'b');
    expect(await c.reply()).toBe('*2\r\n$1\r\nk\r\n$1\r\nb\r\n');
  });

  test('every list is a quicklist', async () => {
    await c.call('RPUSH', 'l', 'a');
    const list = running.server.dbs[0].get('l', Date.now()) as ListValue;
    expect(list.encoding(running.server.encoding)).toBe('quicklist');
  });
});

describe('a woken client runs at the time it is served', () => {
  test('a destination that expired while the client waited is replaced, not appended to', async () => {
    const clock = new FakeClock();
    const running = await startRedisServer({ clock });
    const a = await RawClient.connect(running.port);
    const b = await RawClient.connect(running.port);
    await b.call('RPUSH', 'd', 'old');
    await b.call('PEXPIRE', 'd', '1000');
    a.write('*6\r\n$6\r\nBLMOVE\r\n$1\r\ns\r\n$1\r\nd\r\n$4\r\nLEFT\r\n$5\r\nRIGHT\r\n$1\r\n0\r\n');
    await sleep(30);
    clock.advance(2000);
    await b.call('RPUSH', 's', 'x');
    expect(await a.reply()).toBe('$1\r\nx\r\n');
    expect(await b.call('LRANGE', 'd', '0', '-1')).toBe('*1\r\n$1\r\nx\r\n');
    expect(await b.call('PTTL', 'd')).toBe(':-1\r\n');
    a.close();
    b.close();
    await running.stop();
  });
});

describe('timeouts longer than a Node.js timer can hold', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] }));
  afterEach(() => jest.useRealTimers());

  test('BLPOP with a 30-day timeout waits 30 days', () => {
    const server = new RedisServer();
    const c = server.createInternalClient();
    server.execute(c, ['BLPOP', 'k', String(30 * 24 * 3600)]);
    expect(c.blocked).not.toBeNull();
    jest.advanceTimersByTime(2 ** 31);
    expect(c.blocked).not.toBeNull();
    jest.advanceTimersByTime(30 * 24 * 3600 * 1000 - 2 ** 31 - 1);
    expect(c.blocked).not.toBeNull();
    jest.advanceTimersByTime(1);
    expect(c.blocked).toBeNull();
    expect(c.w.take()).toBe('*-1\r\n');
  });
});

describe('real clients and blocking pops', () => {
  let running: RunningRedisServer;
  beforeAll(async () => {
    running = await startRedisServer();
  });
  afterAll(() => running.stop());

  test('ioredis: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP and timeouts', async () => {
    const worker = new Redis({ port: running.port, lazyConnect: true });
    const producer = new Redis({ port: running.port, lazyConnect: true });
    await worker.connect();
    await producer.connect();
    const waiting = worker.blpop('jobs', 'other', 0);
    await sleep(30);
    expect(await producer.rpush('other', 'job-1')).toBe(1);
    expect(await waiting).toEqual(['other', 'job-1']);
    expect(await worker.brpop('jobs', 0.05)).toBeNull();
    const moving = worker.blmove('jobs', 'processing', 'LEFT', 'RIGHT', 0);
    await sleep(30);
    await producer.lpush('jobs', 'job-2');
    expect(await moving).toBe('job-2');
    await producer.rpush('jobs', 'job-3');
    expect(await worker.brpoplpush('jobs', 'processing', 1)).toBe('job-3');
    expect(await producer.lrange('processing', 0, -1)).toEqual(['job-3', 'job-2']);
    expect(await worker.call('BLMPOP', '1', '1', 'processing', 'RIGHT', 'COUNT', '5')).toEqual(['processing', ['job-2', 'job-3']]);
    expect(await worker.call('BLMPOP', '0.05', '1', 'processing', 'RIGHT')).toBeNull();
    worker.disconnect();
    producer.disconnect();
  });

  test('node-redis (RESP3): blPop, brPop, blMove, blmPop', async () => {
    const worker = createClient({ socket: { port: running.port, host: '127.0.0.1' }, RESP: 3 });
    const producer = createClient({ socket: { port: running.port, host: '127.0.0.1' }, RESP: 3 });
    await worker.connect();
    await producer.connect();
    const waiting = worker.blPop('queue', 0);
    await sleep(30);
    await producer.rPush('queue', ['a', 'b']);
    expect(await waiting).toEqual({ key: 'queue', element: 'a' });
    expect(await worker.brPop(['empty', 'queue'], 1)).toEqual({ key: 'queue', element: 'b' });
    expect(await worker.brPop('empty', 0.05)).toBeNull();
    const moving = worker.blMove('src', 'dst', 'RIGHT', 'LEFT', 0);
    await sleep(30);
    await producer.rPush('src', ['x', 'y']);
    expect(await moving).toBe('y');
    expect(await worker.blmPop(1, ['empty', 'src', 'dst'], 'LEFT', { COUNT: 2 })).toEqual(['src', ['x']]);
    expect(await worker.blmPop(0.05, ['empty'], 'LEFT')).toBeNull();
    await worker.close();
    await producer.close();
  });
});
