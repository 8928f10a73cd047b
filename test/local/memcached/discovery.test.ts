import Memcached from 'memcached';
import { RawClient, binRequest, parseResponses } from './helpers';
import { ClusterDiscovery, MemcachedServer, formatClusterConfig, startMemcachedServer } from '../../../src/local';

/**
 * ElastiCache auto discovery. The reply format follows AWS's documentation and the ElastiCache
 * cluster client: `CONFIG cluster 0 <bytes>\r\n<version>\n<host>|<ip>|<port> ...\n\r\nEND\r\n`,
 * where <bytes> counts the version line and the node line.
 */
describe('ClusterDiscovery', () => {
  test('the version grows with every change of the node list', () => {
    const d = new ClusterDiscovery();
    expect(d.version()).toBe(0);
    d.setNodes([{ hostname: 'a', ip: '10.0.0.1', port: 11211 }]);
    expect(d.version()).toBe(1);
    d.setNodes([{ hostname: 'a', ip: '10.0.0.1', port: 11211 }]);
    expect(d.version()).toBe(1);
    d.addNode({ hostname: 'b', ip: '10.0.0.2', port: 11211 });
    expect(d.version()).toBe(2);
    expect(d.removeNode('10.0.0.1', 11211)).toBe(true);
    expect(d.removeNode('10.0.0.1', 11211)).toBe(false);
    expect(d.version()).toBe(3);
    expect(d.nodes()).toEqual([{ hostname: 'b', ip: '10.0.0.2', port: 11211 }]);
    expect(new ClusterDiscovery([{ hostname: 'x', ip: '1.2.3.4', port: 1 }]).version()).toBe(1);
  });

  test('formats the configuration block', () => {
    const d = new ClusterDiscovery([
      { hostname: 'mycluster.fnjyzo.cfg.0001.use1.cache.amazonaws.com', ip: '10.82.235.120', port: 11211 },
      { hostname: 'mycluster.fnjyzo.cfg.0002.use1.cache.amazonaws.com', ip: '10.80.249.27', port: 11211 },
    ]);
    expect(formatClusterConfig(d).toString()).toBe('1\n'
      + 'mycluster.fnjyzo.cfg.0001.use1.cache.amazonaws.com|10.82.235.120|11211 '
      + 'mycluster.fnjyzo.cfg.0002.use1.cache.amazonaws.com|10.80.249.27|11211\n');
  });
});

describe('auto discovery on a three-node cluster', () => {
  let servers: MemcachedServer[];
  let discovery: ClusterDiscovery;
  const clients: RawClient[] = [];

  beforeEach(async () => {
    discovery = new ClusterDiscovery();
    servers = await Promise.all([0, 1, 2].map(() => startMemcachedServer({ discovery })));
    discovery.setNodes(servers.map((s, i) => ({ hostname: `node${i + 1}.local`, ip: '127.0.0.1', port: s.port })));
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await Promise.all(servers.map((s) => s.stop()));
  });
  const connect = async (s: MemcachedServer) => {
    const c = await RawClient.connect(s.port);
    clients.push(c);
    return c;
  };
  const block = () => `1\n${servers.map((s, i) => `node${i + 1}.local|127.0.0.1|${s.port}`).join(' ')}\n`;

  test('every node answers config get cluster with the exact length', async () => {
    const config = block();
    for (const s of servers) {
      const c = await connect(s);
      await c.expect('config get cluster\r\n', `CONFIG cluster 0 ${Buffer.byteLength(config)}\r\n${config}\r\nEND\r\n`);
    }
  });

  test('the version grows when a node is added or removed, on every node', async () => {
    const extra = await startMemcachedServer({ discovery });
    try {
      discovery.addNode({ hostname: 'node4.local', ip: '127.0.0.1', port: extra.port });
      const nodes = [...servers, extra].map((s, i) => `node${i + 1}.local|127.0.0.1|${s.port}`).join(' ');
      const grown = `2\n${nodes}\n`;
      for (const s of [...servers, extra]) {
        const c = await connect(s);
        await c.expect('config get cluster\r\n', `CONFIG cluster 0 ${grown.length}\r\n${grown}\r\nEND\r\n`);
      }
      discovery.removeNode('127.0.0.1', extra.port);
      const c = await connect(servers[0]);
      const shrunk = `3\n${servers.map((s, i) => `node${i + 1}.local|127.0.0.1|${s.port}`).join(' ')}\n`;
      await c.expect('config get cluster\r\n', `CONFIG cluster 0 ${shrunk.length}\r\n${shrunk}\r\nEND\r\n`);
    } finally {
      await extra.stop();
    }
  });

  test('the pre-1.4.14 key answers with the same block', async () => {
    const c = await connect(servers[1]);
    const config = block();
    await c.expect('get AmazonElastiCache:cluster\r\n', `VALUE AmazonElastiCache:cluster 0 ${config.length}\r\n${config}\r\nEND\r\n`);
    await c.expect('gets AmazonElastiCache:cluster\r\n', `VALUE AmazonElastiCache:cluster 0 ${config.length} 1\r\n${config}\r\nEND\r\n`);
  });

  test('the binary config-get opcode returns flags and the block', async () => {
    const c = await connect(servers[2]);
    const config = block();
    const reply = await c.send(Buffer.concat([
      binRequest(0x60, { key: 'cluster', opaque: 9 }),
      binRequest(0x60, { key: 'other', opaque: 10 }),
      binRequest(0x00, { key: 'AmazonElastiCache:cluster', opaque: 11 }),
    ]), 3 * 24 + 4 + config.length + 9 + 4 + config.length);
    const [hit, miss, legacy] = parseResponses(reply);
    expect(hit).toMatchObject({ opcode: 0x60, status: 0, opaque: 9, key: '' });
    expect(hit.extras.toString('hex')).toBe('00000000');
    expect(hit.value.toString()).toBe(config);
    expect(miss).toMatchObject({ opcode: 0x60, status: 1, opaque: 10 });
    expect(miss.value.toString()).toBe('Not found');
    expect(legacy).toMatchObject({ status: 0, opaque: 11, cas: 1n });
    expect(legacy.value.toString()).toBe(config);
  });

  test('a client configured from the discovered nodes spreads keys over all of them', async () => {
    // What an auto-discovery client does: read the node list from any node, then hash over it.
    const c = await connect(servers[0]);
    const reply = await c.sendUntil('config get cluster\r\n', 'END\r\n');
    const [header, version, nodeLine] = reply.split(/\r?\n/);
    expect(header).toMatch(/^CONFIG cluster 0 \d+$/);
    expect(version).toBe('1');
    const nodes = nodeLine.split(' ').map((n) => {
      const [host, ip, port] = n.split('|');
      expect(host).toMatch(/^node\d\.local$/);
      return `${ip}:${port}`;
    });
    const client = new Memcached(nodes, { retries: 0 });
    try {
      for (let i = 0; i < 60; i++) {
        await new Promise<void>((resolve, reject) => client.set(`key${i}`, `v${i}`, 0, (e) => (e ? reject(e) : resolve())));
      }
      const counts = await Promise.all(servers.map(async (s) => {
        const stats = await (await connect(s)).sendUntil('stats\r\n', 'END\r\n');
        return Number(/STAT curr_items (\d+)/.exec(stats)![1]);
      }));
      expect(counts.reduce((a, b) => a + b)).toBe(60);
      for (const n of counts) expect(n).toBeGreaterThan(0);
    } finally {
      client.end();
    }
  });
});

describe('without auto discovery', () => {
  test('behaves as plain memcached', async () => {
    const server = await startMemcachedServer();
    const c = await RawClient.connect(server.port);
    try {
      await c.expect('config get cluster\r\n', 'ERROR\r\n');
      await c.expect('get AmazonElastiCache:cluster\r\n', 'END\r\n');
      await c.expect('set AmazonElastiCache:cluster 0 0 1\r\nx\r\nget AmazonElastiCache:cluster\r\n',
        'STORED\r\nVALUE AmazonElastiCache:cluster 0 1\r\nx\r\nEND\r\n');
    } finally {
      c.close();
      await server.stop();
    }
  });
});
