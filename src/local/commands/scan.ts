import type { Client } from '../client';
import { is, isLongString } from './args';
import { Errors, ReplyError } from './types';
import { globMatch } from '../util/glob';

/** Parsed options of SCAN, HSCAN, SSCAN and ZSCAN. */
export interface ScanOptions {
  readonly cursor: number;
  /** MATCH pattern, or undefined for all. */
  readonly match: string | undefined;
  /** COUNT hint. @default 10 */
  readonly count: number;
  /** TYPE filter (SCAN only). */
  readonly type: string | undefined;
  /** NOVALUES (HSCAN, Valkey 8 / Redis 7.4). */
  readonly noValues: boolean;
}

/**
 * Parses `cursor [MATCH pattern] [COUNT count] [TYPE type]` starting at `argv[cursorIndex]`.
 * Error texts are the real server's.
 */
export function parseScanArgs(
  argv: readonly string[],
  cursorIndex: number,
  allow: { type?: boolean; noValues?: boolean; strtoulCursor?: boolean } = {},
): ScanOptions {
  const cursor = parseScanCursor(argv[cursorIndex], allow.strtoulCursor === true);
  let match: string | undefined;
  let count = 10;
  let type: string | undefined;
  let noValues = false;
  for (let i = cursorIndex + 1; i < argv.length; i++) {
    const a = argv[i];
    const hasValue = i + 1 < argv.length;
    if (is(a, 'COUNT') && hasValue) {
      const v = argv[++i];
      if (!isLongString(v)) throw new ReplyError(Errors.NOT_INTEGER);
      count = Number(v);
      if (count < 1) throw new ReplyError(Errors.SYNTAX);
    } else if (is(a, 'MATCH') && hasValue) {
      match = argv[++i];
      if (match === '*') match = undefined;
    } else if (is(a, 'TYPE') && hasValue && allow.type) {
      type = argv[++i];
    } else if (is(a, 'NOVALUES') && allow.noValues) {
      noValues = true;
    } else {
      throw new ReplyError(Errors.SYNTAX);
    }
  }
  return { cursor, match, count, type, noValues };
}

const ULONG_MODULUS = 18446744073709551616n;

/**
 * A SCAN cursor: an unsigned 64-bit number (as a JS number, exact up to 2^53). Valkey accepts
 * digits only. Redis OSS 7.0 reads it with strtoul (base 10): an optional sign, digits, and
 * nothing after them up to the end of the C string (a NUL byte ends it); no leading space; the
 * empty string is 0; a negative value wraps around 2^64 (`-1` is 2^64-1).
 */
export function parseScanCursor(text: string, strtoul: boolean): number {
  if (!strtoul) {
    if (!/^\d+$/.test(text) || BigInt(text) >= ULONG_MODULUS) throw new ReplyError('ERR invalid cursor');
    return Number(text);
  }
  const m = /^([+-]?)(\d*)/.exec(text) as RegExpExecArray;
  const rest = text.length - m[0].length;
  if (m[2].length === 0) {
    if (m[0].length === 0 && (rest === 0 || text.charCodeAt(0) === 0)) return 0;
    throw new ReplyError('ERR invalid cursor');
  }
  if (rest > 0 && text.charCodeAt(m[0].length) !== 0) throw new ReplyError('ERR invalid cursor');
  let value = BigInt(m[2]);
  if (value >= ULONG_MODULUS) throw new ReplyError('ERR invalid cursor');
  if (m[1] === '-') value = (ULONG_MODULUS - value) % ULONG_MODULUS;
  return Number(value);
}

/** Whether an element passes the MATCH filter. */
export function scanMatches(options: ScanOptions, element: string): boolean {
  return options.match === undefined || globMatch(options.match, element);
}

/** Writes a SCAN-family reply: `[cursor, [elements...]]`. */
export function writeScanReply(c: Client, cursor: number, elements: readonly string[]): void {
  c.w.array(2);
  c.w.bulk(String(cursor));
  c.w.bulkArray(elements);
}
