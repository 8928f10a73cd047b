import { Redis } from 'ioredis';
import { localContract } from './support';
import { RunningRedisServer, startRedisServer } from '../../src/local';
import { sessionStore } from '../../src/runtime';

describe('sessionStore', () => {
  let server: RunningRedisServer;
  let raw: Redis;

  beforeAll(async () => {
    server = await startRedisServer();
    raw = new Redis({ host: '127.0.0.1', port: server.port });
  });
  afterAll(async () => {
    raw.disconnect();
    await server.stop();
  });

  test('set, get, touch and destroy, with the contract\'s session TTL', async () => {
    // GIVEN a store whose contract says sessions last 600 seconds
    const sessions = sessionStore<{ user: string; cart: number[] }>({ env: localContract(server, { SESSION_TTL: '600' }) });

    // WHEN
    await sessions.set('abc', { user: 'ana', cart: [1, 2] });

    // THEN
    expect(await sessions.get('abc')).toEqual({ user: 'ana', cart: [1, 2] });
    expect(await raw.get('session:abc')).toBe('{"user":"ana","cart":[1,2]}');
    expect(await raw.ttl('session:abc')).toBe(600);
    expect(await sessions.defaultTtlSeconds()).toBe(600);

    await raw.expire('session:abc', 5);
    expect(await sessions.touch('abc')).toBe(true);
    expect(await raw.ttl('session:abc')).toBe(600);
    expect(await sessions.touch('abc', 30)).toBe(true);
    expect(await raw.ttl('session:abc')).toBe(30);

    await sessions.destroy('abc');
    expect(await sessions.get('abc')).toBeUndefined();
    expect(await sessions.touch('abc')).toBe(false);
    await sessions.close();
  });

  test('a TTL per session, a key prefix and an explicit default', async () => {
    const sessions = sessionStore({ env: localContract(server, { SESSION_TTL: '600' }), keyPrefix: 'app1:sess:', ttlSeconds: 120 });
    await sessions.set('s1', { n: 1 });
    await sessions.set('s2', { n: 2 }, { ttlSeconds: 10 });
    expect(await raw.ttl('app1:sess:s1')).toBe(120);
    expect(await raw.ttl('app1:sess:s2')).toBe(10);
    await sessions.close();
  });

  test('expired sessions are gone', async () => {
    const sessions = sessionStore({ env: localContract(server) });
    await sessions.set('short', { a: 1 }, { ttlSeconds: 1 });
    await raw.pexpire('session:short', 20);
    await new Promise((r) => setTimeout(r, 40));
    expect(await sessions.get('short')).toBeUndefined();
    expect(await sessions.defaultTtlSeconds()).toBe(1800);
    await sessions.close();
  });

  test('a given client is used and not closed', async () => {
    const client = new Redis({ host: '127.0.0.1', port: server.port });
    const sessions = sessionStore({ client, env: {} });
    await sessions.set('given', { ok: true });
    expect(await sessions.client()).toBe(client);
    expect(await sessions.defaultTtlSeconds()).toBe(1800);
    await sessions.close();
    expect(await client.get('session:given')).toBe('{"ok":true}');
    client.disconnect();
  });

  test('a custom serializer', async () => {
    const sessions = sessionStore<string>({
      env: localContract(server),
      serializer: { serialize: (v) => Buffer.from(v, 'utf8').toString('base64'), deserialize: (bytes) => Buffer.from(bytes.toString(), 'base64').toString('utf8') },
    });
    await sessions.set('b64', 'héllo');
    expect(await raw.get('session:b64')).toBe(Buffer.from('héllo').toString('base64'));
    expect(await sessions.get('b64')).toBe('héllo');
    await sessions.close();
  });

  test.each([
    ['an empty id', '', 'A session id must be 1 to 200 characters without spaces or control characters'],
    ['an id with a space', 'a b', 'A session id must be 1 to 200 characters without spaces or control characters'],
    ['a long id', 'x'.repeat(201), 'A session id must be 1 to 200 characters without spaces or control characters'],
  ])('rejects %s', async (_name, id, message) => {
    const sessions = sessionStore({ env: localContract(server) });
    await expect(sessions.get(id)).rejects.toThrow(message);
    await sessions.close();
  });

  test('rejects bad TTLs', async () => {
    expect(() => sessionStore({ ttlSeconds: 0 })).toThrow('ttlSeconds must be a whole number of seconds, at least 1, got 0');
    const sessions = sessionStore({ env: localContract(server) });
    await expect(sessions.set('x', {}, { ttlSeconds: 1.5 })).rejects.toThrow('ttlSeconds must be a whole number of seconds, at least 1, got 1.5');
    await sessions.close();
  });

  test('without a contract, the first call says how to get one', async () => {
    const sessions = sessionStore({ env: {} });
    await expect(sessions.get('x')).rejects.toThrow(/No cache connection contract found/);
  });
});
