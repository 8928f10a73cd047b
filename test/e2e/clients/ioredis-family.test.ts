import { once } from 'node:events';
import IORedis, { RedisOptions } from 'ioredis';
import Valkey from 'iovalkey';
import { ACL_USERS, PASSWORD, Servers, allBytes, blockedClients, ca, nodeCert, pseudoRandomBytes, until } from './harness';
import type { RunningRedisServer } from '../../../src/local';

/** What the suite needs of an ioredis-style client; ioredis and its fork iovalkey share it. */
type Client = IORedis;
type Factory = (options: RedisOptions) => Client;

const families: Array<[string, 2 | 3, Factory]> = [
  // ioredis 6 speaks RESP3 (HELLO 3) by default, with RESP2-shaped replies.
  ['ioredis (RESP3)', 3, (o) => new IORedis(o)],
  ['ioredis (RESP2)', 2, (o) => new IORedis({ ...o, protocol: 2 })],
  // iovalkey is a fork of ioredis with the same API (RESP2); its types are structurally the same.
  ['iovalkey', 2, (o) => new Valkey(o as never) as unknown as Client],
];

describe.each(families)('%s', (_name, protocol, create) => {
  const servers = new Servers();
  const clients: Client[] = [];
  let plain: RunningRedisServer;
  let secured: RunningRedisServer;

  function connect(server: RunningRedisServer, options: RedisOptions = {}): Client {
    const c = create({ host: '127.0.0.1', port: server.port, ...options });
    c.on('error', () => undefined);
    clients.push(c);
    return c;
  }

  /** Connects with bad credentials: the client reports the server's error as an 'error' event. */
  async function refusedWith(server: RunningRedisServer, options: RedisOptions): Promise<string> {
    const c = connect(server, { ...options, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    const errors: string[] = [];
    c.on('error', (e: Error) => errors.push(e.message));
    await expect(c.connect()).rejects.toThrow(/^Connection is closed\.$/);
    return errors.join('\n');
  }

  beforeAll(async () => {
    plain = await servers.start();
    secured = await servers.start({ password: PASSWORD, users: ACL_USERS });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map(async (c) => {
      // disconnect() on an ended client arms a timer for a stream that has already closed.
      if (c.status === 'end') return;
      const ended = once(c, 'end');
      c.disconnect();
      await ended;
    }));
  });
  afterAll(() => servers.stopAll());

  describe('connecting', () => {
    test('without a password; the ready check reads INFO once', async () => {
      const c = connect(plain, { connectionName: 'ready-check' });
      await once(c, 'ready');
      expect(c.status).toBe('ready');
      expect(await c.set('hello', 'world')).toBe('OK');
      expect(await c.get('hello')).toBe('world');
      const stats = await c.info('commandstats');
      // The ready check's INFO is the only one before this (a command's own call counts after it).
      expect(stats).toMatch(/^cmdstat_info:calls=1,/m);
      const self = [...plain.server.clients.values()].find((x) => x.name === 'ready-check');
      expect(self).toBeDefined();
      expect(await c.client('GETNAME')).toBe('ready-check');
    });

    test('with the AUTH token; a wrong token and no token are refused', async () => {
      const good = connect(secured, { password: PASSWORD });
      expect(await good.ping()).toBe('PONG');
      expect(await refusedWith(secured, { password: 'not-the-token' })).toBe('WRONGPASS invalid username-password pair or user is disabled.');
      if (protocol === 3) {
        // The handshake's HELLO 3 is refused, so the client gives up the connection.
        expect(await refusedWith(secured, {})).toBe('NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time');
      } else {
        const none = connect(secured, { lazyConnect: true, enableReadyCheck: false, retryStrategy: () => null, maxRetriesPerRequest: 0 });
        await none.connect();
        await expect(none.get('x')).rejects.toThrow(/^NOAUTH Authentication required\.$/);
      }
    });

    test('as an ACL user: key patterns apply and the ready check is skipped without INFO', async () => {
      const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
      try {
        const alice = connect(secured, { username: 'alice', password: 'alice-secret-0123456789' });
        await once(alice, 'ready');
        expect(await alice.call('ACL', 'WHOAMI')).toBe('alice');
        expect(await alice.set('app:1', 'one')).toBe('OK');
        expect(await alice.get('app:1')).toBe('one');
        await expect(alice.set('other', 'x')).rejects.toThrow(/^NOPERM No permissions to access a key$/);
        await expect(alice.info()).rejects.toThrow(/^NOPERM User alice has no permissions to run the 'info' command$/);
        expect(warn.mock.calls.map((args) => String(args[0])).join('\n')).toMatch(/Skipping the ready check because INFO command fails: "NOPERM/);
        const bob = connect(secured, { username: 'bob', password: 'bob-secret-0123456789' });
        expect(await bob.call('ACL', 'WHOAMI')).toBe('bob');
        expect(await bob.get('app:1')).toBe('one');
        expect(await refusedWith(secured, { username: 'alice', password: PASSWORD })).toBe('WRONGPASS invalid username-password pair or user is disabled.');
        expect(await refusedWith(secured, { username: 'nobody', password: PASSWORD })).toBe('WRONGPASS invalid username-password pair or user is disabled.');
      } finally {
        warn.mockRestore();
      }
    });

    test('over TLS with the local CA, AUTH and an ACL user', async () => {
      const tlsServer = await servers.start({ tls: nodeCert, password: PASSWORD, users: ACL_USERS });
      const c = connect(tlsServer, { password: PASSWORD, tls: { ca: ca.certPem, servername: 'localhost' } });
      expect(await c.set('secure', allBytes())).toBe('OK');
      expect((await c.getBuffer('secure'))!.equals(allBytes())).toBe(true);
      const bob = connect(tlsServer, { username: 'bob', password: 'bob-secret-0123456789', tls: { ca: ca.certPem, servername: 'localhost' } });
      expect(await bob.call('ACL', 'WHOAMI')).toBe('bob');
      const info = await bob.client('INFO') as string;
      expect(info).toMatch(/ user=bob /);
    });

    test('CLIENT SETNAME, GETNAME, ID and INFO describe the connection', async () => {
      const c = connect(plain);
      expect(await c.client('GETNAME')).toBeNull();
      expect(await c.client('SETNAME', 'worker-7')).toBe('OK');
      expect(await c.client('GETNAME')).toBe('worker-7');
      const id = await c.client('ID') as number;
      expect(Number.isInteger(id)).toBe(true);
      const server = plain.server.clients.get(id);
      expect(server?.name).toBe('worker-7');
      const info = await c.client('INFO') as string;
      expect(info).toMatch(new RegExp(`^id=${id} addr=127\\.0\\.0\\.1:${(c as unknown as { stream: { localPort: number } }).stream.localPort} `));
      expect(info).toContain(' name=worker-7 ');
      expect(info).toContain(' db=0 ');
      expect(info).toContain(' cmd=client|info ');
      expect(info.endsWith('\n')).toBe(true);
      const list = await c.client('LIST') as string;
      expect(list.split('\n').filter((l) => l.includes(' name=worker-7 '))).toHaveLength(1);
    });
  });

  describe('commands', () => {
    test('a pipeline of 600 commands replies in order', async () => {
      const c = connect(plain);
      const p = c.pipeline();
      for (let i = 0; i < 200; i++) p.set(`pipe:${i}`, `v${i}`);
      for (let i = 0; i < 200; i++) p.incrby('pipe:counter', i);
      for (let i = 0; i < 200; i++) p.get(`pipe:${i}`);
      const results = await p.exec();
      expect(results).toHaveLength(600);
      expect(results!.slice(0, 200)).toEqual(Array.from({ length: 200 }, () => [null, 'OK']));
      let sum = 0;
      expect(results!.slice(200, 400)).toEqual(Array.from({ length: 200 }, (_, i) => [null, (sum += i)]));
      expect(results!.slice(400)).toEqual(Array.from({ length: 200 }, (_, i) => [null, `v${i}`]));
      expect(await c.get('pipe:counter')).toBe('19900');
    });

    test('a pipeline with an error in the middle keeps the other replies', async () => {
      const c = connect(plain);
      await c.del('pipe:list');
      const results = await c.pipeline().rpush('pipe:list', 'a').incr('pipe:list').llen('pipe:list').exec();
      expect(results![0]).toEqual([null, 1]);
      expect(results![1][0]!.message).toBe('WRONGTYPE Operation against a key holding the wrong kind of value');
      expect(results![2]).toEqual([null, 1]);
    });

    test('MULTI/EXEC runs queued commands; WATCH makes EXEC return null after a conflicting write', async () => {
      const c = connect(plain);
      const other = connect(plain);
      await c.del('tx:n');
      expect(await c.multi().set('tx:n', '1').incr('tx:n').get('tx:n').exec()).toEqual([[null, 'OK'], [null, 2], [null, '2']]);

      expect(await c.watch('tx:n')).toBe('OK');
      expect(await other.set('tx:n', '100')).toBe('OK');
      expect(await c.multi().incr('tx:n').exec()).toBeNull();
      expect(await c.get('tx:n')).toBe('100');

      // Without a conflicting write the same transaction applies.
      expect(await c.watch('tx:n')).toBe('OK');
      expect(await c.multi().incr('tx:n').exec()).toEqual([[null, 101]]);

      // A runtime error does not abort the rest; a queueing error aborts EXEC.
      const mixed = await c.multi().set('tx:s', 'x').lpush('tx:s', 'y').get('tx:s').exec();
      expect(mixed![0]).toEqual([null, 'OK']);
      expect(mixed![1][0]!.message).toBe('WRONGTYPE Operation against a key holding the wrong kind of value');
      expect(mixed![2]).toEqual([null, 'x']);
      await expect(c.multi().set('tx:s', 'y').call('SET', 'tx:s').exec()).rejects.toThrow(/^EXECABORT Transaction discarded because of previous errors\.$/);
      expect(await c.get('tx:s')).toBe('x');
    });

    test('binary values and keys: every byte value round-trips through getBuffer', async () => {
      const c = connect(plain);
      const bytes = allBytes(4);
      const key = Buffer.concat([Buffer.from('bin:'), allBytes()]);
      expect(await c.set(key, bytes)).toBe('OK');
      expect(await c.strlen(key)).toBe(1024);
      const back = await c.getBuffer(key);
      expect(back!.equals(bytes)).toBe(true);
      await c.hset('bin:hash', allBytes(), allBytes().reverse());
      const hash = await c.hgetallBuffer('bin:hash');
      expect(Object.keys(hash)).toHaveLength(1);
      expect((await c.hgetBuffer('bin:hash', allBytes()))!.equals(allBytes().reverse())).toBe(true);
      await c.del('bin:list');
      await c.rpush('bin:list', Buffer.from([0]), Buffer.from([255, 0, 13, 10]), Buffer.alloc(0));
      expect(await c.lrangeBuffer('bin:list', 0, -1)).toEqual([Buffer.from([0]), Buffer.from([255, 0, 13, 10]), Buffer.alloc(0)]);
    });

    test('a 10 MB value is stored and read back intact', async () => {
      const c = connect(plain);
      const big = pseudoRandomBytes(10 * 1024 * 1024, 7);
      expect(await c.set('big', big)).toBe('OK');
      expect(await c.strlen('big')).toBe(10 * 1024 * 1024);
      const back = await c.getBuffer('big');
      expect(back!.length).toBe(big.length);
      expect(back!.equals(big)).toBe(true);
      expect((await c.getrangeBuffer('big', 5_000_000, 5_000_009)).equals(big.subarray(5_000_000, 5_000_010))).toBe(true);
      expect(await c.del('big')).toBe(1);
    });

    test('scanStream visits thousands of keys exactly once; hscanStream and sscanStream likewise', async () => {
      const c = connect(plain);
      const n = 3000;
      const p = c.pipeline();
      for (let i = 0; i < n; i++) p.set(`scan:${i}`, '1');
      for (let i = 0; i < 100; i++) p.set(`noscan:${i}`, '1');
      for (let i = 0; i < 1500; i++) p.hset('scan-hash', `f${i}`, String(i));
      for (let i = 0; i < 1500; i++) p.sadd('scan-set', `m${i}`);
      await p.exec();
      const seen: string[] = [];
      const stream = c.scanStream({ match: 'scan:*', count: 100 });
      for await (const batch of stream) seen.push(...(batch as string[]));
      expect(seen).toHaveLength(n);
      expect(new Set(seen).size).toBe(n);
      expect(seen.sort()).toEqual(Array.from({ length: n }, (_, i) => `scan:${i}`).sort());

      const fields = new Map<string, string>();
      let pairs = 0;
      for await (const batch of c.hscanStream('scan-hash', { count: 50 })) {
        const flat = batch as string[];
        for (let i = 0; i < flat.length; i += 2) fields.set(flat[i], flat[i + 1]);
        pairs += flat.length / 2;
      }
      expect(pairs).toBe(1500);
      expect(fields.size).toBe(1500);
      expect(fields.get('f1234')).toBe('1234');

      const members: string[] = [];
      for await (const batch of c.sscanStream('scan-set', { count: 70 })) members.push(...(batch as string[]));
      expect(members).toHaveLength(1500);
      expect(new Set(members).size).toBe(1500);
    });
  });

  describe('pub/sub', () => {
    test('SUBSCRIBE and PSUBSCRIBE deliver messages with their channel and pattern', async () => {
      const sub = connect(plain);
      const pub = connect(plain);
      expect(await sub.subscribe('news', 'sports')).toBe(2);
      expect(await sub.psubscribe('weather.*')).toBe(3);
      const messages: string[][] = [];
      sub.on('message', (channel: string, message: string) => messages.push(['message', channel, message]));
      sub.on('pmessage', (pattern: string, channel: string, message: string) => messages.push(['pmessage', pattern, channel, message]));
      const binary: Buffer[] = [];
      sub.on('messageBuffer', (_channel: Buffer, message: Buffer) => binary.push(message));
      expect(await pub.publish('news', 'headline')).toBe(1);
      expect(await pub.publish('weather.paris', 'rain')).toBe(1);
      expect(await pub.publish('nobody', 'x')).toBe(0);
      expect(await pub.publish('sports', allBytes())).toBe(1);
      expect(await pub.call('PUBSUB', 'NUMSUB', 'news', 'sports', 'nobody')).toEqual(['news', 1, 'sports', 1, 'nobody', 0]);
      expect(await pub.call('PUBSUB', 'NUMPAT')).toBe(1);
      await until(() => messages.length === 3, 'three messages');
      expect(messages[0]).toEqual(['message', 'news', 'headline']);
      expect(messages[1]).toEqual(['pmessage', 'weather.*', 'weather.paris', 'rain']);
      expect(messages[2][0]).toBe('message');
      expect(messages[2][1]).toBe('sports');
      expect(binary[1].equals(allBytes())).toBe(true);

      expect(await sub.unsubscribe('news')).toBe(2);
      expect(await pub.publish('news', 'late')).toBe(0);
      expect(await sub.punsubscribe('weather.*')).toBe(1);
      expect(await sub.unsubscribe('sports')).toBe(0);
      // Out of subscriber mode, ordinary commands work again.
      expect(await sub.ping()).toBe('PONG');
    });
  });

  describe('blocking commands', () => {
    test('BLPOP with a timeout returns null after about the timeout', async () => {
      const c = connect(plain);
      const started = Date.now();
      expect(await c.blpop('empty:list', 0.2)).toBeNull();
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(190);
      expect(took).toBeLessThan(1500);
    });

    test('a blocked BLPOP is woken by a push from another client', async () => {
      const waiter = connect(plain);
      const pusher = connect(plain);
      await waiter.ping();
      await pusher.del('jobs');
      const popped = waiter.blpop('jobs', 'jobs:other', 5);
      await until(() => blockedClients(plain) === 1, 'the client to block');
      expect(await pusher.rpush('jobs:other', 'j1', 'j2')).toBe(2);
      expect(await popped).toEqual(['jobs:other', 'j1']);
      expect(await pusher.lrange('jobs:other', 0, -1)).toEqual(['j2']);
    });

    test('BZPOPMIN pops the lowest score or waits for one', async () => {
      const c = connect(plain);
      const other = connect(plain);
      await c.del('bz', 'bz:later');
      await c.zadd('bz', 2, 'b', 1, 'a', 3, 'c');
      expect(await c.bzpopmin('bz', 1)).toEqual(['bz', 'a', '1']);
      const later = c.bzpopmin('bz:later', 5);
      await until(() => blockedClients(plain) === 1, 'the client to block');
      await other.zadd('bz:later', 2.5, 'x', 1.5, 'y');
      expect(await later).toEqual(['bz:later', 'y', '1.5']);
      expect(await c.bzpopmin('bz:empty', 0.05)).toBeNull();
    });
  });

  describe('reconnecting', () => {
    test('after stop() and a restart on the same port the client reconnects and runs queued commands', async () => {
      const own = await servers.start();
      const port = own.port;
      const c = connect(own, { retryStrategy: () => 20 });
      expect(await c.set('before', '1')).toBe('OK');
      const closed = once(c, 'close');
      await own.stop();
      await closed;
      expect(c.status).not.toBe('ready');
      // Queued in the offline queue until the server is back.
      const queued = c.set('after', '2');
      const restarted = await servers.start({ port });
      expect(restarted.port).toBe(port);
      expect(await queued).toBe('OK');
      expect(c.status).toBe('ready');
      // A new process has an empty keyspace.
      expect(await c.get('before')).toBeNull();
      expect(await c.get('after')).toBe('2');
    });
  });
});

describe('ioredis RESP3 reply mapping', () => {
  const servers = new Servers();
  let server: RunningRedisServer;
  let c: IORedis;
  beforeAll(async () => {
    server = await servers.start();
    c = new IORedis({ host: '127.0.0.1', port: server.port, protocol: 3, replyMapping: 'resp3' });
  });
  afterAll(async () => {
    const ended = once(c, 'end');
    c.disconnect();
    await ended;
    await servers.stopAll();
  });

  test('maps arrive as objects and doubles as numbers; the connection speaks RESP3', async () => {
    await c.hset('m', 'a', '1', 'b', '2');
    expect(await c.call('HGETALL', 'm')).toEqual({ a: '1', b: '2' });
    await c.zadd('z', 2.5, 'x');
    expect(await c.call('ZSCORE', 'z', 'x')).toBe(2.5);
    expect(await c.call('ZSCORE', 'z', 'none')).toBeNull();
    expect(await c.call('CONFIG', 'GET', 'hz')).toEqual({ hz: '10' });
    const id = await c.client('ID') as number;
    expect(server.server.clients.get(id)?.w.resp).toBe(3);
  });

  test('a subscribed RESP3 connection still runs ordinary commands', async () => {
    const sub = new IORedis({ host: '127.0.0.1', port: server.port, protocol: 3 });
    try {
      const got: string[] = [];
      sub.on('message', (_channel: string, message: string) => got.push(message));
      expect(await sub.subscribe('r3')).toBe(1);
      expect(await sub.set('r3:k', 'v')).toBe('OK');
      expect(await c.publish('r3', 'pushed')).toBe(1);
      expect(await sub.get('r3:k')).toBe('v');
      await until(() => got.length === 1, 'the push message');
      expect(got).toEqual(['pushed']);
    } finally {
      const ended = once(sub, 'end');
      sub.disconnect();
      await ended;
    }
  });
});
