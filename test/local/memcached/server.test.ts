import * as net from 'node:net';
import * as tls from 'node:tls';
import { RawClient, binRequest, parseResponses, storeExtras } from './helpers';
import { MemcachedServer, startMemcachedServer } from '../../../src/local';

/** A self-signed certificate for 127.0.0.1, valid until 2126; test use only. */
const TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgT+WKiqO4nbW1TfQ9
8vqjeeYt8elj8uXv0Vxj+q5UUUWhRANCAASNWj5pKJf0iz4m6HDdLWo5QuVeLS3P
h3Fu+mVX2NK78R66zHEm88jRGBj7hlfgNoBu+vRY6MYBBr9Y/j/UC9pY
-----END PRIVATE KEY-----
`;
const TEST_CERT = `-----BEGIN CERTIFICATE-----
MIIBnDCCAUGgAwIBAgIUefbihPOJ8RMq0kZMoPKs7gyfOfAwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyNjEwMDQzOVoYDzIxMjYxMTAy
MTAwNDM5WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAASNWj5pKJf0iz4m6HDdLWo5QuVeLS3Ph3Fu+mVX2NK78R66zHEm88jR
GBj7hlfgNoBu+vRY6MYBBr9Y/j/UC9pYo28wbTAdBgNVHQ4EFgQUorbgJO5DSMJJ
H/velZk4ZYPAs10wHwYDVR0jBBgwFoAUorbgJO5DSMJJH/velZk4ZYPAs10wDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARhwR/AAABgglsb2NhbGhvc3QwCgYIKoZI
zj0EAwIDSQAwRgIhAILMcH8SeuqAI86e+D1XBm3Nt688M4tN0xCRktuG6ikDAiEA
smVObw6Xv8jJ6giOu4qQxcmpvyUXRY5a/V9PhZfkSU0=
-----END CERTIFICATE-----
`;

describe('startMemcachedServer', () => {
  let server: MemcachedServer | undefined;
  const clients: RawClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await server?.stop();
    server = undefined;
  });
  const connect = async () => {
    const c = await RawClient.connect(server!.port);
    clients.push(c);
    return c;
  };

  test('listens on a free port of 127.0.0.1 and answers the text protocol byte for byte', async () => {
    server = await startMemcachedServer();
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
    const c = await connect();
    await c.expect('version\r\n', 'VERSION 1.6.18\r\n');
    await c.expect('set greeting 42 0 5\r\nhello\r\n', 'STORED\r\n');
    await c.expect('get greeting missing\r\n', 'VALUE greeting 42 5\r\nhello\r\nEND\r\n');
    await c.expect('gets greeting\r\n', 'VALUE greeting 42 5 1\r\nhello\r\nEND\r\n');
    await c.expect('cas greeting 1 0 2 1\r\nhi\r\n', 'STORED\r\n');
    await c.expect('cas greeting 1 0 2 1\r\nho\r\n', 'EXISTS\r\n');
    await c.expect('delete greeting\r\n', 'DELETED\r\n');
    await c.expect('get greeting\r\n', 'END\r\n');
  });

  test('answers the binary protocol with the request opaque and the item CAS', async () => {
    server = await startMemcachedServer();
    const c = await connect();
    const set = binRequest(0x01, { key: 'k', extras: storeExtras(0xcafe, 0), value: 'v1', opaque: 0x01020304 });
    const get = binRequest(0x0c, { key: 'k', opaque: 0x0a0b0c0d });
    const reply = await c.send(Buffer.concat([set, get]), 24 + 24 + 4 + 1 + 2);
    const [stored, hit] = parseResponses(reply);
    expect(stored).toMatchObject({ opcode: 0x01, status: 0, opaque: 0x01020304, cas: 1n, key: '' });
    expect(hit).toMatchObject({ opcode: 0x0c, status: 0, opaque: 0x0a0b0c0d, cas: 1n, key: 'k' });
    expect(hit.extras.readUInt32BE(0)).toBe(0xcafe);
    expect(hit.value.toString()).toBe('v1');
    expect(reply.subarray(0, 24).toString('hex')).toBe('810100000000000000000000010203040000000000000001');
  });

  test('stop() closes idle clients promptly and frees the port', async () => {
    server = await startMemcachedServer();
    const port = server.port;
    const idle = await Promise.all([connect(), connect(), connect()]);
    await idle[0].expect('version\r\n', 'VERSION 1.6.18\r\n');
    const started = Date.now();
    await server.stop();
    server = undefined;
    expect(await Promise.all(idle.map((c) => c.waitClosed()))).toEqual([true, true, true]);
    expect(Date.now() - started).toBeLessThan(1000);
    server = await startMemcachedServer({ port });
    expect(server.port).toBe(port);
  });

  test('refuses connections beyond maxConnections with memcached\'s error line', async () => {
    server = await startMemcachedServer({ maxConnections: 2 });
    const a = await connect();
    const b = await connect();
    await a.expect('version\r\n', 'VERSION 1.6.18\r\n');
    await b.expect('version\r\n', 'VERSION 1.6.18\r\n');
    const c = await connect();
    expect((await c.read(34)).toString()).toBe('ERROR Too many open connections\r\n');
    expect(await c.waitClosed()).toBe(true);
    const stats = await a.sendUntil('stats\r\n', 'END\r\n');
    expect(stats).toContain('STAT rejected_connections 1\r\n');
    expect(stats).toContain('STAT curr_connections 2\r\n');
    expect(stats).toContain('STAT max_connections 2\r\n');
  });

  test('serves TLS with the given key and certificate', async () => {
    server = await startMemcachedServer({ tls: { key: TEST_KEY, cert: TEST_CERT } });
    const socket = tls.connect({ host: '127.0.0.1', port: server.port, ca: TEST_CERT, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    const reply = await new Promise<string>((resolve) => {
      let data = '';
      socket.on('data', (d) => {
        data += d.toString();
        if (data.endsWith('END\r\n')) resolve(data);
      });
      socket.write('set t 0 0 2\r\nok\r\nget t\r\nstats settings\r\n');
    });
    socket.destroy();
    expect(reply.startsWith('STORED\r\nVALUE t 0 2\r\nok\r\nEND\r\n')).toBe(true);
    expect(reply).toContain('STAT ssl_enabled yes\r\n');
  });

  test('a plaintext client on a TLS port is dropped without harming others', async () => {
    server = await startMemcachedServer({ tls: { key: TEST_KEY, cert: TEST_CERT } });
    const plain = await RawClient.connect(server.port);
    clients.push(plain);
    plain.socket.write('version\r\n');
    expect(await plain.waitClosed()).toBe(true);
  });

  test.each([
    [{ memoryLimitMb: 0 }, 'memoryLimitMb must be a positive integer, got 0'],
    [{ maxItemSize: 100 }, 'maxItemSize cannot be less than 1024 bytes, got 100'],
    [{ memoryLimitMb: 1 }, 'maxItemSize cannot be higher than half of memoryLimitMb (524288 bytes), got 1048576'],
    [{ maxConnections: 0 }, 'maxConnections must be a positive integer, got 0'],
  ])('rejects invalid options %j', async (options, message) => {
    await expect(startMemcachedServer(options)).rejects.toThrow(message);
  });

  test('maxItemSize and memoryLimitMb set the limits memcached reports', async () => {
    server = await startMemcachedServer({ memoryLimitMb: 8, maxItemSize: 2048 });
    const c = await connect();
    await c.expect(`set big 0 0 2000\r\n${'x'.repeat(2000)}\r\n`, 'SERVER_ERROR object too large for cache\r\n');
    await c.expect(`set ok 0 0 1980\r\n${'x'.repeat(1980)}\r\n`, 'STORED\r\n');
    const settings = await c.sendUntil('stats settings\r\n', 'END\r\n');
    expect(settings).toContain('STAT maxbytes 8388608\r\n');
    expect(settings).toContain('STAT item_size_max 2048\r\n');
    expect(settings).toContain(`STAT tcpport ${server.port}\r\n`);
  });

  test('a client that never reads does not make the server buffer without bound', async () => {
    server = await startMemcachedServer();
    const c = await connect();
    // Small values are copied into each reply batch, so unbounded queuing would show in memory.
    await c.expect(`set v 0 0 4000\r\n${'v'.repeat(4000)}\r\n`, 'STORED\r\n');
    const before = process.memoryUsage().arrayBuffers;
    c.socket.pause();
    c.socket.write('get v\r\n'.repeat(50000)); // 200 MB of replies if all were queued
    await new Promise((r) => setTimeout(r, 500));
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(40 * 1024 * 1024);
    // Another client is served meanwhile.
    const other = await connect();
    await other.expect('version\r\n', 'VERSION 1.6.18\r\n');
  });

  test('a socket error on one connection leaves the server running', async () => {
    server = await startMemcachedServer();
    const s = net.connect({ host: '127.0.0.1', port: server.port });
    await new Promise((r) => s.once('connect', r));
    s.write('get a\r\n');
    s.resetAndDestroy();
    const c = await connect();
    await c.expect('version\r\n', 'VERSION 1.6.18\r\n');
  });
});
