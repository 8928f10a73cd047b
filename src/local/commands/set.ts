import type { Client } from '../client';
import { Notify } from '../notify';
import { is, isLongString, parseBigLong } from './args';
import { checkScanCursor, parsePositiveCount, parseRandomCount, serverDelCommand, withinReplyLimit, writeEmptyScan } from './collection';
import { deleteKey, expectType, keyChanged, lookupRead, lookupWrite, notify, setKey } from './keyspace';
import { parseScanArgs, scanMatches, writeScanReply } from './scan';
import { CommandDef, Errors, ReplyError } from './types';
import { randomIndex, sampleDistinct } from '../store/dense';
import { RSet } from '../store/set';
import type { EncodingConfig } from '../store/types';

const ONE_KEY = { first: 1, last: 1, step: 1 };
const ALL_KEYS = { first: 1, last: -1, step: 1 };

function def(name: string, arity: number, flags: CommandDef['flags'], since: string, summary: string, complexity: string, handler: CommandDef['handler'], keys = ONE_KEY): CommandDef {
  return { name, arity, flags, acl: ['set'], keys, group: 'set', since, summary, complexity, handler };
}

const INTERSECTION = 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.';
const TOTAL = 'O(N) where N is the total number of elements in all given sets.';

/** Set commands. */
export const commands: CommandDef[] = [
  def('sadd', -3, ['write', 'denyoom', 'fast'], '1.0.0', 'Adds one or more members to a set. Creates the key if it doesn\'t exist.',
    'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.', sadd),
  def('srem', -3, ['write', 'fast'], '1.0.0', 'Removes one or more members from a set. Deletes the set if the last member was removed.',
    'O(N) where N is the number of members to be removed.', srem),
  def('scard', 2, ['readonly', 'fast'], '1.0.0', 'Returns the number of members in a set.', 'O(1)',
    (c, argv) => c.w.int(readSet(c, argv[1])?.length ?? 0)),
  def('sismember', 3, ['readonly', 'fast'], '1.0.0', 'Determines whether a member belongs to a set.', 'O(1)',
    (c, argv) => c.w.int(readSet(c, argv[1])?.has(argv[2]) ? 1 : 0)),
  def('smismember', -3, ['readonly', 'fast'], '6.2.0', 'Determines whether multiple members belong to a set.',
    'O(N) where N is the number of elements being checked for membership', smismember),
  def('smembers', 2, ['readonly'], '1.0.0', 'Returns all members of a set.', 'O(N) where N is the set cardinality.', smembers),
  def('srandmember', -2, ['readonly'], '1.0.0', 'Get one or multiple random members from a set',
    'Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.', srandmember),
  def('spop', -2, ['write', 'fast'], '1.0.0', 'Returns one or more random members from a set after removing them. Deletes the set if the last member was popped.',
    'Without the count argument O(1), otherwise O(N) where N is the value of the passed count.', spop),
  def('smove', 4, ['write', 'fast'], '1.0.0', 'Moves a member from one set to another.', 'O(1)', smove, { first: 1, last: 2, step: 1 }),
  def('sinter', -2, ['readonly'], '1.0.0', 'Returns the intersect of multiple sets.', INTERSECTION,
    (c, argv) => sinter(c, argv, 1, argv.length, null, false, 0), ALL_KEYS),
  {
    name: 'sintercard',
    arity: -3,
    flags: ['readonly'],
    acl: ['set'],
    getKeys: sintercardKeys,
    group: 'set',
    since: '7.0.0',
    summary: 'Returns the number of members of the intersect of multiple sets.',
    complexity: INTERSECTION,
    handler: sintercard,
  },
  def('sinterstore', -3, ['write', 'denyoom'], '1.0.0', 'Stores the intersect of multiple sets in a key.', INTERSECTION,
    (c, argv) => sinter(c, argv, 2, argv.length, argv[1], false, 0), ALL_KEYS),
  def('sunion', -2, ['readonly'], '1.0.0', 'Returns the union of multiple sets.', TOTAL,
    (c, argv) => sunionDiff(c, argv, null, false), ALL_KEYS),
  def('sunionstore', -3, ['write', 'denyoom'], '1.0.0', 'Stores the union of multiple sets in a key.', TOTAL,
    (c, argv) => sunionDiff(c, argv, argv[1], false), ALL_KEYS),
  def('sdiff', -2, ['readonly'], '1.0.0', 'Returns the difference of multiple sets.', TOTAL,
    (c, argv) => sunionDiff(c, argv, null, true), ALL_KEYS),
  def('sdiffstore', -3, ['write', 'denyoom'], '1.0.0', 'Stores the difference of multiple sets in a key.', TOTAL,
    (c, argv) => sunionDiff(c, argv, argv[1], true), ALL_KEYS),
  def('sscan', -3, ['readonly'], '2.8.0', 'Iterates over members of a set.',
    'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.', sscan),
];

/** The set at `key` for a read command (counts a hit or miss); WRONGTYPE for another type. */
function readSet(c: Client, key: string): RSet | undefined {
  const value = lookupRead(c, key);
  if (value === undefined) return undefined;
  const set = expectType<RSet>(value, 'set');
  set.settle(c.server.encoding);
  return set;
}

/** The set at `key` for a write command; WRONGTYPE for another type. */
function writeSet(c: Client, key: string): RSet | undefined {
  const value = lookupWrite(c, key);
  if (value === undefined) return undefined;
  const set = expectType<RSet>(value, 'set');
  set.settle(c.server.encoding);
  return set;
}

/** Writes members as a set reply (`~` in RESP3). */
function writeMembers(c: Client, members: readonly string[]): void {
  let out = '';
  for (const m of members) out += '$' + m.length + '\r\n' + m + '\r\n';
  c.w.set(members.length);
  c.w.raw(out);
}

/** SADD key member [member ...] */
function sadd(c: Client, argv: string[]): void {
  const key = argv[1];
  const config = c.server.encoding;
  let set = writeSet(c, key);
  if (set === undefined) {
    set = RSet.create(argv[2], argv.length - 2, config);
    c.db.add(key, set);
  } else {
    set.convertForSizeHint(argv.length - 2, config);
  }
  let added = 0;
  for (let i = 2; i < argv.length; i++) {
    if (set.add(argv[i], config)) added++;
  }
  if (added > 0) {
    keyChanged(c, key, added);
    notify(c, Notify.SET, 'sadd', key);
  }
  c.w.int(added);
}

/** SREM key member [member ...] */
function srem(c: Client, argv: string[]): void {
  const key = argv[1];
  const set = writeSet(c, key);
  if (set === undefined) {
    c.w.int(0);
    return;
  }
  let removed = 0;
  let keyRemoved = false;
  for (let i = 2; i < argv.length; i++) {
    if (!set.remove(argv[i])) continue;
    removed++;
    if (set.length === 0) {
      c.db.delete(key);
      keyRemoved = true;
      break;
    }
  }
  if (removed > 0) {
    keyChanged(c, key, removed);
    notify(c, Notify.SET, 'srem', key);
    if (keyRemoved) notify(c, Notify.GENERIC, 'del', key);
  }
  c.w.int(removed);
}

/** SMISMEMBER key member [member ...]: a missing key is an empty set. */
function smismember(c: Client, argv: string[]): void {
  const set = readSet(c, argv[1]);
  c.w.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) c.w.int(set?.has(argv[i]) ? 1 : 0);
}

/** SMEMBERS key: in the set's order (ascending for an intset, insertion order for a listpack). */
function smembers(c: Client, argv: string[]): void {
  const set = readSet(c, argv[1]);
  writeMembers(c, set?.members ?? []);
}

/** SMOVE source destination member */
function smove(c: Client, argv: string[]): void {
  const [, srcKey, dstKey, member] = argv;
  const srcValue = lookupWrite(c, srcKey);
  const dstValue = lookupWrite(c, dstKey);
  if (srcValue === undefined) {
    c.w.int(0);
    return;
  }
  const config = c.server.encoding;
  const src = expectType<RSet>(srcValue, 'set');
  let dst = dstValue === undefined ? undefined : expectType<RSet>(dstValue, 'set');
  src.settle(config);
  dst?.settle(config);
  if (src === dst) {
    c.w.int(src.has(member) ? 1 : 0);
    return;
  }
  if (!src.remove(member)) {
    c.w.int(0);
    return;
  }
  notify(c, Notify.SET, 'srem', srcKey);
  if (src.length === 0) {
    c.db.delete(srcKey);
    notify(c, Notify.GENERIC, 'del', srcKey);
  }
  if (dst === undefined) {
    dst = RSet.create(member, 1, config);
    c.db.add(dstKey, dst);
  }
  keyChanged(c, srcKey);
  if (dst.add(member, config)) {
    keyChanged(c, dstKey);
    notify(c, Notify.SET, 'sadd', dstKey);
  }
  c.w.int(1);
}

/** SRANDMEMBER key [count] */
function srandmember(c: Client, argv: string[]): void {
  if (argv.length > 3) throw new ReplyError(Errors.SYNTAX);
  if (argv.length === 3) {
    srandmemberWithCount(c, argv[1], parseRandomCount(argv[2]));
    return;
  }
  const set = readSet(c, argv[1]);
  if (set === undefined) {
    c.w.nullBulk();
    return;
  }
  c.w.bulk(set.memberAt(randomIndex(set.length)));
}

function srandmemberWithCount(c: Client, key: string, count: number): void {
  const set = readSet(c, key);
  if (set === undefined || count === 0) {
    c.w.array(0);
    return;
  }
  const w = c.w;
  const size = set.length;
  if (count < 0 || count === 1) {
    // May repeat: independent uniform picks.
    const n = Math.abs(count);
    const mark = w.out.length;
    w.array(n);
    for (let picked = 0; picked < n; picked++) {
      w.bulk(set.memberAt(randomIndex(size)));
      if ((picked & 1023) === 1023 && !withinReplyLimit(c, mark)) return;
    }
    return;
  }
  if (count >= size) {
    w.bulkArray(set.members);
    return;
  }
  w.array(count);
  for (const i of sampleDistinct(size, count)) w.bulk(set.memberAt(i));
}

/** SPOP key [count]: replicated as SREM of the popped members (DEL/UNLINK when all go). */
function spop(c: Client, argv: string[]): void {
  if (argv.length > 3) throw new ReplyError(Errors.SYNTAX);
  if (argv.length === 3) {
    spopWithCount(c, argv[1], parsePositiveCount(argv[2]));
    return;
  }
  const key = argv[1];
  const set = writeSet(c, key);
  if (set === undefined) {
    c.w.nullBulk();
    return;
  }
  const member = set.memberAt(randomIndex(set.length));
  set.remove(member);
  notify(c, Notify.SET, 'spop', key);
  c.rewrittenArgv = ['SREM', key, member];
  c.w.bulk(member);
  if (set.length === 0) {
    c.db.delete(key);
    notify(c, Notify.GENERIC, 'del', key);
  }
  keyChanged(c, key);
}

/** How much bigger than what remains a pop must be to rebuild the set from the remainder. */
const SPOP_REBUILD_FACTOR = 5;

function spopWithCount(c: Client, key: string, count: number): void {
  const set = writeSet(c, key);
  if (set === undefined || count === 0) {
    c.w.set(0);
    return;
  }
  const size = set.length;
  notify(c, Notify.SET, 'spop', key);
  if (count >= size) {
    writeMembers(c, set.members);
    c.db.delete(key);
    notify(c, Notify.GENERIC, 'del', key);
    c.rewrittenArgv = [serverDelCommand(c), key];
    keyChanged(c, key, size);
    return;
  }
  const config = c.server.encoding;
  const remaining = size - count;
  let popped: string[];
  if (remaining * SPOP_REBUILD_FACTOR > count) {
    // Few members go: pick them.
    const positions = sampleDistinct(size, count);
    popped = positions.map((i) => set.memberAt(i));
    set.removePositions(positions);
  } else {
    // Most members go: pick the ones that stay, build a new set of them, and pop the old one whole.
    const keep = sampleDistinct(size, remaining);
    if (set.compact) keep.sort((a, b) => a - b);
    const kept = new Set(keep);
    const first = set.memberAt(keep[0]);
    const rebuilt = config.setListpack
      ? (set.isIntset ? RSet.intset() : RSet.listpack(config))
      : RSet.create(first, 1, config);
    for (const i of keep) rebuilt.add(set.memberAt(i), config);
    popped = [];
    const members = set.members;
    for (let i = 0; i < size; i++) if (!kept.has(i)) popped.push(members[i]);
    c.db.set(key, rebuilt, true);
  }
  writeMembers(c, popped);
  propagateAsSrem(c, key, popped);
  keyChanged(c, key, count);
}

/**
 * SPOP with a count replicates as SREMs: Redis 7.0 sends one SREM per member, Valkey 8 batches
 * up to 1024 members per SREM. Several commands go out inside MULTI/EXEC.
 */
function propagateAsSrem(c: Client, key: string, members: readonly string[]): void {
  const batch = c.server.engine === 'valkey' ? 1024 : 1;
  const srems: string[][] = [];
  for (let i = 0; i < members.length; i += batch) {
    const argv = ['SREM', key];
    for (let j = i; j < Math.min(i + batch, members.length); j++) argv.push(members[j]);
    srems.push(argv);
  }
  c.rewrittenArgv = srems[0];
  if (srems.length > 1) c.extraPropagation = srems.slice(1);
}

/** The sets at `argv[from..to)` for SINTER/SUNION/SDIFF: null for a missing key. */
function readSets(c: Client, argv: readonly string[], from: number, to: number): Array<RSet | null> {
  const sets: Array<RSet | null> = [];
  for (let i = from; i < to; i++) sets.push(readSet(c, argv[i]) ?? null);
  return sets;
}

/** Stores a STORE command's result, or deletes the destination when the result is empty. */
function storeResult(c: Client, dst: string, result: RSet, event: string): void {
  if (result.length > 0) {
    setKey(c, dst, result);
    c.w.int(result.length);
    notify(c, Notify.SET, event, dst);
    return;
  }
  c.w.int(0);
  if (deleteKey(c, dst)) notify(c, Notify.GENERIC, 'del', dst);
}

/**
 * SINTER, SINTERCARD, SINTERSTORE over the keys `argv[from..to)`: walks the smallest set and
 * keeps the members every other set has. `limit` (SINTERCARD) stops counting early; 0 = none.
 */
function sinter(c: Client, argv: readonly string[], from: number, to: number, dst: string | null, cardinalityOnly: boolean, limit: number): void {
  const sets = readSets(c, argv, from, to);
  if (sets.includes(null)) {
    if (dst !== null) {
      if (deleteKey(c, dst)) notify(c, Notify.GENERIC, 'del', dst);
      c.w.int(0);
    } else if (cardinalityOnly) {
      c.w.int(0);
    } else {
      c.w.set(0);
    }
    return;
  }
  const ordered = (sets as RSet[]).slice().sort((a, b) => a.length - b.length);
  const smallest = ordered[0];
  const config = c.server.encoding;
  let result: RSet | null = null;
  if (dst !== null) {
    // Redis 7.0 builds the result from an empty intset; Valkey starts with the smallest set's
    // compact encoding and turns an all-integer result into an intset at the end.
    result = !config.setListpack || smallest.isIntset ? RSet.intset() : RSet.listpack(config);
  }
  const found: string[] = [];
  let cardinality = 0;
  let onlyIntegers = true;
  for (const member of smallest.members) {
    let inAll = true;
    for (let j = 1; j < ordered.length; j++) {
      if (ordered[j] !== smallest && !ordered[j].has(member)) {
        inAll = false;
        break;
      }
    }
    if (!inAll) continue;
    cardinality++;
    if (cardinalityOnly) {
      if (limit > 0 && cardinality >= limit) break;
    } else if (result !== null) {
      if (onlyIntegers && !isLongString(member)) onlyIntegers = false;
      result.add(member, config);
    } else {
      found.push(member);
    }
  }
  if (cardinalityOnly) {
    c.w.int(cardinality);
  } else if (result !== null) {
    if (config.setListpack && onlyIntegers && result.length > 0) result.convertToIntsetIfFits(config);
    storeResult(c, dst as string, result, 'sinterstore');
  } else {
    writeMembers(c, found);
  }
}

/** SINTERCARD numkeys key [key ...] [LIMIT limit] */
function sintercard(c: Client, argv: string[]): void {
  const numkeys = parseBigLong(argv[1]);
  if (numkeys === undefined || numkeys < 1n) throw new ReplyError('ERR numkeys should be greater than 0');
  if (numkeys > BigInt(argv.length - 2)) throw new ReplyError('ERR Number of keys can\'t be greater than number of args');
  const end = 2 + Number(numkeys);
  let limit = 0;
  for (let i = end; i < argv.length; i++) {
    if (is(argv[i], 'LIMIT') && i + 1 < argv.length) {
      const n = parseBigLong(argv[++i]);
      if (n === undefined || n < 0n) throw new ReplyError('ERR LIMIT can\'t be negative');
      limit = Number(n);
    } else {
      throw new ReplyError(Errors.SYNTAX);
    }
  }
  sinter(c, argv, 2, end, null, true, limit);
}

/** Key positions of SINTERCARD: `numkeys` keys after it (none when numkeys is invalid). */
function sintercardKeys(argv: readonly string[]): number[] {
  const n = parseBigLong(argv[1] ?? '');
  if (n === undefined || n < 1n) return [];
  const end = Math.min(argv.length, 2 + Number(n));
  const out: number[] = [];
  for (let i = 2; i < end; i++) out.push(i);
  return out;
}

/** SUNION, SDIFF and their STORE forms. */
function sunionDiff(c: Client, argv: readonly string[], dst: string | null, diff: boolean): void {
  const from = dst === null ? 1 : 2;
  const sets = readSets(c, argv, from, argv.length);
  const first = sets[0];
  const config = c.server.encoding;
  // The result is built like the server's temporary set: from an empty intset (Valkey uses a
  // hash table for a reply when a source is not an intset; that only changes the order).
  const result = dst === null && config.setListpack && sets.some((s) => s !== null && !s.isIntset) ? RSet.hashtable() : RSet.intset();
  if (!diff) {
    for (const set of sets) {
      if (set === null) continue;
      for (const m of set.members) result.add(m, config);
    }
  } else if (first !== null && !sets.some((s, j) => j > 0 && s === first)) {
    diffInto(result, first, sets.slice(1), config);
  }
  if (dst === null) writeMembers(c, result.members);
  else storeResult(c, dst, result, diff ? 'sdiffstore' : 'sunionstore');
}

/**
 * The members of `first` that none of `others` has, added to `result`. As the server does, walks
 * `first` checking the others (N*M) unless adding all and removing the others' members is cheaper.
 */
function diffInto(result: RSet, first: RSet, others: Array<RSet | null>, config: EncodingConfig): void {
  let walkWork = 0;
  let removeWork = first.length;
  for (const s of others) {
    if (s === null) continue;
    walkWork += first.length;
    removeWork += s.length;
  }
  walkWork += first.length;
  if (Math.floor(walkWork / 2) <= removeWork) {
    const present = (others.filter((s) => s !== null) as RSet[]).sort((a, b) => b.length - a.length);
    for (const m of first.members) {
      if (!present.some((s) => s.has(m))) result.add(m, config);
    }
    return;
  }
  for (const m of first.members) result.add(m, config);
  for (const s of others) {
    if (s === null) continue;
    for (const m of s.members) result.remove(m);
    if (result.length === 0) break;
  }
}

/** SSCAN key cursor [MATCH pattern] [COUNT count] */
function sscan(c: Client, argv: string[]): void {
  checkScanCursor(c, argv);
  const set = readSet(c, argv[1]);
  if (set === undefined) {
    writeEmptyScan(c);
    return;
  }
  const valkey = c.server.engine === 'valkey';
  const options = parseScanArgs(argv, 2, { noValues: valkey, strtoulCursor: !valkey });
  if (options.noValues) throw new ReplyError('ERR NOVALUES option can only be used in HSCAN');
  const out: string[] = [];
  const cursor = set.scan(options.cursor, options.count, (i) => {
    const member = set.memberAt(i);
    if (scanMatches(options, member)) out.push(member);
  });
  writeScanReply(c, cursor, out);
}
