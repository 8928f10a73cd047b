/**
 * Reply writer for the Redis protocol, aware of the client's protocol version (RESP2 or RESP3).
 *
 * Replies accumulate in a byte string (latin1: one char per byte) and go out with a single socket
 * write per batch of requests. Values in the keyspace are byte strings too, so a bulk reply is a
 * concatenation, never a copy through an intermediate Buffer.
 */

/** How doubles are printed: Redis OSS 7.0 uses `%.17g`; Valkey 8 (and Redis 7.2+) the shortest round-trip form. */
export type DoubleStyle = 'g17' | 'shortest';

export class ReplyWriter {
  /** Pending output. */
  public out = '';
  /** Protocol version: 2 or 3. */
  public resp: 2 | 3 = 2;
  /** Style of doubles. */
  public doubleStyle: DoubleStyle = 'shortest';
  /** Called for every error reply (error statistics). */
  public onError: ((message: string) => void) | null = null;

  /** Takes the pending output and clears it. */
  public take(): string {
    const out = this.out;
    this.out = '';
    return out;
  }

  public ok(): void {
    this.out += '+OK\r\n';
  }

  /** A status (simple string) reply; must not contain CR or LF. */
  public status(s: string): void {
    this.out += '+' + s + '\r\n';
  }

  /**
   * An error reply. `message` starts with its error code (`ERR ...`, `WRONGTYPE ...`, `NOAUTH ...`);
   * newlines become spaces, as the real server does.
   */
  public error(message: string): void {
    if (this.onError !== null) this.onError(message);
    this.out += '-' + errorLine(message) + '\r\n';
  }

  public int(n: number | bigint): void {
    this.out += ':' + n + '\r\n';
  }

  /** A bulk string (byte string). */
  public bulk(s: string): void {
    this.out += '$' + s.length + '\r\n' + s + '\r\n';
  }

  /** A bulk string or the null reply. */
  public bulkOrNull(s: string | null | undefined): void {
    if (s === null || s === undefined) this.nullBulk();
    else this.out += '$' + s.length + '\r\n' + s + '\r\n';
  }

  /** A number sent as a bulk string (e.g. INCRBYFLOAT's result). */
  public bulkNumber(n: number | bigint): void {
    this.bulk(String(n));
  }

  /** Null bulk string: `$-1` in RESP2, `_` in RESP3. */
  public nullBulk(): void {
    this.out += this.resp === 3 ? '_\r\n' : '$-1\r\n';
  }

  /** Null array: `*-1` in RESP2, `_` in RESP3. */
  public nullArray(): void {
    this.out += this.resp === 3 ? '_\r\n' : '*-1\r\n';
  }

  public array(length: number): void {
    this.out += '*' + length + '\r\n';
  }

  /** A map of `pairs` entries: `%n` in RESP3, a flat array of 2n in RESP2. */
  public map(pairs: number): void {
    this.out += this.resp === 3 ? '%' + pairs + '\r\n' : '*' + pairs * 2 + '\r\n';
  }

  /** A set: `~n` in RESP3, an array in RESP2. */
  public set(length: number): void {
    this.out += (this.resp === 3 ? '~' : '*') + length + '\r\n';
  }

  /** A push message header: `>n` in RESP3, an array in RESP2. */
  public push(length: number): void {
    this.out += (this.resp === 3 ? '>' : '*') + length + '\r\n';
  }

  /** A double: `,d` in RESP3, a bulk string in RESP2. */
  public double(d: number): void {
    const text = formatDouble(d, this.doubleStyle);
    if (this.resp === 3) this.out += ',' + text + '\r\n';
    else this.out += '$' + text.length + '\r\n' + text + '\r\n';
  }

  /** A boolean: `#t`/`#f` in RESP3, `:1`/`:0` in RESP2. */
  public bool(b: boolean): void {
    if (this.resp === 3) this.out += b ? '#t\r\n' : '#f\r\n';
    else this.out += b ? ':1\r\n' : ':0\r\n';
  }

  /** A verbatim string: `=len\r\ntxt:...` in RESP3, a bulk string in RESP2. */
  public verbatim(s: string, format: 'txt' | 'mkd' = 'txt'): void {
    if (this.resp === 3) this.out += '=' + (s.length + 4) + '\r\n' + format + ':' + s + '\r\n';
    else this.bulk(s);
  }

  /** A big number: `(n` in RESP3, a bulk string in RESP2. */
  public bigNumber(n: bigint | string): void {
    const text = String(n);
    if (this.resp === 3) this.out += '(' + text + '\r\n';
    else this.bulk(text);
  }

  /** An array of bulk strings. */
  public bulkArray(items: readonly string[]): void {
    let out = '*' + items.length + '\r\n';
    for (const s of items) out += '$' + s.length + '\r\n' + s + '\r\n';
    this.out += out;
  }

  /** An array of bulk strings or nulls. */
  public bulkOrNullArray(items: ReadonlyArray<string | null | undefined>): void {
    this.array(items.length);
    for (const s of items) this.bulkOrNull(s);
  }

  /** Raw protocol bytes, already encoded. */
  public raw(bytes: string): void {
    this.out += bytes;
  }
}

/** An error message as one protocol line: newlines become spaces, as the server's addReplyError does. */
export function errorLine(message: string): string {
  return message.includes('\r') || message.includes('\n') ? message.replace(/[\r\n]/g, ' ') : message;
}

/** Formats a double as the engine does (see {@link DoubleStyle}). */
export function formatDouble(d: number, style: DoubleStyle): string {
  if (Number.isNaN(d)) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  return style === 'g17' ? formatG(d, 17) : formatShortest(d);
}

/** C's `%.{precision}g`. */
export function formatG(d: number, precision: number): string {
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const expForm = d.toExponential(precision - 1);
  const ePos = expForm.indexOf('e');
  const exponent = Number(expForm.slice(ePos + 1));
  if (exponent < -4 || exponent >= precision) {
    const mantissa = stripZeros(expForm.slice(0, ePos));
    const sign = exponent < 0 ? '-' : '+';
    const abs = Math.abs(exponent);
    return mantissa + 'e' + sign + (abs < 10 ? '0' + abs : String(abs));
  }
  return stripZeros(d.toFixed(Math.max(0, precision - 1 - exponent)));
}

/**
 * The shortest representation that round-trips, laid out like `%.17g` (exponent form for
 * exponents below -4 or from 17 up, with a two-digit exponent) — Valkey's fpconv output.
 */
export function formatShortest(d: number): string {
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const expForm = d.toExponential(); // shortest digits, e.g. 1.5e+21
  const ePos = expForm.indexOf('e');
  const exponent = Number(expForm.slice(ePos + 1));
  if (exponent < -4 || exponent >= 17) {
    const mantissa = expForm.slice(0, ePos);
    const sign = exponent < 0 ? '-' : '+';
    const abs = Math.abs(exponent);
    return mantissa + 'e' + sign + (abs < 10 ? '0' + abs : String(abs));
  }
  const digits = expForm.slice(0, ePos).replace('.', '').replace('-', '');
  const negative = d < 0;
  let text: string;
  if (exponent >= 0) {
    text = digits.length <= exponent + 1
      ? digits + '0'.repeat(exponent + 1 - digits.length)
      : digits.slice(0, exponent + 1) + '.' + digits.slice(exponent + 1);
  } else {
    text = '0.' + '0'.repeat(-exponent - 1) + digits;
  }
  return negative ? '-' + text : text;
}

function stripZeros(s: string): string {
  if (!s.includes('.')) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48 /* 0 */) end--;
  if (s.charCodeAt(end - 1) === 46 /* . */) end--;
  return s.slice(0, end);
}
