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
export function parseScanArgs(argv: readonly string[], cursorIndex: number, allow: { type?: boolean; noValues?: boolean } = {}): ScanOptions {
  const cursorText = argv[cursorIndex];
  // The cursor is an unsigned 64-bit number; anything else is an invalid cursor.
  if (!/^\d+$/.test(cursorText) || BigInt(cursorText) > 18446744073709551615n) throw new ReplyError('ERR invalid cursor');
  const cursor = Number(cursorText);
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
