import type { RedisServer } from '../server';

/** Keys with a TTL sampled per database and round at effort 1 (the server's default). */
const KEYS_PER_LOOP = 20;
/** Percentage of expired keys in a sample above which a database is sampled again, at effort 1. */
const ACCEPTABLE_STALE = 10;
/** Share (percent) of each cron tick the cycle may use, at effort 1. */
const TIME_PERCENT = 25;

/** The state the cycle keeps between runs: which database to start from. */
const nextDb = new WeakMap<RedisServer, number>();

/**
 * The active expire cycle, run from the server's cron on primaries: for each database in turn it
 * samples keys with a TTL and deletes the expired ones, and samples the same database again while
 * more than the acceptable share of a sample was expired, within a time budget. This is the real
 * server's algorithm: keys nobody reads still go away, and a database full of expired keys is
 * cleaned quickly, without scanning all keys.
 *
 * `active-expire-effort` (1-10) raises the sample size and lowers the acceptable stale share.
 * Each deletion is propagated on its own (never inside MULTI/EXEC), as the real server does.
 *
 * @returns the number of keys deleted
 */
export function activeExpireCycle(server: RedisServer, now: number): number {
  if (!server.deletesExpired) return 0;
  const effort = configNumber(server, 'active-expire-effort', 1) - 1;
  const perLoop = KEYS_PER_LOOP + (KEYS_PER_LOOP / 4) * effort;
  const acceptableStale = ACCEPTABLE_STALE - effort;
  const deadline = performance.now() + expireCycleBudgetMs(server);
  const dbs = server.dbs;
  const start = nextDb.get(server) ?? 0;
  let deleted = 0;
  for (let n = 0; n < dbs.length; n++) {
    const db = dbs[(start + n) % dbs.length];
    for (;;) {
      const volatile = db.expiresCount;
      if (volatile === 0) {
        db.avgTtl = 0;
        break;
      }
      const sampleSize = Math.min(perLoop, volatile);
      let sampled = 0;
      let expired = 0;
      let ttlSum = 0;
      let ttlSamples = 0;
      for (let i = 0; i < sampleSize && db.expiresCount > 0; i++) {
        const key = db.sampleVolatileKey() as string;
        const at = db.getExpire(key) as number;
        sampled++;
        if (at <= now) {
          db.expire(key);
          server.flushPropagation();
          expired++;
        } else {
          ttlSum += at - now;
          ttlSamples++;
        }
      }
      if (ttlSamples > 0) {
        // A running average that weighs the newest sample at 2%, as INFO keyspace's avg_ttl does.
        const avg = ttlSum / ttlSamples;
        db.avgTtl = db.avgTtl === 0 ? avg : (db.avgTtl / 50) * 49 + avg / 50;
      }
      deleted += expired;
      if ((expired * 100) / sampled <= acceptableStale || performance.now() > deadline) break;
    }
    if (performance.now() > deadline) {
      nextDb.set(server, (start + n + 1) % dbs.length);
      return deleted;
    }
  }
  nextDb.set(server, (start + 1) % dbs.length);
  return deleted;
}

/**
 * How long one active expire cycle may run, in milliseconds: a share of the cron period
 * (1000 / hz ms) of 25% at `active-expire-effort` 1, two points more per effort step, as the real
 * server computes it. At the default hz 10 that is 25 ms; a higher hz gives shorter, more frequent
 * cycles, so a database full of expired keys never holds every client's reply for long.
 */
export function expireCycleBudgetMs(server: RedisServer): number {
  const effort = configNumber(server, 'active-expire-effort', 1) - 1;
  const hz = Math.min(500, Math.max(1, configNumber(server, 'hz', 10)));
  return ((TIME_PERCENT + 2 * effort) / 100) * (1000 / hz);
}

/**
 * A numeric configuration value, or `fallback` when this server's configuration does not define
 * the parameter (the defaults of the server being imitated).
 */
export function configNumber(server: RedisServer, name: string, fallback: number): number {
  return server.config.param(name) === undefined ? fallback : server.config.getNumber(name);
}

/** A yes/no configuration value, or `fallback` when the parameter is not defined. */
export function configFlag(server: RedisServer, name: string, fallback: boolean): boolean {
  return server.config.param(name) === undefined ? fallback : server.config.getBool(name);
}

/**
 * Whether a `lazyfree-lazy-<kind>` option is on. Deletions the server makes itself (expiry,
 * eviction, RESTORE ... REPLACE of an already expired value) then replicate as UNLINK instead of
 * DEL. Redis OSS 7.0 defaults them to no, Valkey 8 to yes.
 */
export function lazyfree(server: RedisServer, kind: 'expire' | 'eviction' | 'server-del'): boolean {
  return configFlag(server, `lazyfree-lazy-${kind}`, server.engine === 'valkey');
}
