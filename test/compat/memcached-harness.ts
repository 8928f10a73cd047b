import { ChildProcess, spawn } from 'node:child_process';
import * as net from 'node:net';
import { MemcachedServer, MemcachedServerOptions, startMemcachedServer } from '../../src/local';

/**
 * Differential testing against Debian's memcached: the same bytes go to a real memcached and to
 * the local server, and the replies must be identical. The real server runs with a flat LRU and
 * no background threads (`-o no_lru_maintainer,no_lru_crawler`), the model the local server
 * follows, so that evictions and statistics are deterministic.
 */

export interface Target {
  readonly name: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (bound and released; memcached then binds it). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`memcached exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`memcached did not listen on ${port}`);
}

/** Starts Debian's memcached on a free port of 127.0.0.1; `stop()` kills it by PID. */
export async function startRealMemcached(args: string[] = []): Promise<Target> {
  const port = await freePort();
  const user = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
  const child = spawn('memcached', [
    ...user, '-l', '127.0.0.1', '-p', String(port), '-U', '0',
    '-o', 'no_lru_maintainer,no_lru_crawler', ...args,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  try {
    await waitForPort(port, child);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${(e as Error).message}: ${stderr}`);
  }
  return {
    name: 'memcached',
    port,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      process.kill(child.pid!, 'SIGTERM');
    }),
  };
}

/** Starts the local server with settings matching `startRealMemcached(args)`'s defaults. */
export async function startLocal(options: MemcachedServerOptions = {}): Promise<Target> {
  const server: MemcachedServer = await startMemcachedServer(options);
  return { name: 'local', port: server.port, stop: () => server.stop() };
}

export interface Exchange {
  /** Everything the server sent. */
  readonly data: Buffer;
  /** Whether the server closed the connection. */
  readonly closed: boolean;
}

export interface ExchangeOptions {
  /** Stop once the server has been quiet this long after its last byte. @default 100 */
  readonly quietMs?: number;
  /** Stop when the server sent nothing at all for this long. @default 1500 */
  readonly silentMs?: number;
  /** Stop as soon as the replies so far satisfy this (for long replies that arrive in bursts). */
  readonly until?: (data: Buffer) => boolean;
  /**
   * A request appended to the last part whose reply marks the end of the exchange; the reply is
   * removed from the result. Unlike waiting for quiet, it does not depend on timing. When the
   * sentinel is never answered (the server swallowed it), `quietMs` applies.
   */
  readonly sentinel?: { readonly request: Buffer; readonly reply: Buffer };
}

/** Text-protocol sentinel: a meta get of a key no case uses (a miss that echoes its opaque). */
export const TEXT_SENTINEL = { request: Buffer.from('mg __end__ Oend\r\n'), reply: Buffer.from('EN Oend\r\n') };

/** Binary-protocol sentinel: a noop with a distinctive opaque. */
export const BINARY_SENTINEL = {
  request: Buffer.from('800a00000000000000000000e0d0e0d00000000000000000', 'hex'),
  reply: Buffer.from('810a00000000000000000000e0d0e0d00000000000000000', 'hex'),
};

/**
 * Sends `parts` over one new connection (pausing between parts so they arrive as separate
 * reads) and collects the replies until the server closes, `until` holds, the server has been
 * quiet for `quietMs` after its last byte, or it has sent nothing for `silentMs` (a case that
 * expects no reply at all).
 */
export async function exchange(port: number, parts: readonly Buffer[], options: ExchangeOptions = {}): Promise<Exchange> {
  const sentinel = options.sentinel;
  const quietMs = options.quietMs ?? (sentinel ? 1000 : 100);
  const silentMs = options.silentMs ?? (options.until || sentinel ? 10_000 : 1500);
  if (sentinel && parts.length > 0) {
    parts = [...parts.slice(0, -1), Buffer.concat([parts[parts.length - 1], sentinel.request])];
  }
  const done = (data: Buffer): boolean => {
    if (options.until?.(data)) return true;
    return sentinel !== undefined && data.length >= sentinel.reply.length
      && data.subarray(data.length - sentinel.reply.length).equals(sentinel.reply);
  };
  const strip = (data: Buffer): Buffer => (sentinel !== undefined && done(data) && !options.until?.(data)
    ? data.subarray(0, data.length - sentinel.reply.length) : data);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let closed = false;
    let timer: NodeJS.Timeout | undefined;
    let writing = true;
    const finish = () => {
      if (timer) clearTimeout(timer);
      socket.destroy();
      resolve({ data: strip(Buffer.concat(chunks)), closed });
    };
    const arm = () => {
      if (timer) clearTimeout(timer);
      if (!writing) timer = setTimeout(finish, chunks.length > 0 && !options.until ? quietMs : silentMs);
    };
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      if (done(Buffer.concat(chunks))) return finish();
      arm();
    });
    socket.on('close', () => {
      closed = true;
      if (timer) clearTimeout(timer);
      resolve({ data: strip(Buffer.concat(chunks)), closed });
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNRESET' || e.code === 'EPIPE') return;
      reject(e);
    });
    socket.once('connect', async () => {
      for (let i = 0; i < parts.length; i++) {
        if (closed) break;
        socket.write(parts[i]);
        // Long enough for each part to be read on its own even on a busy machine.
        if (i < parts.length - 1) await new Promise((r) => setTimeout(r, 40));
      }
      writing = false;
      arm();
    });
  });
}

/** A text-protocol part: `\r\n` and other escapes are written literally by callers. */
export function text(s: string): Buffer {
  return Buffer.from(s, 'latin1');
}

export interface BinaryRequest {
  readonly opcode: number;
  readonly key?: string | Buffer;
  readonly extras?: Buffer;
  readonly value?: string | Buffer;
  readonly opaque?: number;
  readonly cas?: bigint;
  /** Overrides the body length field (for malformed requests). */
  readonly bodyLength?: number;
  readonly magic?: number;
}

/** Encodes one binary-protocol request. */
export function bin(req: BinaryRequest): Buffer {
  const key = typeof req.key === 'string' ? Buffer.from(req.key, 'latin1') : req.key ?? Buffer.alloc(0);
  const extras = req.extras ?? Buffer.alloc(0);
  const value = typeof req.value === 'string' ? Buffer.from(req.value, 'latin1') : req.value ?? Buffer.alloc(0);
  const header = Buffer.alloc(24);
  header[0] = req.magic ?? 0x80;
  header[1] = req.opcode;
  header.writeUInt16BE(key.length, 2);
  header[4] = extras.length;
  header.writeUInt32BE(req.bodyLength ?? extras.length + key.length + value.length, 8);
  header.writeUInt32BE(req.opaque ?? 0, 12);
  header.writeBigUInt64BE(req.cas ?? 0n, 16);
  return Buffer.concat([header, extras, key, value]);
}

/** Extras of set/add/replace: flags and expiration. */
export function storeExtras(flags: number, exptime: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32BE(flags >>> 0, 0);
  b.writeUInt32BE(exptime >>> 0, 4);
  return b;
}

/** Extras of incr/decr: delta, initial value and expiration. */
export function incrExtras(delta: bigint, initial: bigint, exptime: number): Buffer {
  const b = Buffer.alloc(20);
  b.writeBigUInt64BE(delta, 0);
  b.writeBigUInt64BE(initial, 8);
  b.writeUInt32BE(exptime >>> 0, 16);
  return b;
}

/** Extras holding one 32-bit expiration (touch, gat, flush). */
export function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}

/** A readable rendering of a reply for failure messages and comparisons. */
export function show(x: Exchange): string {
  return JSON.stringify(x.data.toString('latin1')) + (x.closed ? ' [closed]' : '');
}

/** The `STAT` names of a text stats reply, in order. */
export function statNames(reply: string): string[] {
  return reply.split('\r\n').filter((l) => l.startsWith('STAT ')).map((l) => l.split(' ')[1]);
}

/** The `STAT` values of a text stats reply by name. */
export function statValues(reply: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const l of reply.split('\r\n')) {
    if (!l.startsWith('STAT ')) continue;
    const [, name, ...rest] = l.split(' ');
    m.set(name, rest.join(' '));
  }
  return m;
}
