/**
 * x87 80-bit extended precision ("long double" on x86-64 Linux), as the server uses for
 * HINCRBYFLOAT and INCRBYFLOAT: a 64-bit significand with an explicit leading bit, exponents down
 * to 2^-16382 (subnormals to 2^-16445) and up to just below 2^16384.
 *
 * Values are kept exactly as `significand * 2^exponent` with a bigint significand, so parsing
 * (glibc's strtold), addition and `%.17Lf` printing round exactly once, to nearest with ties to
 * even, as the hardware and the C library do. This is not a hot path: one operation per command.
 */

/** A finite extended value, or an infinity. NaN is never produced by the operations used here. */
export interface LongDouble {
  readonly negative: boolean;
  /** 0 for zero; otherwise below 2^64 (at least 2^63 for normal numbers). */
  readonly significand: bigint;
  readonly exponent: number;
  readonly infinite: boolean;
}

const SIG_BITS = 64;
/** Exponent of the least significant bit of the smallest subnormal: 2^-16445. */
const MIN_EXP = -16445;
/** Largest exponent of the least significant significand bit of a finite value. */
const MAX_EXP = 16383 - (SIG_BITS - 1);
const TWO_63 = 1n << 63n;
const TWO_64 = 1n << 64n;
/** The server refuses numbers of this many characters or more (MAX_LONG_DOUBLE_CHARS). */
const MAX_CHARS = 5 * 1024;

const ZERO: LongDouble = { negative: false, significand: 0n, exponent: 0, infinite: false };

function infinity(negative: boolean): LongDouble {
  return { negative, significand: 0n, exponent: 0, infinite: true };
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * Rounds `num / den * 2^exp2` (num >= 0, den > 0) to the nearest extended value.
 * `underflow` reports a non-zero input that rounded to zero.
 */
function round(negative: boolean, num: bigint, den: bigint, exp2: number): { value: LongDouble; underflow: boolean } {
  if (num === 0n) return { value: { ...ZERO, negative }, underflow: false };
  // Choose e so that the quotient has exactly 64 bits (or fewer for subnormals).
  let e = exp2 + bitLength(num) - bitLength(den) - SIG_BITS;
  let q = 0n;
  let n = 0n;
  let d = 0n;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (e < MIN_EXP) e = MIN_EXP;
    const shift = exp2 - e;
    n = shift >= 0 ? num << BigInt(shift) : num;
    d = shift >= 0 ? den : den << BigInt(-shift);
    q = n / d;
    if (q >= TWO_64) {
      e++;
      continue;
    }
    if (q < TWO_63 && e > MIN_EXP) {
      e--;
      continue;
    }
    break;
  }
  const twice = (n - q * d) * 2n;
  if (twice > d || (twice === d && (q & 1n) === 1n)) q++;
  if (q === TWO_64) {
    q = TWO_63;
    e++;
  }
  if (q === 0n) return { value: { ...ZERO, negative }, underflow: true };
  if (e > MAX_EXP) return { value: infinity(negative), underflow: false };
  return { value: { negative, significand: q, exponent: e, infinite: false }, underflow: false };
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INFINITY = /^([+-]?)(?:inf|infinity)$/i;

/** An exponent text as a number, clamped far beyond any representable range. */
function clampedExponent(text: string | undefined): number {
  if (text === undefined) return 0;
  const negative = text.startsWith('-');
  const digits = text.replace(/^[+-]/, '').replace(/^0+/, '');
  const magnitude = digits.length > 7 ? 10_000_000 : Number(digits || '0');
  return negative ? -magnitude : magnitude;
}

/**
 * Parses a number as the server's string2ld does: the whole string must be a strtold number
 * (decimal or hexadecimal, `inf`/`infinity`), no leading space, no NaN, no overflow to infinity
 * and no underflow to zero; at most 5119 characters.
 */
export function parseLongDouble(s: string): LongDouble | undefined {
  if (s.length === 0 || s.length >= MAX_CHARS) return undefined;
  const inf = INFINITY.exec(s);
  if (inf) return infinity(inf[1] === '-');
  const dec = DECIMAL.exec(s);
  if (dec) {
    const intDigits = dec[2];
    const fracDigits = dec[3] ?? '';
    if (intDigits.length + fracDigits.length === 0) return undefined;
    return finishParse(dec[1] === '-', BigInt((intDigits + fracDigits) || '0'), clampedExponent(dec[4]) - fracDigits.length, 10);
  }
  const hex = HEX.exec(s);
  if (hex) {
    const intDigits = hex[2];
    const fracDigits = hex[3] ?? '';
    if (intDigits.length + fracDigits.length === 0) return undefined;
    return finishParse(hex[1] === '-', BigInt('0x' + (intDigits + fracDigits || '0')), clampedExponent(hex[4]) - 4 * fracDigits.length, 2);
  }
  return undefined;
}

function finishParse(negative: boolean, digits: bigint, exponent: number, base: 10 | 2): LongDouble | undefined {
  if (digits === 0n) return { ...ZERO, negative };
  const magnitude = base === 10
    ? bitLength(digits) + exponent * 3.3219280948873626
    : bitLength(digits) + exponent;
  if (magnitude > 16400) return undefined; // overflow: strtold returns HUGE_VALL with ERANGE
  if (magnitude < -16500) return undefined; // underflow to zero with ERANGE
  let result: { value: LongDouble; underflow: boolean };
  if (base === 2) {
    result = round(negative, digits, 1n, exponent);
  } else if (exponent >= 0) {
    result = round(negative, digits * 10n ** BigInt(exponent), 1n, 0);
  } else {
    result = round(negative, digits, 10n ** BigInt(-exponent), 0);
  }
  if (result.underflow || result.value.infinite) return undefined;
  return result.value;
}

/** An integer, exactly (every 64-bit integer fits the significand). */
export function longDoubleFromInt(n: bigint): LongDouble {
  const negative = n < 0n;
  return round(negative, negative ? -n : n, 1n, 0).value;
}

export function isZero(x: LongDouble): boolean {
  return !x.infinite && x.significand === 0n;
}

/** `a + b` rounded once; `undefined` for NaN (infinities of opposite signs). */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble | undefined {
  if (a.infinite || b.infinite) {
    if (a.infinite && b.infinite && a.negative !== b.negative) return undefined;
    return a.infinite ? a : b;
  }
  if (a.significand === 0n) return b.significand === 0n ? { ...ZERO, negative: a.negative && b.negative } : b;
  if (b.significand === 0n) return a;
  const base = Math.min(a.exponent, b.exponent);
  const sa = (a.negative ? -a.significand : a.significand) << BigInt(a.exponent - base);
  const sb = (b.negative ? -b.significand : b.significand) << BigInt(b.exponent - base);
  const sum = sa + sb;
  if (sum === 0n) return ZERO;
  return round(sum < 0n, sum < 0n ? -sum : sum, 1n, base).value;
}

/** `x * k` for an integer `k`, rounded once (blocking timeouts: seconds times 1000). */
export function multiplyLongDouble(x: LongDouble, k: bigint): LongDouble {
  if (x.infinite || x.significand === 0n || k === 0n) return x;
  const negative = x.negative !== (k < 0n);
  return round(negative, x.significand * (k < 0n ? -k : k), 1n, x.exponent).value;
}

/** ceill(): the smallest integer not below `x`, exactly. `x` must be finite. */
export function ceilLongDouble(x: LongDouble): bigint {
  if (x.significand === 0n) return 0n;
  if (x.exponent >= 0) {
    const v = x.significand << BigInt(x.exponent);
    return x.negative ? -v : v;
  }
  const shift = BigInt(-x.exponent);
  const floor = x.significand >> shift;
  if (x.negative) return -floor;
  return (floor << shift) === x.significand ? floor : floor + 1n;
}

const SCALE = 10n ** 17n;

/**
 * The server's human-friendly form (ld2string with LD_STR_HUMAN): `%.17Lf` with trailing zeros
 * and a trailing point removed, `-0` printed as `0`; `inf`/`-inf` for infinities.
 */
export function formatLongDoubleHuman(x: LongDouble): string {
  if (x.infinite) return x.negative ? '-inf' : 'inf';
  let text: string;
  if (x.exponent >= 0) {
    text = (x.significand << BigInt(x.exponent)).toString();
  } else {
    const shift = BigInt(-x.exponent);
    const scaled = x.significand * SCALE;
    let q = scaled >> shift;
    const twice = (scaled - (q << shift)) << 1n;
    const unit = 1n << shift;
    if (twice > unit || (twice === unit && (q & 1n) === 1n)) q++;
    const intPart = (q / SCALE).toString();
    const frac = (q % SCALE).toString().padStart(17, '0').replace(/0+$/, '');
    text = frac.length > 0 ? intPart + '.' + frac : intPart;
  }
  if (x.negative) text = '-' + text;
  return text === '-0' ? '0' : text;
}
