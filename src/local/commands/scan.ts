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

const MAX_CURSOR = 18446744073709551615n;

/**
 * A SCAN cursor: an unsigned 64-bit number (as a JS number, exact up to 2^53). Valkey accepts
 * digits only. Redis OSS 7.0 (`strtoul`, pass `strtoul`) also takes an empty cursor as 0 and a
 * leading `+` or `-` (`-1` is 2^64-1), but no leading space.
 */
export function parseScanCursor(text: string, strtoul: boolean): number {
  let digits = text;
  let negative = false;
  if (strtoul) {
    if (text.length === 0) return 0;
    const sign = text.charCodeAt(0);
    if (sign === 43 /* + */ || sign === 45 /* - */) {
      negative = sign === 45;
      digits = text.slice(1);
    }
  }
  if (!/^\d+$/.test(digits)) throw new ReplyError('ERR invalid cursor');
  let n = BigInt(digits);
  if (n > MAX_CURSOR) throw new ReplyError('ERR invalid cursor');
  if (negative && n !== 0n) n = MAX_CURSOR + 1n - n;
  return Number(n);
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
