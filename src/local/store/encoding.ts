/**
 * How string values are encoded, as OBJECT ENCODING and OBJECT REFCOUNT report it.
 *
 * A string value is a plain JS byte string here; the real server keeps it as an `int`, `embstr`
 * or `raw` object depending on its content and on how it was created. The content decides for
 * values stored through the server's encoding attempt (SET, MSET, RESTORE, INCR...); the few ways
 * of creating a string that skip that attempt are recorded per key in {@link Entry.strEnc}.
 */
import { isLongString } from '../commands/args';

/** How a string value was created, when its bytes alone do not decide its encoding. */
export const StringOrigin = {
  /** Stored through the encoding attempt: `int`, `embstr` or `raw` by content (SET, RESTORE, INCR). */
  AUTO: 0,
  /** Changed in place (APPEND, SETRANGE, SETBIT, BITFIELD...): always `raw`. */
  RAW: 1,
  /** Created without the encoding attempt (INCRBYFLOAT): `embstr` or `raw` by length, never `int`. */
  PLAIN: 2,
  /** An integer that is its own object, never the shared one (COPY of a small integer). */
  UNSHARED_INT: 3,
} as const;
export type StringOriginCode = typeof StringOrigin[keyof typeof StringOrigin];

/** Longest string stored as `embstr` (the object header and the bytes in one allocation). */
export const EMBSTR_SIZE_LIMIT = 44;
/** Integers 0..9999 are shared objects unless an LRU/LFU policy needs per-key access data. */
export const SHARED_INTEGERS = 10000;
/** OBJECT REFCOUNT of a shared object. */
export const SHARED_REFCOUNT = 2147483647;

/** The OBJECT ENCODING of a string value. */
export function stringEncoding(value: string, origin: number): 'int' | 'embstr' | 'raw' {
  if (origin === StringOrigin.RAW) return 'raw';
  if (origin !== StringOrigin.PLAIN && isLongString(value)) return 'int';
  return value.length <= EMBSTR_SIZE_LIMIT ? 'embstr' : 'raw';
}

/**
 * The OBJECT REFCOUNT of a string value: small integers stored through the encoding attempt are
 * the shared object, unless `sharing` is off (an LRU or LFU maxmemory policy with a limit set).
 */
export function stringRefcount(value: string, origin: number, sharing: boolean): number {
  if (!sharing || origin !== StringOrigin.AUTO || !isLongString(value)) return 1;
  const n = value.length <= 4 ? Number(value) : -1;
  return n >= 0 && n < SHARED_INTEGERS ? SHARED_REFCOUNT : 1;
}
