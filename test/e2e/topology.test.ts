import { createCluster } from '@redis/client';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import Redis, { Cluster } from 'ioredis';
import { CacheConsumer, ClusterMode, ReplicationGroup } from '../../src';
import { LocalElastiCache } from '../../src/local';
import { connectionFromEnv } from '../../src/runtime';
import { RawClient } from '../local/support';

function stackWith(build: (stack: Stack, vpc: ec2.Vpc) => void): Stack {
  const app = new App();
  const stack = new Stack(app, 'Topology', { env: { account: '123456789012', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 3, natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  build(stack, vpc);
  return stack;
}

function fn(stack: Stack, vpc: ec2.Vpc, id: string): lambda.Function {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
    vpc,
  });
}

describe('cluster mode disabled with replicas', () => {
  let local: LocalElastiCache;
  beforeAll(async () => {
    const stack = stackWith((s, vpc) => {
      const cache = new ReplicationGroup(s, 'Cache', { vpc, clusterMode: ClusterMode.disabled({ replicas: 2 }), parameters: { 'maxmemory-policy': 'allkeys-lru', 'timeout': '300' } });
      cache.addConsumer(CacheConsumer.fromFunction(fn(s, vpc, 'Handler')));
    });
    local = await LocalElastiCache.start(stack);
  });
  afterAll(() => local.stop());

  test('starts one primary and two replicas behind primary and reader endpoints', () => {
    const cache = local.cache('Cache');
    expect(cache.mode).toBe('standalone');
    expect(cache.engine).toBe('valkey');
    expect(cache.group!.shards).toHaveLength(1);
    expect(cache.group!.shards[0].replicas).toHaveLength(2);
    expect(cache.readerEndpoint).toBeDefined();
    expect(local.cache('Topology/Cache')).toBe(cache);
  });

  test('env() gives the handler the contract the construct wrote, resolved locally', () => {
    const env = local.env('Handler');
    const info = connectionFromEnv('CACHE', env);
    const cache = local.cache('Cache');
    expect(info).toMatchObject({ engine: 'valkey', mode: 'standalone', tls: true, auth: 'token', endpoint: cache.endpoint, reader: cache.readerEndpoint });
    expect(info.password).toBe(cache.authToken);
    expect(info.password).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(info.tlsCa).toBe(local.caCertificate);
    expect(info.secretArn).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:/);
    expect(info.cacheId).toBe(cache.id);
  });

  test('writes on the primary reach the replicas; replicas refuse writes; parameters apply', async () => {
    const info = connectionFromEnv('CACHE', local.env('Handler'));
    const primary = new Redis({ ...info.endpoint, password: info.password, tls: { ca: info.tlsCa } });
    const reader = new Redis({ ...info.reader!, password: info.password, tls: { ca: info.tlsCa } });
    await primary.set('k', 'v');
    expect(await reader.get('k')).toBe('v');
    await expect(reader.set('x', '1')).rejects.toThrow(/READONLY/);
    expect(await primary.wait(2, 100)).toBe(2);
    expect(await primary.info('memory')).toContain('maxmemory_policy:allkeys-lru');
    // ElastiCache restricts CONFIG.
    await expect(primary.call('CONFIG', 'GET', 'timeout')).rejects.toThrow(/unknown command/);
    primary.disconnect();
    reader.disconnect();
  });

  test('credentials and CA are checked', async () => {
    const info = connectionFromEnv('CACHE', local.env('Handler'));
    const anonymous = await RawClient.connect(info.endpoint.port, { tls: { ca: info.tlsCa, servername: 'localhost' } });
    expect(await anonymous.call('GET', 'k')).toBe('-NOAUTH Authentication required.\r\n');
    expect(await anonymous.call('AUTH', 'not-the-token-at-all')).toMatch(/^-WRONGPASS/);
    expect(await anonymous.call('AUTH', info.password!)).toBe('+OK\r\n');
    anonymous.close();
    const noTls = new Redis({ ...info.endpoint, password: info.password, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    noTls.on('error', () => undefined);
    await expect(noTls.connect().then(() => noTls.get('k'))).rejects.toThrow();
    noTls.disconnect();
  });

  test('failover promotes a replica and keeps acknowledged writes', async () => {
    const info = connectionFromEnv('CACHE', local.env('Handler'));
    const client = new Redis({ ...info.endpoint, password: info.password, tls: { ca: info.tlsCa } });
    client.on('error', () => undefined);
    const acknowledged: number[] = [];
    let stop = false;
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        try {
          await client.set(`w:${i}`, String(i));
          if ((await client.wait(1, 1000)) >= 1) acknowledged.push(i);
        } catch {
          // The connection drops during failover; the client reconnects.
        }
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    const oldPrimary = local.cache('Cache').group!.shards[0].primary;
    local.failover('Cache');
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await writer;
    const group = local.cache('Cache').group!;
    expect(group.shards[0].primary).not.toBe(oldPrimary);
    expect(oldPrimary.role).toBe('replica');
    expect(acknowledged.length).toBeGreaterThan(10);
    const check = new Redis({ ...info.endpoint, password: info.password, tls: { ca: info.tlsCa } });
    const values = await Promise.all(acknowledged.map((i) => check.get(`w:${i}`)));
    expect(values).toEqual(acknowledged.map(String));
    expect((await check.info('replication'))).toContain('role:master');
    check.disconnect();
    client.disconnect();
  });
});

describe('cluster mode enabled', () => {
  let local: LocalElastiCache;
  beforeAll(async () => {
    const stack = stackWith((s, vpc) => {
      const cache = new ReplicationGroup(s, 'Sharded', { vpc, clusterMode: ClusterMode.enabled({ shards: 3, replicasPerShard: 1 }) });
      cache.addConsumer(CacheConsumer.fromFunction(fn(s, vpc, 'Worker')));
    });
    local = await LocalElastiCache.start(stack);
  });
  afterAll(() => local.stop());

  test('3 shards own the 16384 slots; ioredis Cluster follows redirects with TLS and auth', async () => {
    const info = connectionFromEnv('CACHE', local.env('Worker'));
    expect(info.mode).toBe('cluster');
    const cluster = new Cluster([info.endpoint], { redisOptions: { password: info.password, tls: { ca: info.tlsCa } } });
    for (let i = 0; i < 200; i++) await cluster.set(`key:${i}`, String(i));
    for (let i = 0; i < 200; i++) expect(await cluster.get(`key:${i}`)).toBe(String(i));
    const perShard = local.cache('Sharded').group!.shards.map((s) => s.primary.dbs[0].size);
    expect(perShard.every((n) => n > 30)).toBe(true);
    expect(perShard.reduce((a, b) => a + b)).toBe(200);
    await expect(cluster.del('a', 'b')).rejects.toThrow(/CROSSSLOT/);
    expect(await cluster.del('{u}a', '{u}b')).toBe(0);
    cluster.disconnect();
  });

  test('node-redis createCluster works', async () => {
    const info = connectionFromEnv('CACHE', local.env('Worker'));
    const cluster = createCluster({
      rootNodes: [{ socket: { host: info.endpoint.host, port: info.endpoint.port, tls: true, ca: info.tlsCa } }],
      defaults: { password: info.password, socket: { tls: true, ca: info.tlsCa } },
    });
    await cluster.connect();
    await cluster.set('nr', 'yes');
    expect(await cluster.get('nr')).toBe('yes');
    await cluster.close();
  });

  test('resharding moves slots with their keys while clients keep working', async () => {
    const info = connectionFromEnv('CACHE', local.env('Worker'));
    const cluster = new Cluster([info.endpoint], { redisOptions: { password: info.password, tls: { ca: info.tlsCa } } });
    for (let i = 0; i < 300; i++) await cluster.set(`r:${i}`, String(i));
    const resharding = local.reshard('Sharded', 4);
    const reads: Array<string | null> = [];
    for (let i = 0; i < 300; i++) reads.push(await cluster.get(`r:${i}`));
    await resharding;
    expect(reads).toEqual(Array.from({ length: 300 }, (_, i) => String(i)));
    const group = local.cache('Sharded').group!;
    expect(group.shards).toHaveLength(4);
    for (let i = 0; i < 300; i++) expect(await cluster.get(`r:${i}`)).toBe(String(i));
    cluster.disconnect();
  });
});
