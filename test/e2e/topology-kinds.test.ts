import * as tls from 'node:tls';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import Redis, { Cluster } from 'ioredis';
import { CacheConsumer, MemcachedCluster } from '../../src';
import { LocalElastiCache } from '../../src/local';
import { connectionFromEnv, createIamAuthToken, createMemcachedClient, discoverMemcachedNodes } from '../../src/runtime';
import { RawClient } from '../local/support';

function newStack(): { stack: Stack; vpc: ec2.Vpc } {
  const app = new App();
  const stack = new Stack(app, 'Kinds', { env: { account: '123456789012', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 3, natGateways: 0, subnetConfiguration: [{ name: 'i', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  return { stack, vpc };
}

function fn(stack: Stack, vpc: ec2.Vpc, id: string): lambda.Function {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}'), vpc,
  });
}

describe('a Memcached cluster', () => {
  let local: LocalElastiCache;
  beforeAll(async () => {
    const { stack, vpc } = newStack();
    new MemcachedCluster(stack, 'Pages', { vpc, nodes: 3 }).addConsumer(CacheConsumer.fromFunction(fn(stack, vpc, 'Web')));
    local = await LocalElastiCache.start(stack);
  });
  afterAll(() => local.stop());

  test('starts one node per cache node; auto discovery lists them all on every node', async () => {
    const cache = local.cache('Pages');
    expect(cache.engine).toBe('memcached');
    expect(cache.mode).toBe('memcached');
    const nodes = cache.memcached!.nodes;
    expect(nodes).toHaveLength(3);
    for (const node of nodes) {
      const found = await discoverMemcachedNodes({ host: node.host, port: node.port }, { ca: local.caCertificate, servername: 'localhost' });
      expect(found.nodes.map((n) => n.port).sort()).toEqual(nodes.map((n) => n.port).sort());
      expect(found.version).toBe(1);
    }
  });

  test('env() gives the configuration endpoint; the runtime client discovers the nodes and spreads keys over them', async () => {
    const env = local.env('Web');
    const info = connectionFromEnv('CACHE', env);
    expect(info).toMatchObject({ engine: 'memcached', mode: 'memcached', tls: true, auth: 'none' });
    const cache = local.cache('Pages');
    expect(info.endpoint).toEqual(cache.endpoint);
    const client = await createMemcachedClient({ env, memcachedRediscoverMs: 0 });
    try {
      for (let i = 0; i < 60; i++) await client.set(`page:${i}`, `v${i}`, {});
      for (let i = 0; i < 60; i++) expect((await client.get(`page:${i}`)).value?.toString()).toBe(`v${i}`);
    } finally {
      client.close();
    }
    // Every node holds some of the keys.
    for (const node of cache.memcached!.nodes) {
      const c = await tlsLines(node.port, local.caCertificate!, 'stats\r\n');
      expect(Number(/STAT curr_items (\d+)/.exec(c)![1])).toBeGreaterThan(5);
    }
  });
});

/** Sends a text-protocol request over TLS and returns what comes back up to END. */
function tlsLines(port: number, ca: string, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => socket.write(request));
    let out = '';
    socket.on('data', (d) => {
      out += d.toString('latin1');
      if (out.endsWith('END\r\n')) {
        socket.destroy();
        resolve(out);
      }
    });
    socket.once('error', reject);
  });
}

describe('a serverless Valkey cache with RBAC users and an IAM user', () => {
  let local: LocalElastiCache;
  const password = 'app-password-0123456789';
  beforeAll(async () => {
    const { stack } = newStack();
    const appUser = new elasticache.CfnUser(stack, 'AppUser', {
      engine: 'valkey',
      userId: 'app',
      userName: 'app',
      accessString: 'on ~app:* +@all -@dangerous',
      authenticationMode: { Type: 'password', Passwords: [password] },
    });
    const iamUser = new elasticache.CfnUser(stack, 'IamUser', {
      engine: 'valkey',
      userId: 'reporter',
      userName: 'reporter',
      accessString: 'on ~* +@read',
      authenticationMode: { Type: 'iam' },
    });
    const group = new elasticache.CfnUserGroup(stack, 'Users', { engine: 'valkey', userGroupId: 'app-users', userIds: [appUser.userId, iamUser.userId] });
    group.addDependency(appUser);
    group.addDependency(iamUser);
    new elasticache.CfnServerlessCache(stack, 'Sessions', {
      engine: 'valkey', serverlessCacheName: 'Sessions', majorEngineVersion: '8', userGroupId: group.ref,
    });
    local = await LocalElastiCache.start(stack);
  });
  afterAll(() => local.stop());

  test('one endpoint speaking the cluster protocol with a single logical shard, and a reader port', async () => {
    const cache = local.cache('Sessions');
    expect(cache.id).toBe('sessions');
    expect(cache.mode).toBe('serverless');
    const c = await RawClient.connect(cache.endpoint.port, { tls: { ca: local.caCertificate, servername: 'localhost' } });
    expect(await c.call('AUTH', 'app', password)).toBe('+OK\r\n');
    const slots = await c.call('CLUSTER', 'SLOTS');
    expect(slots).toContain(`:0\r\n:16383\r\n*4\r\n$9\r\n127.0.0.1\r\n:${cache.endpoint.port}\r\n`);
    expect(slots).toContain(`:${cache.readerEndpoint!.port}\r\n`);
    c.close();
  });

  test('RBAC users get their access strings; the default user is off', async () => {
    const cache = local.cache('Sessions');
    const cluster = new Cluster([cache.endpoint], { enableReadyCheck: false, redisOptions: { username: 'app', password, tls: { ca: local.caCertificate }, enableReadyCheck: false } });
    expect(await cluster.set('app:1', 'x')).toBe('OK');
    await expect(cluster.set('other:1', 'x')).rejects.toThrow(/NOPERM/);
    await expect(cluster.flushall()).rejects.toThrow(/NOPERM/);
    cluster.disconnect();
    const c = await RawClient.connect(cache.endpoint.port, { tls: { ca: local.caCertificate, servername: 'localhost' } });
    expect(await c.call('GET', 'app:1')).toBe('-NOAUTH Authentication required.\r\n');
    expect(await c.call('AUTH', 'default', 'anything')).toMatch(/^-WRONGPASS/);
    expect(await c.call('AUTH', 'app', 'wrong')).toMatch(/^-WRONGPASS/);
    c.close();
  });

  test('the IAM user authenticates with a token signed for the cache; other tokens are refused', async () => {
    const cache = local.cache('Sessions');
    const credentials = async () => ({ accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' });
    const token = await createIamAuthToken({ cacheId: 'sessions', user: 'reporter', region: 'us-east-1', credentials, serverless: true });
    const c = await RawClient.connect(cache.endpoint.port, { tls: { ca: local.caCertificate, servername: 'localhost' } });
    expect(await c.call('AUTH', 'reporter', token)).toBe('+OK\r\n');
    expect(await c.call('GET', 'app:1')).toMatch(/^\$1\r\nx\r\n|^-MOVED/);
    expect(await c.call('SET', 'app:2', 'y')).toMatch(/^-NOPERM/);
    const forOtherCache = await createIamAuthToken({ cacheId: 'another', user: 'reporter', region: 'us-east-1', credentials, serverless: true });
    const d = await RawClient.connect(cache.endpoint.port, { tls: { ca: local.caCertificate, servername: 'localhost' } });
    expect(await d.call('AUTH', 'reporter', forOtherCache)).toMatch(/^-WRONGPASS/);
    const notServerless = await createIamAuthToken({ cacheId: 'sessions', user: 'reporter', region: 'us-east-1', credentials });
    expect(await d.call('AUTH', 'reporter', notServerless)).toMatch(/^-WRONGPASS/);
    c.close();
    d.close();
  });

  test('the reader port serves READONLY reads from the replica', async () => {
    const cache = local.cache('Sessions');
    const reader = new Redis({ ...cache.readerEndpoint!, username: 'app', password, tls: { ca: local.caCertificate }, enableReadyCheck: false });
    expect(await reader.call('READONLY')).toBe('OK');
    expect(await reader.get('app:1')).toBe('x');
    reader.disconnect();
  });
});
