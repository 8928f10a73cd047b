/**
 * C's `strtod` as glibc implements it, for arguments the real server parses with it directly
 * (score ranges of ZRANGEBYSCORE and friends): leading white space, an optional sign, then a
 * decimal or hexadecimal number, `inf`/`infinity` or `nan`/`nan(...)`, ignoring case. Parsing
 * stops at the first character that does not fit, which includes a NUL byte (the server hands
 * the C string to strtod). Overflow gives ±Infinity and underflow 0 or a subnormal, as glibc does.
 */

/** Result of {@link strtod}: the value and the index just after the parsed text (`start` when nothing parsed). */
export interface StrtodResult {
  readonly value: number;
  readonly end: number;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function matchWord(s: string, i: number, word: string): boolean {
  if (i + word.length > s.length) return false;
  for (let k = 0; k < word.length; k++) {
    if ((s.charCodeAt(i + k) | 0x20) !== word.charCodeAt(k)) return false;
  }
  return true;
}

export function strtod(s: string, start = 0): StrtodResult {
  const n = s.length;
  let i = start;
  while (i < n && isSpace(s.charCodeAt(i))) i++;
  let negative = false;
  const signChar = s.charCodeAt(i);
  if (signChar === 43 /* + */ || signChar === 45 /* - */) {
    negative = signChar === 45;
    i++;
  }
  const sign = negative ? -1 : 1;

  if (matchWord(s, i, 'inf')) {
    const end = matchWord(s, i, 'infinity') ? i + 8 : i + 3;
    return { value: sign * Infinity, end };
  }
  if (matchWord(s, i, 'nan')) {
    let end = i + 3;
    if (s.charCodeAt(end) === 40 /* ( */) {
      let j = end + 1;
      while (j < n && /[0-9A-Za-z_]/.test(s[j])) j++;
      if (s.charCodeAt(j) === 41 /* ) */) end = j + 1;
    }
    return { value: NaN, end };
  }

  // Hexadecimal: 0x, then hex digits with an optional point, then an optional binary exponent.
  if (s.charCodeAt(i) === 48 && (s.charCodeAt(i + 1) | 0x20) === 120 /* x */) {
    let j = i + 2;
    let mantissa = 0n;
    let digits = 0;
    let fractionDigits = 0;
    while (j < n && hexValue(s.charCodeAt(j)) >= 0) {
      mantissa = mantissa * 16n + BigInt(hexValue(s.charCodeAt(j)));
      digits++;
      j++;
    }
    if (s.charCodeAt(j) === 46 /* . */) {
      let k = j + 1;
      while (k < n && hexValue(s.charCodeAt(k)) >= 0) {
        mantissa = mantissa * 16n + BigInt(hexValue(s.charCodeAt(k)));
        digits++;
        fractionDigits++;
        k++;
      }
      if (digits > 0) j = k;
    }
    if (digits === 0) {
      // Only the "0" before the x is a number.
      return { value: sign * 0, end: i + 1 };
    }
    let exponent = 0;
    if ((s.charCodeAt(j) | 0x20) === 112 /* p */) {
      let k = j + 1;
      let expNegative = false;
      if (s.charCodeAt(k) === 43 || s.charCodeAt(k) === 45) {
        expNegative = s.charCodeAt(k) === 45;
        k++;
      }
      if (isDigit(s.charCodeAt(k))) {
        let e = 0;
        while (k < n && isDigit(s.charCodeAt(k))) {
          if (e < 100000) e = e * 10 + (s.charCodeAt(k) - 48);
          k++;
        }
        exponent = expNegative ? -e : e;
        j = k;
      }
    }
    return { value: sign * scaleBinary(mantissa, exponent - 4 * fractionDigits), end: j };
  }

  // Decimal: digits with an optional point (at least one digit), then an optional exponent.
  let j = i;
  let digits = 0;
  while (j < n && isDigit(s.charCodeAt(j))) {
    j++;
    digits++;
  }
  if (s.charCodeAt(j) === 46 /* . */) {
    let k = j + 1;
    while (k < n && isDigit(s.charCodeAt(k))) {
      k++;
      digits++;
    }
    if (digits > 0) j = k;
  }
  if (digits === 0) return { value: 0, end: start };
  if ((s.charCodeAt(j) | 0x20) === 101 /* e */) {
    let k = j + 1;
    if (s.charCodeAt(k) === 43 || s.charCodeAt(k) === 45) k++;
    if (isDigit(s.charCodeAt(k))) {
      while (k < n && isDigit(s.charCodeAt(k))) k++;
      j = k;
    }
  }
  // JS number parsing rounds correctly like glibc, including overflow to Infinity.
  const value = Number(s.slice(i, j));
  return { value: negative ? -value : value, end: j };
}

/** mantissa * 2^exponent, correctly rounded. */
function scaleBinary(mantissa: bigint, exponent: number): number {
  if (mantissa === 0n) return 0;
  if (exponent >= 0) {
    if (exponent > 2000) return Infinity;
    return Number(mantissa << BigInt(exponent));
  }
  // Keep at most 1000 significant bits (so the mantissa converts without overflow), then divide by
  // powers of two: that is exact unless the result is subnormal.
  const bits = mantissa.toString(2).length;
  let m = mantissa;
  let e = exponent;
  if (bits > 1000) {
    const drop = bits - 1000;
    // Keep a sticky bit so that rounding stays correct.
    const sticky = (m & ((1n << BigInt(drop)) - 1n)) !== 0n ? 1n : 0n;
    m = (m >> BigInt(drop)) | sticky;
    e += drop;
  }
  if (e >= 0) return Number(m << BigInt(e));
  if (e < -3000) return 0;
  // Shift into the double range in steps that keep the value exact.
  let value = Number(m);
  let k = -e;
  while (k > 0) {
    const step = Math.min(k, 1000);
    value /= Math.pow(2, step);
    k -= step;
  }
  return value;
}
