/**
 * The runtime helpers against real redis-server: cluster mode (a one-node cluster owning every
 * slot), RBAC users and IAM tokens (ACL users), over TLS from the local CA. The local engine
 * covers the standalone modes in test/runtime; these need commands it does not have yet.
 */
import { Cluster, Redis } from 'ioredis';
import { RealServer, startRedisProcess } from './runtime-servers';
import {
  RedisClient, SecretCache, createClient, createIamAuthToken, createRedisClient, databaseCache, sessionStore,
} from '../../src/runtime';
import { localContract, localTls } from '../runtime/support';

const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const secretArn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf';

describe('runtime helpers on redis-server', () => {
  const servers: RealServer[] = [];
  const clients: RedisClient[] = [];
  const track = <T extends RedisClient>(c: T) => { clients.push(c); return c; };

  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    for (const s of servers.splice(0)) await s.stop();
  });

  test('cluster mode: a Cluster client whose keys spread over slots; sessions and cache-aside work on it', async () => {
    const server = await startRedisProcess({ cluster: true });
    servers.push(server);
    const env = localContract(server, { MODE: 'cluster', SESSION_TTL: '60', INVALIDATION: 'versioned', TTL: '30' });
    const client = track(await createClient({ env }) as RedisClient);
    expect(client).toBeInstanceOf(Cluster);
    await Promise.all(['a', 'b', 'c', 'd'].map((k) => client.set(k, k.toUpperCase())));
    expect(await Promise.all(['a', 'b', 'c', 'd'].map((k) => client.get(k)))).toEqual(['A', 'B', 'C', 'D']);

    const sessions = sessionStore({ env });
    await sessions.set('s1', { user: 'ana' });
    expect(await sessions.get('s1')).toEqual({ user: 'ana' });
    expect(await sessions.touch('s1')).toBe(true);
    await sessions.close();

    const cache = databaseCache({ env });
    let loads = 0;
    const load = async () => { loads++; return { id: 1 }; };
    await Promise.all(Array.from({ length: 10 }, () => cache.cacheAside('product:1', load)));
    await cache.write(['product:1', 'product:2'], async () => undefined);
    expect(await cache.cacheAside('product:1', load)).toEqual({ id: 1 });
    expect(loads).toBe(2);
    await cache.close();
  });

  test('cluster mode with TLS and an RBAC user; readFrom reader scales reads to replicas', async () => {
    const server = await startRedisProcess({ cluster: true, tls: true, users: ['app on >app-password-0123456 ~* &* +@all'] });
    servers.push(server);
    const secrets = new SecretCache({ fetch: async () => JSON.stringify({ password: 'app-password-0123456' }) });
    const env = localContract(server, {
      MODE: 'cluster', TLS: 'true', AUTH: 'password', USER: 'app', SECRET_ARN: secretArn, TLS_CA: localTls().ca.certPem,
    });
    const client = track(await createRedisClient({ env, secrets }));
    await client.set('rbac', 'ok');
    expect(await client.get('rbac')).toBe('ok');
    expect(await (client as Cluster).call('ACL', 'WHOAMI')).toBe('app');
    const reader = track(await createRedisClient({ env, secrets, readFrom: 'reader' }) as Cluster);
    expect(reader.options.scaleReads).toBe('slave');
    expect(await reader.get('rbac')).toBe('ok');
  });

  test('standalone with an RBAC user: AUTH <user> <password>, and the wrong password is refused', async () => {
    const server = await startRedisProcess({ tls: true, users: ['app on >right-password-012345 ~app:* +@all'] });
    servers.push(server);
    const env = localContract(server, { TLS: 'true', AUTH: 'password', USER: 'app', SECRET_ARN: secretArn, TLS_CA: localTls().ca.certPem });
    const client = track(await createRedisClient({ env, secrets: new SecretCache({ fetch: async () => 'right-password-012345' }) }));
    expect(await client.call('ACL', 'WHOAMI')).toBe('app');
    await client.set('app:x', '1');
    await expect(client.set('other', '1')).rejects.toThrow(/NOPERM/);
    const wrong = track(await createRedisClient({
      env, secrets: new SecretCache({ fetch: async () => 'wrong-password-0123456' }), redisOptions: { maxRetriesPerRequest: 0, retryStrategy: () => null },
    }));
    const refused = new Promise<Error>((resolve) => wrong.once('error', resolve));
    expect((await refused).message).toMatch(/WRONGPASS/);
  });

  test('serverless mode with IAM: a Cluster client that authenticates with a ServerlessCache token', async () => {
    // The node accepts exactly the token signed for this cache, user and time.
    const now = Date.parse('2025-06-01T10:00:00Z');
    const token = await createIamAuthToken({
      cacheId: 'my-serverless', user: 'app', region: 'us-east-1', credentials: async () => credentials, serverless: true, signingDate: new Date(now),
    });
    expect(token).toContain('&ResourceType=ServerlessCache&');
    const server = await startRedisProcess({ cluster: true, tls: true, users: [`app on >${token} ~* &* +@all`] });
    servers.push(server);
    const env = localContract(server, { MODE: 'serverless', TLS: 'true', AUTH: 'iam', USER: 'app', ID: 'my-serverless', TLS_CA: localTls().ca.certPem });
    const client = track(await createRedisClient({ env, region: 'us-east-1', credentials, now: () => now }));
    expect(client).toBeInstanceOf(Cluster);
    await client.set('iam', 'serverless');
    expect(await (client as Cluster).call('ACL', 'WHOAMI')).toBe('app');
    await expect(createRedisClient({ env, region: 'us-east-1', credentials, readFrom: 'reader' })).rejects.toThrow(
      "readFrom 'reader' is not supported for serverless caches: reads go through the endpoint");
  });

  test('IAM with a replication group: the token is for the group id, without ResourceType', async () => {
    const now = Date.parse('2025-06-01T10:00:00Z');
    const token = await createIamAuthToken({ cacheId: 'sessions', user: 'app', region: 'us-east-1', credentials: async () => credentials, signingDate: new Date(now) });
    expect(token).not.toContain('ResourceType');
    const server = await startRedisProcess({ tls: true, users: [`app on >${token} ~* +@all`] });
    servers.push(server);
    const env = localContract(server, { TLS: 'true', AUTH: 'iam', USER: 'app', ID: 'sessions', TLS_CA: localTls().ca.certPem });
    const client = track(await createRedisClient({ env, region: 'us-east-1', credentials, now: () => now }));
    expect(client).toBeInstanceOf(Redis);
    expect(await client.call('ACL', 'WHOAMI')).toBe('app');
  });
});
