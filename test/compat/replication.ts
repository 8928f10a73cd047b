/**
 * The write stream each side of a {@link CompatPair} replicates: on the real server a raw
 * connection that asks for it with SYNC (the RDB snapshot is skipped, then the command stream is
 * read), on the local engine a propagation listener. PING and SELECT (link keep-alives and
 * database switches) are left out of the real stream.
 */
import * as net from 'node:net';
import { CompatPair } from './harness';
import { decodeReply } from '../../src/local/resp/decode';

export class ReplicationTap {
  public static async attach(pair: CompatPair): Promise<ReplicationTap> {
    const socket = net.connect({ host: '127.0.0.1', port: pair.real.port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const tap = new ReplicationTap(socket);
    tap.detachLocal = pair.local.server.onPropagate((_db, argv) => tap.local.push([...argv]));
    socket.write('SYNC\r\n');
    await tap.waitForSnapshot();
    return tap;
  }

  private detachLocal: (() => void) | null = null;
  private buffer = '';
  private snapshotDone = false;
  private readonly real: string[][] = [];
  private readonly local: string[][] = [];

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('latin1');
      this.parse();
    });
    socket.on('error', () => undefined);
  }

  private parse(): void {
    if (!this.snapshotDone) {
      // Newlines are keep-alives while the snapshot is produced; then `$<len>\r\n<rdb>` (no CRLF).
      this.buffer = this.buffer.replace(/^\n+/, '');
      const m = /^\$(\d+)\r\n/.exec(this.buffer);
      if (m === null) return;
      const end = m[0].length + Number(m[1]);
      if (this.buffer.length < end) return;
      this.buffer = this.buffer.slice(end);
      this.snapshotDone = true;
    }
    for (;;) {
      const r = this.buffer.length > 0 ? decodeReply(this.buffer, 0) : undefined;
      if (r === undefined) return;
      this.buffer = this.buffer.slice(r.end);
      if (r.value.type !== 'array') continue;
      const argv = r.value.value.map((v) => (v.type === 'bulk' ? v.value : ''));
      const name = argv[0].toUpperCase();
      if (name === 'PING' || name === 'SELECT') continue;
      this.real.push(argv);
    }
  }

  private async waitForSnapshot(): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!this.snapshotDone) {
      if (Date.now() > deadline) throw new Error('no snapshot from the real server');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Both streams since the last call (waiting briefly for the real one to catch up). */
  public async take(): Promise<{ real: string[][]; local: string[][] }> {
    const deadline = Date.now() + 2000;
    while (this.real.length < this.local.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    const out = { real: this.real.splice(0), local: this.local.splice(0) };
    return out;
  }

  public close(): void {
    this.detachLocal?.();
    this.socket.destroy();
  }
}
