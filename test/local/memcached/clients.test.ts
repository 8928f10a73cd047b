import Memcached from 'memcached';
import * as memjs from 'memjs';
import { RawClient } from './helpers';
import { MemcachedServer, startMemcachedServer } from '../../../src/local';

/** Real clients are the judges: memjs (binary protocol) and memcached (text, consistent hashing). */

function call<T>(fn: (cb: (err: unknown, result: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, result) => (err ? reject(err) : resolve(result))));
}

async function currItems(server: MemcachedServer): Promise<number> {
  const c = await RawClient.connect(server.port);
  try {
    const stats = await c.sendUntil('stats\r\n', 'END\r\n');
    return Number(/STAT curr_items (\d+)/.exec(stats)![1]);
  } finally {
    c.close();
  }
}

describe('a three-node local cluster with real clients', () => {
  let servers: MemcachedServer[];
  beforeAll(async () => {
    servers = await Promise.all([0, 1, 2].map(() => startMemcachedServer()));
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });
  beforeEach(async () => {
    await Promise.all(servers.map(async (s) => {
      const c = await RawClient.connect(s.port);
      await c.expect('flush_all\r\n', 'OK\r\n');
      c.close();
    }));
  });
  const locations = () => servers.map((s) => `127.0.0.1:${s.port}`);

  test('memcached (text protocol) spreads keys over the nodes by consistent hashing', async () => {
    const client = new Memcached(locations(), { retries: 0, timeout: 2000 });
    try {
      for (let i = 0; i < 300; i++) await call<boolean>((cb) => client.set(`user:${i}`, { id: i, name: `n${i}` }, 600, cb));
      const counts = await Promise.all(servers.map(currItems));
      expect(counts.reduce((a, b) => a + b)).toBe(300);
      for (const n of counts) expect(n).toBeGreaterThan(40);
      // Each key lives on exactly the node the hash ring picks.
      const ring = (client as unknown as { HashRing: { get(key: string): string } }).HashRing;
      const direct = await RawClient.connect(Number(ring.get('user:7').split(':')[1]));
      const reply = await direct.sendUntil('get user:7\r\n', 'END\r\n');
      direct.close();
      expect(reply).toBe('VALUE user:7 2 20\r\n{"id":7,"name":"n7"}\r\nEND\r\n');
      const all = await call<Record<string, unknown>>((cb) => client.getMulti(['user:1', 'user:2', 'user:299', 'nope'], cb));
      expect(all).toEqual({ 'user:1': { id: 1, name: 'n1' }, 'user:2': { id: 2, name: 'n2' }, 'user:299': { id: 299, name: 'n299' } });
    } finally {
      client.end();
    }
  });

  test('memcached: gets/cas, add, replace, append, incr, touch and del', async () => {
    const client = new Memcached(locations(), { retries: 0, timeout: 2000 });
    try {
      expect(await call<boolean>((cb) => client.set('counter', 10, 0, cb))).toBe(true);
      expect(await call<number | boolean>((cb) => client.incr('counter', 5, cb))).toBe(15);
      expect(await call<number | boolean>((cb) => client.decr('counter', 20, cb))).toBe(0);
      expect(await call<number | boolean>((cb) => client.incr('missing', 1, cb))).toBe(false);
      // decr pads the value in place ("0 "), which the client reads back as the number 0.
      const gets = await call<{ cas: string; counter: unknown }>((cb) => client.gets('counter', cb as never));
      expect(gets.counter).toBe(0);
      expect(await call<boolean>((cb) => client.cas('counter', 'new', gets.cas, 0, cb))).toBe(true);
      expect(await call<boolean>((cb) => client.cas('counter', 'stale', gets.cas, 0, cb))).toBe(false);
      expect(await call<unknown>((cb) => client.get('counter', cb))).toBe('new');
      await expect(call<boolean>((cb) => client.add('counter', 'x', 0, cb))).rejects.toThrow('Item is not stored');
      expect(await call<boolean>((cb) => client.replace('counter', 'replaced', 0, cb))).toBe(true);
      expect(await call<boolean>((cb) => client.append('counter', '!', cb))).toBe(true);
      expect(await call<boolean>((cb) => client.prepend('counter', '>', cb))).toBe(true);
      expect(await call<unknown>((cb) => client.get('counter', cb))).toBe('>replaced!');
      expect(await call<boolean>((cb) => client.touch('counter', 100, cb as (err: unknown) => void))).toBe(true);
      expect(await call<boolean>((cb) => client.del('counter', cb))).toBe(true);
      expect(await call<unknown>((cb) => client.get('counter', cb))).toBeUndefined();
      const versions = await call<Array<{ version: string }>>((cb) => client.version(cb as never));
      expect(versions.map((v) => v.version)).toEqual(['1.6.18', '1.6.18', '1.6.18']);
    } finally {
      client.end();
    }
  });

  test('memjs (binary protocol) stores, counts and deletes across the nodes', async () => {
    const client = memjs.Client.create(locations().join(','), { retries: 0, timeout: 2 });
    try {
      for (let i = 0; i < 90; i++) expect(await client.set(`session:${i}`, `payload-${i}`, { expires: 600 })).toBe(true);
      const counts = await Promise.all(servers.map(currItems));
      expect(counts.reduce((a, b) => a + b)).toBe(90);
      for (const n of counts) expect(n).toBeGreaterThan(0);
      expect((await client.get('session:42')).value?.toString()).toBe('payload-42');
      expect((await client.get('nope')).value).toBeNull();
      expect(await client.add('session:42', 'x')).toBe(false);
      expect(await client.replace('session:42', 'y')).toBe(true);
      expect(await client.increment('hits', 5, { initial: 100 })).toEqual({ success: true, value: 100 });
      expect(await client.increment('hits', 5, {})).toEqual({ success: true, value: 105 });
      expect(await client.decrement('hits', 500, {})).toEqual({ success: true, value: 0 });
      expect(await client.append('session:42', '+')).toBe(true);
      expect((await client.get('session:42')).value?.toString()).toBe('y+');
      expect(await client.touch('session:42', 10)).toBe(true);
      expect(await client.delete('session:42')).toBe(true);
      expect(await client.delete('session:42')).toBe(false);
    } finally {
      client.close();
    }
  });
});

describe('SASL PLAIN authentication', () => {
  let server: MemcachedServer;
  beforeAll(async () => {
    server = await startMemcachedServer({ sasl: { users: { app: 's3cret' } } });
  });
  afterAll(() => server.stop());

  test('memjs authenticates and works', async () => {
    const client = memjs.Client.create(`127.0.0.1:${server.port}`, { username: 'app', password: 's3cret', retries: 0, timeout: 2 });
    try {
      expect(await client.set('k', 'v')).toBe(true);
      expect((await client.get('k')).value?.toString()).toBe('v');
    } finally {
      client.close();
    }
  });

  test('a wrong password is refused', async () => {
    const client = memjs.Client.create(`127.0.0.1:${server.port}`, { username: 'app', password: 'wrong', retries: 0, timeout: 1, logger: { log: () => undefined } });
    try {
      await expect(client.get('k')).rejects.toBe('Memcached server authentication failed!');
    } finally {
      client.close();
    }
  });

  test('the text protocol is refused, as memcached with SASL does', async () => {
    const c = await RawClient.connect(server.port);
    c.socket.write('get k\r\n');
    expect(await c.waitClosed()).toBe(true);
    expect(await c.read(1, 10)).toHaveLength(0);
  });
});
