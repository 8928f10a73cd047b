/**
 * Each example's application code against the topology its own stack deploys, started locally:
 * the environment comes from `env()` (what the function or instance gets in AWS), not from
 * hand-written settings.
 */
import * as http from 'node:http';
import { App } from 'aws-cdk-lib';
import { ClusterModeStack } from '../../examples/cluster-mode/app';
import * as rateLimiter from '../../examples/cluster-mode/handler';
import { DbCacheStack } from '../../examples/db-cache/app';
import { createHandler } from '../../examples/db-cache/handler';
import type { Product, ProductRepository } from '../../examples/db-cache/products';
import { MemcachedStack } from '../../examples/memcached/app';
import { pageServer } from '../../examples/memcached/server/page-server';
import { LocalElastiCache } from '../../src/local';
import { connectionFromEnv, databaseCache } from '../../src/runtime';

const app = () => new App({ context: { 'aws:cdk:bundling-stacks': [] } });

/** Runs `fn` with `env` merged into process.env (handlers read their contract from it). */
async function withEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return await fn();
  } finally {
    process.env = saved;
  }
}

describe('examples/cluster-mode on a local 3-shard cluster', () => {
  let local: LocalElastiCache;
  beforeAll(async () => {
    local = await LocalElastiCache.start(new ClusterModeStack(app(), 'ClusterMode'));
  });
  afterAll(async () => {
    await rateLimiter.close();
    await local.stop();
  });

  test('the rate limiter counts per caller across shards with the cluster-aware client', async () => {
    const env = local.env('ClusterMode/RateLimiter');
    expect(connectionFromEnv('LIMITS', env).mode).toBe('cluster');
    const now = Date.UTC(2030, 0, 1, 12, 0, 30);
    const results = await withEnv({ ...env, REQUESTS_PER_MINUTE: '3' }, async () => {
      const out = [];
      for (const caller of ['ana', 'bob', 'cy', 'dee', 'eve', 'fay']) {
        for (let i = 0; i < 4; i++) out.push({ caller, ...(await rateLimiter.handler({ caller }, now)) });
      }
      return out;
    });
    for (const caller of ['ana', 'bob', 'cy', 'dee', 'eve', 'fay']) {
      expect(results.filter((r) => r.caller === caller).map((r) => r.allowed)).toEqual([true, true, true, false]);
    }
    expect(results[0]).toMatchObject({ remaining: 2, resetSeconds: 30 });
    // The callers' counters live on more than one shard, each with its expiry.
    const shards = local.cache('ClusterMode/Limits').group!.shards;
    const perShard = shards.map((s) => s.primary.dbs[0].size);
    expect(perShard.filter((n) => n > 0).length).toBeGreaterThan(1);
    expect(perShard.reduce((a, b) => a + b)).toBe(6);
  });
});

describe('examples/db-cache on a local cache in front of an in-memory table', () => {
  let local: LocalElastiCache;
  beforeAll(async () => {
    local = await LocalElastiCache.start(new DbCacheStack(app(), 'DbCache'));
  });
  afterAll(() => local.stop());

  test('cache-aside with the invalidation strategy the DatabaseCache wrote into the contract', async () => {
    const env = local.env('DbCache/ProductHandler');
    expect(env.CACHE_INVALIDATION).toBeDefined();
    const table = new Map<string, Product>([['lamp', { id: 'lamp', name: 'Desk lamp', priceCents: 2599 }]]);
    let reads = 0;
    const products: ProductRepository = {
      async find(id) {
        reads++;
        return table.get(id);
      },
      async update(id, changes) {
        const next = { ...table.get(id)!, ...changes };
        table.set(id, next);
        return next;
      },
    };
    const cache = databaseCache({ env });
    try {
      const handler = createHandler(products, cache);
      const get = async () => JSON.parse((await handler({ requestContext: { http: { method: 'GET' } }, pathParameters: { id: 'lamp' } })).body!);
      expect(await get()).toMatchObject({ name: 'Desk lamp' });
      expect(await get()).toMatchObject({ name: 'Desk lamp' });
      expect(reads).toBe(1);
      await handler({ requestContext: { http: { method: 'PUT' } }, pathParameters: { id: 'lamp' }, body: JSON.stringify({ priceCents: 1999 }) });
      expect(await get()).toMatchObject({ priceCents: 1999 });
    } finally {
      await cache.close();
    }
  });
});

describe('examples/memcached on a local 3-node Memcached cluster', () => {
  let local: LocalElastiCache;
  beforeAll(async () => {
    local = await LocalElastiCache.start(new MemcachedStack(app(), 'MemcachedPages'));
  });
  afterAll(() => local.stop());

  test('the page server renders each page once and serves it from the cache after that', async () => {
    const consumer = local.consumers.find((c) => c.prefixes.includes('PAGES'));
    expect(consumer).toBeDefined();
    const env = local.env(consumer!.logicalId);
    expect(connectionFromEnv('PAGES', env)).toMatchObject({ engine: 'memcached', mode: 'memcached' });
    let renders = 0;
    const cache = databaseCache({ prefix: 'PAGES', ttlSeconds: 300, env });
    const server = pageServer(async (slug) => {
      renders++;
      return `<h1>${slug}</h1>`;
    }, cache);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as { port: number }).port;
    const get = (path: string) => new Promise<{ status: number; body: string }>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path }, (res) => {
        let body = '';
        res.on('data', (d) => { body += d; });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      }).once('error', reject);
    });
    try {
      const pages = ['home', 'about', 'shop', 'faq', 'team', 'jobs'];
      for (const page of pages) expect(await get(`/pages/${page}`)).toEqual({ status: 200, body: `<h1>${page}</h1>` });
      for (const page of pages) expect(await get(`/pages/${page}`)).toEqual({ status: 200, body: `<h1>${page}</h1>` });
      expect(renders).toBe(pages.length);
    } finally {
      server.close();
      await cache.close();
    }
  });
});
