/**
 * GET /products/{id} reads through the cache (cache-aside: one database read per key however
 * many requests arrive together); PUT updates the database, then the cache, as the contract's
 * invalidation strategy says. No endpoint, port, certificate or password in this file.
 */
import { Product, ProductRepository, postgresProducts } from './products';
import { DatabaseCacheClient, databaseCache } from '../../src/runtime';
import { HttpEvent, HttpResult, json, jsonBody } from '../shared/http';
// In an application: import { databaseCache } from 'cdk-elasticache/runtime';

export function createHandler(products: ProductRepository, cache: DatabaseCacheClient = databaseCache()) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    const id = event.pathParameters?.id ?? '';
    if (!/^[A-Za-z0-9-]{1,64}$/.test(id)) return json(400, { message: 'the product id must be 1 to 64 letters, digits or hyphens' });
    const key = `product:${id}`;
    if (event.requestContext.http.method === 'GET') {
      const product = await cache.cacheAside(key, async () => (await products.find(id)) ?? null);
      return product === null ? json(404, { id }) : json(200, product);
    }
    if (event.requestContext.http.method === 'PUT') {
      const changes = jsonBody(event) as { name?: unknown; priceCents?: unknown } | undefined;
      const valid = changes !== undefined && changes !== null &&
        (changes.name === undefined || typeof changes.name === 'string') &&
        (changes.priceCents === undefined || Number.isInteger(changes.priceCents));
      if (!valid) return json(400, { message: 'the body must be {"name"?: string, "priceCents"?: integer}' });
      const updated: Product | undefined = await cache.write(key, () => products.update(id, changes as { name?: string; priceCents?: number }));
      return updated === undefined ? json(404, { id }) : json(200, updated);
    }
    return json(405, { message: `method ${event.requestContext.http.method} is not supported` });
  };
}

export const handler = createHandler(postgresProducts());
