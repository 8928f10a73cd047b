/**
 * Stores and reads user sessions. Invoke with
 *   { "action": "put", "sessionId": "abc", "data": { "user": "ana" }, "ttlSeconds": 1800 }
 *   { "action": "get", "sessionId": "abc" }
 *
 * The connection comes from the contract the CDK app wrote into the environment, so the same code
 * runs against ElastiCache and against a local server started for tests.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Cluster, Redis } from 'ioredis';
import { CacheConnectionInfo, connectionFromEnv } from '../../src/runtime';

export interface SessionEvent {
  readonly action: 'put' | 'get';
  readonly sessionId: string;
  readonly data?: Record<string, unknown>;
  readonly ttlSeconds?: number;
}

export interface SessionResult {
  readonly sessionId: string;
  readonly found: boolean;
  readonly data?: Record<string, unknown>;
  /** Seconds until the session expires (-2 when it does not exist). */
  readonly ttlSeconds: number;
}

const DEFAULT_TTL_SECONDS = 30 * 60;

/** The AUTH token or password: locally from the contract, in AWS from Secrets Manager. */
async function credential(info: CacheConnectionInfo): Promise<string | undefined> {
  if (info.auth === 'none') return undefined;
  if (info.password !== undefined) return info.password;
  const secrets = new SecretsManagerClient({});
  const secret = await secrets.send(new GetSecretValueCommand({ SecretId: info.secretArn }));
  return secret.SecretString;
}

async function connect(): Promise<Redis | Cluster> {
  const info = connectionFromEnv();
  if (info.engine === 'memcached') {
    throw new Error('The session handler needs a Valkey or Redis OSS cache, got memcached');
  }
  const password = await credential(info);
  const tls = info.tls ? (info.tlsCa !== undefined ? { ca: info.tlsCa } : {}) : undefined;
  const options = { password, username: info.user, tls, maxRetriesPerRequest: 2 };
  if (info.mode === 'cluster' || info.mode === 'serverless') {
    // ElastiCache's certificates name the cluster hosts: keep host names instead of resolved IPs.
    return new Cluster([info.endpoint], { dnsLookup: (address, callback) => callback(null, address), redisOptions: options });
  }
  return new Redis({ host: info.endpoint.host, port: info.endpoint.port, ...options });
}

let client: Promise<Redis | Cluster> | undefined;

/** Closes the connection (tests and local runs; Lambda keeps it for the next invocation). */
export async function close(): Promise<void> {
  const current = client;
  client = undefined;
  if (current) await (await current).quit();
}

export async function handler(event: SessionEvent): Promise<SessionResult> {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(event.sessionId ?? '')) {
    throw new Error('sessionId must be 1 to 128 letters, digits, hyphens or underscores');
  }
  const redis = await (client ??= connect());
  const key = `session:${event.sessionId}`;
  if (event.action === 'put') {
    const ttl = event.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    await redis.set(key, JSON.stringify(event.data ?? {}), 'EX', ttl);
    return { sessionId: event.sessionId, found: true, data: event.data ?? {}, ttlSeconds: ttl };
  }
  if (event.action !== 'get') {
    throw new Error(`action must be 'put' or 'get', got '${String(event.action)}'`);
  }
  const [raw, ttl] = await Promise.all([redis.get(key), redis.ttl(key)]);
  return raw === null
    ? { sessionId: event.sessionId, found: false, ttlSeconds: ttl }
    : { sessionId: event.sessionId, found: true, data: JSON.parse(raw) as Record<string, unknown>, ttlSeconds: ttl };
}
