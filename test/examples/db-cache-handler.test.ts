/**
 * The db-cache example's handler on the local engine, with the contract a DatabaseCache writes
 * (onWrite invalidation, a TTL with jitter) and an in-memory product table standing in for Aurora.
 */
import { Redis } from 'ioredis';
import { createHandler } from '../../examples/db-cache/handler';
import type { Product, ProductRepository } from '../../examples/db-cache/products';
import type { HttpEvent } from '../../examples/shared/http';
import { RunningRedisServer, startRedisServer } from '../../src/local';
import { DatabaseCacheClient, databaseCache } from '../../src/runtime';
import { localContract } from '../runtime/support';

describe('db-cache handler', () => {
  let server: RunningRedisServer;
  let raw: Redis;
  let cache: DatabaseCacheClient;
  const table = new Map<string, Product>();
  const reads: string[] = [];
  const products: ProductRepository = {
    async find(id) {
      reads.push(id);
      await new Promise((r) => setTimeout(r, 20));
      return table.get(id);
    },
    async update(id, changes) {
      const current = table.get(id);
      if (!current) return undefined;
      const next = { ...current, ...changes };
      table.set(id, next);
      return next;
    },
  };

  beforeAll(async () => {
    server = await startRedisServer();
    raw = new Redis({ host: '127.0.0.1', port: server.port });
    cache = databaseCache({
      env: localContract(server, { TTL: '600', TTL_JITTER: '0.1', INVALIDATION: 'write', DB_HOST: 'db.local', DB_PORT: '5432' }),
    });
  });
  afterAll(async () => {
    await cache.close();
    raw.disconnect();
    await server.stop();
  });
  beforeEach(async () => {
    await raw.flushall();
    table.clear();
    reads.length = 0;
    table.set('lamp', { id: 'lamp', name: 'Desk lamp', priceCents: 2599 });
  });

  const request = (method: string, id: string, body?: unknown): HttpEvent => ({
    requestContext: { http: { method } }, pathParameters: { id }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const call = async (event: HttpEvent) => {
    const result = await createHandler(products, cache)(event);
    return { status: result.statusCode, body: JSON.parse(result.body!) };
  };

  test('concurrent reads of a product reach the database once; the entry has the jittered TTL', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => call(request('GET', 'lamp'))));
    expect(new Set(results.map((r) => JSON.stringify(r)))).toEqual(new Set([JSON.stringify({ status: 200, body: { id: 'lamp', name: 'Desk lamp', priceCents: 2599 } })]));
    expect(reads).toEqual(['lamp']);
    const ttl = await raw.ttl('product:lamp');
    expect(ttl).toBeGreaterThanOrEqual(540);
    expect(ttl).toBeLessThanOrEqual(660);
  });

  test('a write updates the database and invalidates the entry, so the next read is fresh', async () => {
    await call(request('GET', 'lamp'));
    expect(await call(request('PUT', 'lamp', { priceCents: 1999 }))).toEqual({ status: 200, body: { id: 'lamp', name: 'Desk lamp', priceCents: 1999 } });
    expect(await raw.exists('product:lamp')).toBe(0);
    expect(await call(request('GET', 'lamp'))).toEqual({ status: 200, body: { id: 'lamp', name: 'Desk lamp', priceCents: 1999 } });
    expect(reads).toEqual(['lamp', 'lamp']);
  });

  test('a missing product is a 404, cached too', async () => {
    expect(await call(request('GET', 'ghost'))).toEqual({ status: 404, body: { id: 'ghost' } });
    expect(await call(request('GET', 'ghost'))).toEqual({ status: 404, body: { id: 'ghost' } });
    expect(reads).toEqual(['ghost']);
    expect(await call(request('PUT', 'ghost', { name: 'x' }))).toEqual({ status: 404, body: { id: 'ghost' } });
  });

  test('rejects bad input', async () => {
    expect((await call(request('GET', 'a b'))).status).toBe(400);
    expect((await call(request('PUT', 'lamp', { priceCents: 'cheap' }))).status).toBe(400);
    expect((await call(request('DELETE', 'lamp'))).status).toBe(405);
  });
});
