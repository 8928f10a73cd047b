
/** Buffer's own latin1 codec, without the argument handling of write()/toString(). */
interface Latin1Codec {
  latin1Write(s: string, offset: number, length: number): number;
  latin1Slice(start: number, end: number): string;
}
const FAST_LATIN1 = typeof (Buffer.prototype as unknown as Partial<Latin1Codec>).latin1Write === 'function'
  && typeof (Buffer.prototype as unknown as Partial<Latin1Codec>).latin1Slice === 'function';

/** `buf[start, end)` as a latin1 string (one character per byte). */
export const latin1: (buf: Buffer, start: number, end: number) => string = FAST_LATIN1
  ? (buf, start, end) => (buf as unknown as Latin1Codec).latin1Slice(start, end)
  : (buf, start, end) => buf.toString('latin1', start, end);

/** What a batch is written to. */
export interface OutputSink {
  write(chunk: Buffer): boolean;
  cork(): void;
  uncork(): void;
}

/** Values up to this size are copied into the batch; larger ones are queued by reference. */
const COPY_LIMIT = 4096;
const SCRATCH_SIZE = 16 * 1024;

/**
 * Replies of one batch: small pieces are packed into a scratch buffer, large values are queued
 * by reference, and {@link flush} hands everything to the socket in one write (or one writev via
 * cork/uncork). Values are never mutated after they are stored, so queuing by reference is safe.
 */
export class Output {
  /** Bytes queued since the last flush. */
  queued = 0;
  private scratch = Buffer.allocUnsafeSlow(SCRATCH_SIZE);
  private pos = 0;
  private parts: Buffer[] = [];
  /** Replies before the last {@link commit} are final; later ones may be dropped. */
  private committedParts = 0;
  private committedPos = 0;
  private committedQueued = 0;

  /** Appends latin1 text (protocol lines are ASCII; keys are latin1 strings of their bytes). */
  text(s: string): void {
    const n = s.length;
    if (this.pos + n > this.scratch.length) this.cut(n);
    if (FAST_LATIN1) (this.scratch as unknown as Latin1Codec).latin1Write(s, this.pos, n);
    else this.scratch.write(s, this.pos, n, 'latin1');
    this.pos += n;
    this.queued += n;
  }

  /** Appends the decimal digits of a non-negative safe integer. */
  uint(n: number): void {
    if (this.pos + 20 > this.scratch.length) this.cut(20);
    const buf = this.scratch;
    if (n < 10) {
      buf[this.pos++] = 0x30 + n;
      this.queued++;
      return;
    }
    let digits = 0;
    for (let v = n; v >= 1; v = Math.floor(v / 10)) digits++;
    let p = this.pos + digits;
    for (let v = n; v >= 1; v = Math.floor(v / 10)) buf[--p] = 0x30 + (v % 10);
    this.pos += digits;
    this.queued += digits;
  }

  /** Appends a byte range. */
  bytes(b: Uint8Array, start = 0, end = b.length): void {
    const n = end - start;
    if (n <= COPY_LIMIT) {
      if (this.pos + n > this.scratch.length) this.cut(n);
      this.scratch.set(b.subarray(start, end), this.pos);
      this.pos += n;
    } else {
      this.cut(0);
      this.parts.push(Buffer.from(b.buffer, b.byteOffset + start, n));
    }
    this.queued += n;
  }

  /**
   * Reserves `n` contiguous bytes (binary headers) and returns the scratch buffer and offset at
   * which to write them.
   */
  reserve(n: number): number {
    if (this.pos + n > this.scratch.length) this.cut(n);
    const at = this.pos;
    this.pos += n;
    this.queued += n;
    return at;
  }

  /** The scratch buffer that {@link reserve} offsets refer to (valid until the next call). */
  get buffer(): Buffer {
    return this.scratch;
  }

  /** Drops the whole batch (the connection is closing without a reply). */
  discard(): void {
    this.pos = 0;
    this.parts = [];
    this.queued = 0;
    this.committedParts = 0;
    this.committedPos = 0;
    this.committedQueued = 0;
  }

  /**
   * Marks the replies so far as final: memcached would have transmitted them at this point
   * (it flushes when its read buffer runs dry and every 20 commands).
   */
  commit(): void {
    this.committedParts = this.parts.length;
    this.committedPos = this.pos;
    this.committedQueued = this.queued;
  }

  /** Drops the replies since the last {@link commit} (memcached's conn_release_items). */
  discardUncommitted(): void {
    if (this.parts.length === this.committedParts) {
      this.pos = this.committedPos;
    } else {
      // The scratch buffer was moved to the part list since; its first part starts with the
      // committed bytes.
      const head = this.parts[this.committedParts];
      this.parts.length = this.committedParts;
      if (this.committedPos > 0) this.parts.push(head.subarray(0, this.committedPos));
      this.committedParts = this.parts.length;
      this.committedPos = 0;
      this.pos = 0;
    }
    this.queued = this.committedQueued;
  }

  /** Writes the batch to the socket; returns the bytes written. */
  flush(socket: OutputSink): number {
    const total = this.queued;
    if (total === 0) return 0;
    const parts = this.parts;
    if (parts.length === 0) {
      socket.write(this.take());
    } else {
      if (this.pos > 0) parts.push(this.take());
      this.parts = [];
      if (parts.length === 1) {
        socket.write(parts[0]);
      } else {
        socket.cork();
        for (const part of parts) socket.write(part);
        socket.uncork();
      }
    }
    this.queued = 0;
    this.committedParts = 0;
    this.committedPos = 0;
    this.committedQueued = 0;
    return total;
  }

  private take(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.scratch.copy(out, 0, 0, this.pos);
    this.pos = 0;
    return out;
  }

  /** Moves the scratch contents to the part list so that `need` bytes fit. */
  private cut(need: number): void {
    if (this.pos > 0) this.parts.push(this.take());
    if (need > this.scratch.length) this.scratch = Buffer.allocUnsafeSlow(need);
  }
}
