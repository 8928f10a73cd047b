import type { Client } from '../client';
import { Notify } from '../notify';
import { keyChanged, lookupEntry, lookupRead, notify } from './keyspace';
import { CommandDef, Errors, ReplyError } from './types';
import type { Entry } from '../store/db';
import {
  cachedCountOf, estimateRegisters, Hll, HLL_DENSE, HLL_REGISTERS, HLL_SPARSE, isHllString,
} from '../store/hll';

/**
 * HyperLogLog commands. A sketch is an ordinary string value in the real server's byte layout
 * (see store/hll.ts): TYPE says string, GET returns the same bytes as redis-server, and a string
 * SET from another server's GET is a working sketch here.
 */

const NOT_HLL = 'WRONGTYPE Key is not a valid HyperLogLog string value.';
const CORRUPT = 'INVALIDOBJ Corrupted HLL object detected';

export const commands: CommandDef[] = [
  {
    name: 'pfadd',
    arity: -2,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['hyperloglog'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'hyperloglog',
    since: '2.8.9',
    complexity: 'O(1) to add every element.',
    summary: 'Adds elements to a HyperLogLog key. Creates the key if it doesn\'t exist.',
    handler: pfadd,
  },
  {
    name: 'pfcount',
    arity: -2,
    flags: ['readonly', 'may_replicate'],
    acl: ['hyperloglog'],
    keys: { first: 1, last: -1, step: 1 },
    // Counting one key stores the count in the sketch's header.
    keyAccess: 'readwrite',
    group: 'hyperloglog',
    since: '2.8.9',
    complexity: 'O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.',
    summary: 'Returns the approximated cardinality of the set(s) observed by the HyperLogLog key(s).',
    handler: pfcount,
  },
  {
    name: 'pfmerge',
    arity: -2,
    flags: ['write', 'denyoom'],
    acl: ['hyperloglog'],
    keys: { first: 1, last: -1, step: 1 },
    group: 'hyperloglog',
    since: '2.8.9',
    complexity: 'O(N) to merge N HyperLogLogs, but with high constant times.',
    summary: 'Merges one or more HyperLogLog values into a single key.',
    handler: pfmerge,
  },
  {
    name: 'pfdebug',
    arity: 3,
    flags: ['write', 'denyoom', 'admin'],
    acl: ['hyperloglog'],
    keys: { first: 2, last: 2, step: 1 },
    group: 'hyperloglog',
    since: '2.8.9',
    complexity: 'N/A',
    summary: 'Internal commands for debugging HyperLogLog values.',
    handler: pfdebug,
  },
];

/** The sketch in a value; the server's errors for other types and for strings that are not sketches. */
function sketchOf(value: unknown): string {
  if (typeof value !== 'string') throw new ReplyError(Errors.WRONGTYPE);
  if (!isHllString(value)) throw new ReplyError(NOT_HLL);
  return value;
}

function sparseMaxBytes(c: Client): number {
  return c.server.config.getNumber('hll-sparse-max-bytes');
}

/** PFADD key [element ...] */
function pfadd(c: Client, argv: string[]): void {
  const key = argv[1];
  const entry = lookupEntry(c, key);
  let hll: Hll;
  let updated = 0;
  if (entry === undefined) {
    hll = Hll.empty();
    updated = 1;
  } else {
    hll = Hll.fromString(sketchOf(entry.value));
  }
  const limit = sparseMaxBytes(c);
  for (let i = 2; i < argv.length; i++) {
    const r = hll.add(argv[i], limit);
    if (r === 1) {
      updated++;
    } else if (r === -1) {
      // The server edits in place: what changed before the corrupt part was found stays changed.
      if (entry !== undefined && updated > 0) c.db.replaceString(entry, hll.toString());
      throw new ReplyError(CORRUPT);
    }
  }
  if (updated > 0) {
    hll.invalidateCache();
    if (entry === undefined) c.db.set(key, hll.toString());
    else c.db.replaceString(entry, hll.toString());
    keyChanged(c, key, updated);
    notify(c, Notify.STRING, 'pfadd', key);
  }
  c.w.int(updated > 0 ? 1 : 0);
}

/** PFCOUNT key [key ...] */
function pfcount(c: Client, argv: string[]): void {
  if (argv.length > 2) {
    // Several keys: merge into raw registers and count, without touching the keys.
    const max = new Uint8Array(HLL_REGISTERS);
    for (let i = 1; i < argv.length; i++) {
      const value = lookupRead(c, argv[i]);
      if (value === undefined) continue;
      if (!Hll.fromString(sketchOf(value)).mergeInto(max)) throw new ReplyError(CORRUPT);
    }
    c.w.int(estimateRegisters(max));
    return;
  }
  const key = argv[1];
  const value = lookupRead(c, key);
  if (value === undefined) {
    c.w.int(0);
    return;
  }
  const sketch = sketchOf(value);
  const cached = cachedCountOf(sketch);
  if (cached !== undefined) {
    c.w.int(cached);
    return;
  }
  const hll = Hll.fromString(sketch);
  const count = hll.count();
  if (count < 0) throw new ReplyError(CORRUPT);
  // The count goes into the header: the value changes, so the command propagates.
  hll.storeCount(count);
  c.db.replaceString(c.db.dict.get(key) as Entry, hll.toString());
  keyChanged(c, key);
  c.w.int(count);
}

/** PFMERGE destkey [sourcekey ...] */
function pfmerge(c: Client, argv: string[]): void {
  const max = new Uint8Array(HLL_REGISTERS);
  let dense = false;
  // The destination is one of the inputs.
  for (let i = 1; i < argv.length; i++) {
    const value = lookupRead(c, argv[i]);
    if (value === undefined) continue;
    const hll = Hll.fromString(sketchOf(value));
    if (hll.encoding === HLL_DENSE) dense = true;
    if (!hll.mergeInto(max)) throw new ReplyError(CORRUPT);
  }
  const key = argv[1];
  const entry = lookupEntry(c, key);
  const hll = entry === undefined ? Hll.empty() : Hll.fromString(entry.value as string);
  // The result is dense when any input was; otherwise it stays sparse while it fits.
  if (dense && !hll.toDense()) throw new ReplyError(CORRUPT);
  const limit = sparseMaxBytes(c);
  for (let i = 0; i < HLL_REGISTERS; i++) {
    if (max[i] !== 0) hll.set(i, max[i], limit);
  }
  hll.invalidateCache();
  if (entry === undefined) c.db.set(key, hll.toString());
  else c.db.replaceString(entry, hll.toString());
  keyChanged(c, key);
  notify(c, Notify.STRING, 'pfadd', key);
  c.w.ok();
}

/** PFDEBUG GETREG|DECODE|ENCODING|TODENSE key */
function pfdebug(c: Client, argv: string[]): void {
  const sub = argv[1];
  const key = argv[2];
  const entry = lookupEntry(c, key);
  if (entry === undefined) throw new ReplyError('ERR The specified key does not exist');
  const hll = Hll.fromString(sketchOf(entry.value));
  const name = sub.toLowerCase();
  if (name === 'getreg' || name === 'todense') {
    const converted = hll.encoding === HLL_SPARSE;
    if (converted) {
      if (!hll.toDense()) throw new ReplyError(CORRUPT);
      c.db.replaceString(entry, hll.toString());
      // The encoding changed: make replicas convert too.
      c.server.dirty++;
    }
    if (name === 'todense') {
      c.w.int(converted ? 1 : 0);
      return;
    }
    const registers = hll.registers();
    let out = '*' + HLL_REGISTERS + '\r\n';
    for (let i = 0; i < HLL_REGISTERS; i++) out += ':' + registers[i] + '\r\n';
    c.w.raw(out);
  } else if (name === 'decode') {
    if (hll.encoding !== HLL_SPARSE) throw new ReplyError('ERR HLL encoding is not sparse');
    c.w.bulk(hll.describeSparse());
  } else if (name === 'encoding') {
    c.w.status(hll.encoding === HLL_DENSE ? 'dense' : 'sparse');
  } else {
    throw new ReplyError(`ERR Unknown PFDEBUG subcommand '${sub}'`);
  }
}
