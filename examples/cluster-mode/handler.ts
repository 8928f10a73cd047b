/**
 * A fixed-window rate limiter: each caller may make REQUESTS_PER_MINUTE requests per minute.
 * Each caller's counter is one key, so the shards share the callers between them; the client is
 * cluster-aware because the contract (LIMITS_MODE=cluster) says so.
 */
// In an application: import { createRedisClient } from 'cdk-elasticache/runtime';
import { RedisClient, createRedisClient } from '../../src/runtime';

export interface LimitEvent {
  /** Who is calling (an API key, a user id). */
  readonly caller: string;
}

export interface LimitResult {
  readonly allowed: boolean;
  readonly remaining: number;
  /** Seconds until the window resets. */
  readonly resetSeconds: number;
}

let client: Promise<RedisClient> | undefined;

export async function handler(event: LimitEvent, now: number = Date.now()): Promise<LimitResult> {
  if (!/^[\w.@:-]{1,100}$/.test(event.caller ?? '')) throw new Error('caller must be 1 to 100 word characters, dots, @, : or -');
  const limit = Number(process.env.REQUESTS_PER_MINUTE ?? '100');
  const redis = await (client ??= createRedisClient({ prefix: 'LIMITS' }));
  const window = Math.floor(now / 60_000);
  const key = `rate:${event.caller}:${window}`;
  const [[, count]] = await redis.multi().incr(key).expire(key, 120).exec() as [[Error | null, number], unknown];
  return { allowed: count <= limit, remaining: Math.max(0, limit - count), resetSeconds: 60 - Math.floor((now % 60_000) / 1000) };
}

/** Closes the connection (tests; Lambda keeps it). */
export async function close(): Promise<void> {
  const current = client;
  client = undefined;
  if (current) await (await current).quit();
}
