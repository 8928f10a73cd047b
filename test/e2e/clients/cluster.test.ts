import { once } from 'node:events';
import { createClient, createCluster } from '@redis/client';
import { Cluster, ClusterOptions } from 'ioredis';
import { Cluster as ValkeyCluster } from 'iovalkey';
import { until } from './harness';
import { LocalElastiCache, RedisServer } from '../../../src/local';

const TOKEN = 'cluster-auth-token-0123456789abcdefghij';

/** A cluster-mode-enabled replication group with TLS and an AUTH token, as a template. */
const template = {
  Resources: {
    Shards: {
      Type: 'AWS::ElastiCache::ReplicationGroup',
      Properties: {
        ReplicationGroupDescription: 'client suite',
        Engine: 'valkey',
        EngineVersion: '8.0',
        CacheNodeType: 'cache.t4g.small',
        NumNodeGroups: 3,
        ReplicasPerNodeGroup: 1,
        TransitEncryptionEnabled: true,
        AuthToken: TOKEN,
      },
    },
  },
};

describe('cluster mode', () => {
  let local: LocalElastiCache;
  let endpoint: { host: string; port: number };
  let ca: string;
  let primaries: RedisServer[];
  let replicas: RedisServer[];
  const closers: Array<() => Promise<unknown>> = [];

  function ioCluster(options: ClusterOptions = {}): Cluster {
    const c = new Cluster([endpoint], { ...options, redisOptions: { password: TOKEN, tls: { ca, servername: 'localhost' }, ...options.redisOptions } });
    c.on('error', () => undefined);
    closers.push(async () => {
      if (c.status === 'end') return;
      const ended = once(c, 'end');
      c.disconnect();
      await ended;
    });
    return c;
  }

  async function nodeRedisCluster(useReplicas = false): Promise<ReturnType<typeof createCluster>> {
    const c = createCluster({
      useReplicas,
      RESP: 3,
      rootNodes: [{ socket: { host: 'localhost', port: endpoint.port, tls: true, ca } }],
      defaults: { password: TOKEN, socket: { tls: true, ca, servername: 'localhost', reconnectStrategy: false } as never },
    }) as unknown as ReturnType<typeof createCluster>;
    c.on('error', () => undefined);
    await c.connect();
    closers.push(() => c.close());
    return c;
  }

  beforeAll(async () => {
    local = await LocalElastiCache.start(template);
    const cache = local.cache('Shards');
    expect(cache.mode).toBe('cluster');
    endpoint = cache.endpoint;
    ca = local.caCertificate!;
    primaries = cache.group!.shards.map((s) => s.primary);
    replicas = cache.group!.shards.flatMap((s) => s.replicas);
  });
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });
  afterAll(() => local.stop());

  describe('ioredis Cluster', () => {
    test('discovers 3 primaries and 3 replicas; keys spread over the shards by slot', async () => {
      const c = ioCluster();
      await once(c, 'ready');
      expect(c.nodes('master')).toHaveLength(3);
      expect(c.nodes('slave')).toHaveLength(3);
      expect(await c.cluster('KEYSLOT', 'foo')).toBe(12182);
      expect(await c.cluster('KEYSLOT', '{user1000}.following')).toBe(await c.cluster('KEYSLOT', 'user1000'));
      const before = primaries.map((p) => p.dbs[0].size);
      for (let i = 0; i < 300; i++) expect(await c.set(`spread:${i}`, String(i))).toBe('OK');
      const added = primaries.map((p, i) => p.dbs[0].size - before[i]);
      expect(added.reduce((a, b) => a + b)).toBe(300);
      expect(Math.min(...added)).toBeGreaterThan(60);
      const values = await Promise.all(Array.from({ length: 300 }, (_, i) => c.get(`spread:${i}`)));
      expect(values).toEqual(Array.from({ length: 300 }, (_, i) => String(i)));
      await expect(c.mget('spread:1', 'spread:2')).rejects.toThrow(/^CROSSSLOT Keys in request don't hash to the same slot$/);
    });

    test('pipelines and MULTI/EXEC on keys of one slot', async () => {
      const c = ioCluster();
      const p = c.pipeline();
      for (let i = 0; i < 300; i++) p.rpush('{orders}:list', `o${i}`);
      p.llen('{orders}:list');
      const results = await p.exec();
      expect(results).toHaveLength(301);
      expect(results![299]).toEqual([null, 300]);
      expect(results![300]).toEqual([null, 300]);
      expect(await c.multi().set('{orders}:n', '1').incr('{orders}:n').lrange('{orders}:list', 0, 1).exec())
        .toEqual([[null, 'OK'], [null, 2], [null, ['o0', 'o1']]]);
      await expect(c.pipeline().set('{a}x', '1').set('{b}x', '2').exec()).rejects.toThrow(/All keys in the pipeline should belong to the same slots? allocation group/);
    });

    test('scaleReads: slave sends reads to the replicas', async () => {
      const c = ioCluster({ scaleReads: 'slave' });
      for (let i = 0; i < 50; i++) await c.set(`replica-read:${i}`, `r${i}`);
      const hitsBefore = replicas.map((r) => r.stats.keyspaceHits);
      const primaryHitsBefore = primaries.map((p) => p.stats.keyspaceHits);
      for (let i = 0; i < 50; i++) expect(await c.get(`replica-read:${i}`)).toBe(`r${i}`);
      const replicaHits = replicas.map((r, i) => r.stats.keyspaceHits - hitsBefore[i]).reduce((a, b) => a + b);
      expect(replicaHits).toBe(50);
      expect(primaries.map((p, i) => p.stats.keyspaceHits - primaryHitsBefore[i])).toEqual([0, 0, 0]);
    });

    test('scanStream on every primary visits every key once', async () => {
      const c = ioCluster();
      const n = 1200;
      const writes: Array<Promise<unknown>> = [];
      for (let i = 0; i < n; i++) writes.push(c.set(`cscan:${i}`, '1'));
      await Promise.all(writes);
      const seen: string[] = [];
      for (const node of c.nodes('master')) {
        for await (const batch of node.scanStream({ match: 'cscan:*', count: 100 })) seen.push(...(batch as string[]));
      }
      expect(seen).toHaveLength(n);
      expect(new Set(seen)).toEqual(new Set(Array.from({ length: n }, (_, i) => `cscan:${i}`)));
    });

    test('a message published on any node reaches subscribers on other nodes', async () => {
      const sub = ioCluster();
      const pub = ioCluster();
      const got: string[][] = [];
      sub.on('message', (channel: string, message: string) => got.push([channel, message]));
      sub.on('pmessage', (pattern: string, channel: string, message: string) => got.push([pattern, channel, message]));
      expect(await sub.subscribe('cluster-news')).toBe(1);
      expect(await sub.psubscribe('cluster-*')).toBe(2);
      // Publish through every primary: the cluster bus carries the message to the subscriber's node.
      for (const node of pub.nodes('master')) await node.publish('cluster-news', `via ${node.options.port}`);
      await until(() => got.length === 6, 'six deliveries');
      const ports = pub.nodes('master').map((n) => `via ${n.options.port}`);
      expect(got.filter((m) => m.length === 2)).toEqual(ports.map((m) => ['cluster-news', m]));
      expect(got.filter((m) => m.length === 3)).toEqual(ports.map((m) => ['cluster-*', 'cluster-news', m]));
    });

    test('BLPOP in a cluster: null on timeout, woken by a push through another connection', async () => {
      const c = ioCluster();
      const other = ioCluster();
      expect(await c.blpop('{q}empty', 0.1)).toBeNull();
      const waiting = c.blpop('{q}jobs', 5);
      await until(() => primaries.some((p) => [...p.clients.values()].some((x) => x.blocked !== null)), 'the client to block');
      expect(await other.rpush('{q}jobs', 'job-1')).toBe(1);
      expect(await waiting).toEqual(['{q}jobs', 'job-1']);
    });
  });

  describe('node-redis createCluster (RESP3)', () => {
    test('reads and writes across shards, transactions in one slot', async () => {
      const c = await nodeRedisCluster(true);
      expect(c.masters).toHaveLength(3);
      expect(c.replicas).toHaveLength(3);
      // Every node connection negotiated RESP3.
      const connections = [...primaries, ...replicas].flatMap((node) => [...node.clients.values()]).filter((x) => x.libName === 'node-redis');
      expect(connections.length).toBeGreaterThanOrEqual(6);
      expect(connections.map((x) => x.w.resp)).toEqual(connections.map(() => 3));
      await Promise.all(Array.from({ length: 200 }, (_, i) => c.set(`nr-spread:${i}`, `v${i}`)));
      expect(await Promise.all(Array.from({ length: 200 }, (_, i) => c.get(`nr-spread:${i}`)))).toEqual(Array.from({ length: 200 }, (_, i) => `v${i}`));
      expect(await c.multi().hSet('{acct}:h', { a: '1' }).hIncrBy('{acct}:h', 'a', 41).hGetAll('{acct}:h').exec()).toEqual([1, 42, { a: '42' }]);
      // MSET's request policy is multi_shard: the client splits it by slot (x1 and x2 differ).
      expect(await c.sendCommand(undefined, false, ['MSET', 'x1', '1', 'x2', '2'])).toBe('OK');
      expect([await c.get('x1'), await c.get('x2')]).toEqual(['1', '2']);
      await expect(c.sendCommand('x1', false, ['SUNIONSTORE', 'x1', 'x2', 'x3'])).rejects.toThrow(/^CROSSSLOT Keys in request don't hash to the same slot$/);
    });

    test('sharded pub/sub: sSubscribe follows the slot owner, sPublish reaches it', async () => {
      const c = await nodeRedisCluster();
      const got: string[][] = [];
      const channels = ['shard-a', 'shard-b', 'shard-c', 'shard-d', 'shard-e', 'shard-f'];
      for (const ch of channels) await c.sSubscribe(ch, (message, channel) => got.push([channel, message]));
      for (const ch of channels) expect(await c.sPublish(ch, `to ${ch}`)).toBe(1);
      await until(() => got.length === channels.length, 'the sharded messages');
      expect(got.sort()).toEqual(channels.map((ch) => [ch, `to ${ch}`]).sort());
      // Each shard channel is known only to the shard that owns its slot.
      const perShard = primaries.map((p) => p.pubsub.shardChannels.size);
      expect(perShard.reduce((a, b) => a + b)).toBe(channels.length);
    });

    test('regular pub/sub across nodes', async () => {
      const c = await nodeRedisCluster();
      const got: string[] = [];
      await c.subscribe('nr-cluster-news', (message) => got.push(message));
      // PUBLISH through each primary: only the subscriber's own node counts it as a receiver.
      const counts: number[] = [];
      for (const master of c.masters) counts.push(await (await c.nodeClient(master)).publish('nr-cluster-news', `via ${master.port}`));
      expect(counts.sort()).toEqual([0, 0, 1]);
      await until(() => got.length === 3, 'the messages');
      expect(got).toEqual(c.masters.map((m) => `via ${m.port}`));
    });
  });

  test('iovalkey Cluster', async () => {
    const c = new ValkeyCluster([endpoint], { redisOptions: { password: TOKEN, tls: { ca, servername: 'localhost' } } });
    c.on('error', () => undefined);
    closers.push(async () => {
      const ended = once(c, 'end');
      c.disconnect();
      await ended;
    });
    for (let i = 0; i < 100; i++) await c.set(`iv:${i}`, String(i * 3));
    expect(await c.get('iv:99')).toBe('297');
    expect(await c.mget('{t}a', '{t}b')).toEqual([null, null]);
    expect(c.nodes('master')).toHaveLength(3);
  });
});

describe('cluster mode disabled with a replica', () => {
  let local: LocalElastiCache;
  beforeAll(async () => {
    local = await LocalElastiCache.start({
      Resources: {
        Group: {
          Type: 'AWS::ElastiCache::ReplicationGroup',
          Properties: { ReplicationGroupDescription: 'client suite', Engine: 'valkey', NumCacheClusters: 2, CacheNodeType: 'cache.t4g.small' },
        },
      },
    });
  });
  afterAll(() => local.stop());

  test('subscribers on the reader endpoint get messages published on the primary endpoint', async () => {
    const cache = local.cache('Group');
    expect(cache.mode).toBe('standalone');
    const sub = createClient({ RESP: 3, socket: { ...cache.readerEndpoint!, reconnectStrategy: false } });
    await sub.connect();
    const primary = createClient({ RESP: 3, socket: { ...cache.endpoint, reconnectStrategy: false } });
    await primary.connect();
    try {
      expect((await sub.sendCommand(['ROLE']) as unknown[])[0]).toBe('slave');
      const got: string[] = [];
      await sub.subscribe('invalidations', (message) => got.push(message));
      expect(await primary.publish('invalidations', 'user:1')).toBe(0);
      await until(() => got.length === 1, 'the message on the replica');
      expect(got).toEqual(['user:1']);
    } finally {
      await sub.close();
      await primary.close();
    }
  });
});
