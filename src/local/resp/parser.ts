/**
 * Streaming parser for client requests in the Redis protocol: multibulk (`*N\r\n$len\r\n...`) and
 * inline commands (`SET k v\r\n`). Arguments come out as byte strings (latin1: one char per byte),
 * which is binary-safe and what the keyspace stores.
 *
 * The parser is resumable: a request split across reads keeps its decoded arguments and state, so
 * no byte is parsed twice and a large bulk arriving in many chunks is joined once (no quadratic
 * re-concatenation). "Incomplete" is a normal result (`undefined`); only malformed input throws a
 * {@link ProtocolError}, whose message is the error the server replies before closing the connection.
 */

/** Malformed input: reply `-ERR <message>` and close the connection (as the real server does). */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** Input that ends the connection without a reply (the query buffer limit). */
export class QueryBufferLimitError extends Error {
  constructor() {
    super('closing client that reached max query buffer length');
    this.name = 'QueryBufferLimitError';
  }
}

export interface ParserLimits {
  /** proto-max-bulk-len. @default 512 MiB */
  maxBulkLen: number;
  /** client-query-buffer-limit. @default 1 GiB */
  maxQueryBuffer: number;
  /** Whether the client still has to authenticate (stricter multibulk and bulk limits apply). */
  authRequired: boolean;
}

/** PROTO_INLINE_MAX_SIZE: the longest inline request or count line. */
export const INLINE_MAX_SIZE = 64 * 1024;
const MAX_MULTIBULK = 2147483647;
const UNAUTH_MAX_MULTIBULK = 10;
const UNAUTH_MAX_BULK = 16384;
/** Requests of up to this many arguments get their argument array allocated at its final size. */
const PREALLOCATED_ARGS = 64;
const CR = 13;
const LF = 10;

const enum State {
  /** Between requests. */
  Idle,
  /** Inside a multibulk request, waiting for a `$len` line. */
  BulkHeader,
  /** Inside a multibulk request, waiting for `bulkLen` bytes plus CRLF. */
  BulkBody,
}

/** Node's Buffer has fast latin1 accessors that its typings do not declare. */
export type Latin1Buffer = Buffer & {
  latin1Slice(start: number, end: number): string;
  latin1Write(text: string, offset: number, length?: number): number;
};

const EMPTY = Buffer.alloc(0) as Latin1Buffer;

export class RequestParser {
  public readonly limits: ParserLimits;
  private buf: Latin1Buffer = EMPTY;
  private pos = 0;
  private state = State.Idle;
  private argv: string[] = [];
  /** Arguments of the current request decoded so far. */
  private argc = 0;
  private remaining = 0;
  private bulkLen = 0;
  /** Chunks of a large bulk that is still arriving, joined once when complete. */
  private pendingChunks: Buffer[] | null = null;
  private pendingBytes = 0;

  constructor(limits?: Partial<ParserLimits>) {
    this.limits = {
      maxBulkLen: limits?.maxBulkLen ?? 512 * 1024 * 1024,
      maxQueryBuffer: limits?.maxQueryBuffer ?? 1024 * 1024 * 1024,
      authRequired: limits?.authRequired ?? false,
    };
  }

  /** Bytes received but not yet consumed by a complete request. */
  public get buffered(): number {
    return this.buf.length - this.pos + this.pendingBytes;
  }

  /** Whether a request has been started but not completed. */
  public get midRequest(): boolean {
    return this.state !== State.Idle || this.pos < this.buf.length || this.pendingChunks !== null;
  }

  /** Adds received bytes. */
  public feed(chunk: Buffer): void {
    if (this.pendingChunks !== null) {
      this.pendingChunks.push(chunk);
      this.pendingBytes += chunk.length;
    } else if (this.pos >= this.buf.length) {
      this.buf = chunk as Latin1Buffer;
      this.pos = 0;
    } else if (this.state === State.BulkBody && this.buf.length - this.pos + chunk.length < this.bulkLen + 2) {
      // A large bulk spans several reads: collect the chunks and join them once.
      this.pendingChunks = [this.buf.subarray(this.pos), chunk];
      this.pendingBytes = this.buf.length - this.pos + chunk.length;
      this.buf = EMPTY;
      this.pos = 0;
    } else {
      this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk]) as Latin1Buffer;
      this.pos = 0;
    }
    if (this.buffered > this.limits.maxQueryBuffer) {
      throw new QueryBufferLimitError();
    }
  }

  /**
   * The next complete request, `undefined` when more bytes are needed. An empty array is an empty
   * inline line or a `*0`/`*-1` multibulk: nothing to execute.
   */
  public next(): string[] | undefined {
    if (this.pendingChunks !== null) {
      if (this.pendingBytes < this.bulkLen + 2) return undefined;
      this.buf = Buffer.concat(this.pendingChunks, this.pendingBytes) as Latin1Buffer;
      this.pos = 0;
      this.pendingChunks = null;
      this.pendingBytes = 0;
    }
    if (this.state === State.Idle) {
      if (this.pos >= this.buf.length) return undefined;
      if (this.buf[this.pos] !== 0x2a /* '*' */) return this.inline();
      const count = this.countLine();
      if (count === undefined) return undefined;
      if (count <= 0) return [];
      // A short request gets an array of its exact size (a growing one would allocate room for 17
      // entries). Longer ones are appended as their arguments arrive: a count costs nothing until
      // its arguments come (preallocating would let a 10-byte `*99999` hold 800 KB).
      this.argv = count <= PREALLOCATED_ARGS ? new Array<string>(count) : [];
      this.argc = 0;
      this.remaining = count;
      this.state = State.BulkHeader;
    }
    const buf = this.buf;
    const argv = this.argv;
    while (this.remaining > 0) {
      if (this.state === State.BulkHeader) {
        const len = this.bulkHeader();
        if (len === undefined) return undefined;
        this.bulkLen = len;
        this.state = State.BulkBody;
      }
      const end = this.pos + this.bulkLen;
      if (end + 2 > buf.length) {
        // Keep what is here; feed() collects further chunks of a large bulk without copying.
        return undefined;
      }
      // As the real server does, the two bytes after the payload are skipped, not checked.
      argv[this.argc++] = buf.latin1Slice(this.pos, end);
      this.pos = end + 2;
      this.remaining--;
      this.state = State.BulkHeader;
    }
    this.state = State.Idle;
    this.argv = [];
    this.releaseIfDrained();
    return argv;
  }

  private releaseIfDrained(): void {
    if (this.pos >= this.buf.length) {
      this.buf = EMPTY;
      this.pos = 0;
    }
  }

  /** Parses `*<count>\r\n`; `undefined` if the line is incomplete. */
  private countLine(): number | undefined {
    const cr = this.buf.indexOf(CR, this.pos);
    if (cr < 0 || cr + 1 >= this.buf.length) return this.countLineIncomplete();
    const n = parseInteger(this.buf, this.pos + 1, cr);
    if (n === undefined || n > MAX_MULTIBULK) {
      if (hasNul(this.buf, this.pos, cr)) return this.countLineIncomplete();
      throw new ProtocolError('Protocol error: invalid multibulk length');
    }
    if (n > UNAUTH_MAX_MULTIBULK && this.limits.authRequired) {
      throw new ProtocolError('Protocol error: unauthenticated multibulk length');
    }
    this.pos = cr + 2;
    this.releaseIfDrained();
    return n;
  }

  private countLineIncomplete(): undefined {
    if (this.buf.length - this.pos > INLINE_MAX_SIZE) throw new ProtocolError('Protocol error: too big mbulk count string');
    return undefined;
  }

  private bulkHeaderIncomplete(): undefined {
    if (this.buf.length - this.pos > INLINE_MAX_SIZE) throw new ProtocolError('Protocol error: too big bulk count string');
    return undefined;
  }

  /** Parses `$<len>\r\n`; `undefined` if the line is incomplete. */
  private bulkHeader(): number | undefined {
    const buf = this.buf;
    const pos = this.pos;
    // Fast path for short lengths, the common case: `$3\r\n`.
    const cr = buf.indexOf(CR, pos);
    if (cr < 0 || cr + 1 >= buf.length) return this.bulkHeaderIncomplete();
    if (buf[pos] !== 0x24 /* '$' */) {
      if (hasNul(buf, pos, cr)) return this.bulkHeaderIncomplete();
      throw new ProtocolError(`Protocol error: expected '$', got '${String.fromCharCode(buf[pos])}'`);
    }
    const n = parseInteger(buf, pos + 1, cr);
    if (n === undefined && hasNul(buf, pos, cr)) return this.bulkHeaderIncomplete();
    if (n === undefined || n < 0 || n > this.limits.maxBulkLen) throw new ProtocolError('Protocol error: invalid bulk length');
    if (n > UNAUTH_MAX_BULK && this.limits.authRequired) throw new ProtocolError('Protocol error: unauthenticated bulk length');
    this.pos = cr + 2;
    return n;
  }

  /** An inline request: one line split like redis-cli arguments (quotes and escapes). */
  private inline(): string[] | undefined {
    const buf = this.buf;
    const nl = buf.indexOf(LF, this.pos);
    if (nl < 0) {
      if (buf.length - this.pos > INLINE_MAX_SIZE) throw new ProtocolError('Protocol error: too big inline request');
      return undefined;
    }
    let end = nl;
    if (end > this.pos && buf[end - 1] === CR) end--;
    const line = buf.latin1Slice(this.pos, end);
    if (line.includes('\0')) {
      // The server looks for the line end in a C string: a NUL byte hides it, and the request
      // stays incomplete until it is too long.
      if (buf.length - this.pos > INLINE_MAX_SIZE) throw new ProtocolError('Protocol error: too big inline request');
      return undefined;
    }
    this.pos = nl + 1;
    this.releaseIfDrained();
    const args = splitArgs(line);
    if (args === undefined) throw new ProtocolError('Protocol error: unbalanced quotes in request');
    return args;
  }
}

/**
 * Whether a NUL byte comes before the CR at `cr`. The server finds header line ends with strchr
 * on its query buffer: a NUL hides the CR, and the header stays incomplete (until it is too long)
 * rather than being refused as malformed.
 */
function hasNul(buf: Buffer, start: number, cr: number): boolean {
  for (let i = start; i < cr; i++) if (buf[i] === 0) return true;
  return false;
}

/**
 * Parses a signed decimal integer from `buf[start, end)` the way the server's string2ll does:
 * no sign-only, no leading zeros (except "0"), no spaces, within 64-bit range.
 * Returns `undefined` for anything else. Values beyond 2^53 lose precision, which is harmless for
 * lengths (they are rejected by the limits anyway).
 */
export function parseInteger(buf: Buffer, start: number, end: number): number | undefined {
  if (start >= end || end - start > 20) return undefined;
  let i = start;
  let negative = false;
  if (buf[i] === 0x2d /* '-' */) {
    negative = true;
    i++;
    if (i === end) return undefined;
  }
  if (buf[i] === 0x30 /* '0' */) {
    return i + 1 === end && !negative ? 0 : undefined;
  }
  let n = 0;
  for (; i < end; i++) {
    const d = buf[i] - 0x30;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  return negative ? -n : n;
}

const HEX = '0123456789abcdefABCDEF';
function isHex(ch: string): boolean {
  return ch.length === 1 && HEX.includes(ch);
}
function isSpace(code: number): boolean {
  // C isspace(): space, \t, \n, \v, \f, \r
  return code === 32 || (code >= 9 && code <= 13);
}

/**
 * Splits a line into arguments like the server's sdssplitargs: whitespace separates (a word ends
 * at a space, tab, CR or LF; \v and \f only count between words); "double
 * quotes" take \n \r \t \b \a \\ \" and \xHH escapes; 'single quotes' take \'. A closing quote must
 * be followed by whitespace or the end of the line. Returns `undefined` for unbalanced quotes.
 */
export function splitArgs(line: string): string[] | undefined {
  const args: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && isSpace(line.charCodeAt(i))) i++;
    if (i >= n) return args;
    let inDouble = false;
    let inSingle = false;
    let current = '';
    let done = false;
    while (!done) {
      if (inDouble) {
        if (i >= n) return undefined;
        const ch = line[i];
        if (ch === '\\' && line[i + 1] === 'x' && isHex(line[i + 2] ?? '') && isHex(line[i + 3] ?? '')) {
          current += String.fromCharCode(parseInt(line.substr(i + 2, 2), 16));
          i += 3;
        } else if (ch === '\\' && i + 1 < n) {
          i++;
          const e = line[i];
          current += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (ch === '"') {
          // The closing quote must be followed by a space or nothing at all.
          if (i + 1 < n && !isSpace(line.charCodeAt(i + 1))) return undefined;
          done = true;
        } else {
          current += ch;
        }
      } else if (inSingle) {
        if (i >= n) return undefined;
        const ch = line[i];
        if (ch === '\\' && line[i + 1] === "'") {
          i++;
          current += "'";
        } else if (ch === "'") {
          if (i + 1 < n && !isSpace(line.charCodeAt(i + 1))) return undefined;
          done = true;
        } else {
          current += ch;
        }
      } else if (i >= n) {
        done = true;
      } else {
        const ch = line[i];
        const code = line.charCodeAt(i);
        // A word ends at a space, tab, CR or LF only: \v and \f belong to it (though they are
        // skipped between words, as isspace() is).
        if (code === 32 || code === 9 || code === 13 || code === 10) {
          done = true;
        } else if (ch === '"') {
          inDouble = true;
        } else if (ch === "'") {
          inSingle = true;
        } else {
          current += ch;
        }
      }
      if (i < n) i++;
    }
    args.push(current);
  }
}
