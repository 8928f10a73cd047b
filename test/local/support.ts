import * as net from 'node:net';
import * as tls from 'node:tls';
import { decodeReply } from '../../src/local/resp/decode';

/** Encodes a request as a RESP multibulk (arguments are byte strings). */
export function encode(argv: readonly string[]): string {
  let out = '*' + argv.length + '\r\n';
  for (const a of argv) out += '$' + Buffer.byteLength(a, 'latin1') + '\r\n' + a + '\r\n';
  return out;
}

/**
 * A minimal client that sends raw requests and returns raw replies (exact bytes as a latin1
 * string), for byte-exact tests against the local engine and, in compat tests, a real server.
 */
export class RawClient {
  public static connect(port: number, options: { host?: string; tls?: tls.ConnectionOptions } = {}): Promise<RawClient> {
    const host = options.host ?? '127.0.0.1';
    return new Promise((resolve, reject) => {
      const socket: net.Socket = options.tls
        ? tls.connect({ host, port, ...options.tls }, () => resolve(new RawClient(socket)))
        : net.connect({ host, port }, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  private buffer = '';
  private waiters: Array<() => void> = [];
  private ended = false;
  private wasReset = false;

  private constructor(public readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('latin1');
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNRESET') this.wasReset = true;
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Sends a command and returns its raw reply. */
  public async call(...argv: string[]): Promise<string> {
    this.socket.write(encode(argv), 'latin1');
    return this.reply();
  }

  /** Sends raw bytes without waiting. */
  public write(bytes: string): void {
    this.socket.write(bytes, 'latin1');
  }

  /** The next complete raw reply (rejects if the connection closes first, or after `timeoutMs`). */
  public async reply(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = this.buffer.length > 0 ? decodeReply(this.buffer, 0) : undefined;
      if (r !== undefined) {
        const raw = this.buffer.slice(0, r.end);
        this.buffer = this.buffer.slice(r.end);
        return raw;
      }
      if (this.ended) throw new Error(`connection closed; unread bytes: ${JSON.stringify(this.buffer)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no complete reply within ${timeoutMs} ms; buffered: ${JSON.stringify(this.buffer.slice(0, 200))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Every complete reply that arrives within `ms` (for push streams of unknown length). */
  public async drain(ms = 200): Promise<string[]> {
    await new Promise((r) => setTimeout(r, ms));
    const out: string[] = [];
    for (;;) {
      const r = this.buffer.length > 0 ? decodeReply(this.buffer, 0) : undefined;
      if (r === undefined) return out;
      out.push(this.buffer.slice(0, r.end));
      this.buffer = this.buffer.slice(r.end);
    }
  }

  /** Whether nothing more arrives within `ms` (for commands that must not reply). */
  public async silentFor(ms: number): Promise<boolean> {
    await new Promise((r) => setTimeout(r, ms));
    return this.buffer.length === 0;
  }

  /** Resolves when the server closes the connection; returns what was left unread. */
  public async closedByServer(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error('connection still open');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.buffer;
  }

  /** Bytes received and not yet returned as a complete reply. */
  public get unread(): string {
    return this.buffer;
  }

  /**
   * Whether the server reset the connection: a server that closes with unread input in its
   * socket makes the kernel send a reset, and replies not yet read by the client can be lost.
   */
  public get isReset(): boolean {
    return this.wasReset;
  }

  public get isClosed(): boolean {
    return this.ended;
  }

  public close(): void {
    this.socket.destroy();
  }
}
