import type { RedisServer } from '../server';
import type { Db } from './db';
import { configFlag } from './expire';

/** Candidates kept between eviction rounds, as the real server's eviction pool (EVPOOL_SIZE). */
const POOL_SIZE = 16;

interface Candidate {
  db: Db;
  key: string;
  /** Higher is a better eviction candidate (idle time, inverse frequency, closeness of expiry). */
  score: number;
}

/** Each server's eviction pool: the best candidates seen so far, sorted by ascending score. */
const pools = new WeakMap<RedisServer, Candidate[]>();
/** Each server's round-robin database index for the random policies. */
const nextRandomDb = new WeakMap<RedisServer, number>();

/**
 * Evicts keys under the server's maxmemory-policy until used memory is within maxmemory, with the
 * real server's approximations:
 *
 * - `*-lru`, `*-lfu`, `volatile-ttl`: each round samples `maxmemory-samples` keys of every
 *   database (all keys, or only keys with a TTL for `volatile-*`), scores them by idle time,
 *   by how rarely they are used (255 minus the logarithmic LFU counter) or by how soon they
 *   expire, and merges them into a pool of the 16 best candidates that survives between calls.
 *   The best candidate that still exists is evicted.
 * - `*-random`: a random key (with a TTL for `volatile-random`) of the next database in turn.
 *
 * Replicas do not evict (`replica-ignore-maxmemory`, on by default): they mirror their primary.
 *
 * @returns false when memory is still above the limit and nothing more can be evicted
 */
export function performEvictions(server: RedisServer): boolean {
  if (server.usedMemory() <= server.maxmemory) return true;
  if (server.role === 'replica' && configFlag(server, 'replica-ignore-maxmemory', true)) return true;
  const policy = server.maxmemoryPolicy;
  if (policy === 'noeviction') return false;
  const volatileOnly = policy.startsWith('volatile');
  const random = policy.endsWith('random');

  while (server.usedMemory() > server.maxmemory) {
    const victim = random ? randomVictim(server, volatileOnly) : pooledVictim(server, volatileOnly);
    if (victim === undefined) return false;
    server.evict(victim.db, victim.key);
  }
  return true;
}

function randomVictim(server: RedisServer, volatileOnly: boolean): Candidate | undefined {
  const dbs = server.dbs;
  let next = nextRandomDb.get(server) ?? 0;
  try {
    for (let i = 0; i < dbs.length; i++) {
      next = (next + 1) % dbs.length;
      const db = dbs[next];
      const key = volatileOnly ? db.sampleVolatileKey() : db.sampleKey();
      if (key !== undefined) return { db, key, score: 0 };
    }
    return undefined;
  } finally {
    nextRandomDb.set(server, next);
  }
}

function pooledVictim(server: RedisServer, volatileOnly: boolean): Candidate | undefined {
  let pool = pools.get(server);
  if (pool === undefined) {
    pool = [];
    pools.set(server, pool);
  }
  for (;;) {
    let total = 0;
    for (const db of server.dbs) {
      const size = volatileOnly ? db.expiresCount : db.size;
      if (size === 0) continue;
      total += size;
      populate(server, db, volatileOnly, pool);
    }
    if (total === 0) return undefined;
    // Best first; candidates deleted (or no longer volatile) since they were sampled are ghosts.
    while (pool.length > 0) {
      const best = pool.pop() as Candidate;
      if (!best.db.dict.has(best.key)) continue;
      if (volatileOnly && best.db.getExpire(best.key) === undefined) continue;
      return best;
    }
  }
}

/** Samples `maxmemory-samples` keys of a database into the pool. */
function populate(server: RedisServer, db: Db, volatileOnly: boolean, pool: Candidate[]): void {
  const policy = server.maxmemoryPolicy;
  const samples = server.maxmemorySamples;
  for (let i = 0; i < samples; i++) {
    const key = volatileOnly ? db.sampleVolatileKey() : db.sampleKey();
    if (key === undefined) return;
    const entry = db.dict.get(key);
    if (entry === undefined) continue;
    let score: number;
    if (policy.endsWith('lru')) score = server.idleTime(entry);
    else if (policy.endsWith('lfu')) score = 255 - server.lfuCounter(entry);
    else score = Number.MAX_SAFE_INTEGER - (db.getExpire(key) as number); // volatile-ttl
    addToPool(pool, db, key, score);
  }
}

/** Keeps the pool sorted by ascending score, bounded, one place per key. */
function addToPool(pool: Candidate[], db: Db, key: string, score: number): void {
  for (let i = 0; i < pool.length; i++) {
    const c = pool[i];
    if (c.key === key && c.db === db) {
      if (c.score === score) return;
      pool.splice(i, 1);
      break;
    }
  }
  if (pool.length >= POOL_SIZE && score <= pool[0].score) return;
  let i = pool.length;
  while (i > 0 && pool[i - 1].score > score) i--;
  pool.splice(i, 0, { db, key, score });
  if (pool.length > POOL_SIZE) pool.shift();
}
