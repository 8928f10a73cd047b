/**
 * The runtime helpers against real memcached nodes behind a stand-in configuration endpoint
 * (auto discovery), in plain text and over TLS.
 */
import * as net from 'node:net';
import * as memjs from 'memjs';
import { RealServer, startMemcachedProcess } from './runtime-servers';
import { MemcachedClient, createClient, createMemcachedClient, databaseCache, sessionStore } from '../../src/runtime';
import { fakeConfigEndpoint, localTls } from '../runtime/support';

type Endpoint = Awaited<ReturnType<typeof fakeConfigEndpoint>>;

describe('runtime helpers on memcached', () => {
  const nodes: RealServer[] = [];
  const endpoints: Endpoint[] = [];
  const clients: MemcachedClient[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const e of endpoints.splice(0)) await e.close();
    for (const n of nodes.splice(0)) await n.stop();
  });

  const contract = (endpoint: Endpoint, extra: Record<string, string> = {}) => ({
    CACHE_ENGINE: 'memcached',
    CACHE_MODE: 'memcached',
    CACHE_HOST: '127.0.0.1',
    CACHE_PORT: String(endpoint.port),
    CACHE_TLS: 'false',
    CACHE_AUTH: 'none',
    CACHE_ID: 'pages',
    ...extra,
  });
  const serverPorts = (client: MemcachedClient) => (client.servers as unknown as Array<{ port: number }>).map((s) => s.port).sort();

  test('auto discovery gives a client over every node; keys spread over them', async () => {
    nodes.push(await startMemcachedProcess(), await startMemcachedProcess());
    const endpoint = await fakeConfigEndpoint(() => `1\n${nodes.map((n) => `localhost|127.0.0.1|${n.port}`).join(' ')}\n`);
    endpoints.push(endpoint);
    const client = await createClient({ env: contract(endpoint) }) as MemcachedClient;
    clients.push(client);
    expect(serverPorts(client)).toEqual(nodes.map((n) => n.port).sort());
    for (let i = 0; i < 20; i++) await client.set(`key-${i}`, `value-${i}`, { expires: 60 });
    for (let i = 0; i < 20; i++) expect((await client.get(`key-${i}`)).value?.toString()).toBe(`value-${i}`);
    const perNode = await Promise.all((client.servers as unknown as memjs.Server[]).map((s) => new Promise<number>((resolve, reject) => {
      const single = new memjs.Client([s], {});
      single.stats((err, _server, stats) => (err ? reject(err) : resolve(Number(stats?.curr_items))));
    })));
    expect(perNode.every((n) => n > 0)).toBe(true);
    expect(perNode.reduce((a, b) => a + b, 0)).toBe(20);
  });

  test('over TLS: discovery and every node speak TLS with the local CA', async () => {
    nodes.push(await startMemcachedProcess({ tls: true }));
    const endpoint = await fakeConfigEndpoint(() => `1\nlocalhost|127.0.0.1|${nodes[0].port}\n`, { tls: true });
    endpoints.push(endpoint);
    const client = await createMemcachedClient({ env: contract(endpoint, { CACHE_TLS: 'true', CACHE_HOST: 'localhost', CACHE_TLS_CA: localTls().ca.certPem }) });
    clients.push(client);
    const originalConnect = net.connect;
    await client.set('secure', 'yes', { expires: 60 });
    expect((await client.get('secure')).value?.toString()).toBe('yes');
    // TLS was swapped in for memjs's own connect call only.
    expect(net.connect).toBe(originalConnect);
  });

  test('the client follows node changes the configuration endpoint reports', async () => {
    nodes.push(await startMemcachedProcess(), await startMemcachedProcess());
    let config = `1\nlocalhost|127.0.0.1|${nodes[0].port}\n`;
    const endpoint = await fakeConfigEndpoint(() => config);
    endpoints.push(endpoint);
    const client = await createMemcachedClient({ env: contract(endpoint), memcachedRediscoverMs: 50 });
    clients.push(client);
    expect(serverPorts(client)).toEqual([nodes[0].port]);
    config = `2\nlocalhost|127.0.0.1|${nodes[0].port} localhost|127.0.0.1|${nodes[1].port}\n`;
    const deadline = Date.now() + 3000;
    while (serverPorts(client).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(serverPorts(client)).toEqual(nodes.map((n) => n.port).sort());
  });

  test('sessions and cache-aside on Memcached: TTLs, touch, locks with add, versioned keys', async () => {
    nodes.push(await startMemcachedProcess());
    const endpoint = await fakeConfigEndpoint(() => `1\nlocalhost|127.0.0.1|${nodes[0].port}\n`);
    endpoints.push(endpoint);
    const env = contract(endpoint, { CACHE_SESSION_TTL: '60', CACHE_INVALIDATION: 'versioned' });

    const sessions = sessionStore({ env, memcachedRediscoverMs: 0 });
    await sessions.set('s1', { user: 'ana' });
    expect(await sessions.get('s1')).toEqual({ user: 'ana' });
    expect(await sessions.touch('s1', 120)).toBe(true);
    await sessions.destroy('s1');
    expect(await sessions.get('s1')).toBeUndefined();
    expect(await sessions.touch('s1')).toBe(false);
    await sessions.close();

    const a = databaseCache({ env, memcachedRediscoverMs: 0, lock: { pollMs: 10 } });
    const b = databaseCache({ env, memcachedRediscoverMs: 0, lock: { pollMs: 10 } });
    let loads = 0;
    const load = async () => { loads++; await new Promise((r) => setTimeout(r, 100)); return 'row'; };
    const results = await Promise.all([...Array.from({ length: 5 }, () => a.cacheAside('row:1', load)), ...Array.from({ length: 5 }, () => b.cacheAside('row:1', load))]);
    expect(results).toEqual(Array(10).fill('row'));
    expect(loads).toBe(1);
    await a.write('row:1', async () => undefined);
    expect(await b.cacheAside('row:1', async () => 'new row')).toBe('new row');
    await a.close();
    await b.close();
  });
});
