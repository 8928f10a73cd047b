import * as net from 'node:net';
import * as tls from 'node:tls';
import { LocalCa, RedisServerOptions, RunningRedisServer, startRedisServer } from '../../src/local';

/** The contract of a local node, as the local engine would hand it out. */
export function localContract(server: { port: number }, extra: Record<string, string> = {}, prefix = 'CACHE'): Record<string, string> {
  const env: Record<string, string> = {
    ENGINE: 'valkey',
    MODE: 'standalone',
    HOST: '127.0.0.1',
    PORT: String(server.port),
    TLS: 'false',
    AUTH: 'none',
    ID: 'local',
    ...extra,
  };
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [`${prefix}_${k}`, v]));
}

let ca: LocalCa | undefined;
let serverCert: { key: string; cert: string } | undefined;

/** One CA and certificate for all TLS tests in a file (key generation takes a moment). */
export function localTls(): { ca: LocalCa; key: string; cert: string } {
  ca ??= LocalCa.create();
  serverCert ??= ca.issue(['localhost', '127.0.0.1']);
  return { ca, ...serverCert };
}

/** A local node with TLS from the shared CA. */
export function startTlsServer(options: RedisServerOptions = {}): Promise<RunningRedisServer> {
  const { key, cert } = localTls();
  return startRedisServer({ ...options, tls: { key, cert } });
}

/** Retries `fn` until it succeeds or `timeoutMs` passes (for clients that are reconnecting). */
export async function eventually<T>(fn: () => Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** A stand-in configuration endpoint: answers `config get cluster` with the given body. */
export async function fakeConfigEndpoint(
  body: () => string,
  options: { tls?: boolean; reply?: () => string } = {},
): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const onConnection = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = '';
    socket.on('data', (d) => {
      buffered += d.toString();
      if (!buffered.endsWith('\r\n')) return;
      const text = body();
      socket.write(options.reply?.() ?? `CONFIG cluster 0 ${Buffer.byteLength(text)}\r\n${text}\r\nEND\r\n`);
      buffered = '';
    });
  };
  const { key, cert } = localTls();
  const server = options.tls ? tls.createServer({ key, cert }, onConnection) : net.createServer(onConnection);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

