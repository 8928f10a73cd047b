import * as memjs from 'memjs';
import { RawClient } from './helpers';
import { ClusterDiscovery, FakeClock, startMemcachedServer } from '../../../src/local';

/** The example of README.md's "Local memcached" section, as written there. */
test('README: a three-node cluster with auto discovery and a fake clock', async () => {
  // A three-node cluster whose nodes answer ElastiCache auto discovery (`config get cluster`).
  const discovery = new ClusterDiscovery();
  const clock = new FakeClock(Date.UTC(2030, 0, 1));
  const nodes = await Promise.all([1, 2, 3].map(() => startMemcachedServer({ discovery, clock })));
  discovery.setNodes(nodes.map((n, i) => ({ hostname: `node${i + 1}`, ip: n.host, port: n.port })));

  const client = memjs.Client.create(nodes.map((n) => `${n.host}:${n.port}`).join(','));
  await client.set('session:42', 'data', { expires: 60 });
  expect((await client.get('session:42')).value?.toString()).toBe('data');
  clock.advance(61_000); // expiry without sleeping
  expect((await client.get('session:42')).value).toBeNull();

  const raw = await RawClient.connect(nodes[2].port);
  const config = `1\n${nodes.map((n, i) => `node${i + 1}|127.0.0.1|${n.port}`).join(' ')}\n`;
  await raw.expect('config get cluster\r\n', `CONFIG cluster 0 ${config.length}\r\n${config}\r\nEND\r\n`);
  raw.close();

  client.close();
  await Promise.all(nodes.map((n) => n.stop()));
});
