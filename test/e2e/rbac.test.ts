import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Cluster, Redis } from 'ioredis';
import { CacheAuth, CacheConsumer, ClusterMode, ReplicationGroup, ServerlessCache, ServerlessEngine, User, UserAuthentication, UserGroup } from '../../src';
import { LocalElastiCache } from '../../src/local';
import { connectionFromEnv, createRedisClient, RedisClient } from '../../src/runtime';
import { RawClient } from '../local/support';

/**
 * RBAC end to end: the users, user groups, caches and consumers the constructs synthesize, started
 * by the local engine, reached by the runtime client with the contract each consumer receives.
 */
const credentials = async () => ({ accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' });
/** No reconnect loops when a test expects a refusal. */
const noRetry = { retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: true } as const;

function fn(stack: Stack, vpc: ec2.Vpc, id: string): lambda.Function {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}'), vpc,
  });
}

describe('RBAC users on a replication group and a serverless cache', () => {
  let local: LocalElastiCache;
  /** The names of the users the default serverless caches generated. */
  let valkeyUser: string;
  let redisUser: string;
  const clients: RedisClient[] = [];
  const track = <T extends RedisClient>(client: T): T => {
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    const app = new App();
    const stack = new Stack(app, 'Rbac', { env: { account: '123456789012', region: 'us-east-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'i', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });

    // A password user limited to app:* keys, an IAM user that may only read.
    const appUser = new User(stack, 'AppUser', { userId: 'app', accessString: 'on ~app:* +@all -@dangerous +info' });
    const reporter = new User(stack, 'Reporter', { userId: 'reporter', authentication: UserAuthentication.iam(), accessString: 'on ~* +@read +info' });
    const users = new UserGroup(stack, 'Users', { users: [appUser, reporter] });
    const cache = new ReplicationGroup(stack, 'Cache', { vpc, clusterMode: ClusterMode.disabled({ replicas: 1 }), auth: CacheAuth.userGroup(users) });
    cache.addConsumer(CacheConsumer.fromFunction(fn(stack, vpc, 'Web')), { user: appUser });
    cache.addConsumer(CacheConsumer.fromFunction(fn(stack, vpc, 'Report')), { user: reporter });

    // A serverless Valkey cache with its own group and a user with the default access string.
    const sessionUser = new User(stack, 'SessionUser', { userId: 'sessions-app', userName: 'sessions' });
    const sessionUsers = new UserGroup(stack, 'SessionUsers', { users: [sessionUser] });
    const sessions = new ServerlessCache(stack, 'Sessions', { vpc, serverlessCacheName: 'sessions', auth: CacheAuth.userGroup(sessionUsers) });
    sessions.addConsumer(CacheConsumer.fromFunction(fn(stack, vpc, 'SessionHandler')), { user: sessionUser });

    // Serverless caches with defaults: a generated user group and user; consumers name no user.
    const valkeyDefaults = new ServerlessCache(stack, 'ValkeyDefaults', { vpc, serverlessCacheName: 'valkey-defaults' });
    valkeyDefaults.addConsumer(CacheConsumer.fromFunction(fn(stack, vpc, 'ValkeyDefaultsHandler')));
    const redisDefaults = new ServerlessCache(stack, 'RedisDefaults', { vpc, serverlessCacheName: 'redis-defaults', engine: ServerlessEngine.REDIS_7 });
    redisDefaults.addConsumer(CacheConsumer.fromFunction(fn(stack, vpc, 'RedisDefaultsHandler')));
    valkeyUser = valkeyDefaults.generatedUser!.userName;
    redisUser = redisDefaults.generatedUser!.userName;

    local = await LocalElastiCache.start(stack);
  });

  afterAll(async () => {
    // A client whose connection already ended (refused, no retries) has nothing to close: calling
    // disconnect() would leave ioredis's disconnect timer running after the tests.
    for (const c of clients) if (c.status !== 'end') c.disconnect();
    await local.stop();
  });

  describe('replication group', () => {
    test('the password user\'s consumer gets its name and the generated password from the JSON secret', () => {
      const env = local.env('Web');
      const info = connectionFromEnv('CACHE', env);
      expect(info).toMatchObject({ engine: 'valkey', mode: 'standalone', tls: true, auth: 'password', user: 'app', cacheId: local.cache('Cache').id });
      expect(info.password).toMatch(/^[A-Za-z0-9]{64}$/);
      expect(info.secretArn).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:AppUserSecret/);
    });

    test('createClient connects as the password user, whose access string is enforced', async () => {
      const client = track(await createRedisClient({ env: local.env('Web') }) as Redis);
      expect(await client.set('app:1', 'hello')).toBe('OK');
      expect(await client.get('app:1')).toBe('hello');
      expect(await client.call('ACL', 'WHOAMI')).toBe('app');
      await expect(client.set('other:1', 'x')).rejects.toThrow(/NOPERM/);
      await expect(client.flushall()).rejects.toThrow(/NOPERM/);
      await expect(client.keys('*')).rejects.toThrow(/NOPERM/);
    });

    test('a wrong password is refused', async () => {
      const env = { ...local.env('Web'), CACHE_PASSWORD: 'Wrong0password0of0the0right0length' };
      const client = track(await createRedisClient({ env, redisOptions: noRetry }) as Redis);
      await expect(client.get('app:1')).rejects.toThrow('WRONGPASS invalid username-password pair or user is disabled.');
      const cache = local.cache('Cache');
      const raw = await RawClient.connect(cache.endpoint.port, { tls: { ca: local.caCertificate, servername: 'localhost' } });
      expect(await raw.call('AUTH', 'app', 'Wrong0password0of0the0right0length')).toMatch(/^-WRONGPASS/);
      expect(await raw.call('AUTH', 'app', connectionFromEnv('CACHE', local.env('Web')).password!)).toBe('+OK\r\n');
      raw.close();
    });

    test('the default user is not usable: the group has no user named default', async () => {
      const cache = local.cache('Cache');
      const raw = await RawClient.connect(cache.endpoint.port, { tls: { ca: local.caCertificate, servername: 'localhost' } });
      expect(await raw.call('GET', 'app:1')).toBe('-NOAUTH Authentication required.\r\n');
      expect(await raw.call('AUTH', 'default', 'anything')).toMatch(/^-WRONGPASS/);
      raw.close();
    });

    test('the IAM user\'s consumer signs a token for the group and reads, but may not write', async () => {
      const env = local.env('Report');
      const info = connectionFromEnv('CACHE', env);
      expect(info).toMatchObject({ auth: 'iam', user: 'reporter', cacheId: local.cache('Cache').id });
      expect(info.password).toBeUndefined();
      expect(info.secretArn).toBeUndefined();
      const client = track(await createRedisClient({ env, region: 'us-east-1', credentials }) as Redis);
      expect(await client.get('app:1')).toBe('hello');
      await expect(client.set('app:2', 'x')).rejects.toThrow(/NOPERM/);
    });

    test('a token signed for another cache is refused', async () => {
      const env = { ...local.env('Report'), CACHE_ID: 'another-cache' };
      const client = track(await createRedisClient({ env, region: 'us-east-1', credentials, redisOptions: noRetry }) as Redis);
      await expect(client.get('app:1')).rejects.toThrow('WRONGPASS invalid username-password pair or user is disabled.');
    });
  });

  describe('serverless cache', () => {
    test('the consumer connects as its user through the cluster protocol; the access string is enforced', async () => {
      const env = local.env('SessionHandler');
      const info = connectionFromEnv('CACHE', env);
      expect(info).toMatchObject({ mode: 'serverless', tls: true, auth: 'password', user: 'sessions', cacheId: 'sessions' });
      expect(info.endpoint).toEqual(local.cache('Sessions').endpoint);
      const client = track(await createRedisClient({ env }) as Cluster);
      expect(await client.set('session:1', 'alice')).toBe('OK');
      expect(await client.get('session:1')).toBe('alice');
      // The default access string: everything but @dangerous, with INFO allowed for ready checks.
      expect(await client.info('server')).toMatch(/redis_version|valkey_version/);
      await expect(client.flushall()).rejects.toThrow(/NOPERM/);
    });

    test('a wrong password is refused', async () => {
      const cache = local.cache('Sessions');
      const raw = await RawClient.connect(cache.endpoint.port, { tls: { ca: local.caCertificate, servername: 'localhost' } });
      expect(await raw.call('AUTH', 'sessions', 'not-the-password-0123456789')).toMatch(/^-WRONGPASS/);
      expect(await raw.call('AUTH', 'app', connectionFromEnv('CACHE', local.env('Web')).password!)).toMatch(/^-WRONGPASS/);
      raw.close();
    });
  });

  describe('serverless caches with defaults', () => {
    test.each([
      ['Valkey', 'ValkeyDefaults', 'ValkeyDefaultsHandler', () => valkeyUser, 'valkey-defaults'],
      ['Redis OSS', 'RedisDefaults', 'RedisDefaultsHandler', () => redisUser, 'redis-defaults'],
    ])('%s: a consumer without user connects as the generated user and can SET and GET', async (_engine, cacheId, handler, user, name) => {
      const env = local.env(handler);
      const info = connectionFromEnv('CACHE', env);
      expect(user()).toMatch(/^rbac-[a-z]+defaults-user-[a-z0-9]+$/);
      expect(info).toMatchObject({ mode: 'serverless', tls: true, auth: 'password', user: user(), cacheId: name });
      expect(info.password).toMatch(/^[A-Za-z0-9]{64}$/);
      expect(info.endpoint).toEqual(local.cache(cacheId).endpoint);
      const client = track(await createRedisClient({ env }) as Cluster);
      expect(await client.set('greeting', `hello ${name}`)).toBe('OK');
      expect(await client.get('greeting')).toBe(`hello ${name}`);
      // The default access string: everything but @dangerous.
      await expect(client.flushall()).rejects.toThrow(/NOPERM/);
    });

    test.each([
      ['Valkey', 'ValkeyDefaults', 'ValkeyDefaultsHandler'],
      ['Redis OSS', 'RedisDefaults', 'RedisDefaultsHandler'],
    ])('%s: an unauthenticated connection gets NOAUTH, the default user is refused, the generated user is accepted', async (_engine, cacheId, handler) => {
      const raw = await RawClient.connect(local.cache(cacheId).endpoint.port, { tls: { ca: local.caCertificate, servername: 'localhost' } });
      expect(await raw.call('GET', 'greeting')).toBe('-NOAUTH Authentication required.\r\n');
      expect(await raw.call('SET', 'greeting', 'x')).toBe('-NOAUTH Authentication required.\r\n');
      expect(await raw.call('AUTH', 'default', 'anything')).toMatch(/^-WRONGPASS/);
      const info = connectionFromEnv('CACHE', local.env(handler));
      expect(await raw.call('AUTH', info.user!, info.password!)).toBe('+OK\r\n');
      raw.close();
    });
  });
});
