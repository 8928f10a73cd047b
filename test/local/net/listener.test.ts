import * as net from 'node:net';
import { startListener, Listener } from '../../../src/local/net/listener';

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(condition()).toBe(true);
}

function closed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    else socket.once('close', () => resolve());
  });
}

describe('startListener', () => {
  let listener: Listener | undefined;
  afterEach(async () => {
    await listener?.close();
    listener = undefined;
  });

  test('binds a free port on 127.0.0.1 and hands over each connection', async () => {
    listener = await startListener({ onConnection: (socket) => socket.pipe(socket) });
    expect(listener.host).toBe('127.0.0.1');
    expect(listener.port).toBeGreaterThan(0);
    const client = await connect(listener.port);
    const echoed = new Promise<string>((resolve) => client.once('data', (d) => resolve(d.toString())));
    client.write('ping');
    await expect(echoed).resolves.toBe('ping');
    client.destroy();
  });

  test('close() destroys idle client sockets and frees the port promptly', async () => {
    listener = await startListener({ onConnection: () => undefined });
    const port = listener.port;
    const clients = await Promise.all([connect(port), connect(port), connect(port)]);
    await until(() => listener!.connections.size === 3);
    const started = Date.now();
    await listener.close();
    await Promise.all(clients.map(closed));
    expect(Date.now() - started).toBeLessThan(1000);
    // The port is free again.
    const again = await startListener({ port, onConnection: () => undefined });
    expect(again.port).toBe(port);
    await again.close();
  });

  test('refuses connections beyond maxConnections and keeps serving the others', async () => {
    let refused = 0;
    listener = await startListener({
      maxConnections: 2,
      onConnection: (socket) => socket.pipe(socket),
      onRefused: () => { refused++; },
    });
    const a = await connect(listener.port);
    const b = await connect(listener.port);
    await until(() => listener!.connections.size === 2);
    const c = await connect(listener.port);
    await closed(c);
    expect(refused).toBe(1);
    const echoed = new Promise<string>((resolve) => a.once('data', (d) => resolve(d.toString())));
    a.write('still here');
    await expect(echoed).resolves.toBe('still here');
    a.destroy();
    b.destroy();
  });

  test('a port already in use is reported, not ignored', async () => {
    listener = await startListener({ onConnection: () => undefined });
    await expect(startListener({ port: listener.port, onConnection: () => undefined })).rejects.toThrow(/EADDRINUSE/);
  });
});
