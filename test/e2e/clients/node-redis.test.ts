import { BasicClientSideCache, RESP_TYPES, RedisClientOptions, WatchError, createClient } from '@redis/client';
import { ACL_USERS, PASSWORD, Servers, allBytes, blockedClients, ca, nodeCert, pseudoRandomBytes, until } from './harness';
import type { RunningRedisServer } from '../../../src/local';

/** node-redis's client type for a given option set is intricate; the suite needs its common surface. */
type NodeRedis = ReturnType<typeof createClient>;

describe.each([2, 3] as const)('node-redis RESP%i', (resp) => {
  const servers = new Servers();
  const clients: NodeRedis[] = [];
  let plain: RunningRedisServer;
  let secured: RunningRedisServer;

  async function connect(server: RunningRedisServer, options: RedisClientOptions = {}): Promise<NodeRedis> {
    const c = createClient({ RESP: resp, ...options, socket: { host: '127.0.0.1', port: server.port, reconnectStrategy: false, ...options.socket } as never }) as unknown as NodeRedis;
    c.on('error', () => undefined);
    clients.push(c);
    await c.connect();
    return c;
  }

  beforeAll(async () => {
    plain = await servers.start();
    secured = await servers.start({ password: PASSWORD, users: ACL_USERS });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => (c.isOpen ? c.close() : undefined)));
  });
  afterAll(() => servers.stopAll());

  describe('connecting', () => {
    test('without a password', async () => {
      const c = await connect(plain);
      expect(await c.set('hello', 'world')).toBe('OK');
      expect(await c.get('hello')).toBe('world');
      const info = await c.clientInfo();
      expect(info.resp).toBe(resp);
      expect(info.libName).toBe('node-redis');
    });

    test('with the AUTH token; a wrong token is refused', async () => {
      const c = await connect(secured, { password: PASSWORD });
      expect(await c.ping()).toBe('PONG');
      expect(await c.sendCommand(['ACL', 'WHOAMI'])).toBe('default');
      await expect(connect(secured, { password: 'not-the-token' })).rejects.toThrow(/^WRONGPASS invalid username-password pair or user is disabled\.$/);
      // Without credentials the handshake succeeds only in RESP2 (HELLO 3 needs them).
      if (resp === 2) {
        const none = await connect(secured);
        await expect(none.get('x')).rejects.toThrow(/^NOAUTH Authentication required\.$/);
      } else {
        await expect(connect(secured)).rejects.toThrow(/^NOAUTH HELLO must be called with the client already authenticated/);
      }
    });

    test('as an ACL user: key and channel patterns apply', async () => {
      const alice = await connect(secured, { username: 'alice', password: 'alice-secret-0123456789' });
      expect(await alice.sendCommand(['ACL', 'WHOAMI'])).toBe('alice');
      expect(await alice.set('app:n', '1')).toBe('OK');
      expect(await alice.incr('app:n')).toBe(2);
      await expect(alice.get('elsewhere')).rejects.toThrow(/^NOPERM No permissions to access a key$/);
      expect(await alice.publish('app:events', 'x')).toBe(0);
      await expect(alice.publish('other', 'x')).rejects.toThrow(/^NOPERM No permissions to access a channel$/);
      await expect(connect(secured, { username: 'alice', password: 'wrong' })).rejects.toThrow(/^WRONGPASS/);
    });

    test('over TLS with the local CA, as an ACL user', async () => {
      const tlsServer = await servers.start({ tls: nodeCert, users: ACL_USERS, password: PASSWORD });
      const c = await connect(tlsServer, { username: 'bob', password: 'bob-secret-0123456789', socket: { host: 'localhost', tls: true, ca: ca.certPem } as never });
      expect(await c.sendCommand(['ACL', 'WHOAMI'])).toBe('bob');
      expect(await c.set('tls:k', 'v', { EX: 100 })).toBe('OK');
      expect(await c.ttl('tls:k')).toBe(100);
      expect((await c.clientInfo()).user).toBe('bob');
    });

    test('CLIENT SETNAME, GETNAME, ID and INFO', async () => {
      const c = await connect(plain, { name: 'named-at-connect' });
      expect(await c.clientGetName()).toBe('named-at-connect');
      expect(await c.clientSetName('renamed')).toBe('OK');
      expect(await c.clientGetName()).toBe('renamed');
      const id = await c.clientId();
      expect(plain.server.clients.get(id)?.name).toBe('renamed');
      const info = await c.clientInfo();
      expect(info).toMatchObject({ id, name: 'renamed', db: 0, sub: 0, psub: 0, multi: -1, flags: 'N', cmd: 'client|info', user: 'default', resp, libName: 'node-redis' });
      expect(info.addr).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(info.laddr).toBe(`127.0.0.1:${plain.port}`);
      await expect(c.clientSetName('has space')).rejects.toThrow(/^ERR Client names cannot contain spaces, newlines or special characters\.$/);
    });
  });

  describe('commands', () => {
    test('500 concurrent commands are pipelined and answered in order', async () => {
      const c = await connect(plain);
      await c.del('np:counter');
      const sets = Array.from({ length: 250 }, (_, i) => c.set(`np:${i}`, String(i * i)));
      const incrs = Array.from({ length: 250 }, () => c.incr('np:counter'));
      expect(await Promise.all(sets)).toEqual(Array(250).fill('OK'));
      expect(await Promise.all(incrs)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
      const pipe = c.multi();
      for (let i = 0; i < 250; i++) pipe.get(`np:${i}`);
      expect(await pipe.execAsPipeline()).toEqual(Array.from({ length: 250 }, (_, i) => String(i * i)));
    });

    test('MULTI/EXEC; WATCH conflicts make EXEC return null (a WatchError)', async () => {
      const c = await connect(plain);
      const other = await connect(plain);
      await c.del('ntx');
      expect(await c.multi().set('ntx', '5').incrBy('ntx', 3).get('ntx').exec()).toEqual(['OK', 8, '8']);
      expect(await c.watch('ntx')).toBe('OK');
      expect(await other.set('ntx', 'changed')).toBe('OK');
      await expect(c.multi().set('ntx', 'mine').exec()).rejects.toBeInstanceOf(WatchError);
      expect(await c.get('ntx')).toBe('changed');
      // The raw reply of a conflicting EXEC is a null.
      expect(await c.watch('ntx')).toBe('OK');
      await other.set('ntx', 'again');
      expect(await c.sendCommand(['MULTI'])).toBe('OK');
      expect(await c.sendCommand(['GET', 'ntx'])).toBe('QUEUED');
      expect(await c.sendCommand(['EXEC'])).toBeNull();
      expect(await c.watch('ntx')).toBe('OK');
      expect(await c.multi().set('ntx', 'mine').exec()).toEqual(['OK']);
      expect(await c.get('ntx')).toBe('mine');
    });

    test('binary values with every byte value, returned as Buffers', async () => {
      const c = await connect(plain);
      const raw = c.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
      const key = Buffer.concat([Buffer.from('nbin:'), allBytes()]);
      expect(await c.set(key, allBytes(3))).toBe('OK');
      const back = await raw.get(key);
      expect(Buffer.isBuffer(back)).toBe(true);
      expect((back as Buffer).equals(allBytes(3))).toBe(true);
      await c.del('nbin:list');
      expect(await c.rPush('nbin:list', [allBytes(), Buffer.alloc(0), Buffer.from('\r\n')])).toBe(3);
      expect(await raw.lRange('nbin:list', 0, -1)).toEqual([allBytes(), Buffer.alloc(0), Buffer.from('\r\n')]);
    });

    test('a 10 MB value round-trips', async () => {
      const c = await connect(plain);
      const big = pseudoRandomBytes(10 * 1024 * 1024, 11);
      expect(await c.set('nbig', big)).toBe('OK');
      const back = await c.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer }).get('nbig');
      expect((back as Buffer).equals(big)).toBe(true);
      expect(await c.strLen('nbig')).toBe(big.length);
      expect(await c.del('nbig')).toBe(1);
    });

    test('scanIterator, hScanIterator, sScanIterator and zScanIterator visit everything once', async () => {
      const c = await connect(plain);
      const n = 3000;
      const multi = c.multi();
      for (let i = 0; i < n; i++) multi.set(`nscan:${i}`, 'x');
      for (let i = 0; i < 1000; i++) multi.hSet('nscan-h', `f${i}`, String(i));
      for (let i = 0; i < 1000; i++) multi.sAdd('nscan-s', `m${i}`);
      for (let i = 0; i < 1000; i++) multi.zAdd('nscan-z', { score: i / 2, value: `z${i}` });
      await multi.execAsPipeline();
      const keys: string[] = [];
      for await (const batch of c.scanIterator({ MATCH: 'nscan:*', COUNT: 200 })) keys.push(...batch);
      expect(keys).toHaveLength(n);
      expect(new Set(keys)).toEqual(new Set(Array.from({ length: n }, (_, i) => `nscan:${i}`)));
      const typed: string[] = [];
      for await (const batch of c.scanIterator({ TYPE: 'zset', MATCH: 'nscan*', COUNT: 500 })) typed.push(...batch);
      expect(typed).toEqual(['nscan-z']);

      const fields = new Map<string, string>();
      let entries = 0;
      for await (const batch of c.hScanIterator('nscan-h', { COUNT: 64 })) {
        for (const { field, value } of batch) fields.set(field, value);
        entries += batch.length;
      }
      expect(entries).toBe(1000);
      expect(fields.get('f999')).toBe('999');
      const members: string[] = [];
      for await (const batch of c.sScanIterator('nscan-s', { COUNT: 64 })) members.push(...batch);
      expect(members).toHaveLength(1000);
      expect(new Set(members).size).toBe(1000);
      const scored = new Map<string, number>();
      for await (const batch of c.zScanIterator('nscan-z', { COUNT: 64 })) for (const { value, score } of batch) scored.set(value, score);
      expect(scored.size).toBe(1000);
      expect(scored.get('z7')).toBe(3.5);
    });
  });

  describe('pub/sub', () => {
    test('subscribe and pSubscribe listeners get the messages, binary ones too', async () => {
      const pub = await connect(plain);
      const sub = await connect(plain);
      const got: string[][] = [];
      await sub.subscribe(['nr:a', 'nr:b'], (message, channel) => got.push(['message', channel, message]));
      await sub.pSubscribe('nr:p:*', (message, channel) => got.push(['pmessage', channel, message]));
      const binary: Buffer[] = [];
      await sub.subscribe('nr:bin', (message) => binary.push(message), true);
      expect(await pub.publish('nr:a', 'one')).toBe(1);
      expect(await pub.publish('nr:p:x', 'two')).toBe(1);
      expect(await pub.publish('nr:b', 'three')).toBe(1);
      expect(await pub.publish('nr:bin', allBytes())).toBe(1);
      expect(await pub.pubSubNumSub(['nr:a', 'nr:bin', 'nr:none'])).toEqual({ 'nr:a': 1, 'nr:bin': 1, 'nr:none': 0 });
      expect(await pub.pubSubNumPat()).toBe(1);
      await until(() => got.length === 3 && binary.length === 1, 'the messages');
      expect(got).toEqual([['message', 'nr:a', 'one'], ['pmessage', 'nr:p:x', 'two'], ['message', 'nr:b', 'three']]);
      expect(binary[0].equals(allBytes())).toBe(true);
      await sub.unsubscribe('nr:a');
      expect(await pub.publish('nr:a', 'late')).toBe(0);
      await sub.pUnsubscribe();
      await sub.unsubscribe();
      // After a Buffer listener node-redis keeps returning Buffers here (against redis-server too).
      expect(String(await sub.ping())).toBe('PONG');
    });

    test('sharded pub/sub: sSubscribe and sPublish', async () => {
      const pub = await connect(plain);
      const sub = await connect(plain);
      const got: string[][] = [];
      await sub.sSubscribe('orders:{eu}', (message, channel) => got.push([channel, message]));
      expect(await pub.sPublish('orders:{eu}', 'o-1')).toBe(1);
      expect(await pub.sPublish('orders:{us}', 'o-2')).toBe(0);
      expect(await pub.publish('orders:{eu}', 'not sharded')).toBe(0);
      expect(await pub.pubSubShardNumSub(['orders:{eu}', 'orders:{us}'])).toEqual({ 'orders:{eu}': 1, 'orders:{us}': 0 });
      expect(await pub.pubSubShardChannels()).toEqual(['orders:{eu}']);
      await until(() => got.length === 1, 'the sharded message');
      expect(got).toEqual([['orders:{eu}', 'o-1']]);
      await sub.sUnsubscribe('orders:{eu}');
      expect(await pub.sPublish('orders:{eu}', 'o-3')).toBe(0);
    });
  });

  describe('blocking commands', () => {
    test('BLPOP times out with null; a push from another client wakes it', async () => {
      const c = await connect(plain);
      const other = await connect(plain);
      await c.del(['nq', 'nq2']);
      const started = Date.now();
      expect(await c.blPop('nq', 0.15)).toBeNull();
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      const waiting = c.blPop(['nq', 'nq2'], 5);
      await until(() => blockedClients(plain) === 1, 'the client to block');
      expect(await other.lPush('nq2', ['first', 'second'])).toBe(2);
      expect(await waiting).toEqual({ key: 'nq2', element: 'second' });
      expect(await c.lRange('nq2', 0, -1)).toEqual(['first']);
    });

    test('BZPOPMIN waits for a member and returns its score', async () => {
      const c = await connect(plain);
      const other = await connect(plain);
      await c.del('nbz');
      const waiting = c.bzPopMin('nbz', 5);
      await until(() => blockedClients(plain) === 1, 'the client to block');
      expect(await other.zAdd('nbz', [{ score: 4.25, value: 'x' }, { score: -1, value: 'y' }])).toBe(2);
      expect(await waiting).toEqual({ key: 'nbz', value: 'y', score: -1 });
      expect(await c.bzPopMin('nbz:none', 0.05)).toBeNull();
    });
  });

  describe('reconnecting', () => {
    test('the client reconnects after stop() and a restart on the same port', async () => {
      const own = await servers.start();
      const c = await connect(own, { socket: { reconnectStrategy: () => 20 } as never });
      expect(await c.set('k', 'v')).toBe('OK');
      const reconnecting = new Promise<void>((resolve) => c.once('reconnecting', () => resolve()));
      await own.stop();
      await reconnecting;
      expect(c.isReady).toBe(false);
      // The offline queue holds commands until the connection is back.
      const queued = c.set('after', 'restart');
      const ready = new Promise<void>((resolve) => c.once('ready', () => resolve()));
      const restarted = await servers.start({ port: own.port });
      expect(await queued).toBe('OK');
      await ready;
      expect(c.isReady).toBe(true);
      expect(await c.get('k')).toBeNull();
      expect(await restarted.server.dbs[0].size).toBe(1);
    });
  });
});

describe('node-redis RESP3 only', () => {
  const servers = new Servers();
  const clients: NodeRedis[] = [];
  let server: RunningRedisServer;

  async function connect(options: RedisClientOptions = {}): Promise<NodeRedis> {
    const c = createClient({ RESP: 3, ...options, socket: { host: '127.0.0.1', port: server.port, reconnectStrategy: false } }) as unknown as NodeRedis;
    c.on('error', () => undefined);
    clients.push(c);
    await c.connect();
    return c;
  }

  beforeAll(async () => {
    server = await servers.start({ password: PASSWORD, users: ACL_USERS });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => (c.isOpen ? c.close() : undefined)));
  });
  afterAll(() => servers.stopAll());

  test('reply types: maps, sets, doubles, nulls and verbatim strings', async () => {
    const c = await connect({ password: PASSWORD });
    const typed = c.withTypeMapping({ [RESP_TYPES.MAP]: Map, [RESP_TYPES.SET]: Set });
    await c.del(['r3:h', 'r3:s', 'r3:z']);
    await c.hSet('r3:h', { a: '1', b: '2' });
    expect(await typed.sendCommand(['HGETALL', 'r3:h'])).toEqual(new Map([['a', '1'], ['b', '2']]));
    expect(await typed.sendCommand(['HGETALL', 'r3:none'])).toEqual(new Map());
    expect(await c.hGetAll('r3:h')).toEqual({ a: '1', b: '2' });
    expect(await typed.sendCommand(['CONFIG', 'GET', 'maxmemory-polic*'])).toEqual(new Map([['maxmemory-policy', 'noeviction']]));
    await c.sAdd('r3:s', ['x', 'y', 'z']);
    const members = await typed.sendCommand(['SMEMBERS', 'r3:s']);
    expect(members).toBeInstanceOf(Set);
    expect(members).toEqual(new Set(['x', 'y', 'z']));
    await c.zAdd('r3:z', { score: 1.5, value: 'm' });
    expect(await c.sendCommand(['ZSCORE', 'r3:z', 'm'])).toBe(1.5);
    expect(await c.sendCommand(['ZINCRBY', 'r3:z', '0.25', 'm'])).toBe(1.75);
    expect(await c.zIncrBy('r3:z', 1e300, 'm')).toBe(1e300);
    expect(await c.sendCommand(['ZINCRBY', 'r3:z', 'inf', 'm'])).toBe(Infinity);
    expect(await c.sendCommand(['ZSCORE', 'r3:z', 'absent'])).toBeNull();
    expect(await c.sendCommand(['GET', 'r3:absent'])).toBeNull();
    expect(await c.sendCommand(['ZRANGE', 'r3:z', '0', '-1', 'WITHSCORES'])).toEqual([['m', Infinity]]);
    expect(await c.sendCommand(['INCRBYFLOAT', 'r3:f', '0.1'])).toBe('0.1');
    // Booleans do not exist in Redis replies except for scripts; integers stay numbers.
    expect(await c.sendCommand(['EXISTS', 'r3:h'])).toBe(1);
    const verbatim = await c.withTypeMapping({ [RESP_TYPES.VERBATIM_STRING]: Buffer }).sendCommand(['CLIENT', 'INFO']);
    expect(Buffer.isBuffer(verbatim)).toBe(true);
    expect(String(verbatim)).toMatch(/^id=\d+ addr=127\.0\.0\.1:\d+ .* resp=3 /);
  });

  test('HELLO 3 with AUTH and SETNAME', async () => {
    const c = await connect({ username: 'bob', password: 'bob-secret-0123456789', name: 'hello-named' });
    expect(await c.clientGetName()).toBe('hello-named');
    expect(await c.sendCommand(['ACL', 'WHOAMI'])).toBe('bob');
    const id = await c.clientId();
    const hello = await c.sendCommand(['HELLO', '3', 'AUTH', 'alice', 'alice-secret-0123456789', 'SETNAME', 'second-name']);
    expect(hello).toEqual({ server: 'valkey', version: '8.0.2', proto: 3, id, mode: 'standalone', role: 'master', modules: [] });
    expect(await c.sendCommand(['ACL', 'WHOAMI'])).toBe('alice');
    expect(await c.clientGetName()).toBe('second-name');
    await expect(c.sendCommand(['HELLO', '3', 'AUTH', 'alice', 'wrong'])).rejects.toThrow(/^WRONGPASS/);
    await expect(c.sendCommand(['HELLO', '4'])).rejects.toThrow(/^NOPROTO unsupported protocol version$/);
    expect(await c.sendCommand(['ACL', 'WHOAMI'])).toBe('alice');
  });

  test('push messages: a subscribed connection keeps running ordinary commands', async () => {
    const c = await connect({ password: PASSWORD });
    const pub = await connect({ password: PASSWORD });
    const got: string[] = [];
    await c.subscribe('push:ch', (message) => got.push(message));
    expect(await c.set('push:k', 'v')).toBe('OK');
    expect(await pub.publish('push:ch', 'hi')).toBe(1);
    expect(await c.get('push:k')).toBe('v');
    await until(() => got.length === 1, 'the push message');
    expect(got).toEqual(['hi']);
    const info = await c.clientInfo();
    expect(info.sub).toBe(1);
    expect(info.flags).toBe('P');
  });

  test('client-side caching: reads are served locally until the server invalidates them', async () => {
    const cache = new BasicClientSideCache({ ttl: 0, maxEntries: 0 });
    const c = await connect({ password: PASSWORD, clientSideCache: cache });
    const writer = await connect({ password: PASSWORD });
    await writer.set('csc:k', 'v1');
    const tracking = await c.sendCommand(['CLIENT', 'TRACKINGINFO']) as Record<string, unknown>;
    expect(tracking.flags).toEqual(['on']);
    expect(await c.get('csc:k')).toBe('v1');
    expect(await c.get('csc:k')).toBe('v1');
    expect(cache.size()).toBe(1);
    expect(cache.stats().missCount).toBe(1);
    expect(cache.stats().hitCount).toBe(1);
    const invalidated = new Promise<unknown>((resolve) => cache.once('invalidate', resolve));
    await writer.set('csc:k', 'v2');
    expect(String(await invalidated)).toBe('csc:k');
    expect(cache.size()).toBe(0);
    expect(await c.get('csc:k')).toBe('v2');
    expect(cache.stats().missCount).toBe(2);
    // FLUSHALL invalidates everything with a null key.
    expect(await c.get('csc:k')).toBe('v2');
    const flushed = new Promise<unknown>((resolve) => cache.once('invalidate', resolve));
    await writer.flushAll();
    expect(await flushed).toBeNull();
    expect(await c.get('csc:k')).toBeNull();
  });
});
