/**
 * Blocking commands take their timeout in seconds as a C `long double` (x87 80-bit: a 64-bit
 * mantissa) and turn it into milliseconds with `ceill(seconds * 1000.0)`. The extra precision and
 * range decide edge cases a JS double would get wrong: `-0.001` becomes 0 (not -1), `1e400` is a
 * number, and `9223372036854775` seconds stay below 2^63 ms. This module reproduces that
 * arithmetic exactly with BigInt.
 */
import { strtod } from './strtod';

/** Bits of the long double mantissa. */
const MANTISSA_BITS = 64;
/** Binary exponents beyond which strtold overflows (ERANGE, rejected) or underflows to 0. */
const MAX_BINARY_EXPONENT = 16384;
const MIN_BINARY_EXPONENT = -16446;

/** The result of parsing a timeout in seconds. */
export type LongDoubleMs =
  /** Not a number the server accepts (syntax, NaN, overflow, underflow to 0). */
  | { readonly kind: 'invalid' }
  /** `inf`/`-inf` literals. */
  | { readonly kind: 'infinite'; readonly negative: boolean }
  /** ceil(seconds * 1000) as an exact integer. */
  | { readonly kind: 'finite'; readonly ms: bigint };

const INVALID: LongDoubleMs = { kind: 'invalid' };

/** A value m * 2^e with m < 2^64 (m >= 0). */
interface Binary {
  m: bigint;
  e: number;
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** Rounds num/den (positive) to a 64-bit mantissa, half to even. */
function roundRational(num: bigint, den: bigint): Binary {
  // Scale so that the quotient has MANTISSA_BITS + 1 bits (one extra for rounding).
  let e = bitLength(num) - bitLength(den) - (MANTISSA_BITS + 1);
  let q: bigint;
  let r: bigint;
  for (;;) {
    const n = e < 0 ? num << BigInt(-e) : num;
    const d = e > 0 ? den << BigInt(e) : den;
    q = n / d;
    r = n % d;
    const bits = bitLength(q);
    if (bits > MANTISSA_BITS + 1) e++;
    else if (bits < MANTISSA_BITS + 1) e--;
    else break;
  }
  // q has 65 bits: drop the last one with round-half-even (r > 0 means above half when that bit is 1).
  const half = q & 1n;
  let m = q >> 1n;
  e += 1;
  if (half === 1n && (r > 0n || (m & 1n) === 1n)) m += 1n;
  if (bitLength(m) > MANTISSA_BITS) {
    m >>= 1n;
    e += 1;
  }
  return { m, e };
}

/** Rounds an integer times 2^e to a 64-bit mantissa. */
function roundInteger(n: bigint, e: number): Binary {
  const r = roundRational(n, 1n);
  return { m: r.m, e: r.e + e };
}

/** ceil(m * 2^e) for m >= 0. */
function ceilBinary(b: Binary): bigint {
  if (b.e >= 0) return b.m << BigInt(b.e);
  const d = 1n << BigInt(-b.e);
  return (b.m + d - 1n) / d;
}

/** floor(m * 2^e) for m >= 0. */
function floorBinary(b: Binary): bigint {
  if (b.e >= 0) return b.m << BigInt(b.e);
  return b.m >> BigInt(-b.e);
}

/**
 * Parses a timeout as the server's string2ld does (no leading space, nothing after the number, no
 * NaN, no overflow, no underflow to zero) and returns ceill(value * 1000).
 */
export function longDoubleSecondsToMs(text: string): LongDoubleMs {
  if (text.length === 0) return INVALID;
  const c0 = text.charCodeAt(0);
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return INVALID;
  const { value, end } = strtod(text);
  if (end !== text.length || Number.isNaN(value)) return INVALID;
  if (value === Infinity || value === -Infinity) {
    // Only a literal inf is infinite here; a decimal that overflows a double may fit a long double.
    if (/^[+-]?inf/i.test(text)) return { kind: 'infinite', negative: value < 0 };
  }
  const exact = exactValue(text);
  if (exact === undefined) return INVALID;
  const { negative, num, den } = exact;
  if (num === 0n) return { kind: 'finite', ms: 0n };
  const seconds = roundRational(num, den);
  const top = seconds.e + bitLength(seconds.m);
  if (top > MAX_BINARY_EXPONENT) return INVALID; // overflow: ERANGE with HUGE_VAL
  if (top < MIN_BINARY_EXPONENT) return INVALID; // underflow to zero: ERANGE with 0
  const product = roundInteger(seconds.m * 1000n, seconds.e);
  const ms = negative ? -floorBinary(product) : ceilBinary(product);
  return { kind: 'finite', ms };
}

/** The exact rational value of a decimal or hexadecimal literal (strtod syntax, already validated). */
function exactValue(text: string): { negative: boolean; num: bigint; den: bigint } | undefined {
  let s = text;
  let negative = false;
  if (s[0] === '+' || s[0] === '-') {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (/^0[xX]/.test(s)) {
    const m = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/.exec(s);
    if (m === null) return undefined;
    const digits = (m[1] + (m[2] ?? '')) || '0';
    let exponent = (m[3] !== undefined ? Number(m[3]) : 0) - 4 * (m[2] ?? '').length;
    const mantissa = BigInt('0x' + digits);
    if (mantissa === 0n) return { negative, num: 0n, den: 1n };
    const top = exponent + bitLength(mantissa);
    if (top > MAX_BINARY_EXPONENT + 8) return undefined;
    if (top < MIN_BINARY_EXPONENT - 8) return undefined;
    exponent = Math.trunc(exponent);
    return exponent >= 0 ? { negative, num: mantissa << BigInt(exponent), den: 1n } : { negative, num: mantissa, den: 1n << BigInt(-exponent) };
  }
  const m = /^(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s);
  if (m === null) return undefined;
  const intPart = m[1];
  const fracPart = m[2] ?? '';
  const digits = (intPart + fracPart).replace(/^0+/, '');
  if (digits.length === 0) return { negative, num: 0n, den: 1n };
  const exponent = (m[3] !== undefined ? Number(m[3]) : 0) - fracPart.length;
  // Order of magnitude first, so that absurd exponents never reach BigInt.
  const magnitude = exponent + digits.length;
  if (magnitude > 4940) return undefined;
  if (magnitude < -4960) return undefined;
  const mantissa = BigInt(digits);
  return exponent >= 0
    ? { negative, num: mantissa * 10n ** BigInt(exponent), den: 1n }
    : { negative, num: mantissa, den: 10n ** BigInt(-exponent) };
}
