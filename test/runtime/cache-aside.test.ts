import { Redis } from 'ioredis';
import { localContract } from './support';
import { RunningRedisServer, startRedisServer } from '../../src/local';
import { DatabaseCacheClient, DatabaseCacheOptions, databaseCache } from '../../src/runtime';

describe('databaseCache', () => {
  let server: RunningRedisServer;
  let raw: Redis;
  const helpers: DatabaseCacheClient[] = [];
  /** A helper with its own client: a separate process, as far as the cache can tell. */
  const helper = (options: DatabaseCacheOptions = {}, contract: Record<string, string> = {}) => {
    const h = databaseCache({ env: localContract(server, contract), ...options });
    helpers.push(h);
    return h;
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    server = await startRedisServer();
    raw = new Redis({ host: '127.0.0.1', port: server.port });
  });
  afterEach(async () => {
    for (const h of helpers.splice(0)) await h.close();
    await raw.flushall();
  });
  afterAll(async () => {
    raw.disconnect();
    await server.stop();
  });

  test('a miss loads and stores for the contract\'s TTL; a hit does not load', async () => {
    const cache = helper({ random: () => 0.5 }, { TTL: '120' });
    let loads = 0;
    const load = async () => { loads++; return { id: 7, name: 'lamp' }; };
    expect(await cache.cacheAside('product:7', load)).toEqual({ id: 7, name: 'lamp' });
    expect(await cache.cacheAside('product:7', load)).toEqual({ id: 7, name: 'lamp' });
    expect(loads).toBe(1);
    expect(await raw.get('product:7')).toBe('{"id":7,"name":"lamp"}');
    expect(await raw.ttl('product:7')).toBe(120);
    expect(await raw.exists('product:7@lock', 'product:7:lock')).toBe(0);
  });

  test('jitter spreads the TTL by up to the fraction either way', async () => {
    const cache = helper({ random: () => 0 }, { TTL: '100', TTL_JITTER: '0.2' });
    await cache.cacheAside('low', async () => 1);
    const high = helper({ random: () => 0.999999 }, { TTL: '100', TTL_JITTER: '0.2' });
    await high.cacheAside('high', async () => 1);
    await cache.cacheAside('own', async () => 1, { ttl: 10 });
    expect([await raw.ttl('low'), await raw.ttl('high'), await raw.ttl('own')]).toEqual([80, 120, 8]);
  });

  test('undefined is not cached; null is', async () => {
    const cache = helper();
    let loads = 0;
    expect(await cache.cacheAside('nothing', async () => { loads++; return undefined; })).toBeUndefined();
    expect(await cache.cacheAside('nothing', async () => { loads++; return undefined; })).toBeUndefined();
    expect(await cache.cacheAside('empty', async () => { loads++; return null; })).toBeNull();
    expect(await cache.cacheAside('empty', async () => { loads++; return null; })).toBeNull();
    expect(loads).toBe(3);
  });

  test('stampede, one process: 50 concurrent callers, one load', async () => {
    const cache = helper();
    let loads = 0;
    const load = async () => { loads++; await sleep(30); return { v: 'fresh' }; };
    const results = await Promise.all(Array.from({ length: 50 }, () => cache.cacheAside('hot', load)));
    expect(loads).toBe(1);
    expect(new Set(results.map((r) => JSON.stringify(r)))).toEqual(new Set(['{"v":"fresh"}']));
  });

  test('stampede, several processes: the lock in the cache lets one load and the others wait for its value', async () => {
    // GIVEN four helpers with their own clients (four processes) and a slow database
    const processes = Array.from({ length: 4 }, () => helper({ lock: { pollMs: 10 } }));
    let loads = 0;
    const load = async () => { loads++; await sleep(100); return 'from-db'; };

    // WHEN each gets 10 concurrent callers for the same key
    const results = await Promise.all(processes.flatMap((p) => Array.from({ length: 10 }, () => p.cacheAside('report', load))));

    // THEN the database was asked once
    expect(loads).toBe(1);
    expect(results).toEqual(Array(40).fill('from-db'));
    expect(await raw.exists('report:lock')).toBe(0);
  });

  test('a lock holder that fails lets a waiting process load', async () => {
    const a = helper({ lock: { pollMs: 10 } });
    const b = helper({ lock: { pollMs: 10 } });
    const failing = a.cacheAside('flaky', async () => { await sleep(50); throw new Error('database timeout'); });
    await sleep(10);
    const waiting = b.cacheAside('flaky', async () => 'second try');
    await expect(failing).rejects.toThrow('database timeout');
    expect(await waiting).toBe('second try');
    expect(await raw.get('flaky')).toBe('"second try"');
  });

  test('a waiter whose lock holder is too slow loads itself after waitMs', async () => {
    const slow = helper({ lock: { ttlMs: 5000 } });
    const impatient = helper({ lock: { ttlMs: 5000, waitMs: 60, pollMs: 10 } });
    const first = slow.cacheAside('slow', async () => { await sleep(300); return 'slow'; });
    await sleep(10);
    const started = Date.now();
    expect(await impatient.cacheAside('slow', async () => 'impatient')).toBe('impatient');
    expect(Date.now() - started).toBeLessThan(250);
    expect(await first).toBe('slow');
  });

  test('invalidate deletes entries (ttl and write strategies)', async () => {
    const cache = helper({}, { INVALIDATION: 'write' });
    await cache.cacheAside('a', async () => 1);
    await cache.cacheAside('b', async () => 2);
    await cache.invalidate(['a', 'b']);
    expect(await raw.exists('a', 'b')).toBe(0);
    expect(await cache.get('a')).toBeUndefined();
  });

  test('write: ttl leaves the cache alone, write deletes the affected keys', async () => {
    const ttl = helper({}, { INVALIDATION: 'ttl' });
    await ttl.cacheAside('user:1', async () => 'old');
    expect(await ttl.write('user:1', async () => 'db-updated')).toBe('db-updated');
    expect(await ttl.get('user:1')).toBe('old');

    const onWrite = helper({}, { INVALIDATION: 'write' });
    expect(await onWrite.write(['user:1'], async () => 42)).toBe(42);
    expect(await onWrite.get('user:1')).toBeUndefined();
    expect(await onWrite.cacheAside('user:1', async () => 'new')).toBe('new');
  });

  test('versioned keys: writes move readers to a new version, and a slow stale load cannot come back', async () => {
    // GIVEN a versioned cache and a reader that starts loading before a write
    const cache = helper({}, { INVALIDATION: 'versioned' });
    const other = helper({}, { INVALIDATION: 'versioned' });
    let db = 'v1';
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    let started!: () => void;
    const loading = new Promise<void>((r) => { started = r; });
    const slowReader = other.cacheAside('item', async () => { const seen = db; started(); await gate; return seen; });
    await loading;
    const oldVersion = await raw.get('item:version');

    // WHEN the data changes and is invalidated, then the slow load finishes and stores its old value
    await cache.write('item', async () => { db = 'v2'; });
    release();
    expect(await slowReader).toBe('v1');

    // THEN readers see the new data: the stale value sits under the old version, which no one reads
    expect(await cache.cacheAside('item', async () => db)).toBe('v2');
    const version = await raw.get('item:version');
    expect(version).not.toBe(oldVersion);
    expect(await raw.get(`item@${oldVersion}`)).toBe('"v1"');
    expect(await raw.get(`item@${version}`)).toBe('"v2"');
  });

  test('versioned keys: a lost version key starts a fresh version (no old entry is served)', async () => {
    const cache = helper({}, { INVALIDATION: 'versioned' });
    await cache.cacheAside('k', async () => 'first');
    await raw.del('k:version');
    expect(await cache.cacheAside('k', async () => 'reloaded')).toBe('reloaded');
  });

  test('writeThrough writes the database, then the cache', async () => {
    const order: string[] = [];
    const cache = helper({ random: () => 0.5 }, { TTL: '60' });
    await cache.writeThrough('profile:1', { name: 'Ana' }, async (v) => { order.push(`db:${v.name}`); });
    expect(order).toEqual(['db:Ana']);
    expect(await cache.get('profile:1')).toEqual({ name: 'Ana' });
    expect(await raw.ttl('profile:1')).toBe(60);
    await expect(cache.writeThrough('profile:2', 1, async () => { throw new Error('constraint'); })).rejects.toThrow('constraint');
    expect(await raw.exists('profile:2')).toBe(0);
  });

  test('a key prefix applies to entries and versions', async () => {
    const cache = helper({ keyPrefix: 'app:' }, { INVALIDATION: 'versioned' });
    await cache.cacheAside('x', async () => 1);
    const version = await raw.get('app:x:version');
    expect(version).toMatch(/^[0-9a-f]{16}$/);
    expect(await raw.get(`app:x@${version}`)).toBe('1');
    expect(await raw.exists('x:version', `x@${version}`)).toBe(0);
  });

  test('options are checked', () => {
    expect(() => databaseCache({ jitter: 2 })).toThrow('jitter must be between 0 and 1, got 2');
    expect(() => databaseCache({ lock: { ttlMs: 0 } })).toThrow('lock.ttlMs must be a positive number of milliseconds, got 0');
  });
});
