import { RawClient } from './support';
import { RunningRedisServer, startRedisServer } from '../../src/local';
import { ClusterTopology } from '../../src/local/cluster';
import { decodeReply, toPlain } from '../../src/local/resp/decode';
import { FakeClock } from '../../src/local/store/clock';

/** Two shards of a primary and a replica each, slots split in half; no replication links needed. */
async function startCluster(engine: 'valkey' | 'redis', version: string) {
  const nodes: RunningRedisServer[] = [];
  // One fixed clock: the pong times in node lines stay the same from one request to the next.
  const clock = new FakeClock();
  for (let i = 0; i < 4; i++) nodes.push(await startRedisServer({ engine, version, clock, config: { 'cluster-enabled': 'yes' } }));
  const topology = new ClusterTopology();
  const a = topology.addShard([nodes[0].server, nodes[1].server], false);
  const b = topology.addShard([nodes[2].server, nodes[3].server], false);
  topology.assign(a, 0, 8191);
  topology.assign(b, 8192, 16383);
  const ids = nodes.map((n) => topology.nodeOf(n.server)!.id);
  return { nodes, topology, ids, stop: () => Promise.all(nodes.map((n) => n.stop())) };
}

function plain(reply: string): unknown {
  return toPlain(decodeReply(reply, 0)!.value);
}

describe('CLUSTER REPLICAS, SLAVES and COUNT-FAILURE-REPORTS on a local cluster', () => {
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let c: RawClient;
  beforeAll(async () => {
    cluster = await startCluster('valkey', '8.0.2');
    c = await RawClient.connect(cluster.nodes[2].port);
  });
  afterAll(async () => {
    c.close();
    await cluster.stop();
  });

  test("a primary's replicas come as CLUSTER NODES lines, from any node", async () => {
    const [p0, r0, p1, r1] = cluster.ids;
    for (const [primary, replica] of [[p0, r0], [p1, r1]]) {
      const lines = plain(await c.call('CLUSTER', 'REPLICAS', primary)) as string[];
      expect(lines).toHaveLength(1);
      // <id> <ip:port@cport> <flags> <primary> <ping-sent> <pong-recv> <epoch> <link-state>; replicas own no slots.
      const fields = lines[0].split(' ');
      expect(fields).toHaveLength(8);
      expect(fields[0]).toBe(replica);
      expect(fields[2]).toBe('slave');
      expect(fields[3]).toBe(primary);
      expect(fields[5]).toBe(String(Date.UTC(2026, 0, 1)));
      expect(fields[7]).toBe('connected');
      expect(await c.call('CLUSTER', 'SLAVES', primary)).toBe(await c.call('CLUSTER', 'REPLICAS', primary));
      // The same line CLUSTER NODES gives for that replica.
      const nodes = (plain(await c.call('CLUSTER', 'NODES')) as string).split('\n');
      expect(nodes).toContain(lines[0]);
    }
  });

  test('a replica is not a master; unknown ids and arity are refused', async () => {
    expect(await c.call('CLUSTER', 'REPLICAS', cluster.ids[1])).toBe('-ERR The specified node is not a master\r\n');
    expect(await c.call('CLUSTER', 'SLAVES', cluster.ids[3])).toBe('-ERR The specified node is not a master\r\n');
    expect(await c.call('CLUSTER', 'REPLICAS', 'nosuch')).toBe('-ERR Unknown node nosuch\r\n');
    expect(await c.call('CLUSTER', 'REPLICAS', cluster.ids[0].toUpperCase())).toBe(`-ERR Unknown node ${cluster.ids[0].toUpperCase()}\r\n`);
    expect(await c.call('CLUSTER', 'REPLICAS')).toBe("-ERR wrong number of arguments for 'cluster|replicas' command\r\n");
  });

  test('after a failover the new primary lists the old one as its replica', async () => {
    const [p0, r0] = cluster.ids;
    cluster.topology.promote(cluster.topology.nodeOf(cluster.nodes[1].server)!);
    try {
      const lines = plain(await c.call('CLUSTER', 'REPLICAS', r0)) as string[];
      expect(lines.map((l) => l.split(' ').slice(0, 4).join(' '))).toEqual([`${p0} 127.0.0.1:${cluster.nodes[0].port}@${cluster.nodes[0].port + 10000} slave ${r0}`]);
      expect(await c.call('CLUSTER', 'REPLICAS', p0)).toBe('-ERR The specified node is not a master\r\n');
    } finally {
      cluster.topology.promote(cluster.topology.nodeOf(cluster.nodes[0].server)!);
    }
  });

  test('COUNT-FAILURE-REPORTS: no node of a local cluster is ever reported failing', async () => {
    for (const id of cluster.ids) expect(await c.call('CLUSTER', 'COUNT-FAILURE-REPORTS', id)).toBe(':0\r\n');
    expect(await c.call('CLUSTER', 'COUNT-FAILURE-REPORTS', 'nosuch')).toBe('-ERR Unknown node nosuch\r\n');
  });

  test('the replica commands are admin commands: a user without @admin is refused', async () => {
    expect(await c.call('ACL', 'SETUSER', 'app', 'on', 'nopass', '+@all', '-@admin', '~*')).toBe('+OK\r\n');
    const app = await RawClient.connect(cluster.nodes[2].port);
    try {
      expect(await app.call('AUTH', 'app', 'x')).toBe('+OK\r\n');
      expect(await app.call('CLUSTER', 'REPLICAS', cluster.ids[0])).toBe("-NOPERM User app has no permissions to run the 'cluster|replicas' command\r\n");
      expect(await app.call('CLUSTER', 'SLOTS')).toMatch(/^\*2\r\n/);
    } finally {
      app.close();
    }
  });
});

describe('PUBLISH on a local cluster', () => {
  test('reaches subscribers on every node, replicas included; the reply counts local receivers', async () => {
    const cluster = await startCluster('valkey', '8.0.2');
    const subs = await Promise.all(cluster.nodes.map((n) => RawClient.connect(n.port)));
    for (const [i, sub] of subs.entries()) {
      expect(await sub.call('SUBSCRIBE', 'news')).toBe('*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n');
      if (i === 3) expect(await sub.call('PSUBSCRIBE', 'n*')).toBe('*3\r\n$10\r\npsubscribe\r\n$2\r\nn*\r\n:2\r\n');
    }
    const pub = await RawClient.connect(cluster.nodes[1].port);
    // One receiver on the publishing node itself.
    expect(await pub.call('PUBLISH', 'news', 'hi')).toBe(':1\r\n');
    for (const sub of subs) expect(await sub.reply()).toBe('*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n');
    expect(await subs[3].reply()).toBe('*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$2\r\nhi\r\n');
    // Nobody listens on the publishing node for this channel: 0, yet the others receive it.
    expect(await subs[0].call('SUBSCRIBE', 'only-here')).toBe('*3\r\n$9\r\nsubscribe\r\n$9\r\nonly-here\r\n:2\r\n');
    expect(await pub.call('PUBLISH', 'only-here', 'x')).toBe(':0\r\n');
    expect(await subs[0].reply()).toBe('*3\r\n$7\r\nmessage\r\n$9\r\nonly-here\r\n$1\r\nx\r\n');
    for (const c of [...subs, pub]) c.close();
    await cluster.stop();
  });
});

describe('CLUSTER by engine version', () => {
  test('MYSHARDID and its HELP line exist from Redis 7.2 (and in Valkey), not in Redis 7.0', async () => {
    const redis70 = await startCluster('redis', '7.0.15');
    const valkey = await startCluster('valkey', '8.0.2');
    const r = await RawClient.connect(redis70.nodes[0].port);
    const v = await RawClient.connect(valkey.nodes[0].port);
    try {
      expect(await r.call('CLUSTER', 'MYSHARDID')).toBe("-ERR unknown subcommand 'MYSHARDID'. Try CLUSTER HELP.\r\n");
      expect(await v.call('CLUSTER', 'MYSHARDID')).toMatch(/^\$40\r\n[0-9a-f]{40}\r\n$/);
      // Both nodes of a shard report the shard's id.
      const other = await RawClient.connect(valkey.nodes[1].port);
      expect(await other.call('CLUSTER', 'MYSHARDID')).toBe(await v.call('CLUSTER', 'MYSHARDID'));
      other.close();
      const help = async (client: RawClient) => (plain(await client.call('CLUSTER', 'HELP')) as string[]).map((l) => l.split(' ')[0]);
      expect(await help(r)).not.toContain('MYSHARDID');
      expect(await help(v)).toContain('MYSHARDID');
      expect((await help(v)).slice(1)).toEqual(['COUNT-FAILURE-REPORTS', 'COUNTKEYSINSLOT', 'GETKEYSINSLOT', 'INFO', 'KEYSLOT', 'LINKS',
        'MYID', 'MYSHARDID', 'NODES', 'REPLICAS', 'SHARDS', 'SLAVES', 'SLOTS', 'HELP']);
    } finally {
      r.close();
      v.close();
      await redis70.stop();
      await valkey.stop();
    }
  });
});

describe('transactions on a local cluster', () => {
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let c: RawClient;
  beforeAll(async () => {
    cluster = await startCluster('redis', '7.0.15');
    // Node 0 serves slots 0-8191: 'b' (slot 3300) and 'c' (slot 7365) are both its own, 'a' (15495) is not.
    c = await RawClient.connect(cluster.nodes[0].port);
  });
  afterAll(async () => {
    c.close();
    await cluster.stop();
  });

  test('EXEC of keys in two slots of the same node is refused with a plain CROSSSLOT and discards the transaction', async () => {
    expect(await c.call('MULTI')).toBe('+OK\r\n');
    expect(await c.call('SET', 'b', '1')).toBe('+QUEUED\r\n');
    expect(await c.call('SET', 'c', '1')).toBe('+QUEUED\r\n');
    expect(await c.call('EXEC')).toBe("-CROSSSLOT Keys in request don't hash to the same slot\r\n");
    // Out of MULTI, nothing ran.
    expect(await c.call('MGET', 'b')).toBe('*1\r\n$-1\r\n');
    expect(await c.call('EXEC')).toBe('-ERR EXEC without MULTI\r\n');
  });

  test('a queued command redirected elsewhere fails the transaction: EXEC answers EXECABORT', async () => {
    expect(await c.call('MULTI')).toBe('+OK\r\n');
    expect(await c.call('SET', 'a', '1')).toMatch(/^-MOVED 15495 127\.0\.0\.1:\d+\r\n$/);
    expect(await c.call('SET', 'b', '1')).toBe('+QUEUED\r\n');
    expect(await c.call('EXEC')).toBe('-EXECABORT Transaction discarded because of previous errors.\r\n');
    expect(await c.call('MGET', 'b')).toBe('*1\r\n$-1\r\n');
  });
});
