import type { Client } from '../client';
import { Notify } from '../notify';
import { is, isLongString } from './args';
import { keyChanged, lookupWrite, notify, readString } from './keyspace';
import { CommandDef, Errors, ReplyError } from './types';

/** Largest value of a string (proto-max-bulk-len's default and the string limit). */
export const STRING_MAX = 512 * 1024 * 1024;

/** String commands. */
export const commands: CommandDef[] = [
  {
    name: 'get',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['string'],
    keys: { first: 1, last: 1, step: 1 },
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
    keys: { first: 1, last: 1, step: 1 },
    group: 'string',
    since: '1.0.0',
    complexity: 'O(1)',
    summary: 'Sets the string value of a key, ignoring its type. The key is created if it doesn\'t exist.',
    handler: set,
  },
];

/** SET key value [NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ms-ts|KEEPTTL] */
function set(c: Client, argv: string[]): void {
  let nx = false;
  let xx = false;
  let get = false;
  let keepTtl = false;
  let unit = '';
  let expireArg = '';
  for (let i = 3; i < argv.length; i++) {
    const a = argv[i];
    const hasNext = i + 1 < argv.length;
    if (is(a, 'NX') && !xx) {nx = true;} else if (is(a, 'XX') && !nx) {xx = true;} else if (is(a, 'GET')) {get = true;} else if (is(a, 'KEEPTTL') && unit === '') {keepTtl = true;} else if ((is(a, 'EX') || is(a, 'PX') || is(a, 'EXAT') || is(a, 'PXAT')) && unit === '' && !keepTtl && hasNext) {
      unit = a.toUpperCase();
      expireArg = argv[++i];
    } else {
      throw new ReplyError(Errors.SYNTAX);
    }
  }
  let at = -1;
  if (unit !== '') at = expireTime(c, expireArg, unit, 'set');

  const key = argv[1];
  if (get) {
    // Replies with the old value first (or fails with WRONGTYPE before anything changes).
    const old = lookupWrite(c, key);
    if (old !== undefined && typeof old !== 'string') throw new ReplyError(Errors.WRONGTYPE);
    c.w.bulkOrNull(old ?? null);
  }
  const found = get ? c.db.exists(key, c.now) : lookupWrite(c, key) !== undefined;
  if ((nx && found) || (xx && !found)) {
    if (!get) c.w.nullBulk();
    return;
  }
  c.db.set(key, argv[2], keepTtl);
  keyChanged(c, key);
  notify(c, Notify.STRING, 'set', key);
  if (at >= 0) {
    c.db.setExpire(key, at);
    c.rewrittenArgv = ['SET', key, argv[2], 'PXAT', String(at)];
    notify(c, Notify.GENERIC, 'expire', key);
  }
  if (!get) c.w.ok();
}

/**
 * The absolute expiry (ms) for an EX/PX/EXAT/PXAT argument, with the server's validation:
 * a positive integer whose millisecond value does not overflow.
 */
export function expireTime(c: Client, arg: string, unit: string, command: string): number {
  if (!isLongString(arg)) throw new ReplyError(Errors.NOT_INTEGER);
  const n = BigInt(arg);
  const invalid = `ERR invalid expire time in '${command}' command`;
  if (n <= 0n) throw new ReplyError(invalid);
  const seconds = unit === 'EX' || unit === 'EXAT';
  let ms = seconds ? n * 1000n : n;
  if (seconds && n > 9223372036854775807n / 1000n) throw new ReplyError(invalid);
  if (unit === 'EX' || unit === 'PX') ms += BigInt(c.now);
  if (ms > 9223372036854775807n) throw new ReplyError(invalid);
  return Number(ms);
}
