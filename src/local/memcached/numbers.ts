/**
 * Number parsing with memcached's acceptance rules: C's strtoul/strtol/strtoull on a 64-bit
 * platform wrapped in memcached's `safe_strto*` checks. Reads bytes in place (no string is
 * made) and returns `undefined` where memcached rejects the token.
 *
 * The rules, in order: leading white space is skipped; one optional sign; at least one digit; the
 * character after the digits must be white space or the end of the token; values beyond the
 * 64-bit range fail (ERANGE); an unsigned result with the top bit set fails when the token holds a
 * '-' (so "-1" is rejected but "-0" is 0); the 32-bit variants keep the low 32 bits of the 64-bit
 * result, as memcached's casts do.
 */

const TWO_64 = 1n << 64n;
const TWO_63 = 1n << 63n;
const FAST_DIGITS = 15; // 10^15 < 2^53: plain numbers are exact

// Scan results, kept in module variables so the hot path allocates nothing.
let scanNeg = false;
let scanDigitsStart = 0;
let scanDigitsEnd = 0;

/** White space as C's isspace() sees it. */
export function isCSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function scan(buf: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end && isCSpace(buf[i])) i++;
  scanNeg = false;
  if (i < end && (buf[i] === 0x2b || buf[i] === 0x2d)) {
    scanNeg = buf[i] === 0x2d;
    i++;
  }
  // Leading zeros carry no value; skipping them keeps the fast path for "0000000000000000001".
  const firstDigit = i;
  while (i < end && buf[i] === 0x30) i++;
  scanDigitsStart = i;
  while (i < end && buf[i] >= 0x30 && buf[i] <= 0x39) i++;
  scanDigitsEnd = i;
  if (i === firstDigit) return false; // no conversion
  return i === end || isCSpace(buf[i]);
}

function fastMagnitude(buf: Uint8Array): number {
  let v = 0;
  for (let i = scanDigitsStart; i < scanDigitsEnd; i++) v = v * 10 + (buf[i] - 0x30);
  return v;
}

function bigMagnitude(buf: Uint8Array): bigint {
  let s = '';
  for (let i = scanDigitsStart; i < scanDigitsEnd; i++) s += String.fromCharCode(buf[i]);
  return s === '' ? 0n : BigInt(s);
}

function hasMinus(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] === 0x2d) return true;
  return false;
}

/** strtoull + safe_strtoull: the full 64-bit result, or undefined. */
export function parseU64(buf: Uint8Array, start: number, end: number): bigint | undefined {
  if (!scan(buf, start, end)) return undefined;
  const mag = bigMagnitude(buf);
  if (mag >= TWO_64) return undefined; // ERANGE
  const value = scanNeg && mag !== 0n ? TWO_64 - mag : mag;
  if (value >= TWO_63 && hasMinus(buf, start, end)) return undefined;
  return value;
}

/**
 * A 64-bit unsigned token compared against CAS values, as a number. Values of 2^53 and above can
 * never equal a CAS this server hands out (nor be lower than one), so they become Infinity.
 */
export function parseCas(buf: Uint8Array, start: number, end: number): number | undefined {
  if (!scan(buf, start, end)) return undefined;
  if (scanDigitsEnd - scanDigitsStart <= FAST_DIGITS) {
    const mag = fastMagnitude(buf);
    if (scanNeg && mag !== 0) return undefined; // 2^64 - mag has the top bit set and there is a '-'
    return mag;
  }
  const value = parseU64(buf, start, end);
  if (value === undefined) return undefined;
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(value);
}

/** strtoul + safe_strtoul into a uint32_t: the low 32 bits of the 64-bit result, or undefined. */
export function parseU32(buf: Uint8Array, start: number, end: number): number | undefined {
  if (!scan(buf, start, end)) return undefined;
  if (scanDigitsEnd - scanDigitsStart <= FAST_DIGITS) {
    const mag = fastMagnitude(buf);
    if (scanNeg && mag !== 0) return undefined;
    return mag >>> 0;
  }
  const value = parseU64(buf, start, end);
  return value === undefined ? undefined : Number(BigInt.asUintN(32, value));
}

/** strtol + safe_strtol into an int32_t: the low 32 bits of the 64-bit result, or undefined. */
export function parseI32(buf: Uint8Array, start: number, end: number): number | undefined {
  if (!scan(buf, start, end)) return undefined;
  if (scanDigitsEnd - scanDigitsStart <= FAST_DIGITS) {
    const mag = fastMagnitude(buf);
    return (scanNeg ? -mag : mag) | 0;
  }
  const mag = bigMagnitude(buf);
  if (scanNeg ? mag > TWO_63 : mag >= TWO_63) return undefined; // ERANGE
  return Number(BigInt.asIntN(32, scanNeg ? -mag : mag));
}
