/**
 * A page server for the instances of an auto scaling group: GET /pages/{slug} renders a page
 * (slowly, as real rendering with database queries is) and caches the HTML in Memcached for five
 * minutes, so the fleet renders each page once per five minutes however many instances serve it.
 *
 * The instances get the connection contract in an SSM parameter: the user data exports
 * PAGES_PARAMETER, and the runtime helpers read the parameter on first use.
 */
import * as http from 'node:http';
// In an application: import { databaseCache } from 'cdk-elasticache/runtime';
import { DatabaseCacheClient, databaseCache } from '../../../src/runtime';

/** Renders a page; replace with the application's templates and queries. */
export type Renderer = (slug: string) => Promise<string>;

const renderSlowly: Renderer = async (slug) => {
  await new Promise((resolve) => setTimeout(resolve, 200));
  return `<!doctype html><title>${slug}</title><h1>${slug}</h1><p>Rendered at ${new Date().toISOString()}</p>`;
};

/** The request handler: cache-aside on the page's HTML. */
export function pageServer(render: Renderer = renderSlowly, cache: DatabaseCacheClient = databaseCache({ prefix: 'PAGES', ttlSeconds: 300 })): http.Server {
  return http.createServer((req, res) => {
    const match = /^\/pages\/([a-z0-9-]{1,80})$/.exec(req.url ?? '');
    if (req.method !== 'GET' || !match) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const slug = match[1];
    cache.cacheAside(`page:${slug}`, () => render(slug)).then(
      (html) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html),
      (error: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${error.message}\n`),
    );
  });
}

if (require.main === module) {
  const port = Number(process.env.PORT ?? '8080');
  pageServer().listen(port, () => console.log(`page server on :${port}`));
}
