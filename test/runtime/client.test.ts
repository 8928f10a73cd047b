import { Redis as IoRedis } from 'ioredis';
import { Redis as IoValkey } from 'iovalkey';
import { eventually, localContract, localTls, startTlsServer } from './support';
import { RunningRedisServer, startRedisServer } from '../../src/local';
import {
  MissingDependencyError, RedisClient, SecretCache, createClient, createIamAuthToken, createMemcachedClient, createRedisClient, isAuthError,
} from '../../src/runtime';
import { loadPackage } from '../../src/runtime/modules';

/**
 * createClient against local nodes, one auth mode at a time. Cluster and serverless modes, RBAC
 * users and Memcached run against real servers in test/compat/runtime-*.test.ts.
 */
describe('createClient', () => {
  const servers: RunningRedisServer[] = [];
  const clients: RedisClient[] = [];
  const start = async (options: Parameters<typeof startRedisServer>[0] = {}) => {
    const s = await startRedisServer(options);
    servers.push(s);
    return s;
  };
  const startTls = async (options: Parameters<typeof startRedisServer>[0] = {}) => {
    const s = await startTlsServer(options);
    servers.push(s);
    return s;
  };
  const track = <T extends RedisClient>(c: T): T => {
    clients.push(c);
    return c;
  };
  const secretArn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:token-AbCdEf';

  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    for (const s of servers.splice(0)) await s.stop();
  });

  test('no auth: a standalone ioredis client on the contract\'s endpoint', async () => {
    const server = await start();
    const client = track(await createRedisClient({ env: localContract(server) }));
    expect(client).toBeInstanceOf(IoRedis);
    expect((client as IoRedis).options).toMatchObject({ host: '127.0.0.1', port: server.port });
    expect((client as IoRedis).options.password ?? undefined).toBeUndefined();
    await client.set('k', 'v');
    expect(await client.get('k')).toBe('v');
  });

  test('token auth over TLS with the local CA, the token from the contract (local run)', async () => {
    const token = 'local-token-0123456789';
    const server = await startTls({ password: token });
    const env = localContract(server, { TLS: 'true', AUTH: 'token', PASSWORD: token, TLS_CA: localTls().ca.certPem });
    const client = track(await createClient({ env }) as RedisClient);
    await client.set('secure', 'yes');
    expect(await client.get('secure')).toBe('yes');
  });

  test('TLS is verified: without the CA the local certificate is refused', async () => {
    const server = await startTls();
    const env = localContract(server, { TLS: 'true' });
    const client = track(await createRedisClient({ env, redisOptions: { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true } }));
    const refused = new Promise<Error>((resolve) => client.once('error', resolve));
    await expect(client.connect()).rejects.toThrow();
    expect((await refused).message).toMatch(/self[- ]signed certificate|unable to verify/);
  });

  test('token auth with the token read from Secrets Manager (through the secret cache)', async () => {
    const token = 'secret-token-0123456789';
    const server = await startTls({ password: token });
    const reads: string[] = [];
    const secrets = new SecretCache({ fetch: async (arn) => { reads.push(arn); return token; } });
    const env = localContract(server, { TLS: 'true', AUTH: 'token', SECRET_ARN: secretArn, TLS_CA: localTls().ca.certPem });
    const a = track(await createRedisClient({ env, secrets }));
    const b = track(await createRedisClient({ env, secrets }));
    await a.set('shared', '1');
    expect(await b.get('shared')).toBe('1');
    expect(reads).toEqual([secretArn]);
    expect((a as IoRedis).options.username ?? undefined).toBeUndefined();
  });

  test('password auth sends AUTH <user> <password>, the password from a JSON secret', async () => {
    // The local engine has no ACL SETUSER yet: its default user stands in for an RBAC user here;
    // test/compat/runtime-redis.test.ts uses a real ACL user.
    const server = await startTls({ password: 'rbac-password-0123456' });
    const secrets = new SecretCache({ fetch: async () => JSON.stringify({ username: 'ignored', password: 'rbac-password-0123456' }) });
    const env = localContract(server, { TLS: 'true', AUTH: 'password', USER: 'default', SECRET_ARN: secretArn, TLS_CA: localTls().ca.certPem });
    const client = track(await createRedisClient({ env, secrets }));
    expect((client as IoRedis).options).toMatchObject({ username: 'default', password: 'rbac-password-0123456' });
    await client.set('user', 'ok');
    expect(await client.get('user')).toBe('ok');
  });

  test('a rotated token is read again after the server refuses the old one', async () => {
    // GIVEN a client connected with the first token
    let current = 'first-token-0123456789';
    const server = await startTls({ password: current });
    const port = server.port;
    const reads: string[] = [];
    const secrets = new SecretCache({ fetch: async () => { reads.push(current); return current; } });
    const env = localContract(server, { TLS: 'true', AUTH: 'token', SECRET_ARN: secretArn, TLS_CA: localTls().ca.certPem });
    const client = track(await createRedisClient({ env, secrets, redisOptions: { retryStrategy: () => 50 } }));
    const errors: Error[] = [];
    client.on('error', (e: Error) => errors.push(e));
    await client.set('before', '1');

    // WHEN the token is rotated and the node restarts with only the new one
    current = 'second-token-987654321';
    await servers.pop()!.stop();
    servers.push(await startTlsServer({ port, password: current }));

    // THEN the client is refused once, reads the secret again and carries on
    await eventually(async () => {
      await client.set('after', '2');
    });
    expect(await client.get('after')).toBe('2');
    expect(errors.some(isAuthError)).toBe(true);
    expect(reads).toEqual(['first-token-0123456789', 'second-token-987654321']);
    expect((client as IoRedis).options.password).toBe('second-token-987654321');
  });

  describe('IAM auth', () => {
    const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
    const tokenAt = (ms: number) => createIamAuthToken({
      cacheId: 'sessions', user: 'default', region: 'us-east-1', credentials: async () => credentials, signingDate: new Date(ms),
    });

    test('signs a token for the cache and user, and signs a new one before a reconnect once it is old', async () => {
      // GIVEN a node that accepts exactly the token signed now
      let now = Date.parse('2025-06-01T10:00:00Z');
      const server = await startTls({ password: await tokenAt(now) });
      const port = server.port;
      const env = localContract(server, { TLS: 'true', AUTH: 'iam', USER: 'default', ID: 'sessions', TLS_CA: localTls().ca.certPem });
      const client = track(await createRedisClient({ env, region: 'us-east-1', credentials, now: () => now, redisOptions: { retryStrategy: () => 50 } }));
      await client.set('iam', '1');
      expect((client as IoRedis).options.password).toBe(await tokenAt(now));

      // WHEN 11 minutes pass and the node only accepts a token signed then
      now += 11 * 60 * 1000;
      await servers.pop()!.stop();
      servers.push(await startTlsServer({ port, password: await tokenAt(now) }));

      // THEN the reconnecting client presents a fresh token
      await eventually(() => client.get('iam'));
      expect((client as IoRedis).options.password).toBe(await tokenAt(now));
    });

    test('needs a region', async () => {
      const server = await start();
      const env = localContract(server, { TLS: 'true', AUTH: 'iam', USER: 'default', ID: 'sessions' });
      await expect(createRedisClient({ env: { ...env }, credentials })).rejects.toThrow(
        'The AWS region is not known: set AWS_REGION (Lambda, ECS and most tools do) or pass region');
    });
  });

  test('readFrom reader connects to the reader endpoint', async () => {
    const primary = await start();
    const replica = await start();
    const direct = track(new IoRedis({ host: '127.0.0.1', port: replica.port }));
    await direct.set('where', 'replica');
    const env = localContract(primary, { READER_HOST: '127.0.0.1', READER_PORT: String(replica.port) });
    const reader = track(await createRedisClient({ env, readFrom: 'reader' }));
    expect(await reader.get('where')).toBe('replica');
    const writer = track(await createRedisClient({ env }));
    expect(await writer.get('where')).toBeNull();
    await expect(createRedisClient({ env: localContract(primary), readFrom: 'reader' })).rejects.toThrow(
      "readFrom 'reader' needs a reader endpoint, and the CACHE_* contract has none (CACHE_READER_HOST)");
  });

  test('the iovalkey library gives an iovalkey client', async () => {
    const server = await start();
    const client = track(await createRedisClient({ env: localContract(server), library: 'iovalkey' }) as any);
    expect(client).toBeInstanceOf(IoValkey);
    await client.set('lib', 'iovalkey');
    expect(await client.get('lib')).toBe('iovalkey');
  });

  test('a prefix picks that contract', async () => {
    const sessions = await start();
    const pages = await start();
    const env = { ...localContract(sessions, {}, 'SESSIONS'), ...localContract(pages, {}, 'PAGES') };
    const client = track(await createRedisClient({ env, prefix: 'PAGES' }));
    expect((client as IoRedis).options.port).toBe(pages.port);
  });

  test('the wrong kind of client for the contract is refused', async () => {
    const memcached = { CACHE_ENGINE: 'memcached', CACHE_MODE: 'memcached', CACHE_HOST: 'h', CACHE_PORT: '11211', CACHE_TLS: 'false', CACHE_AUTH: 'none' };
    await expect(createRedisClient({ env: memcached })).rejects.toThrow('The CACHE_* contract is for a Memcached cache: use createMemcachedClient()');
    await expect(createMemcachedClient({ env: localContract({ port: 6379 }) })).rejects.toThrow('The CACHE_* contract is for a valkey cache: use createRedisClient()');
  });

  test('a missing package fails with the command that installs it', () => {
    // What require() throws for a package that is not installed.
    const notInstalled = () => {
      throw Object.assign(new Error("Cannot find module 'cdk-elasticache-not-installed'"), { code: 'MODULE_NOT_FOUND' });
    };
    expect(() => loadPackage('cdk-elasticache-not-installed', 'to test the loader', notInstalled)).toThrow(MissingDependencyError);
    expect(() => loadPackage('cdk-elasticache-not-installed', 'to test the loader', notInstalled)).toThrow(
      "cdk-elasticache/runtime needs the package 'cdk-elasticache-not-installed' to test the loader: install it in your application (npm install cdk-elasticache-not-installed)");
    // An error inside an installed package is not mistaken for a missing one.
    expect(() => loadPackage('ioredis', 'x', () => { throw new Error('broken inside'); })).toThrow('broken inside');
  });
});
