import type { RedisServer } from '../server';
import type { Db } from './db';

/** Candidates kept between eviction rounds, as the real server's eviction pool (EVPOOL_SIZE). */
const POOL_SIZE = 16;

interface Candidate {
  db: Db;
  key: string;
  /** Higher is a better eviction candidate (idle time, inverse frequency, closeness of expiry). */
  score: number;
}

/**
 * Evicts keys under the server's maxmemory-policy until used memory is within maxmemory, using
 * the real server's approximations: maxmemory-samples random keys per database scored by idle
 * time (LRU), access frequency (LFU) or remaining TTL, the best kept in a small pool.
 *
 * @returns false when nothing more can be evicted and memory is still above the limit
 */
export function performEvictions(server: RedisServer): boolean {
  const policy = server.maxmemoryPolicy;
  if (policy === 'noeviction') return server.usedMemory() <= server.maxmemory;
  const volatileOnly = policy.startsWith('volatile');
  const now = server.clock.now();
  const pool: Candidate[] = [];
  let nextDb = 0;

  while (server.usedMemory() > server.maxmemory) {
    let victim: Candidate | undefined;
    if (policy.endsWith('random')) {
      for (let i = 0; i < server.dbs.length && victim === undefined; i++) {
        const db = server.dbs[(nextDb + i) % server.dbs.length];
        const key = volatileOnly ? db.sampleVolatileKey() : db.sampleKey();
        if (key !== undefined) victim = { db, key, score: 0 };
      }
      nextDb++;
    } else {
      for (const db of server.dbs) {
        const size = volatileOnly ? db.expiresCount : db.size;
        if (size === 0) continue;
        for (let i = 0; i < server.maxmemorySamples; i++) {
          const key = volatileOnly ? db.sampleVolatileKey() : db.sampleKey();
          if (key === undefined) break;
          const entry = db.dict.get(key);
          if (entry === undefined) continue;
          let score: number;
          if (policy.endsWith('lru')) score = server.idleTime(entry);
          else if (policy.endsWith('lfu')) score = 255 - server.lfuCounter(entry);
          else score = Number.MAX_SAFE_INTEGER - (db.getExpire(key) ?? Number.MAX_SAFE_INTEGER);
          addToPool(pool, { db, key, score });
        }
      }
      // Take the best candidate that still exists.
      while (pool.length > 0 && victim === undefined) {
        const best = pool.pop() as Candidate;
        const entry = best.db.dict.get(best.key);
        if (entry === undefined) continue;
        if (volatileOnly && best.db.getExpire(best.key) === undefined) continue;
        victim = best;
      }
    }
    if (victim === undefined) return false;
    if (victim.db.getExpire(victim.key) !== undefined && (victim.db.getExpire(victim.key) as number) <= now) {
      victim.db.expire(victim.key);
    } else {
      server.evict(victim.db, victim.key);
    }
  }
  return true;
}

/** Keeps the pool sorted by ascending score, bounded, without duplicates. */
function addToPool(pool: Candidate[], candidate: Candidate): void {
  if (pool.some((c) => c.db === candidate.db && c.key === candidate.key)) return;
  if (pool.length >= POOL_SIZE && candidate.score <= pool[0].score) return;
  let i = pool.length;
  while (i > 0 && pool[i - 1].score > candidate.score) i--;
  pool.splice(i, 0, candidate);
  if (pool.length > POOL_SIZE) pool.shift();
}
