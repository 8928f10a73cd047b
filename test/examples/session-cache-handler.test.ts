/**
 * The session-cache example's handler on the local engine, wired only through the connection
 * contract as the function is in AWS: TLS with the local CA, an AUTH token, the session TTL.
 */
import { Redis } from 'ioredis';
import * as example from '../../examples/session-cache/handler';
import type { HttpEvent } from '../../examples/shared/http';
import { RunningRedisServer } from '../../src/local';
import { localContract, localTls, startTlsServer } from '../runtime/support';

describe('session-cache handler', () => {
  const token = 'local-auth-token-0123456789';
  let server: RunningRedisServer;
  let raw: Redis;
  const saved = { ...process.env };

  beforeAll(async () => {
    server = await startTlsServer({ password: token });
    raw = new Redis({ host: '127.0.0.1', port: server.port, password: token, tls: { ca: localTls().ca.certPem } });
    Object.assign(process.env, localContract(server, {
      TLS: 'true', AUTH: 'token', PASSWORD: token, TLS_CA: localTls().ca.certPem, SESSION_TTL: '1800',
    }));
  });

  afterAll(async () => {
    await example.close();
    raw.disconnect();
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    await server.stop();
  });

  const request = (method: string, id: string, body?: unknown): HttpEvent => ({
    requestContext: { http: { method } },
    pathParameters: { id },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const call = async (event: HttpEvent) => {
    const result = await example.handler(event);
    return { status: result.statusCode, body: result.body ? JSON.parse(result.body) : undefined };
  };

  test('stores a session for the contract\'s TTL and reads it back', async () => {
    expect(await call(request('PUT', 's-1', { user: 'ana', cart: [1, 2] }))).toEqual({
      status: 200, body: { id: 's-1', found: true, data: { user: 'ana', cart: [1, 2] } },
    });
    expect(await call(request('GET', 's-1'))).toEqual({ status: 200, body: { id: 's-1', found: true, data: { user: 'ana', cart: [1, 2] } } });
    expect(await raw.ttl('session:s-1')).toBe(1800);
  });

  test('a missing or ended session is not found', async () => {
    expect(await call(request('GET', 'nobody'))).toEqual({ status: 404, body: { id: 'nobody', found: false } });
    await call(request('PUT', 'bye', { a: 1 }));
    expect(await call(request('DELETE', 'bye'))).toEqual({ status: 200, body: { id: 'bye', found: false } });
    expect((await call(request('GET', 'bye'))).status).toBe(404);
  });

  test('rejects bad input', async () => {
    expect(await call(request('GET', 'a b'))).toEqual({ status: 400, body: { message: 'the session id must be 1 to 128 letters, digits, hyphens or underscores' } });
    expect(await call(request('PUT', 'x', [1]))).toEqual({ status: 400, body: { message: 'the body must be a JSON object' } });
    expect((await call(request('PATCH', 'x'))).status).toBe(405);
  });
});
