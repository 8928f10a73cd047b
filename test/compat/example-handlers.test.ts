/**
 * The cluster-mode and memcached examples' code against real servers: the rate limiter on a
 * cluster-mode redis-server, the page server on memcached behind a configuration endpoint.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RealServer, startMemcachedProcess, startRedisProcess } from './runtime-servers';
import * as limiter from '../../examples/cluster-mode/handler';
import { pageServer } from '../../examples/memcached/server/page-server';
import { DatabaseCacheClient, databaseCache } from '../../src/runtime';
import { fakeConfigEndpoint, localContract } from '../runtime/support';

describe('example code on real servers', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  test('cluster-mode: the rate limiter counts per caller and minute over the cluster', async () => {
    const server: RealServer = await startRedisProcess({ cluster: true });
    try {
      Object.assign(process.env, localContract(server, { MODE: 'cluster' }, 'LIMITS'), { REQUESTS_PER_MINUTE: '3' });
      const t = Date.parse('2025-06-01T10:00:30Z');
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await limiter.handler({ caller: 'key-a' }, t));
      expect(results.map((r) => [r.allowed, r.remaining])).toEqual([[true, 2], [true, 1], [true, 0], [false, 0]]);
      expect(results[0].resetSeconds).toBe(30);
      expect((await limiter.handler({ caller: 'key-b' }, t)).allowed).toBe(true);
      expect((await limiter.handler({ caller: 'key-a' }, t + 60_000)).remaining).toBe(2);
      await expect(limiter.handler({ caller: 'has space' }, t)).rejects.toThrow('caller must be 1 to 100 word characters');
    } finally {
      await limiter.close();
      await server.stop();
    }
  });

  test('memcached: pages are rendered once and then served from the cache', async () => {
    const node = await startMemcachedProcess();
    const endpoint = await fakeConfigEndpoint(() => `1\nlocalhost|127.0.0.1|${node.port}\n`);
    const cache = databaseCache({
      prefix: 'PAGES',
      ttlSeconds: 300,
      memcachedRediscoverMs: 0,
      env: { PAGES_ENGINE: 'memcached', PAGES_MODE: 'memcached', PAGES_HOST: '127.0.0.1', PAGES_PORT: String(endpoint.port), PAGES_TLS: 'false', PAGES_AUTH: 'none' },
    });
    const rendered: string[] = [];
    const web = pageServer(async (slug) => { rendered.push(slug); return `<h1>${slug}</h1>`; }, cache);
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
    try {
      const pages = await Promise.all(Array.from({ length: 5 }, () => fetch(`${base}/pages/home`).then(async (r) => [r.status, await r.text()])));
      expect(pages).toEqual(Array(5).fill([200, '<h1>home</h1>']));
      expect(await (await fetch(`${base}/pages/home`)).text()).toBe('<h1>home</h1>');
      expect(rendered).toEqual(['home']);
      expect((await fetch(`${base}/nope`)).status).toBe(404);
    } finally {
      web.closeAllConnections();
      await new Promise((r) => web.close(r));
      await cache.close();
      await endpoint.close();
      await node.stop();
    }
  });

  test('the page server reports a failing renderer', async () => {
    // No cache needed to see the error path: a pass-through that always loads.
    const passThrough = { cacheAside: (_key: string, load: () => Promise<string>) => load() } as unknown as DatabaseCacheClient;
    const web: http.Server = pageServer(async () => { throw new Error('template missing'); }, passThrough);
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(web.address() as AddressInfo).port}/pages/x`);
      expect([res.status, await res.text()]).toEqual([500, 'template missing\n']);
    } finally {
      web.closeAllConnections();
      await new Promise((r) => web.close(r));
    }
  });
});
