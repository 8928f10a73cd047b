import type { Client } from '../client';
import { ReplyError } from './types';

/**
 * Timeouts of blocking commands (BLPOP, BLMOVE, BZPOPMIN...): a number of seconds as a double,
 * read the way the real server reads it. The server parses the argument with `strtold` into an
 * x87 80-bit long double, multiplies it by 1000 in that precision and rounds up to whole
 * milliseconds. Near the edges (`-0.001`, `1e-400`, `9223372036854775.807`) that precision decides
 * the outcome, so this module redoes the arithmetic exactly with integers.
 */

const NOT_FLOAT = 'ERR timeout is not a float or out of range';
const NEGATIVE = 'ERR timeout is negative';
const OUT_OF_RANGE = 'ERR timeout is out of range';

/** The server refuses longer arguments before parsing (MAX_LONG_DOUBLE_CHARS). */
const MAX_CHARS = 5 * 1024;
const SIGNIFICAND_BITS = 64n;
/** Exponent range of the 80-bit format, for a significand read as an integer of 64 bits. */
const MAX_EXP = 16383;
const MIN_NORMAL_EXP = -16382;
const LLONG_MAX = (1n << 63n) - 1n;
const TWO_63 = 1n << 63n;

/** A finite long double: sign × m × 2^e, with m < 2^64. */
interface LongDouble {
  readonly negative: boolean;
  readonly m: bigint;
  readonly e: number;
}

/**
 * The milliseconds a blocking command waits: 0 for ever, otherwise the relative timeout. Throws
 * the server's error for an invalid, negative or (Valkey, Redis 7.2+) out-of-range value.
 */
export function blockingTimeout(c: Client, arg: string): number {
  const legacy = c.server.olderThan(7, 2);
  // Fast path: a short integer is exact in any precision. (Fractions are not: 0.001 as a long
  // double is a little below 0.001, so `-0.001` rounds up to 0 ms and blocks for ever.)
  if (arg.length <= 12 && INTEGER.test(arg)) {
    const ms = Number(arg) * 1000;
    if (ms < 0) throw new ReplyError(NEGATIVE);
    return ms === 0 ? 0 : withinRange(c, BigInt(ms), legacy);
  }
  const value = parseLongDouble(arg);
  if (value === undefined) throw new ReplyError(NOT_FLOAT);
  if (value === 'inf' || value === '-inf') {
    // ceill(±inf) converted to a 64-bit integer gives LLONG_MIN on x86-64.
    if (value === 'inf' && !legacy) throw new ReplyError(OUT_OF_RANGE);
    throw new ReplyError(NEGATIVE);
  }
  const product = round({ negative: value.negative, m: value.m * 1000n, e: value.e });
  if (!legacy && !product.negative && exceeds(product, LLONG_MAX)) throw new ReplyError(OUT_OF_RANGE);
  const ms = ceilToInteger(product);
  // Out-of-range conversions give LLONG_MIN: negative.
  if (ms < 0n || ms >= TWO_63) throw new ReplyError(NEGATIVE);
  return ms === 0n ? 0 : withinRange(c, ms, legacy);
}

const INTEGER = /^-?\d+$/;

/** Valkey refuses a deadline that would overflow; Redis 7.0 lets it wrap and never times out. */
function withinRange(c: Client, ms: bigint, legacy: boolean): number {
  if (!legacy && ms > LLONG_MAX - BigInt(c.now)) throw new ReplyError(OUT_OF_RANGE);
  return Number(ms);
}

/**
 * Parses a string as glibc's strtold does, with the server's extra rules: no leading space, no
 * trailing characters, no NaN, no overflow, no underflow to zero. Returns undefined when invalid.
 */
export function parseLongDouble(s: string): LongDouble | 'inf' | '-inf' | undefined {
  const n = s.length;
  if (n === 0 || n >= MAX_CHARS) return undefined;
  let i = 0;
  let negative = false;
  const sign = s.charCodeAt(0);
  if (sign === 43 /* + */ || sign === 45 /* - */) {
    negative = sign === 45;
    i = 1;
  }
  const rest = s.slice(i).toLowerCase();
  if (rest === 'inf' || rest === 'infinity') return negative ? '-inf' : 'inf';
  let exact: { num: bigint; den: bigint } | undefined;
  if (rest.startsWith('0x')) exact = parseHex(rest.slice(2));
  if (exact === undefined) exact = parseDecimal(rest);
  if (exact === undefined) return undefined;
  if (exact.num === 0n) return { negative, m: 0n, e: 0 };
  const rounded = roundRational(exact.num, exact.den);
  if (rounded === undefined) return undefined; // overflow, or underflow to zero
  return { negative, m: rounded.m, e: rounded.e };
}

const DECIMAL = /^(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/;

function parseDecimal(s: string): { num: bigint; den: bigint } | undefined {
  const m = DECIMAL.exec(s);
  if (m === null) return undefined;
  const int = m[1];
  const frac = m[2] ?? '';
  if (int.length + frac.length === 0) return undefined;
  const digits = BigInt((int + frac) || '0');
  // Exponents beyond the format's reach saturate (the value is 0 or infinite either way).
  let exp = -frac.length + clampExponent(m[3]);
  if (digits === 0n) return { num: 0n, den: 1n };
  exp = Math.max(-20000, Math.min(20000, exp));
  return exp >= 0 ? { num: digits * 10n ** BigInt(exp), den: 1n } : { num: digits, den: 10n ** BigInt(-exp) };
}

const HEX = /^([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?$/;

function parseHex(s: string): { num: bigint; den: bigint } | undefined {
  const m = HEX.exec(s);
  if (m === null) return undefined;
  const int = m[1];
  const frac = m[2] ?? '';
  if (int.length + frac.length === 0) return undefined;
  const digits = BigInt('0x' + ((int + frac) || '0'));
  if (digits === 0n) return { num: 0n, den: 1n };
  let exp = -4 * frac.length + clampExponent(m[3]);
  exp = Math.max(-70000, Math.min(70000, exp));
  return exp >= 0 ? { num: digits << BigInt(exp), den: 1n } : { num: digits, den: 1n << BigInt(-exp) };
}

function clampExponent(text: string | undefined): number {
  if (text === undefined) return 0;
  const v = Number(text);
  return Number.isFinite(v) ? Math.max(-1e6, Math.min(1e6, v)) : 0;
}

/** Rounds num/den (positive) to the nearest long double, ties to even. */
function roundRational(num: bigint, den: bigint): { m: bigint; e: number } | undefined {
  // floor(log2(num/den))
  let k = num.toString(2).length - den.toString(2).length;
  if (k >= 0 ? num < den << BigInt(k) : num << BigInt(-k) < den) k--;
  if (k > MAX_EXP) return undefined;
  // Scale so the integer part has 64 bits (fewer for subnormals).
  const shift = 63 - Math.max(k, MIN_NORMAL_EXP);
  const scaledNum = shift >= 0 ? num << BigInt(shift) : num;
  const scaledDen = shift >= 0 ? den : den << BigInt(-shift);
  let m = scaledNum / scaledDen;
  const rem = scaledNum - m * scaledDen;
  if (rem * 2n > scaledDen || (rem * 2n === scaledDen && (m & 1n) === 1n)) m++;
  let e = -shift;
  if (m >> SIGNIFICAND_BITS !== 0n) {
    m >>= 1n;
    e++;
  }
  if (m === 0n) return undefined;
  if (e + 63 > MAX_EXP) return undefined;
  return { m, e };
}

/** Rounds an exact product back to a 64-bit significand, ties to even. */
function round(x: LongDouble): LongDouble {
  const bits = x.m.toString(2).length;
  if (bits <= 64) return x;
  const drop = BigInt(bits - 64);
  let m = x.m >> drop;
  const rem = x.m - (m << drop);
  const half = 1n << (drop - 1n);
  if (rem > half || (rem === half && (m & 1n) === 1n)) m++;
  let e = x.e + Number(drop);
  if (m >> SIGNIFICAND_BITS !== 0n) {
    m >>= 1n;
    e++;
  }
  return { negative: x.negative, m, e };
}

function exceeds(x: LongDouble, limit: bigint): boolean {
  if (x.e >= 0) return x.m << BigInt(x.e) > limit;
  return x.m > limit << BigInt(-x.e);
}

/** ceill() of a long double, as an exact integer. */
function ceilToInteger(x: LongDouble): bigint {
  if (x.m === 0n) return 0n;
  if (x.e >= 0) {
    const v = x.m << BigInt(x.e);
    return x.negative ? -v : v;
  }
  const shift = BigInt(-x.e);
  const floor = x.m >> shift;
  if (x.negative) return -floor;
  return (floor << shift) === x.m ? floor : floor + 1n;
}
