import type { Client } from '../client';
import { Notify } from '../notify';
import { fitsLong, is, parseBigLong } from './args';
import { checkScanCursor, checkWithValuesCount, parseRandomCount, withinReplyLimit, writeEmptyScan } from './collection';
import { expectType, keyChanged, lookupRead, lookupWrite, notify } from './keyspace';
import { parseScanArgs, scanMatches, writeScanReply } from './scan';
import { CommandDef, Errors, ReplyError, wrongArity } from './types';
import { randomIndex, sampleDistinct } from '../store/dense';
import { RHash } from '../store/hash';
import { addLongDouble, formatLongDoubleHuman, longDoubleFromInt, parseLongDouble } from '../util/long-double';

const ONE_KEY = { first: 1, last: 1, step: 1 };

function def(name: string, arity: number, flags: CommandDef['flags'], since: string, summary: string, complexity: string, handler: CommandDef['handler']): CommandDef {
  return { name, arity, flags, acl: ['hash'], keys: ONE_KEY, group: 'hash', since, summary, complexity, handler };
}

/** Hash commands. */
export const commands: CommandDef[] = [
  def('hset', -4, ['write', 'denyoom', 'fast'], '2.0.0', 'Creates or modifies the value of a field in a hash.',
    'O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.',
    (c, argv) => hset(c, argv, false)),
  def('hmset', -4, ['write', 'denyoom', 'fast'], '2.0.0', 'Sets the values of multiple fields.',
    'O(N) where N is the number of fields being set.', (c, argv) => hset(c, argv, true)),
  def('hsetnx', 4, ['write', 'denyoom', 'fast'], '2.0.0', 'Sets the value of a field in a hash only when the field doesn\'t exist.', 'O(1)', hsetnx),
  def('hget', 3, ['readonly', 'fast'], '2.0.0', 'Returns the value of a field in a hash.', 'O(1)',
    (c, argv) => c.w.bulkOrNull(readHash(c, argv[1])?.get(argv[2]))),
  def('hmget', -3, ['readonly', 'fast'], '2.0.0', 'Returns the values of all fields in a hash.',
    'O(N) where N is the number of fields being requested.', hmget),
  def('hdel', -3, ['write', 'fast'], '2.0.0', 'Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.',
    'O(N) where N is the number of fields to be removed.', hdel),
  def('hlen', 2, ['readonly', 'fast'], '2.0.0', 'Returns the number of fields in a hash.', 'O(1)',
    (c, argv) => c.w.int(readHash(c, argv[1])?.length ?? 0)),
  def('hstrlen', 3, ['readonly', 'fast'], '3.2.0', 'Returns the length of the value of a field.', 'O(1)',
    (c, argv) => c.w.int(readHash(c, argv[1])?.get(argv[2])?.length ?? 0)),
  def('hexists', 3, ['readonly', 'fast'], '2.0.0', 'Determines whether a field exists in a hash.', 'O(1)',
    (c, argv) => c.w.int(readHash(c, argv[1])?.has(argv[2]) ? 1 : 0)),
  def('hkeys', 2, ['readonly'], '2.0.0', 'Returns all fields in a hash.', 'O(N) where N is the size of the hash.',
    (c, argv) => hgetall(c, argv, true, false)),
  def('hvals', 2, ['readonly'], '2.0.0', 'Returns all values in a hash.', 'O(N) where N is the size of the hash.',
    (c, argv) => hgetall(c, argv, false, true)),
  def('hgetall', 2, ['readonly'], '2.0.0', 'Returns all fields and values in a hash.', 'O(N) where N is the size of the hash.',
    (c, argv) => hgetall(c, argv, true, true)),
  def('hincrby', 4, ['write', 'denyoom', 'fast'], '2.0.0', 'Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn\'t exist.', 'O(1)', hincrby),
  def('hincrbyfloat', 4, ['write', 'denyoom', 'fast'], '2.6.0', 'Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn\'t exist.', 'O(1)', hincrbyfloat),
  def('hrandfield', -2, ['readonly'], '6.2.0', 'Returns one or more random fields from a hash.',
    'O(N) where N is the number of fields returned', hrandfield),
  def('hscan', -3, ['readonly'], '2.8.0', 'Iterates over fields and values of a hash.',
    'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.', hscan),
];

/** The hash at `key` for a read command (counts a hit or miss); WRONGTYPE for another type. */
function readHash(c: Client, key: string): RHash | undefined {
  const value = lookupRead(c, key);
  if (value === undefined) return undefined;
  const hash = expectType<RHash>(value, 'hash');
  hash.settle(c.server.encoding);
  return hash;
}

/** The hash at `key` for a write command, created empty when missing (hashTypeLookupWriteOrCreate). */
function hashForWrite(c: Client, key: string): RHash {
  const value = lookupWrite(c, key);
  if (value !== undefined) {
    const hash = expectType<RHash>(value, 'hash');
    hash.settle(c.server.encoding);
    return hash;
  }
  const hash = new RHash();
  c.db.add(key, hash);
  return hash;
}

/** HSET key field value [field value ...] / HMSET (same, answers OK). */
function hset(c: Client, argv: string[], hmset: boolean): void {
  if (argv.length % 2 === 1) throw new ReplyError(wrongArity(hmset ? 'hmset' : 'hset'));
  const key = argv[1];
  const config = c.server.encoding;
  const hash = hashForWrite(c, key);
  hash.convertForArguments(argv, 2, argv.length - 1, config);
  let created = 0;
  for (let i = 2; i < argv.length; i += 2) {
    if (hash.set(argv[i], argv[i + 1], config)) created++;
  }
  keyChanged(c, key, (argv.length - 2) / 2);
  notify(c, Notify.HASH, 'hset', key);
  if (hmset) c.w.ok();
  else c.w.int(created);
}

/** HSETNX key field value */
function hsetnx(c: Client, argv: string[]): void {
  const key = argv[1];
  const hash = hashForWrite(c, key);
  if (hash.has(argv[2])) {
    c.w.int(0);
    return;
  }
  const config = c.server.encoding;
  hash.convertForArguments(argv, 2, 3, config);
  hash.set(argv[2], argv[3], config);
  keyChanged(c, key);
  notify(c, Notify.HASH, 'hset', key);
  c.w.int(1);
}

/** HMGET key field [field ...]: a missing key is an empty hash. */
function hmget(c: Client, argv: string[]): void {
  const hash = readHash(c, argv[1]);
  c.w.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) c.w.bulkOrNull(hash?.get(argv[i]));
}

/** HDEL key field [field ...] */
function hdel(c: Client, argv: string[]): void {
  const key = argv[1];
  const value = lookupWrite(c, key);
  if (value === undefined) {
    c.w.int(0);
    return;
  }
  const hash = expectType<RHash>(value, 'hash');
  hash.settle(c.server.encoding);
  let deleted = 0;
  let keyRemoved = false;
  for (let i = 2; i < argv.length; i++) {
    if (!hash.delete(argv[i])) continue;
    deleted++;
    if (hash.length === 0) {
      c.db.delete(key);
      keyRemoved = true;
      break;
    }
  }
  if (deleted > 0) {
    keyChanged(c, key, deleted);
    notify(c, Notify.HASH, 'hdel', key);
    if (keyRemoved) notify(c, Notify.GENERIC, 'del', key);
  }
  c.w.int(deleted);
}

/** HKEYS, HVALS, HGETALL: a map for fields with values, else an array. */
function hgetall(c: Client, argv: string[], fields: boolean, values: boolean): void {
  const hash = readHash(c, argv[1]);
  const both = fields && values;
  const n = hash?.length ?? 0;
  if (both) c.w.map(n);
  else c.w.array(n);
  if (hash === undefined) return;
  const keys = hash.table.keys;
  const vals = hash.table.values as string[];
  let out = '';
  for (let i = 0; i < n; i++) {
    if (fields) out += '$' + keys[i].length + '\r\n' + keys[i] + '\r\n';
    if (values) out += '$' + vals[i].length + '\r\n' + vals[i] + '\r\n';
  }
  c.w.raw(out);
}

/** HINCRBY key field increment */
function hincrby(c: Client, argv: string[]): void {
  const increment = parseBigLong(argv[3]);
  if (increment === undefined) throw new ReplyError(Errors.NOT_INTEGER);
  const key = argv[1];
  const hash = hashForWrite(c, key);
  const current = hash.get(argv[2]);
  let value = 0n;
  if (current !== undefined) {
    const parsed = parseBigLong(current);
    if (parsed === undefined) throw new ReplyError('ERR hash value is not an integer');
    value = parsed;
  }
  const result = value + increment;
  if (!fitsLong(result)) throw new ReplyError(Errors.OVERFLOW);
  hash.set(argv[2], String(result), c.server.encoding);
  c.w.int(result);
  keyChanged(c, key);
  notify(c, Notify.HASH, 'hincrby', key);
}

/**
 * HINCRBYFLOAT key field increment, computed in 80-bit extended precision and printed as the
 * server prints it (`%.17Lf`, trailing zeros removed); replicated as HSET of the result.
 */
function hincrbyfloat(c: Client, argv: string[]): void {
  const increment = parseLongDouble(argv[3]);
  if (increment === undefined) throw new ReplyError(Errors.NOT_FLOAT);
  if (increment.infinite) throw new ReplyError('ERR value is NaN or Infinity');
  const key = argv[1];
  const field = argv[2];
  const hash = hashForWrite(c, key);
  const current = hash.get(field);
  let value = longDoubleFromInt(0n);
  if (current !== undefined) {
    const parsed = parseLongDouble(current);
    if (parsed === undefined) throw new ReplyError('ERR hash value is not a float');
    value = parsed;
  }
  const sum = addLongDouble(value, increment);
  if (sum === undefined || sum.infinite) throw new ReplyError('ERR increment would produce NaN or Infinity');
  const text = formatLongDoubleHuman(sum);
  hash.set(field, text, c.server.encoding);
  c.w.bulk(text);
  keyChanged(c, key);
  notify(c, Notify.HASH, 'hincrbyfloat', key);
  c.rewrittenArgv = ['HSET', key, field, text];
}

/** HRANDFIELD key [count [WITHVALUES]] */
function hrandfield(c: Client, argv: string[]): void {
  if (argv.length >= 3) {
    const count = parseRandomCount(argv[2]);
    if (argv.length > 4 || (argv.length === 4 && !is(argv[3], 'WITHVALUES'))) throw new ReplyError(Errors.SYNTAX);
    const withValues = argv.length === 4;
    if (withValues) checkWithValuesCount(argv[2]);
    hrandfieldWithCount(c, argv[1], count, withValues);
    return;
  }
  const hash = readHash(c, argv[1]);
  if (hash === undefined) {
    c.w.nullBulk();
    return;
  }
  c.w.bulk(hash.fieldAt(randomIndex(hash.length)));
}

function hrandfieldWithCount(c: Client, key: string, count: number, withValues: boolean): void {
  const hash = readHash(c, key);
  if (hash === undefined || count === 0) {
    c.w.array(0);
    return;
  }
  const w = c.w;
  const resp3Pairs = withValues && w.resp === 3;
  const size = hash.length;
  const emit = (i: number) => {
    if (resp3Pairs) w.array(2);
    w.bulk(hash.fieldAt(i));
    if (withValues) w.bulk(hash.valueAt(i));
  };
  if (count < 0 || count === 1) {
    // May repeat: independent uniform picks.
    const n = Math.abs(count);
    const mark = w.out.length;
    w.array(withValues && !resp3Pairs ? n * 2 : n);
    for (let picked = 0; picked < n; picked++) {
      emit(randomIndex(size));
      if ((picked & 1023) === 1023 && !withinReplyLimit(c, mark)) return;
    }
    return;
  }
  const n = Math.min(count, size);
  w.array(withValues && !resp3Pairs ? n * 2 : n);
  if (count >= size) {
    for (let i = 0; i < size; i++) emit(i);
    return;
  }
  for (const i of sampleDistinct(size, count)) emit(i);
}

/** HSCAN key cursor [MATCH pattern] [COUNT count] [NOVALUES (Valkey 8)] */
function hscan(c: Client, argv: string[]): void {
  checkScanCursor(c, argv);
  const hash = readHash(c, argv[1]);
  if (hash === undefined) {
    writeEmptyScan(c);
    return;
  }
  // NOVALUES arrived with Valkey 8 (and Redis 7.4); Redis 7.0 answers a syntax error.
  const options = parseScanArgs(argv, 2, { noValues: c.server.engine === 'valkey', strtoulCursor: c.server.engine === 'redis' });
  const out: string[] = [];
  const cursor = hash.scan(options.cursor, options.count, (i) => {
    const field = hash.fieldAt(i);
    if (!scanMatches(options, field)) return;
    out.push(field);
    if (!options.noValues) out.push(hash.valueAt(i));
  });
  writeScanReply(c, cursor, out);
}
