import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import { Connection, ConnectionSocket } from '../../../src/local/memcached/connection';
import { MemcachedServerOptions } from '../../../src/local/memcached/server';
import { createServerState } from '../../../src/local/memcached/setup';
import { ServerState } from '../../../src/local/memcached/state';

/** A socket stand-in: input is pushed with `feed`, every write is recorded. */
export class FakeSocket extends EventEmitter {
  readonly writes: Buffer[] = [];
  destroyed = false;
  writableEnded = false;
  writableLength = 0;
  remoteAddress = '127.0.0.1';
  remotePort = 40000;
  setNoDelay(): this {
    return this;
  }
  write(chunk: Buffer | string): boolean {
    this.writes.push(Buffer.from(chunk));
    return true;
  }
  cork(): void {}
  uncork(): void {}
  pause(): this {
    return this;
  }
  resume(): this {
    return this;
  }
  end(): this {
    this.writableEnded = true;
    this.emit('finish');
    return this;
  }
  destroy(): this {
    if (!this.destroyed) {
      this.destroyed = true;
      this.emit('close');
    }
    return this;
  }
  /** Everything written so far. */
  get output(): Buffer {
    return Buffer.concat(this.writes);
  }
}

/** A connection on a fake socket: no I/O, so frames can be split and fed at will. */
export function fakeConnection(options: MemcachedServerOptions = {}, state: ServerState = createServerState(options)) {
  const socket = new FakeSocket();
  const connection = new Connection(state, socket as unknown as ConnectionSocket);
  state.connections.add(connection);
  return {
    state,
    socket,
    connection,
    /** Delivers each chunk as one read. */
    feed(...chunks: Array<Buffer | string>): void {
      for (const c of chunks) socket.emit('data', typeof c === 'string' ? Buffer.from(c, 'latin1') : c);
    },
  };
}

/** A client over a real socket that checks replies byte for byte. */
export class RawClient {
  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  private received = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.received = Buffer.concat([this.received, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Sends `data` and returns the next `length` bytes of reply (or what came before a close). */
  async send(data: Buffer | string, length: number, timeoutMs = 5000): Promise<Buffer> {
    this.socket.write(data);
    return this.read(length, timeoutMs);
  }

  async read(length: number, timeoutMs = 5000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < length && !this.closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    const out = this.received.subarray(0, length);
    this.received = this.received.subarray(out.length);
    return out;
  }

  /** Sends `data` and returns the reply up to and including `terminator`. */
  async sendUntil(data: Buffer | string, terminator: string, timeoutMs = 5000): Promise<string> {
    this.socket.write(data);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.received.indexOf(terminator, 0, 'latin1');
      if (at >= 0) {
        const out = this.received.toString('latin1', 0, at + terminator.length);
        this.received = this.received.subarray(at + terminator.length);
        return out;
      }
      if (this.closed || Date.now() >= deadline) throw new Error(`no ${JSON.stringify(terminator)} in ${JSON.stringify(this.received.toString('latin1'))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Sends a text request and expects exactly `expected` back. */
  async expect(request: string, expected: string): Promise<void> {
    const reply = await this.send(Buffer.from(request, 'latin1'), Buffer.byteLength(expected, 'latin1'));
    expect(reply.toString('latin1')).toBe(expected);
  }

  /** Resolves once the server has closed the connection. */
  async waitClosed(timeoutMs = 5000): Promise<boolean> {
    await this.read(Number.MAX_SAFE_INTEGER, timeoutMs);
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Encodes a binary-protocol request. */
export function binRequest(
  opcode: number,
  parts: { key?: string; extras?: Buffer; value?: string | Buffer; opaque?: number; cas?: bigint } = {},
): Buffer {
  const key = Buffer.from(parts.key ?? '', 'latin1');
  const extras = parts.extras ?? Buffer.alloc(0);
  const value = typeof parts.value === 'string' ? Buffer.from(parts.value, 'latin1') : parts.value ?? Buffer.alloc(0);
  const h = Buffer.alloc(24);
  h[0] = 0x80;
  h[1] = opcode;
  h.writeUInt16BE(key.length, 2);
  h[4] = extras.length;
  h.writeUInt32BE(extras.length + key.length + value.length, 8);
  h.writeUInt32BE(parts.opaque ?? 0, 12);
  h.writeBigUInt64BE(parts.cas ?? 0n, 16);
  return Buffer.concat([h, extras, key, value]);
}

/** A decoded binary-protocol response. */
export interface BinResponse {
  opcode: number;
  status: number;
  opaque: number;
  cas: bigint;
  extras: Buffer;
  key: string;
  value: Buffer;
}

/** Splits a byte stream into binary responses. */
export function parseResponses(b: Buffer): BinResponse[] {
  const out: BinResponse[] = [];
  for (let p = 0; p + 24 <= b.length;) {
    const keylen = b.readUInt16BE(p + 2);
    const extlen = b[p + 4];
    const body = b.readUInt32BE(p + 8);
    out.push({
      opcode: b[p + 1],
      status: b.readUInt16BE(p + 6),
      opaque: b.readUInt32BE(p + 12),
      cas: b.readBigUInt64BE(p + 16),
      extras: b.subarray(p + 24, p + 24 + extlen),
      key: b.toString('latin1', p + 24 + extlen, p + 24 + extlen + keylen),
      value: b.subarray(p + 24 + extlen + keylen, p + 24 + body),
    });
    p += 24 + body;
  }
  return out;
}

export function u32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

export function storeExtras(flags: number, exptime: number): Buffer {
  return Buffer.concat([u32be(flags), u32be(exptime)]);
}
