import type * as net from 'node:net';
import { completeBinaryUpload, processBinaryFrame, BINARY_HEADER_SIZE, binaryFrameLength } from './binary';
import { Output } from './output';
import { ConnectionInfo, ServerState } from './state';
import { Item } from './store';
import { Tokens, completeTextUpload, processTextLine } from './text';
import { Protocol, UploadKind } from './types';

/** memcached's per-connection read buffer (READ_BUFFER_SIZE): lines and binary headers must fit. */
export const READ_BUFFER_SIZE = 16384;
/** A line without "\n" longer than this closes the connection unless it is a get (memcached). */
export const LINE_WITHOUT_NEWLINE_LIMIT = 2048;
/**
 * Longest multi-get line accepted. memcached grows its buffer without bound for these; we stop at
 * 16 MiB so that one client cannot take the process's memory.
 */
export const MULTIGET_LINE_LIMIT = 16 * 1024 * 1024;
/** memcached handles this many commands per read event before it transmits (reqs_per_event). */
const REQS_PER_EVENT = 20;
/** Replies queued beyond this are written out before more input is parsed. */
const OUTPUT_FLUSH_BYTES = 1024 * 1024;
/** How long a closing connection may take to send what memcached would already have sent. */
const CLOSE_GRACE_MS = 1000;
/** With this much written but not yet sent, the connection stops reading until the client catches up. */
const OUTPUT_PAUSE_BYTES = 4 * 1024 * 1024;

/** The parts of a socket a connection uses (a net.Socket or tls.TLSSocket; tests pass a fake). */
export type ConnectionSocket = Pick<net.Socket,
'setNoDelay' | 'on' | 'once' | 'write' | 'cork' | 'uncork' | 'pause' | 'resume' | 'end' | 'destroy' |
'writableLength' | 'writableEnded' | 'destroyed' | 'remoteAddress' | 'remotePort'>;

const enum InputState { COMMAND, UPLOAD, SWALLOW, CLOSED }

let pinCounter = 0;

/** Small reads are gathered into blocks of this size, so a trickle of bytes makes few objects. */
const PENDING_BLOCK = 64 * 1024;

/**
 * Bytes of an incomplete line or binary frame, kept as a list so growth is not quadratic. Small
 * pieces are copied into a block (a client sending one byte per packet would otherwise leave one
 * buffer object per byte); large ones are kept by reference.
 */
class Pending {
  private parts: Buffer[] = [];
  private block: Buffer | null = null;
  private blockLength = 0;
  length = 0;

  add(b: Buffer): void {
    if (b.length === 0) return;
    this.length += b.length;
    if (b.length >= 4096) {
      this.sealBlock();
      this.parts.push(b);
      return;
    }
    if (this.block === null || this.blockLength + b.length > this.block.length) {
      this.sealBlock();
      this.block = Buffer.allocUnsafe(PENDING_BLOCK);
    }
    b.copy(this.block, this.blockLength);
    this.blockLength += b.length;
  }

  /** First byte held. */
  first(): number {
    return this.parts.length > 0 ? this.parts[0][0] : this.block![0];
  }

  /** All pending bytes followed by `tail`, in one buffer; clears the list. */
  take(tail?: Buffer): Buffer {
    this.sealBlock();
    const parts = this.parts;
    if (tail !== undefined) parts.push(tail);
    const out = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    this.parts = [];
    this.length = 0;
    return out;
  }

  /** A copy of the first `n` pending bytes (or fewer); O(n) whatever the number of parts. */
  peek(n: number): Buffer {
    const out = Buffer.allocUnsafe(Math.min(n, this.length));
    let at = 0;
    for (const part of this.parts) {
      if (at === out.length) break;
      at += part.copy(out, at, 0, Math.min(part.length, out.length - at));
    }
    if (at < out.length && this.block !== null) this.block.copy(out, at, 0, out.length - at);
    return out;
  }

  private sealBlock(): void {
    if (this.block !== null && this.blockLength > 0) this.parts.push(this.block.subarray(0, this.blockLength));
    this.block = null;
    this.blockLength = 0;
  }
}

/**
 * One client connection: turns the byte stream into protocol frames (detecting text or binary
 * from the first byte, as memcached does), reads values straight into the item being stored,
 * and writes each batch of replies with one socket write.
 */
export class Connection implements ConnectionInfo {
  readonly id: number;
  readonly remote: string;
  lastCommand: number;
  readonly out = new Output();
  /** Tokens of the current text line. */
  readonly tokens = new Tokens();
  protocol = Protocol.UNKNOWN;
  /** The current text command's replies are suppressed (noreply / quiet). */
  noreply = false;
  /** Marks items referred to by replies not yet transmitted (see MemcachedStore.addDelta). */
  pin = ++pinCounter;
  /** SASL: authenticated, and whether a multi-step exchange is under way. */
  authenticated = false;
  saslStarted = false;

  // The upload in progress: the item receiving the value and what completes it.
  uploadItem: Item | null = null;
  uploadKind = UploadKind.TEXT;
  /** Store mode, CAS-stale flag and `ms` return flags of the command that started the upload. */
  uploadMode = 0;
  uploadStale = false;
  uploadMeta: string[] = [];
  /** For SASL uploads: the mechanism and the data. */
  uploadMech = '';
  uploadData: Buffer = Buffer.alloc(0);

  // Binary request being answered: its opcode, the command it stands for (quiet variants map to
  // the plain one), its opaque and the CAS to report.
  binOpcode = 0;
  binCmd = 0;
  binOpaque = 0;
  binCas = 0;

  private input = InputState.COMMAND;
  private readonly pending = new Pending();
  /** End (in the current chunk) of memcached's current read; see {@link consume}. */
  private windowEnd = 0;
  private bigLine = false;
  private uploadBuf: Buffer = Buffer.alloc(0);
  private uploadPos = 0;
  private trailerNeed = 0;
  private trailer0 = 0;
  private trailer1 = 0;
  private trailerSeen = 0;
  private swallowLeft = 0;
  private sinceCommit = 0;
  private closeAfterWrite = false;
  private backlog: Buffer | null = null;
  private paused = false;

  constructor(
    readonly server: ServerState,
    private readonly socket: ConnectionSocket,
  ) {
    this.id = server.connectionId();
    this.remote = `tcp:${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    this.lastCommand = server.store.now();
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.onClose());
  }

  /** State name for `stats conns`. */
  get state(): string {
    switch (this.input) {
      case InputState.UPLOAD: return 'conn_nread';
      case InputState.SWALLOW: return 'conn_swallow';
      case InputState.CLOSED: return 'conn_closing';
      default: return this.pending.length > 0 ? 'conn_read' : 'conn_parse_cmd';
    }
  }

  // -----------------------------------------------------------------------------------------------
  // For protocol handlers

  /**
   * Reads `target.length` value bytes into `target` next (the value of `item`, when storing),
   * followed by `trailer` bytes that must be "\r\n" (2 for the text protocol, 0 for binary); then
   * the upload's completion runs.
   */
  startUpload(item: Item | null, target: Buffer, kind: UploadKind, trailer: number): void {
    this.uploadItem = item;
    this.uploadKind = kind;
    this.uploadBuf = target;
    this.uploadPos = 0;
    this.trailerNeed = trailer;
    this.trailerSeen = 0;
    this.input = InputState.UPLOAD;
    // Nothing to read (an empty binary value): complete now, not on the next input.
    if (target.length === 0 && trailer === 0) {
      this.input = InputState.COMMAND;
      this.finishUpload();
    }
  }

  /** Whether the upload's trailer was "\r\n". */
  get trailerOk(): boolean {
    return this.trailer0 === 13 && this.trailer1 === 10;
  }

  /** Discards the next `n` input bytes (the value of a refused store). */
  swallow(n: number): void {
    if (n <= 0) return;
    this.swallowLeft = n;
    this.input = InputState.SWALLOW;
  }

  /** Closes the connection once the replies so far are written. */
  closeAfterFlush(): void {
    this.closeAfterWrite = true;
    this.input = InputState.CLOSED;
  }

  /**
   * Closes the connection without answering the current batch: replies memcached would already
   * have transmitted (see {@link commit}) go out, later ones are lost.
   */
  closeNow(): void {
    this.input = InputState.CLOSED;
    this.out.discardUncommitted();
    this.releaseUpload();
    this.flushOutput();
    this.socket.end();
    this.socket.once('finish', () => this.socket.destroy());
    // A client that does not read would keep the half-closed socket: memcached drops it.
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  /** A point where memcached would have transmitted its replies (`mn`, binary noop, errors). */
  commit(): void {
    this.out.commit();
    this.pin = ++pinCounter;
    this.sinceCommit = 0;
  }

  // -----------------------------------------------------------------------------------------------
  // Input

  private onData(chunk: Buffer): void {
    this.server.bytesRead += chunk.length;
    if (this.input === InputState.CLOSED) return;
    if (this.paused) {
      this.backlog = this.backlog === null ? chunk : Buffer.concat([this.backlog, chunk]);
      return;
    }
    this.consume(chunk, 0);
    this.afterBatch();
  }

  /**
   * Runs the input state machine over `buf` from `pos`. Command parsing follows memcached's read
   * buffer: each read takes at most READ_BUFFER_SIZE bytes (minus what is pending), a line must
   * end within LINE_WITHOUT_NEWLINE_LIMIT bytes of a read unless it is a multi-get, and replies
   * are final each time a read's bytes run out. Values are read straight into their item.
   */
  private consume(buf: Buffer, pos: number): void {
    const end = buf.length;
    this.windowEnd = pos;
    let firstWindow = true;
    while (pos < end) {
      switch (this.input) {
        case InputState.UPLOAD:
          pos = this.readUpload(buf, pos);
          break;
        case InputState.SWALLOW: {
          const n = Math.min(this.swallowLeft, end - pos);
          pos += n;
          this.swallowLeft -= n;
          if (this.swallowLeft === 0) this.input = InputState.COMMAND;
          break;
        }
        case InputState.CLOSED:
          return;
        default: {
          if (pos >= this.windowEnd) {
            if (!firstWindow) this.commit();
            firstWindow = false;
            const room = this.bigLine ? end - pos : READ_BUFFER_SIZE - this.pending.length;
            if (room <= 0) {
              // The read buffer is full without a complete binary header: memcached's read of 0
              // bytes counts as end of stream.
              this.closeNow();
              return;
            }
            this.windowEnd = pos + Math.min(room, end - pos);
          }
          if (this.protocol === Protocol.UNKNOWN) {
            const first = this.pending.length > 0 ? this.pending.first() : buf[pos];
            this.protocol = first === 0x80 ? Protocol.BINARY : Protocol.TEXT;
            if (this.protocol === Protocol.TEXT && this.server.saslUsers !== undefined) {
              // With SASL memcached speaks only the binary protocol: "invalid magic" closes.
              this.closeNow();
              return;
            }
          }
          pos = this.protocol === Protocol.TEXT ? this.textInput(buf, pos) : this.binaryInput(buf, pos);
          if (this.out.queued >= OUTPUT_FLUSH_BYTES && (this.input as InputState) !== InputState.CLOSED) {
            this.flushOutput();
            if (this.socket.writableLength >= OUTPUT_PAUSE_BYTES) {
              this.pause(buf.subarray(pos));
              return;
            }
          }
        }
      }
    }
  }

  /** One text line from the current read, or the read's bytes kept when the line goes on. */
  private textInput(buf: Buffer, pos: number): number {
    const windowEnd = this.windowEnd;
    let nl = buf.indexOf(10, pos);
    if (nl >= windowEnd) nl = -1;
    if (nl < 0) {
      this.pending.add(buf.subarray(pos, windowEnd));
      if (this.pending.length > LINE_WITHOUT_NEWLINE_LIMIT && !this.bigLine) {
        if (!this.isMultiget()) {
          this.closeNow();
          return buf.length;
        }
        this.bigLine = true;
      }
      if (this.bigLine && this.pending.length > MULTIGET_LINE_LIMIT) {
        this.closeNow();
        return buf.length;
      }
      return windowEnd;
    }
    this.lastCommand = this.server.store.now();
    this.bigLine = false;
    if (this.pending.length > 0) {
      const line = this.pending.take(buf.subarray(pos, nl + 1));
      processTextLine(this, line, 0, line.length - 1);
    } else {
      processTextLine(this, buf, pos, nl);
    }
    this.countCommand();
    return nl + 1;
  }

  /** memcached transmits (and releases item references) every REQS_PER_EVENT commands. */
  private countCommand(): void {
    if (++this.sinceCommit >= REQS_PER_EVENT) this.commit();
  }

  /** memcached keeps reading a line longer than 2048 bytes only when it is a get or gets. */
  private isMultiget(): boolean {
    const head = this.pending.peek(110);
    let i = 0;
    while (i < head.length && head[i] === 0x20) i++;
    if (i > 100) return false;
    const rest = head.toString('latin1', i, i + 5);
    return rest.startsWith('get ') || rest.startsWith('gets ');
  }

  /** One binary request (header, extras and key) from the current read. */
  private binaryInput(buf: Buffer, pos: number): number {
    const windowEnd = this.windowEnd;
    const held = this.pending.length;
    const available = held + (windowEnd - pos);
    if (available < BINARY_HEADER_SIZE) {
      this.pending.add(buf.subarray(pos, windowEnd));
      return windowEnd;
    }
    let need: number;
    if (held === 0) {
      need = binaryFrameLength(buf, pos);
    } else {
      const head = held >= BINARY_HEADER_SIZE
        ? this.pending.peek(BINARY_HEADER_SIZE)
        : Buffer.concat([this.pending.peek(held), buf.subarray(pos, pos + BINARY_HEADER_SIZE - held)]);
      need = binaryFrameLength(head, 0);
    }
    if (need < 0) {
      // Not a request's magic byte: memcached closes the connection.
      this.closeNow();
      return buf.length;
    }
    if (available < need) {
      this.pending.add(buf.subarray(pos, windowEnd));
      return windowEnd;
    }
    this.lastCommand = this.server.store.now();
    if (held > 0) {
      const take = need - held;
      const frame = this.pending.take(buf.subarray(pos, pos + take));
      processBinaryFrame(this, frame, 0);
      this.countCommand();
      return pos + take;
    }
    processBinaryFrame(this, buf, pos);
    this.countCommand();
    return pos + need;
  }

  private readUpload(buf: Buffer, pos: number): number {
    const target = this.uploadBuf;
    const end = buf.length;
    if (this.uploadPos < target.length) {
      const n = Math.min(target.length - this.uploadPos, end - pos);
      buf.copy(target, this.uploadPos, pos, pos + n);
      this.uploadPos += n;
      pos += n;
      if (this.uploadPos < target.length) return pos;
    }
    while (this.trailerSeen < this.trailerNeed && pos < end) {
      if (this.trailerSeen === 0) this.trailer0 = buf[pos];
      else this.trailer1 = buf[pos];
      this.trailerSeen++;
      pos++;
    }
    if (this.trailerSeen < this.trailerNeed) return pos;
    this.input = InputState.COMMAND;
    this.finishUpload();
    return pos;
  }

  private finishUpload(): void {
    if (this.uploadKind === UploadKind.BINARY || this.uploadKind === UploadKind.SASL) completeBinaryUpload(this);
    else completeTextUpload(this);
    this.uploadItem = null;
  }

  private releaseUpload(): void {
    if (this.uploadItem !== null) {
      this.server.store.discard(this.uploadItem);
      this.uploadItem = null;
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Output

  private flushOutput(): void {
    const n = this.out.flush(this.socket);
    this.server.bytesWritten += n;
    this.pin = ++pinCounter;
    this.sinceCommit = 0;
  }

  private afterBatch(): void {
    if (this.socket.destroyed || this.socket.writableEnded) return;
    this.flushOutput();
    if (this.closeAfterWrite) this.socket.end();
  }

  private pause(rest: Buffer): void {
    this.paused = true;
    this.backlog = rest.length > 0 ? rest : null;
    this.socket.pause();
    this.socket.once('drain', () => {
      this.paused = false;
      const backlog = this.backlog;
      this.backlog = null;
      if (backlog !== null && this.input !== InputState.CLOSED) {
        this.consume(backlog, 0);
        this.afterBatch();
      }
      if (!this.paused && !this.socket.destroyed) this.socket.resume();
    });
  }

  private onClose(): void {
    this.input = InputState.CLOSED;
    this.releaseUpload();
    this.server.connections.delete(this);
  }
}
