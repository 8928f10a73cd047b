/**
 * Database caching: cache-aside reads with stampede protection, invalidation and write helpers,
 * applying the strategy in the contract (`CACHE_TTL`, `CACHE_TTL_JITTER`, `CACHE_INVALIDATION`,
 * written by a `DatabaseCache`).
 *
 * Stampede protection has two layers. In one process, concurrent callers for a key share one
 * load. Across processes, the first caller to miss takes a lock in the cache (`SET NX PX`, or
 * Memcached `add`) and loads; the others poll for the value and take over if the lock holder
 * fails. The holder deletes the lock only while it is surely still its own (within 80% of the
 * lock's TTL); a later lock simply expires. That needs no server-side script.
 */
import { randomUUID } from 'node:crypto';
import { CacheClient, CreateClientOptions, createClient } from './client';
import { InvalidationMode } from './contract';
import { KeyValue, Serializer, jsonSerializer, keyValue, quitClient } from './kv';
import { contractFor } from './parameter';

const FALLBACK_TTL_SECONDS = 300;

/** Options of the lock that keeps processes from loading the same key together. */
export interface StampedeLockOptions {
  /**
   * How long the lock lives: longer than the slowest load.
   *
   * @default 10000
   */
  readonly ttlMs?: number;
  /**
   * How long a caller waits for another process's load before loading itself.
   *
   * @default the lock TTL
   */
  readonly waitMs?: number;
  /**
   * How often a waiting caller looks for the value.
   *
   * @default 50
   */
  readonly pollMs?: number;
}

/** Options of {@link databaseCache}. */
export interface DatabaseCacheOptions extends CreateClientOptions {
  /**
   * The client to use.
   *
   * @default - `createClient()` on first use, from the contract under `prefix`
   */
  readonly client?: CacheClient | Promise<CacheClient>;
  /**
   * Prepended to every key.
   *
   * @default ''
   */
  readonly keyPrefix?: string;
  /**
   * Entry TTL in seconds.
   *
   * @default - the contract's CACHE_TTL, else 300
   */
  readonly ttlSeconds?: number;
  /**
   * TTL spread, a fraction 0..1 either way.
   *
   * @default - the contract's CACHE_TTL_JITTER, else 0
   */
  readonly jitter?: number;
  /**
   * The invalidation strategy.
   *
   * @default - the contract's CACHE_INVALIDATION, else 'ttl'
   */
  readonly invalidation?: InvalidationMode;
  /**
   * How values are stored.
   *
   * @default JSON
   */
  readonly serializer?: Serializer<any>;
  /**
   * The cross-process lock.
   *
   * @default - see StampedeLockOptions
   */
  readonly lock?: StampedeLockOptions;
  /**
   * Random numbers in [0, 1) (tests).
   *
   * @default Math.random
   */
  readonly random?: () => number;
}

/** Options of one read. */
export interface CacheAsideOptions {
  /**
   * This entry's TTL in seconds (jitter still applies).
   *
   * @default the cache's TTL
   */
  readonly ttl?: number;
}

/** Cache-aside reads, invalidation and writes over the contract's cache. */
export interface DatabaseCacheClient {
  /**
   * The cached value of `key`, or `load()`'s result, stored for the TTL. Concurrent callers share
   * one load; `undefined` results are not cached.
   */
  cacheAside<T>(key: string, load: () => Promise<T>, options?: CacheAsideOptions): Promise<T>;
  /** The cached value, or undefined. */
  get<T>(key: string): Promise<T | undefined>;
  /**
   * Makes the keys' entries unreachable: deletes them, or with versioned keys gives them a new
   * version.
   */
  invalidate(keys: string | readonly string[]): Promise<void>;
  /**
   * Runs a database write, then applies the strategy to the keys it affects: nothing for `ttl`
   * (entries age out), invalidation for `write` and `versioned`. Returns the write's result.
   */
  write<R>(keys: string | readonly string[], write: () => Promise<R>): Promise<R>;
  /** Runs `write(value)`, then stores `value` as the key's entry (any strategy). */
  writeThrough<T>(key: string, value: T, write: (value: T) => Promise<unknown>, options?: CacheAsideOptions): Promise<void>;
  /** The client (created on first use). */
  client(): Promise<CacheClient>;
  /** Closes the client if this helper created it. */
  close(): Promise<void>;
}

interface Settings {
  readonly client: CacheClient;
  readonly kv: KeyValue;
  readonly ttl: number;
  readonly jitter: number;
  readonly invalidation: InvalidationMode;
}

/**
 * Cache-aside over the contract's cache, as a `DatabaseCache` configured it:
 *
 *     const cache = databaseCache();
 *     const product = await cache.cacheAside(`product:${id}`, () => db.findProduct(id));
 *     await cache.write(`product:${id}`, () => db.updateProduct(id, changes));
 */
export function databaseCache(options: DatabaseCacheOptions = {}): DatabaseCacheClient {
  const keyPrefix = options.keyPrefix ?? '';
  const serializer = options.serializer ?? jsonSerializer;
  const random = options.random ?? Math.random;
  const lockTtlMs = options.lock?.ttlMs ?? 10_000;
  const waitMs = options.lock?.waitMs ?? lockTtlMs;
  const pollMs = options.lock?.pollMs ?? 50;
  checkPositive('lock.ttlMs', lockTtlMs);
  checkPositive('lock.pollMs', pollMs);
  if (options.jitter !== undefined && !(options.jitter >= 0 && options.jitter <= 1)) {
    throw new Error(`jitter must be between 0 and 1, got ${options.jitter}`);
  }
  const owned = options.client === undefined;
  const inFlight = new Map<string, Promise<unknown>>();
  let state: Promise<Settings> | undefined;

  const ready = () => {
    state ??= (async () => {
      const info = await contractFor(options);
      const client = await (options.client ?? createClient({ ...options, connection: info }));
      return {
        client,
        kv: keyValue(client),
        ttl: options.ttlSeconds ?? info?.ttlSeconds ?? FALLBACK_TTL_SECONDS,
        jitter: options.jitter ?? info?.ttlJitter ?? 0,
        invalidation: options.invalidation ?? info?.invalidation ?? 'ttl',
      };
    })();
    state.catch(() => { state = undefined; });
    return state;
  };

  const ttlOf = (s: Settings, ttl?: number) => {
    const base = ttl ?? s.ttl;
    if (!(Number.isInteger(base) && base >= 1)) throw new Error(`ttl must be a whole number of seconds, at least 1, got ${base}`);
    return Math.max(1, Math.round(base * (1 + s.jitter * (2 * random() - 1))));
  };
  const versionKey = (key: string) => `${keyPrefix}${key}:version`;
  const newVersion = () => randomUUID().replace(/-/g, '').slice(0, 16);

  /** The key an entry lives under: with versioned keys, the current version is part of it. */
  const entryKey = async (s: Settings, key: string): Promise<string> => {
    if (s.invalidation !== 'versioned') return `${keyPrefix}${key}`;
    const vkey = versionKey(key);
    let version = (await s.kv.get(vkey))?.toString('utf8');
    if (version === undefined) {
      // No version yet (or it was evicted): start a fresh one, so no older entry can be read.
      const fresh = newVersion();
      version = await s.kv.setIfAbsent(vkey, fresh, 0) ? fresh : (await s.kv.get(vkey))?.toString('utf8') ?? fresh;
    }
    return `${keyPrefix}${key}@${version}`;
  };

  const store = async (s: Settings, entry: string, value: unknown, ttl?: number) => {
    if (value === undefined) return;
    await s.kv.set(entry, serializer.serialize(value), ttlOf(s, ttl));
  };

  const fill = async <T>(key: string, load: () => Promise<T>, opts: CacheAsideOptions): Promise<T> => {
    const s = await ready();
    const entry = await entryKey(s, key);
    const hit = await s.kv.get(entry);
    if (hit !== undefined) return serializer.deserialize(hit);
    const lockKey = `${entry}:lock`;
    const token = randomUUID();
    const deadline = Date.now() + waitMs;
    for (;;) {
      if (await s.kv.setIfAbsent(lockKey, token, lockTtlMs)) {
        const lockedAt = Date.now();
        try {
          const value = await load();
          await store(s, entry, value, opts.ttl);
          return value;
        } finally {
          // Only while the lock surely has not expired can it not be someone else's.
          if (Date.now() - lockedAt < lockTtlMs * 0.8) await s.kv.delete([lockKey]).catch(() => undefined);
        }
      }
      if (Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      const value = await s.kv.get(entry);
      if (value !== undefined) return serializer.deserialize(value);
    }
    // The other process took too long: load rather than fail the caller.
    const value = await load();
    await store(s, entry, value, opts.ttl);
    return value;
  };

  const invalidate = async (keys: string | readonly string[]) => {
    const s = await ready();
    const list = typeof keys === 'string' ? [keys] : [...keys];
    if (s.invalidation === 'versioned') {
      await Promise.all(list.map((k) => s.kv.set(versionKey(k), newVersion(), 0)));
    } else {
      await s.kv.delete(list.map((k) => `${keyPrefix}${k}`));
    }
  };

  return {
    cacheAside<T>(key: string, load: () => Promise<T>, opts: CacheAsideOptions = {}): Promise<T> {
      const running = inFlight.get(key);
      if (running) return running as Promise<T>;
      const filling = fill(key, load, opts).finally(() => inFlight.delete(key));
      inFlight.set(key, filling);
      return filling;
    },
    async get<T>(key: string): Promise<T | undefined> {
      const s = await ready();
      const raw = await s.kv.get(await entryKey(s, key));
      return raw === undefined ? undefined : serializer.deserialize(raw);
    },
    invalidate,
    async write<R>(keys: string | readonly string[], write: () => Promise<R>): Promise<R> {
      const s = await ready();
      const result = await write();
      if (s.invalidation !== 'ttl') await invalidate(keys);
      return result;
    },
    async writeThrough<T>(key: string, value: T, write: (value: T) => Promise<unknown>, opts: CacheAsideOptions = {}): Promise<void> {
      const s = await ready();
      await write(value);
      if (s.invalidation === 'versioned') await invalidate(key);
      await store(s, await entryKey(s, key), value, opts.ttl);
    },
    async client() {
      return (await ready()).client;
    },
    async close() {
      const current = state;
      state = undefined;
      if (current && owned) await quitClient((await current).client);
    },
  };
}

function checkPositive(name: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0)) throw new Error(`${name} must be a positive number of milliseconds, got ${value}`);
}
