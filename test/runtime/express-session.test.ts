/**
 * Express-style sessions: express-session with connect-redis 7 (the last major that takes an
 * ioredis client) on createRedisClient()'s client, as the README shows, over a plain HTTP server.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import RedisStore from 'connect-redis';
import session from 'express-session';
import { Redis } from 'ioredis';
import { localContract } from './support';
import { RunningRedisServer, startRedisServer } from '../../src/local';
import { RedisClient, connectionFromEnv, createRedisClient } from '../../src/runtime';

describe('express-session with connect-redis and our client', () => {
  let server: RunningRedisServer;
  let client: RedisClient;
  let web: http.Server;
  let url: string;
  let raw: Redis;

  beforeAll(async () => {
    server = await startRedisServer();
    raw = new Redis({ host: '127.0.0.1', port: server.port });
    const env = localContract(server, { SESSION_TTL: '900' });

    // What an application writes (README, "Express"):
    client = await createRedisClient({ env });
    const store = new RedisStore({ client, prefix: 'sess:', ttl: connectionFromEnv('CACHE', env).sessionTtlSeconds });
    const middleware = session({ store, secret: 'test-secret', resave: false, saveUninitialized: false, name: 'sid' });

    web = http.createServer((req, res) => {
      middleware(req as any, res as any, () => {
        const s = (req as any).session as { visits?: number; save(cb: (e?: unknown) => void): void };
        s.visits = (s.visits ?? 0) + 1;
        s.save(() => {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ visits: s.visits }));
        });
      });
    });
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(web.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    web.closeAllConnections();
    await new Promise((r) => web.close(r));
    client.disconnect();
    raw.disconnect();
    await server.stop();
  });

  const get = async (cookie?: string) => {
    const res = await fetch(url, { headers: cookie ? { cookie } : {} });
    return { body: await res.json() as { visits: number }, cookie: res.headers.get('set-cookie')?.split(';')[0] };
  };

  test('a session survives across requests, in the cache with the contract\'s TTL', async () => {
    const first = await get();
    expect(first.body).toEqual({ visits: 1 });
    expect(first.cookie).toMatch(/^sid=/);
    const second = await get(first.cookie);
    expect(second.body).toEqual({ visits: 2 });

    const sid = decodeURIComponent(first.cookie!.slice('sid='.length)).replace(/^s:/, '').split('.')[0];
    const stored = JSON.parse((await raw.get(`sess:${sid}`))!);
    expect(stored.visits).toBe(2);
    expect(await raw.ttl(`sess:${sid}`)).toBe(900);

    // A request without the cookie starts a new session.
    expect((await get()).body).toEqual({ visits: 1 });
  });
});
