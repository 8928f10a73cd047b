import type { Client } from '../client';
import { Notify } from '../notify';
import { fitsLong, is, isLongString } from './args';
import { deleteKey, keyChanged, lookupEntry, lookupRead, lookupWrite, notify, readString } from './keyspace';
import { CommandDef, Errors, ReplyError } from './types';
import { addLongDouble, formatLongDoubleHuman, longDoubleFromInt, parseLongDouble } from '../util/long-double';

/** Largest value of a string (proto-max-bulk-len's default and the string limit). */
export const STRING_MAX = 512 * 1024 * 1024;

/**
 * Longest string V8 can hold (2^29 - 24 one-byte characters). The real server's limit is
 * proto-max-bulk-len (512 MB by default), a little more; see test/compat/DIFFERENCES.md.
 */
export const JS_STRING_MAX = (1 << 29) - 24;

const ONE_KEY = { first: 1, last: 1, step: 1 };

/** String commands. */
export const commands: CommandDef[] = [
  {
    name: 'get',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['string'],
    keys: ONE_KEY,
    group: 'string',
    since: '1.0.0',
    summary: 'Returns the string value of a key.',
    complexity: 'O(1)',
    handler: (c, argv) => c.w.bulkOrNull(readString(c, argv[1])),
  },
  {
    name: 'set',
    arity: -3,
    flags: ['write', 'denyoom'],
    acl: ['string'],
    keys: ONE_KEY,
    group: 'string',
    since: '1.0.0',
    complexity: 'O(1)',
    summary: 'Sets the string value of a key, ignoring its type. The key is created if it doesn\'t exist.',
    handler: set,
  },
  {
    name: 'setnx',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['string'],
    keys: ONE_KEY,
    group: 'string',
    since: '1.0.0',
    complexity: 'O(1)',
    summary: 'Set the string value of a key only when the key doesn\'t exist.',
    handler: (c, argv) => setGeneric(c, 'setnx', argv[1], argv[2], NX, null, ':1\r\n', ':0\r\n'),
  },
  {
    name: 'setex',
    arity: 4,
    flags: ['write', 'denyoom'],
    acl: ['string'],
    keys: ONE_KEY,
    group: 'string',
    since: '2.0.0',
    complexity: 'O(1)',
    summary: 'Sets the string value and expiration time of a key. Creates the key if it doesn\'t exist.',
    handler: (c, argv) => setGeneric(c, 'setex', argv[1], argv[3], EX, argv[2], null, null),
  },
  {
    name: 'psetex',
    arity: 4,
    flags: ['write', 'denyoom'],
    acl: ['string'],
    keys: ONE_KEY,
    group: 'string',
    since: '2.6.0',
    complexity: 'O(1)',
    summary: 'Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn\'t exist.',
    handler: (c, argv) => setGeneric(c, 'psetex', argv[1], argv[3], PX, argv[2], null, null),
  },
  {
    name: 'getex',
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['string'],
    keys: ONE_KEY,
    group: 'string',
    since: '6.2.0',
    complexity: 'O(1)',
    summary: 'Returns the string value of a key after setting its expiration time.',
    handler: getex,
  },
  {
    name: 'getdel',
    arity: 2,
    flags: ['write', 'fast'],
    acl: ['string'],
    keys: ONE_KEY,
    group: 'string',
    since: '6.2.0',
    complexity: 'O(1)',
    summary: 'Returns the string value of a key after deleting the key.',
    handler: (c, argv) => {
      const key = argv[1];
      const value = readString(c, key);
      c.w.bulkOrNull(value);
      if (value === null) return;
      deleteKey(c, key);
      c.rewrittenArgv = ['DEL', key];
      notify(c, Notify.GENERIC, 'del', key);
    },
  },
  {
    name: 'getset',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['string'],
    keys: ONE_KEY,
    group: 'string',
    since: '1.0.0',
    complexity: 'O(1)',
    summary: 'Returns the previous string value of a key after setting it to a new value.',
    handler: (c, argv) => {
      const key = argv[1];
      c.w.bulkOrNull(readString(c, key));
      lookupWrite(c, key);
      c.db.set(key, argv[2]);
      keyChanged(c, key);
      notify(c, Notify.STRING, 'set', key);
      c.rewrittenArgv = ['SET', key, argv[2]];
    },
  },
  {
    name: 'mget',
    arity: -2,
    flags: ['readonly', 'fast'],
    acl: ['string'],
    keys: { first: 1, last: -1, step: 1 },
    group: 'string',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of keys to retrieve.',
    summary: 'Atomically returns the string values of one or more keys.',
    handler: (c, argv) => {
      const w = c.w;
      w.array(argv.length - 1);
      for (let i = 1; i < argv.length; i++) {
        const value = lookupRead(c, argv[i]);
        if (typeof value === 'string') w.bulk(value);
        else w.nullBulk();
      }
    },
  },
  {
    name: 'mset',
    arity: -3,
    flags: ['write', 'denyoom'],
    acl: ['string'],
    keys: { first: 1, last: -1, step: 2 },
    group: 'string',
    since: '1.0.1',
    complexity: 'O(N) where N is the number of keys to set.',
    summary: 'Atomically creates or modifies the string values of one or more keys.',
    handler: (c, argv) => mset(c, argv, false),
  },
  {
    name: 'msetnx',
    arity: -3,
    flags: ['write', 'denyoom'],
    acl: ['string'],
    keys: { first: 1, last: -1, step: 2 },
    group: 'string',
    since: '1.0.1',
    complexity: 'O(N) where N is the number of keys to set.',
    summary: 'Atomically modifies the string values of one or more keys only when all keys don\'t exist.',
    handler: (c, argv) => mset(c, argv, true),
  },
  {
    name: 'incr',
    arity: 2,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['string'],
    keys: ONE_KEY,
    group: 'string',
    since: '1.0.0',
    complexity: 'O(1)',
    summary: 'Increments the integer value of a key by one. Uses 0 as initial value if the key doesn\'t exist.',
    handler: (c, argv) => incrBy(c, argv[1], 1, null),
  },
  {
    name: 'decr',
    arity: 2,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['string'],
    keys: ONE_KEY,
    group: 'string',
    since: '1.0.0',
    complexity: 'O(1)',
    summary: 'Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn\'t exist.',
    handler: (c, argv) => incrBy(c, argv[1], -1, null),
  },
  {
    name: 'incrby',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['string'],
    keys: ONE_KEY,
    group: 'string',
    since: '1.0.0',
    complexity: 'O(1)',
    summary: 'Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn\'t exist.',
    handler: (c, argv) => {
      const by = smallLong(argv[2]);
      if (by === by) incrBy(c, argv[1], by, null); // not NaN
      else incrBy(c, argv[1], 0, bigLong(argv[2]));
    },
  },
  {
    name: 'decrby',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['string'],
    keys: ONE_KEY,
    group: 'string',
    since: '1.0.0',
    complexity: 'O(1)',
    summary: 'Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn\'t exist.',
    handler: (c, argv) => {
      const by = smallLong(argv[2]);
      if (by === by) {
        incrBy(c, argv[1], -by, null);
        return;
      }
      const big = bigLong(argv[2]);
      if (big === -9223372036854775808n) throw new ReplyError('ERR decrement would overflow');
      incrBy(c, argv[1], 0, -big);
    },
  },
  {
    name: 'incrbyfloat',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['string'],
    keys: ONE_KEY,
    group: 'string',
    since: '2.6.0',
    complexity: 'O(1)',
    summary: 'Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn\'t exist.',
    handler: incrByFloat,
  },
  {
    name: 'append',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['string'],
    keys: ONE_KEY,
    group: 'string',
    since: '2.0.0',
    complexity: 'O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size.',
    summary: 'Appends a string to the value of a key. Creates the key if it doesn\'t exist.',
    handler: (c, argv) => {
      const key = argv[1];
      const entry = lookupEntry(c, key);
      let length: number;
      if (entry === undefined) {
        c.db.set(key, argv[2]);
        length = argv[2].length;
      } else {
        const old = entry.value;
        if (typeof old !== 'string') throw new ReplyError(Errors.WRONGTYPE);
        checkStringLength(c, old.length, argv[2].length);
        const value = old + argv[2];
        c.db.replaceString(entry, value);
        length = value.length;
      }
      keyChanged(c, key);
      notify(c, Notify.STRING, 'append', key);
      c.w.int(length);
    },
  },
  {
    name: 'strlen',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['string'],
    keys: ONE_KEY,
    group: 'string',
    since: '2.2.0',
    complexity: 'O(1)',
    summary: 'Returns the length of a string value.',
    handler: (c, argv) => c.w.int(readString(c, argv[1])?.length ?? 0),
  },
  {
    name: 'getrange',
    arity: 4,
    flags: ['readonly'],
    acl: ['string'],
    keys: ONE_KEY,
    group: 'string',
    since: '2.4.0',
    complexity: 'O(N) where N is the length of the returned string.',
    summary: 'Returns a substring of the string stored at a key.',
    handler: getrange,
  },
  {
    name: 'substr',
    arity: 4,
    flags: ['readonly'],
    acl: ['string'],
    keys: ONE_KEY,
    group: 'string',
    since: '1.0.0',
    complexity: 'O(N) where N is the length of the returned string.',
    summary: 'Returns a substring from a string value.',
    handler: getrange,
  },
  {
    name: 'setrange',
    arity: 4,
    flags: ['write', 'denyoom'],
    acl: ['string'],
    keys: ONE_KEY,
    group: 'string',
    since: '2.2.0',
    complexity: 'O(1), not counting the time taken to copy the new string in place.',
    summary: 'Overwrites a part of a string value with another by an offset. Creates the key if it doesn\'t exist.',
    handler: setrange,
  },
  {
    name: 'lcs',
    arity: -3,
    flags: ['readonly'],
    acl: ['string'],
    keys: { first: 1, last: 2, step: 1 },
    group: 'string',
    since: '7.0.0',
    complexity: 'O(N*M) where N and M are the lengths of s1 and s2, respectively',
    summary: 'Finds the longest common substring.',
    handler: lcs,
  },
];

// ------------------------------------------------------------------------------------------------
// SET family

const NX = 1 << 0;
const XX = 1 << 1;
const EX = 1 << 2;
const PX = 1 << 3;
const KEEPTTL = 1 << 4;
const GET = 1 << 5;
const EXAT = 1 << 6;
const PXAT = 1 << 7;
const PERSIST = 1 << 8;
const ANY_EXPIRE = EX | PX | EXAT | PXAT;

/** Index of the expire argument found by the last {@link parseStringOptions} call. */
let expireIndex = -1;

/**
 * Parses SET's options (`forSet`) or GETEX's, with the real server's rules: each option may be
 * repeated, but conflicting ones (NX/XX, two different expire forms, KEEPTTL/PERSIST with an
 * expire) are a syntax error, as is an expire keyword without a value.
 */
function parseStringOptions(argv: string[], from: number, forSet: boolean): number {
  let flags = 0;
  expireIndex = -1;
  for (let i = from; i < argv.length; i++) {
    const a = argv[i];
    const hasNext = i + 1 < argv.length;
    if (forSet && is(a, 'NX') && !(flags & XX)) {
      flags |= NX;
    } else if (forSet && is(a, 'XX') && !(flags & NX)) {
      flags |= XX;
    } else if (forSet && is(a, 'GET')) {
      flags |= GET;
    } else if (forSet && is(a, 'KEEPTTL') && !(flags & (PERSIST | ANY_EXPIRE))) {
      flags |= KEEPTTL;
    } else if (!forSet && is(a, 'PERSIST') && !(flags & (ANY_EXPIRE | KEEPTTL))) {
      flags |= PERSIST;
    } else if (hasNext && is(a, 'EX') && !(flags & (KEEPTTL | PERSIST | EXAT | PX | PXAT))) {
      flags |= EX;
      expireIndex = ++i;
    } else if (hasNext && is(a, 'PX') && !(flags & (KEEPTTL | PERSIST | EX | EXAT | PXAT))) {
      flags |= PX;
      expireIndex = ++i;
    } else if (hasNext && is(a, 'EXAT') && !(flags & (KEEPTTL | PERSIST | EX | PX | PXAT))) {
      flags |= EXAT;
      expireIndex = ++i;
    } else if (hasNext && is(a, 'PXAT') && !(flags & (KEEPTTL | PERSIST | EX | EXAT | PX))) {
      flags |= PXAT;
      expireIndex = ++i;
    } else {
      throw new ReplyError(Errors.SYNTAX);
    }
  }
  return flags;
}

/** SET key value [NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ms-ts|KEEPTTL] */
function set(c: Client, argv: string[]): void {
  if (argv.length === 3) {
    setGeneric(c, 'set', argv[1], argv[2], 0, null, null, null);
    return;
  }
  const flags = parseStringOptions(argv, 3, true);
  setGeneric(c, 'set', argv[1], argv[2], flags, expireIndex >= 0 ? argv[expireIndex] : null, null, null, argv);
}

/**
 * The common part of SET, SETNX, SETEX and PSETEX: validate the expire time, reply with the old
 * value for GET, honour NX/XX, store, then set the TTL and rewrite the propagated command.
 * `okReply`/`abortReply` are raw replies replacing `+OK` / the null reply (SETNX's :1 and :0).
 */
function setGeneric(
  c: Client, name: string, key: string, value: string, flags: number, expireArg: string | null,
  okReply: string | null, abortReply: string | null, argv?: string[],
): void {
  let at = 0;
  if (expireArg !== null) at = expireTime(c, expireArg, unitOf(flags), name);
  if (flags & GET) {
    // Replies with the old value first (or fails with WRONGTYPE before anything changes).
    c.w.bulkOrNull(readString(c, key));
  }
  const found = lookupWrite(c, key) !== undefined;
  if (((flags & NX) && found) || ((flags & XX) && !found)) {
    if (!(flags & GET)) {
      if (abortReply !== null) c.w.raw(abortReply);
      else c.w.nullBulk();
    }
    return;
  }
  const valkey = c.server.engine === 'valkey';
  if (expireArg !== null && valkey && at <= c.now && c.server.role === 'master') {
    // Valkey 8 (like Redis 7.2+) does not store a key whose absolute expire time has passed: an
    // existing one is deleted as if it had expired, and replicas get the deletion.
    if (found) deletePassedKey(c, key);
    if (!(flags & GET)) c.w.ok();
    return;
  }
  c.db.set(key, value, (flags & KEEPTTL) !== 0);
  keyChanged(c, key);
  notify(c, Notify.STRING, 'set', key);
  if (expireArg !== null) {
    c.db.setExpire(key, at);
    // Redis 7.0 propagates every expire form as an absolute PXAT; Valkey 8 leaves PXAT as sent.
    if (!valkey || !(flags & PXAT)) c.rewrittenArgv = ['SET', key, value, 'PXAT', String(at)];
    notify(c, Notify.GENERIC, 'expire', key);
  } else if ((flags & GET) && argv !== undefined) {
    // Replicas need no reply: GET is left out of the propagated command.
    c.rewrittenArgv = argv.filter((a, i) => i < 3 || !is(a, 'GET'));
  }
  if (!(flags & GET)) {
    if (okReply !== null) c.w.raw(okReply);
    else c.w.ok();
  }
}

function unitOf(flags: number): string {
  if (flags & EX) return 'EX';
  if (flags & PX) return 'PX';
  if (flags & EXAT) return 'EXAT';
  return 'PXAT';
}

/**
 * Deletes a key whose new absolute expire time already passed (GETEX, and SET on Valkey) and
 * propagates the deletion: DEL on Redis 7.0, UNLINK on Valkey 8 (its lazyfree-lazy-expire
 * default is yes).
 */
function deletePassedKey(c: Client, key: string): void {
  deleteKey(c, key);
  c.rewrittenArgv = [c.server.engine === 'valkey' ? 'UNLINK' : 'DEL', key];
  notify(c, Notify.GENERIC, 'del', key);
}

/**
 * The absolute expiry (ms) for an EX/PX/EXAT/PXAT argument, with the server's validation:
 * a positive integer whose millisecond value does not overflow.
 */
export function expireTime(c: Client, arg: string, unit: string, command: string): number {
  const small = smallLong(arg);
  const seconds = unit === 'EX' || unit === 'EXAT';
  const relative = unit === 'EX' || unit === 'PX';
  if (small === small && small < 1e12) {
    // The common case: exact in doubles.
    if (small <= 0) throw new ReplyError(`ERR invalid expire time in '${command}' command`);
    const ms = seconds ? small * 1000 : small;
    return relative ? ms + c.now : ms;
  }
  if (!isLongString(arg)) throw new ReplyError(Errors.NOT_INTEGER);
  const n = BigInt(arg);
  const invalid = `ERR invalid expire time in '${command}' command`;
  if (n <= 0n) throw new ReplyError(invalid);
  if (seconds && n > 9223372036854775807n / 1000n) throw new ReplyError(invalid);
  let ms = seconds ? n * 1000n : n;
  if (relative) ms += BigInt(c.now);
  if (ms > 9223372036854775807n) throw new ReplyError(invalid);
  return Number(ms);
}

/** GETEX key [EX s|PX ms|EXAT ts|PXAT ms-ts|PERSIST] */
function getex(c: Client, argv: string[]): void {
  const flags = argv.length === 2 ? 0 : parseStringOptions(argv, 2, false);
  const expireArg = flags & ANY_EXPIRE ? argv[expireIndex] : null;
  const key = argv[1];
  const value = readString(c, key);
  if (value === null) {
    c.w.nullBulk();
    return;
  }
  let at = 0;
  if (expireArg !== null) at = expireTime(c, expireArg, unitOf(flags), 'getex');
  c.w.bulk(value);
  if ((flags & (EXAT | PXAT)) && at <= c.now && c.server.role === 'master') {
    deletePassedKey(c, key);
  } else if (flags & ANY_EXPIRE) {
    c.db.setExpire(key, at);
    c.rewrittenArgv = ['PEXPIREAT', key, String(at)];
    keyChanged(c, key);
    notify(c, Notify.GENERIC, 'expire', key);
  } else if ((flags & PERSIST) && c.db.persist(key)) {
    keyChanged(c, key);
    c.rewrittenArgv = ['PERSIST', key];
    notify(c, Notify.GENERIC, 'persist', key);
  }
}

function mset(c: Client, argv: string[], nx: boolean): void {
  if (argv.length % 2 === 0) throw new ReplyError(`ERR wrong number of arguments for '${nx ? 'msetnx' : 'mset'}' command`);
  if (nx) {
    for (let i = 1; i < argv.length; i += 2) {
      if (lookupWrite(c, argv[i]) !== undefined) {
        c.w.int(0);
        return;
      }
    }
  }
  for (let i = 1; i < argv.length; i += 2) {
    const key = argv[i];
    if (!nx) lookupWrite(c, key);
    c.db.set(key, argv[i + 1]);
    keyChanged(c, key);
    notify(c, Notify.STRING, 'set', key);
  }
  if (nx) c.w.int(1);
  else c.w.ok();
}

// ------------------------------------------------------------------------------------------------
// Counters

/**
 * A canonical integer of at most 15 digits (exact as a double, and sums of two stay exact), or
 * NaN for anything else, including valid integers that are longer (those take the bigint path).
 */
export function smallLong(s: string): number {
  const n = s.length;
  if (n === 0 || n > 16) return NaN;
  let i = 0;
  const negative = s.charCodeAt(0) === 45; /* - */
  if (negative) {
    if (n === 1) return NaN;
    i = 1;
  }
  if (n - i > 15) return NaN;
  let d = s.charCodeAt(i) - 48;
  if (d === 0) return n === 1 ? 0 : NaN;
  if (d < 1 || d > 9) return NaN;
  let v = d;
  for (i++; i < n; i++) {
    d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return negative ? -v : v;
}

/** A 64-bit integer argument as a bigint; the server's error when it is not one. */
function bigLong(s: string): bigint {
  if (!isLongString(s)) throw new ReplyError(Errors.NOT_INTEGER);
  return BigInt(s);
}

/**
 * INCR/DECR/INCRBY/DECRBY: adds `by` (or `big` when it is not a small integer) to the key's
 * integer value, keeping its TTL. Doubles when both operands are small, bigints otherwise.
 */
function incrBy(c: Client, key: string, by: number, big: bigint | null): void {
  const entry = lookupEntry(c, key);
  let result: string;
  if (entry === undefined) {
    result = big === null ? String(by) : String(big);
    c.db.set(key, result);
  } else {
    const old = entry.value;
    if (typeof old !== 'string') throw new ReplyError(Errors.WRONGTYPE);
    const value = smallLong(old);
    if (value === value && big === null) {
      result = String(value + by);
    } else {
      if (!isLongString(old)) throw new ReplyError(Errors.NOT_INTEGER);
      const sum = BigInt(old) + (big ?? BigInt(by));
      if (!fitsLong(sum)) throw new ReplyError(Errors.OVERFLOW);
      result = String(sum);
    }
    c.db.replaceString(entry, result);
  }
  keyChanged(c, key);
  notify(c, Notify.STRING, 'incrby', key);
  c.w.out += ':' + result + '\r\n';
}

/** INCRBYFLOAT key increment: long double arithmetic, propagated as SET key value KEEPTTL. */
function incrByFloat(c: Client, argv: string[]): void {
  const key = argv[1];
  const entry = lookupEntry(c, key);
  const old = entry?.value;
  if (old !== undefined && typeof old !== 'string') throw new ReplyError(Errors.WRONGTYPE);
  const value = old === undefined ? longDoubleFromInt(0n) : parseLongDouble(old);
  const increment = parseLongDouble(argv[2]);
  if (value === undefined || increment === undefined) throw new ReplyError(Errors.NOT_FLOAT);
  const sum = addLongDouble(value, increment);
  if (sum === undefined || sum.infinite) throw new ReplyError('ERR increment would produce NaN or Infinity');
  const result = formatLongDoubleHuman(sum);
  if (entry === undefined) c.db.set(key, result);
  else c.db.replaceString(entry, result);
  keyChanged(c, key);
  notify(c, Notify.STRING, 'incrbyfloat', key);
  c.w.bulk(result);
  c.rewrittenArgv = ['SET', key, result, 'KEEPTTL'];
}

// ------------------------------------------------------------------------------------------------
// Ranges

/**
 * The server's check that a string of `size + append` bytes may exist (proto-max-bulk-len);
 * commands from the primary are not limited. Strings V8 cannot hold are refused with the same error.
 */
export function checkStringLength(c: Client, size: number, append: number): void {
  const total = size + append;
  if ((total > c.server.protoMaxBulkLen && c.kind !== 'master') || total > JS_STRING_MAX) {
    throw new ReplyError('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
  }
}

/**
 * A 64-bit integer argument used as an index into a string: exact within ±2^53, otherwise clamped
 * to ±2^62 (any such index lies beyond every string, so clamping keeps the result).
 */
export function indexArg(s: string): number {
  const small = smallLong(s);
  if (small === small) return small;
  if (!isLongString(s)) throw new ReplyError(Errors.NOT_INTEGER);
  const n = Number(s);
  return n > 4.611686018427388e18 ? 4.611686018427388e18 : n < -4.611686018427388e18 ? -4.611686018427388e18 : n;
}

/** Whether two integer arguments compare `a > b` (exactly, also beyond 2^53). */
export function greaterThan(a: string, b: string, na: number, nb: number): boolean {
  if (Math.abs(na) < 9e15 && Math.abs(nb) < 9e15) return na > nb;
  return BigInt(a) > BigInt(b);
}

/** GETRANGE/SUBSTR key start end */
function getrange(c: Client, argv: string[]): void {
  let start = indexArg(argv[2]);
  let end = indexArg(argv[3]);
  const value = readString(c, argv[1]);
  if (value === null) {
    c.w.raw('$0\r\n\r\n');
    return;
  }
  const len = value.length;
  if (start < 0 && end < 0 && greaterThan(argv[2], argv[3], start, end)) {
    c.w.raw('$0\r\n\r\n');
    return;
  }
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) c.w.raw('$0\r\n\r\n');
  else c.w.bulk(value.slice(start, end + 1));
}

/** SETRANGE key offset value */
function setrange(c: Client, argv: string[]): void {
  const key = argv[1];
  const patch = argv[3];
  const offset = indexArg(argv[2]);
  if (offset < 0) throw new ReplyError('ERR offset is out of range');
  const entry = lookupEntry(c, key);
  let old = '';
  if (entry === undefined) {
    if (patch.length === 0) {
      c.w.int(0);
      return;
    }
    checkStringLength(c, offset, patch.length);
  } else {
    if (typeof entry.value !== 'string') throw new ReplyError(Errors.WRONGTYPE);
    old = entry.value;
    if (patch.length === 0) {
      c.w.int(old.length);
      return;
    }
    checkStringLength(c, offset, patch.length);
  }
  let value: string;
  if (offset >= old.length) {
    value = old + (offset > old.length ? '\0'.repeat(offset - old.length) : '') + patch;
  } else {
    const after = offset + patch.length;
    value = old.slice(0, offset) + patch + (after < old.length ? old.slice(after) : '');
  }
  if (entry === undefined) c.db.set(key, value);
  else c.db.replaceString(entry, value);
  keyChanged(c, key);
  notify(c, Notify.STRING, 'setrange', key);
  c.w.int(value.length);
}

// ------------------------------------------------------------------------------------------------
// LCS

/** LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN] */
function lcs(c: Client, argv: string[]): void {
  const va = lookupRead(c, argv[1]);
  const vb = lookupRead(c, argv[2]);
  if ((va !== undefined && typeof va !== 'string') || (vb !== undefined && typeof vb !== 'string')) {
    throw new ReplyError('ERR The specified keys must contain string values');
  }
  const a = (va as string | undefined) ?? '';
  const b = (vb as string | undefined) ?? '';
  let getLen = false;
  let getIdx = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  for (let i = 3; i < argv.length; i++) {
    const opt = argv[i];
    if (is(opt, 'IDX')) {
      getIdx = true;
    } else if (is(opt, 'LEN')) {
      getLen = true;
    } else if (is(opt, 'WITHMATCHLEN')) {
      withMatchLen = true;
    } else if (is(opt, 'MINMATCHLEN') && i + 1 < argv.length) {
      minMatchLen = indexArg(argv[++i]);
      if (minMatchLen < 0) minMatchLen = 0;
    } else {
      throw new ReplyError(Errors.SYNTAX);
    }
  }
  if (getLen && getIdx) throw new ReplyError('ERR If you want both the length and indexes, please just use IDX.');

  const alen = a.length;
  const blen = b.length;
  const width = blen + 1;
  const cells = (alen + 1) * width;
  if (cells * 4 > c.server.protoMaxBulkLen) {
    throw new ReplyError('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len');
  }
  let table: Uint32Array;
  try {
    table = new Uint32Array(cells);
  } catch {
    throw new ReplyError('ERR Insufficient memory, failed allocating transient memory for LCS');
  }
  // table[i * width + j] = length of the LCS of a[0..i) and b[0..j); row 0 and column 0 stay 0.
  for (let i = 1; i <= alen; i++) {
    const ca = a.charCodeAt(i - 1);
    const row = i * width;
    const up = row - width;
    for (let j = 1; j <= blen; j++) {
      if (ca === b.charCodeAt(j - 1)) {
        table[row + j] = table[up + j - 1] + 1;
      } else {
        const left = table[row + j - 1];
        const above = table[up + j];
        table[row + j] = above > left ? above : left;
      }
    }
  }
  const total = table[alen * width + blen];
  if (getLen) {
    c.w.int(total);
    return;
  }

  // Walk back from the end, collecting the common subsequence and the matching ranges, exactly in
  // the order (and with the range boundaries) the real server reports them.
  const result = Buffer.allocUnsafe(total);
  const ranges: number[][] = [];
  let k = total;
  let i = alen;
  let j = blen;
  let aStart = -1;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      result[--k] = a.charCodeAt(i - 1);
      if (aStart < 0) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      i--;
      j--;
    } else {
      if (table[(i - 1) * width + j] > table[i * width + j - 1]) i--;
      else j--;
      if (aStart >= 0) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (getIdx && (minMatchLen === 0 || matchLen >= minMatchLen)) ranges.push([aStart, aEnd, bStart, bEnd, matchLen]);
      aStart = -1;
    }
  }
  if (!getIdx) {
    c.w.bulk(result.toString('latin1'));
    return;
  }
  const w = c.w;
  w.map(2);
  w.bulk('matches');
  w.array(ranges.length);
  for (const [as, ae, bs, be, len] of ranges) {
    w.array(withMatchLen ? 3 : 2);
    w.raw('*2\r\n:' + as + '\r\n:' + ae + '\r\n*2\r\n:' + bs + '\r\n:' + be + '\r\n');
    if (withMatchLen) w.int(len);
  }
  w.bulk('len');
  w.int(total);
}
