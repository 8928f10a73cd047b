/**
 * Sessions for handlers: get, set with a TTL, touch and destroy, over the cache in the contract.
 * The default TTL is the contract's `CACHE_SESSION_TTL` (a `SessionStore` writes it).
 */
import { CacheClient, CreateClientOptions, createClient } from './client';
import { KeyValue, Serializer, jsonSerializer, keyValue, quitClient } from './kv';
import { contractFor } from './parameter';

/** Used when neither the options nor the contract give a TTL. */
const FALLBACK_SESSION_TTL_SECONDS = 30 * 60;
const MAX_SESSION_ID_LENGTH = 200;

/** Options of {@link sessionStore}. */
export interface SessionStoreOptions<T> extends CreateClientOptions {
  /**
   * The client to use.
   *
   * @default - `createClient()` on first use, from the contract under `prefix`
   */
  readonly client?: CacheClient | Promise<CacheClient>;

  /**
   * Prepended to session ids to form keys.
   *
   * @default 'session:'
   */
  readonly keyPrefix?: string;

  /**
   * The default TTL in seconds.
   *
   * @default - the contract's CACHE_SESSION_TTL, else 1800
   */
  readonly ttlSeconds?: number;

  /**
   * How session data is stored.
   *
   * @default JSON
   */
  readonly serializer?: Serializer<T>;
}

/** Options of {@link SessionStore.set}. */
export interface SetSessionOptions {
  /**
   * How long the session lives, in seconds.
   *
   * @default the store's default TTL
   */
  readonly ttlSeconds?: number;
}

/** Sessions by id. */
export interface SessionStore<T> {
  /** The session's data, or undefined when it does not exist or has expired. */
  get(id: string): Promise<T | undefined>;
  /** Stores the session's data, for the given TTL or the default one. */
  set(id: string, data: T, options?: SetSessionOptions): Promise<void>;
  /** Extends the session's life to the given TTL or the default one; false when it does not exist. */
  touch(id: string, ttlSeconds?: number): Promise<boolean>;
  /** Deletes the session. */
  destroy(id: string): Promise<void>;
  /** The default TTL in seconds. */
  defaultTtlSeconds(): Promise<number>;
  /** The client (created on first use). */
  client(): Promise<CacheClient>;
  /** Closes the client if the store created it (local runs and tests; Lambda keeps it). */
  close(): Promise<void>;
}

/**
 * A session store over the contract's cache. Creating it does no I/O: the client connects on the
 * first call, and a Lambda function keeps it for later invocations.
 *
 *     const sessions = sessionStore();
 *     export const handler = async (event) => ({ user: (await sessions.get(event.sessionId))?.user });
 */
export function sessionStore<T = Record<string, unknown>>(options: SessionStoreOptions<T> = {}): SessionStore<T> {
  const keyPrefix = options.keyPrefix ?? 'session:';
  const serializer = options.serializer ?? (jsonSerializer as Serializer<T>);
  checkTtl('ttlSeconds', options.ttlSeconds);
  const owned = options.client === undefined;
  let state: Promise<{ client: CacheClient; kv: KeyValue; ttl: number }> | undefined;

  const ready = () => {
    state ??= (async () => {
      const info = await contractFor(options);
      const client = await (options.client ?? createClient({ ...options, connection: info }));
      const ttl = options.ttlSeconds ?? info?.sessionTtlSeconds ?? FALLBACK_SESSION_TTL_SECONDS;
      return { client, kv: keyValue(client), ttl };
    })();
    state.catch(() => { state = undefined; });
    return state;
  };
  const keyOf = (id: string) => {
    if (typeof id !== 'string' || id.length === 0 || id.length > MAX_SESSION_ID_LENGTH || /[\s\x00-\x1f\x7f]/.test(id)) {
      throw new Error(`A session id must be 1 to ${MAX_SESSION_ID_LENGTH} characters without spaces or control characters`);
    }
    return `${keyPrefix}${id}`;
  };

  return {
    async get(id) {
      const key = keyOf(id);
      const raw = await (await ready()).kv.get(key);
      return raw === undefined ? undefined : serializer.deserialize(raw);
    },
    async set(id, data, setOptions = {}) {
      const key = keyOf(id);
      checkTtl('ttlSeconds', setOptions.ttlSeconds);
      const { kv, ttl } = await ready();
      await kv.set(key, serializer.serialize(data), setOptions.ttlSeconds ?? ttl);
    },
    async touch(id, ttlSeconds) {
      const key = keyOf(id);
      checkTtl('ttlSeconds', ttlSeconds);
      const { kv, ttl } = await ready();
      return kv.expire(key, ttlSeconds ?? ttl);
    },
    async destroy(id) {
      const key = keyOf(id);
      await (await ready()).kv.delete([key]);
    },
    async defaultTtlSeconds() {
      return (await ready()).ttl;
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

function checkTtl(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
    throw new Error(`${name} must be a whole number of seconds, at least 1, got ${value}`);
  }
}

