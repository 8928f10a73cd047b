/**
 * C printf conversions as Lua 5.1's `string.format` uses them (glibc on x86-64): integers
 * through C's `long`/`unsigned long` casts of a double, floating point with exact decimal
 * expansion and round-half-even, the `-+ #0` flags, width and precision.
 */

/** One conversion specification: `%[flags][width][.precision]conversion`. */
export interface FormatSpec {
  readonly flags: string;
  readonly width: number;
  /** -1 when absent. */
  readonly precision: number;
  readonly conversion: string;
}

const TWO_63 = 9223372036854775808;
const INT64_MIN = -(2n ** 63n);

/** C's `(long)d` on x86-64: truncation; out of range (and NaN) gives LONG_MIN. */
export function toCLong(d: number): bigint {
  if (!(d >= -TWO_63 && d < TWO_63)) return INT64_MIN;
  return BigInt(Math.trunc(d));
}

/** C's `(unsigned long)d` as gcc compiles it for x86-64. */
export function toCULong(d: number): bigint {
  if (Number.isNaN(d) || d < TWO_63) return BigInt.asUintN(64, toCLong(d));
  if (d - TWO_63 < TWO_63) return BigInt(Math.trunc(d));
  return 0n;
}

/** `%d %i %o %u %x %X %c` of a Lua number. */
export function formatInteger(spec: FormatSpec, d: number): string {
  const conv = spec.conversion;
  if (conv === 'c') return pad(spec, String.fromCharCode(Number(BigInt.asUintN(8, toCLong(d)))), false);
  const signed = conv === 'd' || conv === 'i';
  const value = signed ? toCLong(d) : toCULong(d);
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const base = conv === 'o' ? 8 : conv === 'x' || conv === 'X' ? 16 : 10;
  let digits = magnitude.toString(base);
  if (conv === 'X') digits = digits.toUpperCase();
  const flags = spec.flags;
  if (spec.precision >= 0) {
    if (spec.precision === 0 && magnitude === 0n) digits = '';
    else if (digits.length < spec.precision) digits = '0'.repeat(spec.precision - digits.length) + digits;
  }
  let prefix = '';
  if (signed) prefix = negative ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
  if (flags.includes('#')) {
    if (conv === 'o' && !digits.startsWith('0')) digits = '0' + digits;
    else if ((conv === 'x' || conv === 'X') && magnitude !== 0n) prefix += conv === 'x' ? '0x' : '0X';
  }
  return padNumber(spec, prefix, digits, spec.precision < 0);
}

/** `%e %E %f %g %G` of a Lua number. */
export function formatFloat(spec: FormatSpec, d: number): string {
  const conv = spec.conversion;
  const upper = conv === 'E' || conv === 'G';
  const flags = spec.flags;
  const negative = d < 0 || Object.is(d, -0) || Number.isNaN(d);
  const sign = negative ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
  if (!Number.isFinite(d)) {
    const text = Number.isNaN(d) ? 'nan' : 'inf';
    return padNumber(spec, sign, upper ? text.toUpperCase() : text, false);
  }
  const precision = spec.precision < 0 ? 6 : spec.precision;
  const alt = flags.includes('#');
  let body: string;
  if (conv === 'f') {
    body = fixed(Math.abs(d), precision, alt);
  } else if (conv === 'e' || conv === 'E') {
    body = exponential(Math.abs(d), precision, alt);
  } else {
    const p = precision === 0 ? 1 : precision;
    const x = decimalExponentAfterRounding(Math.abs(d), p);
    if (p > x && x >= -4) body = fixed(Math.abs(d), p - 1 - x, alt);
    else body = exponential(Math.abs(d), p - 1, alt);
    if (!alt) body = stripFractionZeros(body);
  }
  if (upper) body = body.toUpperCase();
  return padNumber(spec, sign, body, true);
}

/** `%s` of a byte string: precision truncates; without precision, 100 bytes or more pass as is. */
export function formatString(spec: FormatSpec, s: string): string {
  if (spec.precision < 0 && s.length >= 100) return s;
  const text = spec.precision >= 0 && s.length > spec.precision ? s.slice(0, spec.precision) : s;
  return pad(spec, text, false);
}

/** `%q`: a string as a Lua string literal. */
export function quoteString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    switch (ch) {
      case '"': out += '\\"'; break;
      case '\\': out += '\\\\'; break;
      case '\n': out += '\\\n'; break;
      case '\r': out += '\\r'; break;
      case '\0': out += '\\000'; break;
      default: out += ch;
    }
  }
  return out + '"';
}

function pad(spec: FormatSpec, text: string, _zeros: boolean): string {
  if (text.length >= spec.width) return text;
  const fill = ' '.repeat(spec.width - text.length);
  return spec.flags.includes('-') ? text + fill : fill + text;
}

/** Pads a number: zeros go between the sign (or prefix) and the digits. */
function padNumber(spec: FormatSpec, prefix: string, digits: string, zeroAllowed: boolean): string {
  const length = prefix.length + digits.length;
  if (length >= spec.width) return prefix + digits;
  const flags = spec.flags;
  if (flags.includes('-')) return prefix + digits + ' '.repeat(spec.width - length);
  if (zeroAllowed && flags.includes('0')) return prefix + '0'.repeat(spec.width - length) + digits;
  return ' '.repeat(spec.width - length) + prefix + digits;
}

// ------------------------------------------------------------------------------------------
// Exact decimal expansion of a double

/** `value = 0.d1 d2 d3... * 10^point`, digits without leading zeros ('' for zero). */
interface Decimal {
  digits: string;
  point: number;
}

const FLOAT_VIEW = new DataView(new ArrayBuffer(8));

/** The exact decimal value of a finite, non-negative double. */
function exactDecimal(d: number): Decimal {
  if (d === 0) return { digits: '', point: 0 };
  FLOAT_VIEW.setFloat64(0, d);
  const hi = FLOAT_VIEW.getUint32(0);
  const lo = FLOAT_VIEW.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent: number;
  if (biased === 0) {
    exponent = -1074;
  } else {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  let digits: string;
  let point: number;
  if (exponent >= 0) {
    digits = (mantissa << BigInt(exponent)).toString();
    point = digits.length;
  } else {
    // mantissa / 2^-e = mantissa * 5^-e / 10^-e
    const scaled = (mantissa * 5n ** BigInt(-exponent)).toString();
    digits = scaled;
    point = scaled.length + exponent;
  }
  const trimmed = digits.replace(/0+$/, '');
  const lead = trimmed.length - trimmed.replace(/^0+/, '').length;
  return { digits: trimmed.slice(lead), point: point - lead };
}

/**
 * Rounds to `keep` digits (round half to even on exact ties, as glibc does in the default
 * rounding mode). The result may gain a digit (9.99 -> 10.0): `point` is adjusted.
 */
function roundDecimal(dec: Decimal, keep: number): Decimal {
  if (keep < 0) return { digits: '', point: dec.point };
  if (dec.digits.length <= keep) return dec;
  const head = dec.digits.slice(0, keep);
  const next = dec.digits.charCodeAt(keep) - 48;
  const restNonZero = /[1-9]/.test(dec.digits.slice(keep + 1));
  const last = keep > 0 ? head.charCodeAt(keep - 1) - 48 : 0;
  const up = next > 5 || (next === 5 && (restNonZero || last % 2 === 1));
  if (!up) return { digits: head.replace(/0+$/, ''), point: dec.point };
  // Increment head.
  const chars = head.split('');
  let i = chars.length - 1;
  while (i >= 0 && chars[i] === '9') {
    chars[i] = '0';
    i--;
  }
  if (i < 0) return { digits: '1', point: dec.point + 1 };
  chars[i] = String.fromCharCode(chars[i].charCodeAt(0) + 1);
  return { digits: chars.join('').replace(/0+$/, ''), point: dec.point };
}

/** `%.{precision}f` of a non-negative finite number. */
function fixed(d: number, precision: number, alt: boolean): string {
  const dec = roundDecimal(exactDecimal(d), exactDecimal(d).point + precision);
  let intPart: string;
  let frac = '';
  if (dec.point <= 0) {
    intPart = '0';
    frac = '0'.repeat(Math.min(precision, -dec.point)) + dec.digits;
  } else {
    intPart = dec.digits.slice(0, dec.point).padEnd(dec.point, '0');
    frac = dec.digits.slice(dec.point);
  }
  if (intPart === '') intPart = '0';
  frac = frac.padEnd(precision, '0').slice(0, precision);
  return precision > 0 || alt ? intPart + '.' + frac : intPart;
}

/** `%.{precision}e` of a non-negative finite number. */
function exponential(d: number, precision: number, alt: boolean): string {
  let dec = exactDecimal(d);
  let exp10 = 0;
  let digits: string;
  if (dec.digits === '') {
    digits = '0'.repeat(precision + 1);
  } else {
    dec = roundDecimal(dec, precision + 1);
    exp10 = dec.point - 1;
    digits = dec.digits.padEnd(precision + 1, '0');
  }
  const mantissa = precision > 0 || alt ? digits[0] + '.' + digits.slice(1) : digits[0];
  const abs = Math.abs(exp10);
  return mantissa + 'e' + (exp10 < 0 ? '-' : '+') + (abs < 10 ? '0' + abs : String(abs));
}

/** The decimal exponent `%e` would print with `p` significant digits (after rounding). */
function decimalExponentAfterRounding(d: number, p: number): number {
  if (d === 0) return 0;
  return roundDecimal(exactDecimal(d), p).point - 1;
}

/** %g without '#': trailing zeros of the fraction and a trailing point go. */
function stripFractionZeros(body: string): string {
  const e = body.indexOf('e');
  const mantissa = e < 0 ? body : body.slice(0, e);
  const exponent = e < 0 ? '' : body.slice(e);
  if (!mantissa.includes('.')) return body;
  return mantissa.replace(/0+$/, '').replace(/\.$/, '') + exponent;
}
