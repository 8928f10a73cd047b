import * as net from 'node:net';
import { fakeConfigEndpoint, localTls } from './support';
import { discoverMemcachedNodes, parseClusterConfig } from '../../src/runtime';

describe('Memcached auto discovery', () => {
  test('parses the version and the nodes', () => {
    const body = '12\nnode1.abc.cfg.use1.cache.amazonaws.com|10.0.0.1|11211 node2.abc.cfg.use1.cache.amazonaws.com|10.0.0.2|11212\n';
    expect(parseClusterConfig(`CONFIG cluster 0 ${body.length}\r\n${body}\r\nEND\r\n`)).toEqual({
      version: 12,
      nodes: [
        { host: 'node1.abc.cfg.use1.cache.amazonaws.com', port: 11211 },
        { host: 'node2.abc.cfg.use1.cache.amazonaws.com', port: 11212 },
      ],
    });
  });

  test('uses the IP when a node has no host name', () => {
    expect(parseClusterConfig('CONFIG cluster 0 19\r\n1\n|10.0.0.9|11211\n\r\nEND\r\n').nodes).toEqual([{ host: '10.0.0.9', port: 11211 }]);
  });

  test.each([
    ['a plain END', 'END\r\n', /Unexpected reply to 'config get cluster'/],
    ['no version', 'CONFIG cluster 0 10\r\nabc\nh|i|1\n\r\nEND\r\n', /Unexpected cluster configuration/],
    ['a bad port', 'CONFIG cluster 0 10\r\n1\nh|i|99999\n\r\nEND\r\n', /Unexpected node in the cluster configuration: 'h\|i\|99999'/],
  ])('rejects %s', (_name, reply, message) => {
    expect(() => parseClusterConfig(reply)).toThrow(message);
  });

  test('asks a configuration endpoint, in plain text and over TLS', async () => {
    const plain = await fakeConfigEndpoint(() => '3\nlocalhost|127.0.0.1|11300\n');
    const secure = await fakeConfigEndpoint(() => '4\nlocalhost|127.0.0.1|11301 localhost|127.0.0.1|11302\n', { tls: true });
    try {
      expect(await discoverMemcachedNodes({ host: '127.0.0.1', port: plain.port })).toEqual({ version: 3, nodes: [{ host: 'localhost', port: 11300 }] });
      expect(await discoverMemcachedNodes({ host: 'localhost', port: secure.port }, { ca: localTls().ca.certPem })).toEqual({
        version: 4, nodes: [{ host: 'localhost', port: 11301 }, { host: 'localhost', port: 11302 }],
      });
      await expect(discoverMemcachedNodes({ host: 'localhost', port: secure.port }, {})).rejects.toThrow(/self[- ]signed certificate|unable to verify/);
    } finally {
      await plain.close();
      await secure.close();
    }
  });

  test('says when the endpoint is not a configuration endpoint', async () => {
    const plainMemcached = await fakeConfigEndpoint(() => '', { reply: () => 'ERROR\r\n' });
    try {
      await expect(discoverMemcachedNodes({ host: '127.0.0.1', port: plainMemcached.port })).rejects.toThrow(
        `127.0.0.1:${plainMemcached.port} does not support auto discovery ('config get cluster' got ERROR): is it an ElastiCache configuration endpoint?`);
    } finally {
      await plainMemcached.close();
    }
  });

  test('times out on silence', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      await expect(discoverMemcachedNodes({ host: '127.0.0.1', port }, undefined, 100)).rejects.toThrow(`Memcached auto discovery at 127.0.0.1:${port} timed out after 100 ms`);
    } finally {
      silent.close();
    }
  });
});
