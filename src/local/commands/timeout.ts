import type { Client } from '../client';
import { ReplyError } from './types';
import { ceilLongDouble, multiplyLongDouble, parseLongDouble } from '../util/long-double';

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

const LLONG_MAX = (1n << 63n) - 1n;
const TWO_63 = 1n << 63n;
const INTEGER = /^-?\d+$/;

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
  if (value.infinite) {
    // ceill(±inf) converted to a 64-bit integer gives LLONG_MIN on x86-64.
    if (!value.negative && !legacy) throw new ReplyError(OUT_OF_RANGE);
    throw new ReplyError(NEGATIVE);
  }
  const product = multiplyLongDouble(value, 1000n);
  const ms = ceilLongDouble(product);
  if (!legacy && !product.negative && ms > LLONG_MAX) throw new ReplyError(OUT_OF_RANGE);
  // Out-of-range conversions give LLONG_MIN: negative.
  if (ms < 0n || ms >= TWO_63) throw new ReplyError(NEGATIVE);
  return ms === 0n ? 0 : withinRange(c, ms, legacy);
}

/** Valkey refuses a deadline that would overflow; Redis 7.0 lets it wrap and never times out. */
function withinRange(c: Client, ms: bigint, legacy: boolean): number {
  if (!legacy && ms > LLONG_MAX - BigInt(c.now)) throw new ReplyError(OUT_OF_RANGE);
  return Number(ms);
}
