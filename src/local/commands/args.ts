import { Errors, ReplyError } from './types';
import { strtod } from '../util/strtod';

const MAX_LONG = 9223372036854775807n;
const MIN_LONG = -9223372036854775808n;
const MAX_LONG_DIGITS = '9223372036854775807';
const MIN_LONG_DIGITS = '9223372036854775808';

/**
 * Whether `s` is a canonical 64-bit signed integer as the server's string2ll accepts it: optional
 * `-`, no `+`, no leading zeros, no spaces, within range.
 */
export function isLongString(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 20) return false;
  let i = 0;
  const negative = s.charCodeAt(0) === 45; /* - */
  if (negative) {
    i = 1;
    if (n === 1) return false;
  }
  const first = s.charCodeAt(i);
  if (first === 48 /* 0 */) return n === 1;
  if (first < 49 || first > 57) return false;
  for (let j = i + 1; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return false;
  }
  const digits = n - i;
  if (digits < 19) return true;
  if (digits > 19) return false;
  const body = negative ? s.slice(1) : s;
  return body <= (negative ? MIN_LONG_DIGITS : MAX_LONG_DIGITS);
}

/** A 64-bit integer argument as a number (exact within ±2^53), or undefined. */
export function parseLong(s: string): number | undefined {
  return isLongString(s) ? Number(s) : undefined;
}

/** A 64-bit integer argument as a number; throws the server's error when it is not one. */
export function toLong(s: string, error: string = Errors.NOT_INTEGER): number {
  if (!isLongString(s)) throw new ReplyError(error);
  return Number(s);
}

/** A 64-bit integer argument as an exact bigint, or undefined. */
export function parseBigLong(s: string): bigint | undefined {
  return isLongString(s) ? BigInt(s) : undefined;
}

/** Whether a bigint fits in a signed 64-bit integer. */
export function fitsLong(n: bigint): boolean {
  return n >= MIN_LONG && n <= MAX_LONG;
}

/** A non-negative integer argument (counts, timeouts in whole units). */
export function toNonNegative(s: string, error: string = Errors.NOT_INTEGER): number {
  const n = toLong(s, error);
  if (n < 0) throw new ReplyError(error);
  return n;
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INFINITY = /^([+-]?)(?:inf|infinity)$/i;
const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;

/**
 * A double as the server's strtod-based parsing accepts it: decimal or hexadecimal notation,
 * `inf`/`infinity` with optional sign; no spaces, no trailing characters, no NaN, no overflow.
 */
export function parseDouble(s: string): number | undefined {
  if (s.length === 0) return undefined;
  if (DECIMAL.test(s)) {
    const d = Number(s);
    if (!Number.isFinite(d)) return undefined; // ERANGE overflow
    if (d === 0 && /[1-9]/.test(s.replace(/[eE].*$/, ''))) return undefined; // ERANGE underflow
    return d;
  }
  const inf = INFINITY.exec(s);
  if (inf) return inf[1] === '-' ? -Infinity : Infinity;
  const hex = HEX_FLOAT.exec(s);
  if (hex && (hex[2].length > 0 || (hex[3] ?? '').length > 0)) {
    const d = strtod(s).value; // correctly rounded
    if (!Number.isFinite(d)) return undefined; // ERANGE overflow
    if (d === 0 && /[1-9a-fA-F]/.test(hex[2] + (hex[3] ?? ''))) return undefined; // ERANGE underflow
    return d;
  }
  return undefined;
}

/** A double argument; throws the server's error when it is not one. */
export function toDouble(s: string, error: string = Errors.NOT_FLOAT): number {
  const d = parseDouble(s);
  if (d === undefined) throw new ReplyError(error);
  return d;
}

/** Case-insensitive comparison with an upper-case keyword, without allocating. */
export function is(arg: string, upperKeyword: string): boolean {
  const n = arg.length;
  if (n !== upperKeyword.length) return false;
  for (let i = 0; i < n; i++) {
    let c = arg.charCodeAt(i);
    if (c >= 97 && c <= 122) c -= 32;
    if (c !== upperKeyword.charCodeAt(i)) return false;
  }
  return true;
}
