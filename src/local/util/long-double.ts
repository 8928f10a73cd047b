/**
 * The arithmetic INCRBYFLOAT performs: the server parses both operands with `strtold`, adds them
 * as C `long double`s and prints the sum with `%.17Lf` (trailing zeros removed). On x86-64 a
 * `long double` is the x87 extended format: a 64-bit significand and a 15-bit exponent. Doubles
 * would round differently (and print differently), so this module models that format exactly with
 * bigints: a finite value is `(-1)^negative * significand * 2^exponent`, rounded to 64 significant
 * bits (ties to even), with the format's subnormal floor and overflow to infinity.
 */

/** A finite extended-precision value. */
export interface LongDouble {
  readonly negative: boolean;
  /** The significand: below 2^64 (at least 2^63 unless subnormal or zero). */
  readonly significand: bigint;
  readonly exponent: number;
}

/** Result of parsing: a finite value, an infinity, or undefined for text strtold does not take. */
export type ParsedLongDouble = LongDouble | 'inf' | '-inf';

const PRECISION = 64;
/** Exponent (of the significand's unit) of the smallest subnormal, 2^-16445. */
const MIN_EXPONENT = -16445;
/** Largest exponent of a finite value: (2^64 - 1) * 2^16320 is the largest long double. */
const MAX_EXPONENT = 16383 - (PRECISION - 1);
/** The server refuses numbers of this many characters or more (MAX_LONG_DOUBLE_CHARS). */
const MAX_CHARS = 5 * 1024;


function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * Rounds `numerator / denominator * 2^exponent` (both positive) to the nearest extended value,
 * ties to even. Returns 'inf' on overflow and a zero significand when it underflows to zero.
 */
function round(negative: boolean, numerator: bigint, denominator: bigint, exponent: number): LongDouble | 'inf' {
  // floor(log2(numerator / denominator)): the bit lengths give it, or one less.
  let log = bitLength(numerator) - bitLength(denominator);
  const atLeast = log >= 0 ? numerator >= denominator << BigInt(log) : numerator << BigInt(-log) >= denominator;
  if (!atLeast) log--;
  let unit = log + exponent - (PRECISION - 1);
  if (unit < MIN_EXPONENT) unit = MIN_EXPONENT;
  const shift = exponent - unit;
  const num = shift >= 0 ? numerator << BigInt(shift) : numerator;
  const den = shift >= 0 ? denominator : denominator << BigInt(-shift);
  let q = num / den;
  const twiceRem = (num - q * den) * 2n;
  if (twiceRem > den || (twiceRem === den && (q & 1n) === 1n)) q++;
  if (q === 1n << BigInt(PRECISION)) {
    q >>= 1n;
    unit++;
  }
  if (unit > MAX_EXPONENT) return 'inf';
  return { negative, significand: q, exponent: unit };
}

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

/**
 * Parses a number as the server's string2ld does: all of the text must be consumed by strtold
 * (decimal or hexadecimal notation, `inf`/`infinity`, optional sign), no leading space, no NaN,
 * no overflow, no underflow to zero.
 */
export function parseLongDouble(text: string): ParsedLongDouble | undefined {
  if (text.length === 0 || text.length >= MAX_CHARS) return undefined;
  // strtold stops at a NUL byte; the server wants all of the text consumed.
  if (text.indexOf('\0') >= 0) return undefined;
  const s = text;
  if (isSpace(s.charCodeAt(0))) return undefined;
  let i = 0;
  let negative = false;
  const sign = s.charCodeAt(0);
  if (sign === 43 /* + */ || sign === 45 /* - */) {
    negative = sign === 45;
    i = 1;
  }
  const rest = s.slice(i).toLowerCase();
  if (rest === 'inf' || rest === 'infinity') return negative ? '-inf' : 'inf';
  if (rest.startsWith('0x')) {
    const hex = parseHex(s, i + 2, negative);
    if (hex !== undefined) return hex;
    // "0x" without hex digits: strtold reads the "0" and stops at the "x".
    return undefined;
  }
  return parseDecimal(s, i, negative);
}

function parseDecimal(s: string, start: number, negative: boolean): LongDouble | undefined {
  let i = start;
  let digits = '';
  let fractionDigits = 0;
  let any = false;
  while (i < s.length && isDigit(s.charCodeAt(i))) {
    digits += s[i++];
    any = true;
  }
  if (i < s.length && s.charCodeAt(i) === 46 /* . */) {
    i++;
    while (i < s.length && isDigit(s.charCodeAt(i))) {
      digits += s[i++];
      fractionDigits++;
      any = true;
    }
  }
  if (!any) return undefined;
  let exponent = 0;
  if (i < s.length && (s.charCodeAt(i) | 32) === 101 /* e */) {
    let j = i + 1;
    let expNegative = false;
    if (j < s.length && (s.charCodeAt(j) === 43 || s.charCodeAt(j) === 45)) {
      expNegative = s.charCodeAt(j) === 45;
      j++;
    }
    if (j >= s.length || !isDigit(s.charCodeAt(j))) return undefined; // "1e": the e is left over
    let e = 0;
    while (j < s.length && isDigit(s.charCodeAt(j))) {
      if (e < 1e9) e = e * 10 + (s.charCodeAt(j) - 48);
      j++;
    }
    exponent = expNegative ? -e : e;
    i = j;
  }
  if (i !== s.length) return undefined;
  const trimmed = digits.replace(/^0+/, '');
  if (trimmed === '') return { negative, significand: 0n, exponent: 0 };
  const decimalExponent = exponent - fractionDigits;
  // Magnitude is about 10^(trimmed.length + decimalExponent - 1): beyond the format's range the
  // result is an overflow (rejected) or an underflow to zero (rejected).
  const magnitude = trimmed.length + decimalExponent;
  if (magnitude > 4934) return undefined;
  if (magnitude < -4952) return undefined;
  const mantissa = BigInt(trimmed);
  const result = decimalExponent >= 0
    ? round(negative, mantissa * 10n ** BigInt(decimalExponent), 1n, 0)
    : round(negative, mantissa, 10n ** BigInt(-decimalExponent), 0);
  if (result === 'inf' || result.significand === 0n) return undefined;
  return result;
}

function parseHex(s: string, start: number, negative: boolean): LongDouble | undefined {
  let i = start;
  let mantissa = 0n;
  let fractionDigits = 0;
  let any = false;
  while (i < s.length && hexValue(s.charCodeAt(i)) >= 0) {
    mantissa = mantissa * 16n + BigInt(hexValue(s.charCodeAt(i++)));
    any = true;
  }
  if (i < s.length && s.charCodeAt(i) === 46) {
    i++;
    while (i < s.length && hexValue(s.charCodeAt(i)) >= 0) {
      mantissa = mantissa * 16n + BigInt(hexValue(s.charCodeAt(i++)));
      fractionDigits++;
      any = true;
    }
  }
  if (!any) return undefined;
  let exponent = 0;
  if (i < s.length && (s.charCodeAt(i) | 32) === 112 /* p */) {
    let j = i + 1;
    let expNegative = false;
    if (j < s.length && (s.charCodeAt(j) === 43 || s.charCodeAt(j) === 45)) {
      expNegative = s.charCodeAt(j) === 45;
      j++;
    }
    if (j >= s.length || !isDigit(s.charCodeAt(j))) return undefined;
    let e = 0;
    while (j < s.length && isDigit(s.charCodeAt(j))) {
      if (e < 1e9) e = e * 10 + (s.charCodeAt(j) - 48);
      j++;
    }
    exponent = expNegative ? -e : e;
    i = j;
  }
  if (i !== s.length) return undefined;
  if (mantissa === 0n) return { negative, significand: 0n, exponent: 0 };
  const binaryExponent = exponent - 4 * fractionDigits;
  const magnitude = bitLength(mantissa) + binaryExponent;
  if (magnitude > 16385 || magnitude < -16450) return undefined;
  const result = round(negative, mantissa, 1n, binaryExponent);
  if (result === 'inf' || result.significand === 0n) return undefined;
  return result;
}

/** The sum of two finite values, rounded to the format; 'inf' when it overflows. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble | 'inf' | '-inf' {
  const low = Math.min(a.exponent, b.exponent);
  const sa = (a.negative ? -a.significand : a.significand) << BigInt(a.exponent - low);
  const sb = (b.negative ? -b.significand : b.significand) << BigInt(b.exponent - low);
  const sum = sa + sb;
  if (sum === 0n) {
    // Round-to-nearest gives -0 only for (-0) + (-0).
    return { negative: a.negative && b.negative && a.significand === 0n && b.significand === 0n, significand: 0n, exponent: 0 };
  }
  const negative = sum < 0n;
  const r = round(negative, negative ? -sum : sum, 1n, low);
  if (r === 'inf') return negative ? '-inf' : 'inf';
  return r;
}

const TEN_17 = 10n ** 17n;

/**
 * The value as the server prints an INCRBYFLOAT result: `%.17Lf` (exact decimal expansion rounded
 * to 17 decimals, ties to even), then trailing zeros and a trailing point removed, and `-0` as `0`.
 */
export function formatLongDouble(v: LongDouble): string {
  let units: bigint; // the value times 10^17, rounded
  if (v.exponent >= 0) {
    units = (v.significand << BigInt(v.exponent)) * TEN_17;
  } else {
    const den = 1n << BigInt(-v.exponent);
    const num = v.significand * TEN_17;
    units = num / den;
    const twiceRem = (num - units * den) * 2n;
    if (twiceRem > den || (twiceRem === den && (units & 1n) === 1n)) units++;
  }
  const integer = units / TEN_17;
  let fraction = (units % TEN_17).toString().padStart(17, '0');
  let end = fraction.length;
  while (end > 0 && fraction.charCodeAt(end - 1) === 48) end--;
  fraction = fraction.slice(0, end);
  const text = (v.negative ? '-' : '') + integer.toString() + (fraction.length > 0 ? '.' + fraction : '');
  return text === '-0' ? '0' : text;
}
