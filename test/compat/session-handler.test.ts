/**
 * The session-cache example's handler against a real redis-server, wired only through the
 * connection contract (as the Lambda function is in AWS).
 */
import { ChildProcess, spawn } from 'child_process';
import * as net from 'net';
import { Redis } from 'ioredis';
import * as handlerModule from '../../examples/session-cache/handler';
import type { SessionResult } from '../../examples/session-cache/handler';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPing(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await probe.connect();
      if (await probe.ping() === 'PONG') return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      probe.disconnect();
    }
  }
}

describe('session-cache handler on redis-server', () => {
  let server: ChildProcess;
  let port: number;
  const saved = { ...process.env };

  beforeAll(async () => {
    port = await freePort();
    server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await waitForPing(port);
    Object.assign(process.env, {
      CACHE_ENGINE: 'redis',
      CACHE_MODE: 'standalone',
      CACHE_HOST: '127.0.0.1',
      CACHE_PORT: String(port),
      CACHE_TLS: 'false',
      CACHE_AUTH: 'none',
      CACHE_ID: 'local',
    });
  });

  afterAll(async () => {
    await handlerModule.close();
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    server?.kill('SIGTERM');
  });

  test('stores a session with a TTL and reads it back', async () => {
    const put: SessionResult = await handlerModule.handler({ action: 'put', sessionId: 's-1', data: { user: 'ana', cart: [1, 2] }, ttlSeconds: 120 });
    expect(put).toEqual({ sessionId: 's-1', found: true, data: { user: 'ana', cart: [1, 2] }, ttlSeconds: 120 });
    const got = await handlerModule.handler({ action: 'get', sessionId: 's-1' });
    expect(got.found).toBe(true);
    expect(got.data).toEqual({ user: 'ana', cart: [1, 2] });
    expect(got.ttlSeconds).toBeGreaterThan(110);
    expect(got.ttlSeconds).toBeLessThanOrEqual(120);
  });

  test('a missing or expired session is not found', async () => {
    expect(await handlerModule.handler({ action: 'get', sessionId: 'nobody' })).toEqual({ sessionId: 'nobody', found: false, ttlSeconds: -2 });
    await handlerModule.handler({ action: 'put', sessionId: 'short', data: {}, ttlSeconds: 1 });
    await new Promise((r) => setTimeout(r, 1100));
    expect((await handlerModule.handler({ action: 'get', sessionId: 'short' })).found).toBe(false);
  });

  test('rejects bad input', async () => {
    await expect(handlerModule.handler({ action: 'get', sessionId: 'a b' })).rejects.toThrow('sessionId must be 1 to 128 letters, digits, hyphens or underscores');
    await expect(handlerModule.handler({ action: 'delete' as 'get', sessionId: 'x' })).rejects.toThrow("action must be 'put' or 'get', got 'delete'");
  });
});
