import { X509Certificate } from 'node:crypto';
import * as tls from 'node:tls';
import { createClient } from '@redis/client';
import Redis from 'ioredis';
import { RawClient } from './support';
import { LocalCa, RunningRedisServer, startRedisServer } from '../../src/local';

describe('TLS', () => {
  const ca = LocalCa.create();
  const { key, cert } = ca.issue(['localhost', '127.0.0.1']);
  let server: RunningRedisServer;
  beforeAll(async () => {
    server = await startRedisServer({ tls: { key, cert }, password: 'secret-token-0123456789' });
  });
  afterAll(() => server.stop());

  test('the CA certificate verifies the node certificate for localhost and 127.0.0.1', () => {
    const parsed = new X509Certificate(cert);
    expect(parsed.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
    expect(parsed.subjectAltName).toContain('DNS:localhost');
    expect(parsed.subjectAltName).toContain('IP Address:127.0.0.1');
  });

  test('clients that trust the CA connect with TLS and AUTH', async () => {
    const io = new Redis({ port: server.port, host: '127.0.0.1', password: 'secret-token-0123456789', tls: { ca: ca.certPem }, lazyConnect: true });
    await io.connect();
    expect(await io.set('tls', 'on')).toBe('OK');
    io.disconnect();
    const nr = createClient({ socket: { host: 'localhost', port: server.port, tls: true, ca: ca.certPem }, password: 'secret-token-0123456789', RESP: 3 });
    await nr.connect();
    expect(await nr.get('tls')).toBe('on');
    await nr.close();
  });

  test('a client that does not trust the CA is refused', async () => {
    const other = LocalCa.create('someone else');
    const error = await new Promise<NodeJS.ErrnoException>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port: server.port, ca: other.certPem, servername: 'localhost' }, () => reject(new Error('connected')));
      socket.once('error', (e) => resolve(e));
    });
    expect(error.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    const io = new Redis({ port: server.port, host: '127.0.0.1', tls: { ca: other.certPem }, lazyConnect: true, retryStrategy: () => null });
    const errors: Error[] = [];
    io.on('error', (e) => errors.push(e));
    await expect(io.connect()).rejects.toThrow();
    expect(errors.map((e) => e.message).join()).toMatch(/unable to verify the first certificate/);
    io.disconnect();
  });

  test('plaintext on a TLS-only port gets no Redis reply', async () => {
    const c = await RawClient.connect(server.port);
    c.write('PING\r\n');
    await c.closedByServer();
    expect(c.isClosed).toBe(true);
  });

  test('transit mode preferred accepts TLS and plaintext on one port', async () => {
    const preferred = await startRedisServer({ tls: { key, cert, allowPlaintext: true } });
    const plain = await RawClient.connect(preferred.port);
    expect(await plain.call('PING')).toBe('+PONG\r\n');
    const secure = await RawClient.connect(preferred.port, { tls: { ca: ca.certPem, servername: 'localhost' } as tls.ConnectionOptions });
    expect(await secure.call('PING')).toBe('+PONG\r\n');
    plain.close();
    secure.close();
    await preferred.stop();
  });
});
