import type { Client } from '../client';
import { Notify } from '../notify';
import { is, isLongString, parseBigLong } from './args';
import { deleteKey, keyChanged, lookupWrite, notify } from './keyspace';
import { parseScanArgs, scanMatches, writeScanReply } from './scan';
import { commands as sortCommands } from './sort';
import { CommandDef, Errors, ReplyError } from './types';
import type { Db, Entry } from '../store/db';
import { decodePayload, dumpValue, verifyPayload } from '../store/dump';
import { StringOrigin, stringEncoding, stringRefcount } from '../store/encoding';
import { lazyfree } from '../store/expire';
import { typeOf } from '../store/types';
import { globMatch } from '../util/glob';

const ALL_KEYS = { first: 1, last: -1, step: 1 };
const ONE_KEY = { first: 1, last: 1, step: 1 };
const TWO_KEYS = { first: 1, last: 2, step: 1 };
const SUBCOMMAND_KEY = { first: 2, last: 2, step: 1 };

const MAX_LONG = 9223372036854775807n;
const MIN_LONG = -9223372036854775808n;
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LRU_CLOCK_SIZE = 1 << 24;
const LRU_CLOCK_MAX = LRU_CLOCK_SIZE - 1;

const SAME_OBJECT = 'ERR source and destination objects are the same';

/** Generic key commands. */
export const commands: CommandDef[] = [
  {
    name: 'del',
    arity: -2,
    flags: ['write'],
    acl: ['keyspace'],
    keys: ALL_KEYS,
    group: 'generic',
    since: '1.0.0',
    summary: 'Deletes one or more keys.',
    complexity: 'O(N) where N is the number of keys that will be removed.',
    handler: (c, argv) => c.w.int(deleteKeys(c, argv)),
  },
  {
    name: 'unlink',
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['keyspace'],
    keys: ALL_KEYS,
    group: 'generic',
    since: '4.0.0',
    summary: 'Asynchronously deletes one or more keys.',
    complexity: 'O(1) for each key removed regardless of its size.',
    handler: (c, argv) => c.w.int(deleteKeys(c, argv)),
  },
  {
    name: 'exists',
    arity: -2,
    flags: ['readonly', 'fast'],
    acl: ['keyspace'],
    keys: ALL_KEYS,
    group: 'generic',
    since: '1.0.0',
    summary: 'Determines whether one or more keys exist.',
    complexity: 'O(N) where N is the number of keys to check.',
    handler: (c, argv) => {
      let n = 0;
      for (let i = 1; i < argv.length; i++) if (readEntry(c, argv[i], false) !== undefined) n++;
      c.w.int(n);
    },
  },
  {
    name: 'type',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['keyspace'],
    keys: ONE_KEY,
    group: 'generic',
    since: '1.0.0',
    summary: 'Determines the type of value stored at a key.',
    complexity: 'O(1)',
    handler: (c, argv) => {
      const entry = readEntry(c, argv[1], false);
      c.w.status(entry === undefined ? 'none' : typeOf(entry.value));
    },
  },
  {
    name: 'touch',
    arity: -2,
    flags: ['readonly', 'fast'],
    acl: ['keyspace'],
    keys: ALL_KEYS,
    group: 'generic',
    since: '3.2.1',
    summary: 'Returns the number of existing keys out of those specified after updating the time they were last accessed.',
    complexity: 'O(N) where N is the number of keys that will be touched.',
    handler: (c, argv) => {
      let n = 0;
      // TOUCH touches even for a client that asked not to (CLIENT NO-TOUCH).
      for (let i = 1; i < argv.length; i++) if (readEntry(c, argv[i], true, true, true) !== undefined) n++;
      c.w.int(n);
    },
  },
  expireCommand('expire', 'EX', '1.0.0', 'Sets the expiration time of a key in seconds.'),
  expireCommand('pexpire', 'PX', '2.6.0', 'Sets the expiration time of a key in milliseconds.'),
  expireCommand('expireat', 'EXAT', '1.2.0', 'Sets the expiration time of a key to a Unix timestamp.'),
  expireCommand('pexpireat', 'PXAT', '2.6.0', 'Sets the expiration time of a key to a Unix milliseconds timestamp.'),
  ttlCommand('ttl', false, false, '1.0.0', 'Returns the expiration time in seconds of a key.'),
  ttlCommand('pttl', true, false, '2.6.0', 'Returns the expiration time in milliseconds of a key.'),
  ttlCommand('expiretime', false, true, '7.0.0', 'Returns the expiration time of a key as a Unix timestamp.'),
  ttlCommand('pexpiretime', true, true, '7.0.0', 'Returns the expiration time of a key as a Unix milliseconds timestamp.'),
  {
    name: 'persist',
    arity: 2,
    flags: ['write', 'fast'],
    acl: ['keyspace'],
    keys: ONE_KEY,
    group: 'generic',
    since: '2.2.0',
    summary: 'Removes the expiration time of a key.',
    complexity: 'O(1)',
    handler: (c, argv) => {
      const key = argv[1];
      if (lookupWrite(c, key) === undefined || !c.db.persist(key)) {
        c.w.int(0);
        return;
      }
      notify(c, Notify.GENERIC, 'persist', key);
      keyChanged(c, key);
      c.w.int(1);
    },
  },
  {
    name: 'rename',
    arity: 3,
    flags: ['write'],
    acl: ['keyspace'],
    keys: TWO_KEYS,
    group: 'generic',
    since: '1.0.0',
    summary: 'Renames a key and overwrites the destination.',
    complexity: 'O(1)',
    handler: (c, argv) => rename(c, argv, false),
  },
  {
    name: 'renamenx',
    arity: 3,
    flags: ['write', 'fast'],
    acl: ['keyspace'],
    keys: TWO_KEYS,
    group: 'generic',
    since: '1.0.0',
    summary: 'Renames a key only when the target key name doesn\'t exist.',
    complexity: 'O(1)',
    handler: (c, argv) => rename(c, argv, true),
  },
  {
    name: 'copy',
    arity: -3,
    flags: ['write', 'denyoom'],
    acl: ['keyspace'],
    keys: TWO_KEYS,
    group: 'generic',
    since: '6.2.0',
    summary: 'Copies the value of a key to a new key.',
    complexity: 'O(N) worst case for collections, where N is the number of nested items. O(1) for string values.',
    handler: copy,
  },
  {
    name: 'move',
    arity: 3,
    flags: ['write', 'fast'],
    acl: ['keyspace'],
    keys: ONE_KEY,
    group: 'generic',
    since: '1.0.0',
    summary: 'Moves a key to another database.',
    complexity: 'O(1)',
    handler: move,
  },
  {
    name: 'keys',
    arity: 2,
    flags: ['readonly'],
    acl: ['keyspace', 'dangerous'],
    group: 'generic',
    since: '1.0.0',
    summary: 'Returns all key names that match a pattern.',
    complexity: 'O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.',
    handler: keysCommand,
  },
  {
    name: 'scan',
    arity: -2,
    flags: ['readonly'],
    acl: ['keyspace'],
    group: 'generic',
    since: '2.8.0',
    summary: 'Iterates over the key names in the database.',
    complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.',
    handler: scan,
  },
  {
    name: 'randomkey',
    arity: 1,
    flags: ['readonly'],
    acl: ['keyspace'],
    group: 'generic',
    since: '1.0.0',
    summary: 'Returns a random key name from the database.',
    complexity: 'O(1)',
    handler: (c) => c.w.bulkOrNull(c.db.randomKey(c.now, () => flushExpiryPropagation(c))),
  },
  {
    name: 'object',
    arity: -2,
    flags: [],
    acl: [],
    group: 'generic',
    since: '2.2.3',
    summary: 'A container for object introspection commands.',
    complexity: 'Depends on subcommand.',
    subcommands: [
      objectSubcommand('encoding', '2.2.3', 'Returns the internal encoding of a Redis object.', (c, entry) => {
        const value = entry.value;
        c.w.bulk(typeof value === 'string' ? stringEncoding(value, entry.strEnc) : value.encoding(c.server.encoding));
      }),
      objectSubcommand('freq', '4.0.0', 'Returns the logarithmic access frequency counter of a Redis object.', (c, entry) => {
        if (!c.server.maxmemoryPolicy.endsWith('lfu')) {
          throw new ReplyError('ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.');
        }
        c.w.int(c.server.lfuCounter(entry));
      }),
      objectSubcommand('idletime', '2.2.3', 'Returns the time since the last access to a Redis object.', (c, entry) => {
        if (c.server.maxmemoryPolicy.endsWith('lfu')) {
          throw new ReplyError('ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.');
        }
        c.w.int(Math.floor(c.server.idleTime(entry) / 1000));
      }),
      objectSubcommand('refcount', '2.2.3', 'Returns the reference count of a value of a key.', (c, entry) => {
        const value = entry.value;
        c.w.int(typeof value === 'string' ? stringRefcount(value, entry.strEnc, sharedIntegers(c)) : 1);
      }),
      {
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: ['keyspace'],
        group: 'generic',
        since: '6.2.0',
        summary: 'Returns helpful text about the different subcommands.',
        complexity: 'O(1)',
        handler: (c) => helpReply(c, 'OBJECT', OBJECT_HELP),
      },
    ],
  },
  {
    name: 'dump',
    arity: 2,
    flags: ['readonly'],
    acl: ['keyspace'],
    keys: ONE_KEY,
    group: 'generic',
    since: '2.6.0',
    summary: 'Returns a serialized representation of the value stored at a key.',
    complexity: 'O(1) to access the key and additional O(N*M) to serialize it, where N is the number of objects composing the value and M their average size.',
    handler: (c, argv) => {
      const entry = readEntry(c, argv[1], true);
      if (entry === undefined) c.w.nullBulk();
      else c.w.bulk(dumpValue(entry.value));
    },
  },
  {
    name: 'restore',
    arity: -4,
    flags: ['write', 'denyoom'],
    acl: ['keyspace', 'dangerous'],
    keys: ONE_KEY,
    group: 'generic',
    since: '2.6.0',
    summary: 'Creates a key from the serialized representation of a value.',
    complexity: 'O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of objects composing the value and M their average size.',
    handler: restore,
  },
  ...sortCommands,
];

// ---------------------------------------------------------------------------------------------
// Lookups

/**
 * Looks a key up as the real server's read lookups do: counts a keyspace hit or miss, fires
 * `keymiss` (unless `notifyMiss` is false), and updates the access time when `touch` is set
 * (and the client did not ask for no-touch, unless `force`).
 */
function readEntry(c: Client, key: string, touch: boolean, notifyMiss = true, force = false): Entry | undefined {
  const entry = c.db.lookup(key, c.now, touch && (force || !c.noTouch));
  const server = c.server;
  if (entry === undefined) {
    server.stats.keyspaceMisses++;
    if (notifyMiss && server.notifyFlags & Notify.KEY_MISS) server.notify(Notify.KEY_MISS, 'keymiss', key, c.db.id);
  } else {
    server.stats.keyspaceHits++;
  }
  return entry;
}

/**
 * Sends the DEL of an expired key found by a command that touches arbitrary keys (SCAN,
 * RANDOMKEY) on its own, as the real server does, rather than wrapping several in MULTI/EXEC.
 * Inside a transaction or script it stays with the rest of the unit.
 */
function flushExpiryPropagation(c: Client): void {
  if (!c.inExec && c.kind !== 'script') c.server.flushPropagation();
}

function clusterEnabled(c: Client): boolean {
  return c.server.config.getBool('cluster-enabled');
}

/** A database index argument as the real server parses it (a 32-bit int, then range). */
function databaseArg(c: Client, arg: string): Db {
  const n = parseBigLong(arg);
  if (n === undefined) throw new ReplyError(Errors.NOT_INTEGER);
  if (n < BigInt(INT_MIN) || n > BigInt(INT_MAX)) throw new ReplyError(`ERR value is out of range, value must between ${INT_MIN} and ${INT_MAX}`);
  const index = Number(n);
  if (index < 0 || index >= c.server.dbs.length) throw new ReplyError(Errors.DB_INDEX);
  return c.server.dbs[index];
}

// ---------------------------------------------------------------------------------------------
// DEL, UNLINK, TTL, EXPIRE

function deleteKeys(c: Client, argv: string[]): number {
  let n = 0;
  for (let i = 1; i < argv.length; i++) {
    const key = argv[i];
    if (lookupWrite(c, key) === undefined) continue;
    deleteKey(c, key);
    notify(c, Notify.GENERIC, 'del', key);
    n++;
  }
  return n;
}

/** TTL, PTTL, EXPIRETIME, PEXPIRETIME. */
function ttlCommand(name: string, ms: boolean, absolute: boolean, since: string, summary: string): CommandDef {
  return {
    name,
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['keyspace'],
    keys: ONE_KEY,
    group: 'generic',
    since,
    summary,
    complexity: 'O(1)',
    handler: (c, argv) => {
      if (readEntry(c, argv[1], false) === undefined) {
        c.w.int(-2);
        return;
      }
      const at = c.db.getExpire(argv[1]);
      if (at === undefined) {
        c.w.int(-1);
        return;
      }
      const t = Math.max(0, absolute ? at : at - c.now);
      c.w.int(ms ? t : Math.floor((t + 500) / 1000));
    },
  };
}

/** EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT key time [NX|XX|GT|LT] */
function expireCommand(name: string, unit: 'EX' | 'PX' | 'EXAT' | 'PXAT', since: string, summary: string): CommandDef {
  return {
    name,
    arity: -3,
    flags: ['write', 'fast'],
    acl: ['keyspace'],
    keys: ONE_KEY,
    group: 'generic',
    since,
    summary,
    complexity: 'O(1)',
    handler: (c, argv) => {
      let nx = false;
      let xx = false;
      let gt = false;
      let lt = false;
      for (let i = 3; i < argv.length; i++) {
        const a = argv[i];
        if (is(a, 'NX')) nx = true;
        else if (is(a, 'XX')) xx = true;
        else if (is(a, 'GT')) gt = true;
        else if (is(a, 'LT')) lt = true;
        else throw new ReplyError(`ERR Unsupported option ${a}`);
      }
      if (nx && (xx || gt || lt)) throw new ReplyError('ERR NX and XX, GT or LT options at the same time are not compatible');
      if (gt && lt) throw new ReplyError('ERR GT and LT options at the same time are not compatible');
      if (!isLongString(argv[2])) throw new ReplyError(Errors.NOT_INTEGER);
      const invalid = `ERR invalid expire time in '${name}' command`;
      let when = BigInt(argv[2]);
      if (unit === 'EX' || unit === 'EXAT') {
        if (when > MAX_LONG / 1000n || when < MIN_LONG / 1000n) throw new ReplyError(invalid);
        when *= 1000n;
      }
      if (unit === 'EX' || unit === 'PX') {
        when += BigInt(c.now);
        if (when > MAX_LONG) throw new ReplyError(invalid);
      }
      const key = argv[1];
      if (lookupWrite(c, key) === undefined) {
        c.w.int(0);
        return;
      }
      const current = c.db.getExpire(key);
      if ((nx && current !== undefined) || (xx && current === undefined)) {
        c.w.int(0);
        return;
      }
      if (gt && (current === undefined || when <= BigInt(current))) {
        c.w.int(0);
        return;
      }
      if (lt && current !== undefined && when >= BigInt(current)) {
        c.w.int(0);
        return;
      }
      const at = Number(when);
      if (at <= c.now && c.server.role === 'master') {
        // Already in the past: the key goes now, and replicas are told to delete it.
        deleteKey(c, key);
        notify(c, Notify.GENERIC, 'del', key);
        c.rewrittenArgv = [lazyfree(c.server, 'expire') ? 'UNLINK' : 'DEL', key];
        c.w.int(1);
        return;
      }
      c.db.setExpire(key, at);
      keyChanged(c, key);
      notify(c, Notify.GENERIC, 'expire', key);
      // Replicas get the absolute time; PEXPIREAT already carries it and goes as sent.
      if (unit !== 'PXAT') c.rewrittenArgv = ['PEXPIREAT', key, String(when), ...argv.slice(3)];
      c.w.int(1);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// RENAME, COPY, MOVE

/** RENAME / RENAMENX source destination */
function rename(c: Client, argv: string[], nx: boolean): void {
  const src = argv[1];
  const dst = argv[2];
  const entry = c.db.lookup(src, c.now, true);
  if (entry === undefined) throw new ReplyError(Errors.NO_SUCH_KEY);
  if (src === dst) {
    if (nx) c.w.int(0);
    else c.w.ok();
    return;
  }
  const expire = c.db.getExpire(src);
  if (lookupWrite(c, dst) !== undefined) {
    if (nx) {
      c.w.int(0);
      return;
    }
    c.db.delete(dst);
  }
  c.db.delete(src);
  transplant(c.db, dst, entry, entry.value, expire);
  c.db.signalModified(src);
  keyChanged(c, dst);
  notify(c, Notify.GENERIC, 'rename_from', src);
  notify(c, Notify.GENERIC, 'rename_to', dst);
  if (nx) c.w.int(1);
  else c.w.ok();
}

/**
 * Adds `key` to `db` with a value taken from another key's entry, keeping what belongs to the
 * object rather than to the key: its access data (LRU/LFU) and how a string was created.
 */
function transplant(db: Db, key: string, from: Entry, value: Entry['value'], expire: number | undefined): Entry {
  const entry = db.add(key, value);
  entry.lru = from.lru;
  entry.strEnc = from.strEnc;
  if (expire !== undefined) db.setExpire(key, expire);
  return entry;
}

/** COPY source destination [DB destination-db] [REPLACE] */
function copy(c: Client, argv: string[]): void {
  const src = c.db;
  let dst = c.db;
  let replace = false;
  for (let i = 3; i < argv.length; i++) {
    if (is(argv[i], 'REPLACE')) {
      replace = true;
    } else if (is(argv[i], 'DB') && i + 1 < argv.length) {
      dst = databaseArg(c, argv[++i]);
    } else {
      throw new ReplyError(Errors.SYNTAX);
    }
  }
  if (clusterEnabled(c) && (src.id !== 0 || dst.id !== 0)) {
    throw new ReplyError('ERR Copying to another database is not allowed in cluster mode');
  }
  const key = argv[1];
  const newKey = argv[2];
  if (src === dst && key === newKey) throw new ReplyError(SAME_OBJECT);
  const entry = readEntry(c, key, true);
  if (entry === undefined) {
    c.w.int(0);
    return;
  }
  const expire = src.getExpire(key);
  const exists = dst.lookup(newKey, c.now, true) !== undefined;
  if (exists && !replace) {
    c.w.int(0);
    return;
  }
  const value = entry.value;
  if (exists) dst.delete(newKey);
  const copied = dst.add(newKey, typeof value === 'string' ? value : value.clone());
  if (typeof value === 'string') {
    // A copy is a new object: a shared small integer becomes an integer of its own.
    copied.strEnc = stringEncoding(value, entry.strEnc) === 'int' ? StringOrigin.UNSHARED_INT : entry.strEnc;
  }
  if (expire !== undefined) dst.setExpire(newKey, expire);
  dst.signalModified(newKey);
  c.server.dirty++;
  c.server.notify(Notify.GENERIC, 'copy_to', newKey, dst.id);
  c.w.int(1);
}

/** MOVE key db */
function move(c: Client, argv: string[]): void {
  if (clusterEnabled(c)) throw new ReplyError('ERR MOVE is not allowed in cluster mode');
  const src = c.db;
  const dst = databaseArg(c, argv[2]);
  if (dst === src) throw new ReplyError(SAME_OBJECT);
  const key = argv[1];
  const entry = src.lookup(key, c.now, true);
  if (entry === undefined) {
    c.w.int(0);
    return;
  }
  const expire = src.getExpire(key);
  if (dst.lookup(key, c.now, true) !== undefined) {
    c.w.int(0);
    return;
  }
  src.delete(key);
  transplant(dst, key, entry, entry.value, expire);
  src.signalModified(key);
  dst.signalModified(key);
  c.server.dirty++;
  c.server.notify(Notify.GENERIC, 'move_from', key, src.id);
  c.server.notify(Notify.GENERIC, 'move_to', key, dst.id);
  c.w.int(1);
}

// ---------------------------------------------------------------------------------------------
// KEYS, SCAN

/** KEYS pattern: every live key matching; expired keys are skipped, not deleted. */
function keysCommand(c: Client, argv: string[]): void {
  const pattern = argv[1];
  const all = pattern === '*';
  const db = c.db;
  const now = c.now;
  const out: string[] = [];
  for (const [key, entry] of db.dict) {
    if (!all && !globMatch(pattern, key)) continue;
    if (entry.vslot >= 0 && (db.getExpire(key) as number) <= now) continue;
    out.push(key);
  }
  c.w.bulkArray(out);
}

const TYPE_NAMES = new Set(['string', 'list', 'set', 'zset', 'hash', 'stream']);

/** SCAN cursor [MATCH pattern] [COUNT count] [TYPE type] */
function scan(c: Client, argv: string[]): void {
  const redis = c.server.engine === 'redis';
  const options = parseScanArgs(argv, 1, { type: true, strtoulCursor: redis });
  const type = options.type?.toLowerCase();
  // Valkey refuses an unknown type; Redis OSS 7.0 just finds nothing of it.
  if (!redis && type !== undefined && !TYPE_NAMES.has(type)) throw new ReplyError(`ERR unknown type name '${options.type}'`);
  const db = c.db;
  const found: string[] = [];
  const next = db.scan(options.cursor, options.count, (key) => found.push(key));
  const keys: string[] = [];
  for (const key of found) {
    if (!scanMatches(options, key)) continue;
    let entry: Entry | undefined;
    if (type !== undefined) {
      // Redis OSS 7.0 looks each candidate up as a read (keyspace hits and misses count).
      entry = redis ? readEntry(c, key, false) : db.lookup(key, c.now, false);
      if (entry === undefined || typeOf(entry.value) !== type) {
        flushExpiryPropagation(c);
        continue;
      }
    } else {
      entry = db.lookup(key, c.now, false);
      if (entry === undefined) {
        flushExpiryPropagation(c);
        continue;
      }
    }
    keys.push(key);
  }
  writeScanReply(c, next, keys);
}

// ---------------------------------------------------------------------------------------------
// OBJECT

const OBJECT_HELP = [
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
];

/** A container's HELP reply: a title line, the subcommand lines, and HELP itself. */
function helpReply(c: Client, container: string, lines: readonly string[]): void {
  c.w.array(lines.length + 3);
  c.w.status(`${container} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const line of lines) c.w.status(line);
  c.w.status('HELP');
  c.w.status('    Prints this help.');
}

/** OBJECT ENCODING|FREQ|IDLETIME|REFCOUNT key: a null reply for a missing key. */
function objectSubcommand(name: string, since: string, summary: string, reply: (c: Client, entry: Entry) => void): CommandDef {
  return {
    name,
    arity: 3,
    flags: ['readonly'],
    acl: ['keyspace'],
    keys: SUBCOMMAND_KEY,
    group: 'generic',
    since,
    summary,
    complexity: 'O(1)',
    handler: (c, argv) => {
      // Looked up without touching the key and without a keymiss event; hits and misses count.
      const entry = readEntry(c, argv[2], false, false);
      if (entry === undefined) c.w.nullBulk();
      else reply(c, entry);
    },
  };
}

/** Whether small integers are shared objects: not under an LRU/LFU policy with a memory limit. */
function sharedIntegers(c: Client): boolean {
  const policy = c.server.maxmemoryPolicy;
  return c.server.maxmemory === 0 || !(policy.endsWith('lru') || policy.endsWith('lfu'));
}

// ---------------------------------------------------------------------------------------------
// RESTORE

/** RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency] */
function restore(c: Client, argv: string[]): void {
  let replace = false;
  let absTtl = false;
  let idle = -1;
  let freq = -1;
  for (let i = 4; i < argv.length; i++) {
    const a = argv[i];
    const more = i + 1 < argv.length;
    if (is(a, 'REPLACE')) {
      replace = true;
    } else if (is(a, 'ABSTTL')) {
      absTtl = true;
    } else if (is(a, 'IDLETIME') && more && freq === -1) {
      const n = parseBigLong(argv[++i]);
      if (n === undefined) throw new ReplyError(Errors.NOT_INTEGER);
      if (n < 0n) throw new ReplyError('ERR Invalid IDLETIME value, must be >= 0');
      idle = Number(n);
    } else if (is(a, 'FREQ') && more && idle === -1) {
      const n = parseBigLong(argv[++i]);
      if (n === undefined) throw new ReplyError(Errors.NOT_INTEGER);
      if (n < 0n || n > 255n) throw new ReplyError('ERR Invalid FREQ value, must be >= 0 and <= 255');
      freq = Number(n);
    } else {
      throw new ReplyError(Errors.SYNTAX);
    }
  }
  const key = argv[1];
  if (!replace && lookupWrite(c, key) !== undefined) throw new ReplyError(Errors.BUSYKEY);
  let ttl = parseBigLong(argv[2]);
  if (ttl === undefined) throw new ReplyError(Errors.NOT_INTEGER);
  if (ttl < 0n) throw new ReplyError('ERR Invalid TTL value, must be >= 0');
  if (!verifyPayload(argv[3])) throw new ReplyError('ERR DUMP payload version or checksum are wrong');
  const value = decodePayload(argv[3]);
  if (value === undefined) throw new ReplyError('ERR Bad data format');

  const db = c.db;
  const deleted = replace && db.delete(key);
  // A relative TTL past the 64-bit range wraps around in the real server, into the past.
  if (ttl !== 0n && !absTtl) ttl = ttl + BigInt(c.now) > MAX_LONG ? -1n : ttl + BigInt(c.now);
  if (ttl !== 0n && ttl <= BigInt(c.now) && c.server.role === 'master') {
    // Already expired: nothing is created; a replaced key is gone, and replicas are told so.
    if (deleted) {
      const unlink = c.server.engine === 'valkey' && lazyfree(c.server, 'server-del');
      c.rewrittenArgv = [unlink ? 'UNLINK' : 'DEL', key];
      keyChanged(c, key);
      notify(c, Notify.GENERIC, 'del', key);
    }
    c.w.ok();
    return;
  }
  const entry = db.add(key, value);
  if (ttl !== 0n) {
    db.setExpire(key, Number(ttl));
    if (!absTtl) {
      const rewritten = argv.slice();
      rewritten[2] = String(ttl);
      rewritten.push('ABSTTL');
      c.rewrittenArgv = rewritten;
    }
  }
  const server = c.server;
  if (server.maxmemoryPolicy.endsWith('lfu')) {
    if (freq >= 0) entry.lru = ((Math.floor(c.now / 60000) & 0xffff) << 8) | freq;
  } else if (idle >= 0) {
    // An idle time from before the 24-bit clock wrapped lands where the clock's arithmetic puts it.
    let stamp = (Math.floor(c.now / 1000) & LRU_CLOCK_MAX) - idle;
    if (stamp < 0) stamp += LRU_CLOCK_MAX;
    entry.lru = ((stamp % LRU_CLOCK_SIZE) + LRU_CLOCK_SIZE) % LRU_CLOCK_SIZE;
  }
  keyChanged(c, key);
  notify(c, Notify.GENERIC, 'restore', key);
  c.w.ok();
}
