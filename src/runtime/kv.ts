/**
 * The few operations sessions and cache-aside need, over either client kind: ioredis (standalone
 * or cluster; multi-key commands are split per key so cluster mode never sees a cross-slot
 * request) and memjs.
 */
import type { CacheClient, MemcachedClient, RedisClient } from './client';

/** Memcached treats an expiry above 30 days as a Unix time. */
const MEMCACHED_RELATIVE_LIMIT_SECONDS = 30 * 24 * 3600;

export interface KeyValue {
  /** The value, or undefined when the key does not exist. */
  get(key: string): Promise<Buffer | undefined>;
  /** Stores the value; `ttlSeconds` 0 means no expiry. */
  set(key: string, value: string | Buffer, ttlSeconds: number): Promise<void>;
  /** Stores the value only if the key does not exist; `ttlMs` 0 means no expiry. */
  setIfAbsent(key: string, value: string | Buffer, ttlMs: number): Promise<boolean>;
  /** Deletes the keys. */
  delete(keys: readonly string[]): Promise<void>;
  /** Sets a new TTL; false when the key does not exist. */
  expire(key: string, ttlSeconds: number): Promise<boolean>;
}

/** Whether the client is ioredis's (Redis or Cluster). */
export function isRedisClient(client: CacheClient): client is RedisClient {
  return typeof (client as RedisClient).sendCommand === 'function';
}

export function keyValue(client: CacheClient): KeyValue {
  return isRedisClient(client) ? redisKeyValue(client) : memcachedKeyValue(client);
}

function redisKeyValue(client: RedisClient): KeyValue {
  return {
    async get(key) {
      const value = await client.getBuffer(key);
      return value === null ? undefined : value;
    },
    async set(key, value, ttlSeconds) {
      if (ttlSeconds > 0) await client.set(key, value, 'EX', ttlSeconds);
      else await client.set(key, value);
    },
    async setIfAbsent(key, value, ttlMs) {
      const reply = ttlMs > 0 ? await client.set(key, value, 'PX', ttlMs, 'NX') : await client.set(key, value, 'NX');
      return reply === 'OK';
    },
    async delete(keys) {
      await Promise.all(keys.map((k) => client.del(k)));
    },
    async expire(key, ttlSeconds) {
      return (await client.expire(key, ttlSeconds)) === 1;
    },
  };
}

function memcachedExpiry(ttlSeconds: number): number {
  if (ttlSeconds <= MEMCACHED_RELATIVE_LIMIT_SECONDS) return ttlSeconds;
  return Math.floor(Date.now() / 1000) + ttlSeconds;
}

function memcachedKeyValue(client: MemcachedClient): KeyValue {
  return {
    async get(key) {
      const { value } = await client.get(key);
      return value === null ? undefined : value;
    },
    async set(key, value, ttlSeconds) {
      await client.set(key, value, { expires: memcachedExpiry(ttlSeconds) });
    },
    async setIfAbsent(key, value, ttlMs) {
      // Memcached expiry is in whole seconds.
      return client.add(key, value, { expires: memcachedExpiry(Math.ceil(ttlMs / 1000)) });
    },
    async delete(keys) {
      await Promise.all(keys.map((k) => client.delete(k)));
    },
    async expire(key, ttlSeconds) {
      return client.touch(key, memcachedExpiry(ttlSeconds));
    },
  };
}

/** Turns values into bytes for the cache and back. */
export interface Serializer<T> {
  serialize(value: T): string | Buffer;
  deserialize(raw: Buffer): T;
}

/** JSON, the default. */
export const jsonSerializer: Serializer<any> = {
  serialize: (value) => JSON.stringify(value),
  deserialize: (raw) => JSON.parse(raw.toString('utf8')),
};

/** Quits a client of either kind. */
export async function quitClient(client: CacheClient): Promise<void> {
  if (isRedisClient(client)) await client.quit();
  else client.quit();
}
