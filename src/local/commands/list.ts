import type { Client } from '../client';
import { Notify } from '../notify';
import { is, isLongString, parseLong } from './args';
import { deleteIfEmpty, expectType, keyChanged, lookupRead, lookupWrite, notify } from './keyspace';
import { blockingTimeout } from './timeout';
import { Command, CommandDef, Errors, ReplyError, wrongArity } from './types';
import { ListValue } from '../store/list';
import { RValue, typeOf } from '../store/types';

const ONE_KEY = { first: 1, last: 1, step: 1 };
const TWO_KEYS = { first: 1, last: 2, step: 1 };
const PUSH_COMPLEXITY = 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.';

const LONG_MAX = 9223372036854775807n;
const LONG_MIN_TEXT = '-9223372036854775808';

/** Which end of a list. */
type End = 'head' | 'tail';

/** List commands, blocking ones included. */
export const commands: CommandDef[] = [
  pushCommand('lpush', 'head', false, '1.0.0', 'Prepends one or more elements to a list. Creates the key if it doesn\'t exist.'),
  pushCommand('rpush', 'tail', false, '1.0.0', 'Appends one or more elements to a list. Creates the key if it doesn\'t exist.'),
  pushCommand('lpushx', 'head', true, '2.2.0', 'Prepends one or more elements to a list only when the list exists.'),
  pushCommand('rpushx', 'tail', true, '2.2.0', 'Appends an element to a list only when the list exists.'),
  popCommand('lpop', 'head', 'Returns the first elements in a list after removing it. Deletes the list if the last element was popped.'),
  popCommand('rpop', 'tail', 'Returns and removes the last elements of a list. Deletes the list if the last element was popped.'),
  {
    name: 'llen',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['list'],
    keys: ONE_KEY,
    group: 'list',
    since: '1.0.0',
    summary: 'Returns the length of a list.',
    complexity: 'O(1)',
    handler: (c, argv) => {
      const list = readList(c, argv[1]);
      c.w.int(list === undefined ? 0 : list.length);
    },
  },
  {
    name: 'lindex',
    arity: 3,
    flags: ['readonly'],
    acl: ['list'],
    keys: ONE_KEY,
    group: 'list',
    since: '1.0.0',
    summary: 'Returns an element from a list by its index.',
    complexity: 'O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).',
    handler: lindex,
  },
  {
    name: 'lset',
    arity: 4,
    flags: ['write', 'denyoom'],
    acl: ['list'],
    keys: ONE_KEY,
    group: 'list',
    since: '1.0.0',
    summary: 'Sets the value of an element in a list by its index.',
    complexity: 'O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).',
    handler: lset,
  },
  {
    name: 'lrange',
    arity: 4,
    flags: ['readonly'],
    acl: ['list'],
    keys: ONE_KEY,
    group: 'list',
    since: '1.0.0',
    summary: 'Returns a range of elements from a list.',
    complexity: 'O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.',
    handler: lrange,
  },
  {
    name: 'ltrim',
    arity: 4,
    flags: ['write'],
    acl: ['list'],
    keys: ONE_KEY,
    group: 'list',
    since: '1.0.0',
    summary: 'Removes elements from both ends a list. Deletes the list if all elements were trimmed.',
    complexity: 'O(N) where N is the number of elements to be removed by the operation.',
    handler: ltrim,
  },
  {
    name: 'lrem',
    arity: 4,
    flags: ['write'],
    acl: ['list'],
    keys: ONE_KEY,
    group: 'list',
    since: '1.0.0',
    summary: 'Removes elements from a list. Deletes the list if the last element was removed.',
    complexity: 'O(N+M) where N is the length of the list and M is the number of elements removed.',
    handler: lrem,
  },
  {
    name: 'linsert',
    arity: 5,
    flags: ['write', 'denyoom'],
    acl: ['list'],
    keys: ONE_KEY,
    group: 'list',
    since: '2.2.0',
    summary: 'Inserts an element before or after another element in a list.',
    complexity: 'O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).',
    handler: linsert,
  },
  {
    name: 'lpos',
    arity: -3,
    flags: ['readonly'],
    acl: ['list'],
    keys: ONE_KEY,
    group: 'list',
    since: '6.0.6',
    summary: 'Returns the index of matching elements in a list.',
    complexity: 'O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.',
    handler: lpos,
  },
  {
    name: 'lmove',
    arity: 5,
    flags: ['write', 'denyoom'],
    acl: ['list'],
    keys: TWO_KEYS,
    group: 'list',
    since: '6.2.0',
    summary: 'Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved.',
    complexity: 'O(1)',
    handler: (c, argv) => {
      const from = end(argv[3]);
      const to = end(argv[4]);
      lmove(c, argv[1], argv[2], from, to);
    },
  },
  {
    name: 'rpoplpush',
    arity: 3,
    flags: ['write', 'denyoom'],
    acl: ['list'],
    keys: TWO_KEYS,
    group: 'list',
    since: '1.2.0',
    summary: 'Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped.',
    complexity: 'O(1)',
    handler: (c, argv) => lmove(c, argv[1], argv[2], 'tail', 'head'),
  },
  {
    name: 'lmpop',
    arity: -4,
    flags: ['write'],
    acl: ['list'],
    getKeys: mpopKeys(1),
    group: 'list',
    since: '7.0.0',
    summary: 'Returns multiple elements from a list after removing them. Deletes the list if the last element was popped.',
    complexity: 'O(N+M) where N is the number of provided keys and M is the number of elements returned.',
    handler: (c, argv) => lmpop(c, argv, 1, false),
  },
  {
    name: 'blpop',
    arity: -3,
    flags: ['write', 'noscript', 'blocking'],
    acl: ['list'],
    keys: { first: 1, last: -2, step: 1 },
    group: 'list',
    since: '2.0.0',
    summary: 'Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.',
    complexity: 'O(N) where N is the number of provided keys.',
    handler: (c, argv) => bpop(c, argv, 'head'),
  },
  {
    name: 'brpop',
    arity: -3,
    flags: ['write', 'noscript', 'blocking'],
    acl: ['list'],
    keys: { first: 1, last: -2, step: 1 },
    group: 'list',
    since: '2.0.0',
    summary: 'Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.',
    complexity: 'O(N) where N is the number of provided keys.',
    handler: (c, argv) => bpop(c, argv, 'tail'),
  },
  {
    name: 'blmove',
    arity: 6,
    flags: ['write', 'denyoom', 'noscript', 'blocking'],
    acl: ['list'],
    keys: TWO_KEYS,
    group: 'list',
    since: '6.2.0',
    summary: 'Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved.',
    complexity: 'O(1)',
    handler: (c, argv) => {
      const from = end(argv[3]);
      const to = end(argv[4]);
      blmove(c, argv, from, to, argv[5]);
    },
  },
  {
    name: 'brpoplpush',
    arity: 4,
    flags: ['write', 'denyoom', 'noscript', 'blocking'],
    acl: ['list'],
    keys: TWO_KEYS,
    group: 'list',
    since: '2.2.0',
    summary: 'Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped.',
    complexity: 'O(1)',
    handler: (c, argv) => blmove(c, argv, 'tail', 'head', argv[3]),
  },
  {
    name: 'blmpop',
    arity: -5,
    flags: ['write', 'blocking'],
    acl: ['list'],
    getKeys: mpopKeys(2),
    group: 'list',
    since: '7.0.0',
    summary: 'Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped.',
    complexity: 'O(N+M) where N is the number of provided keys and M is the number of elements returned.',
    handler: (c, argv) => lmpop(c, argv, 2, true),
  },
];

// ------------------------------------------------------------------------------------------
// Helpers

/** A list for reading (hit/miss statistics); undefined when missing; WRONGTYPE for another type. */
function readList(c: Client, key: string): ListValue | undefined {
  const value = lookupRead(c, key);
  return value === undefined ? undefined : expectType<ListValue>(value, 'list');
}

/** A list for writing; undefined when missing; WRONGTYPE for another type. */
function writeList(c: Client, key: string): ListValue | undefined {
  const value = lookupWrite(c, key);
  return value === undefined ? undefined : expectType<ListValue>(value, 'list');
}

/** LEFT or RIGHT, any case. */
function end(arg: string): End {
  if (is(arg, 'LEFT')) return 'head';
  if (is(arg, 'RIGHT')) return 'tail';
  throw new ReplyError(Errors.SYNTAX);
}

/** A 64-bit integer argument (indexes, ranges). */
function long(arg: string): number {
  if (!isLongString(arg)) throw new ReplyError(Errors.NOT_INTEGER);
  return Number(arg);
}

/**
 * An integer argument within [min, max] (the server's getRangeLongFromObjectOrReply): `message`
 * is the error for both a non-integer and a value out of range; without it the server's generic
 * texts apply.
 */
function rangeLong(arg: string, min: bigint, max: bigint, message?: string): number {
  if (!isLongString(arg)) throw new ReplyError(message ?? Errors.NOT_INTEGER);
  const n = BigInt(arg);
  if (n < min || n > max) throw new ReplyError(message ?? `ERR value is out of range, value must between ${min} and ${max}`);
  return Number(n);
}

/** The server's getPositiveLongFromObjectOrReply. */
function positiveLong(arg: string, message = 'ERR value is out of range, must be positive'): number {
  return rangeLong(arg, 0n, LONG_MAX, message);
}

/** Key positions of LMPOP/BLMPOP: `numkeys` at `index`, then the keys. */
function mpopKeys(index: number): (argv: readonly string[]) => number[] {
  return (argv) => {
    const n = parseLong(argv[index] ?? '');
    if (n === undefined || n < 1 || index + n >= argv.length) return [];
    const out: number[] = [];
    for (let i = index + 1; i <= index + n; i++) out.push(i);
    return out;
  };
}

/** Whether this node imitates Redis OSS before 7.2 (no listpack lists, older blocking rules). */
function legacy(c: Client): boolean {
  return c.server.olderThan(7, 2);
}

/**
 * The bookkeeping after elements left a list (the server's listElementsRemoved): the pop event,
 * deletion of an empty list with its `del` event, or a check whether the encoding can shrink.
 */
function elementsRemoved(c: Client, key: string, list: ListValue, from: End, count: number): void {
  notify(c, Notify.LIST, from === 'head' ? 'lpop' : 'rpop', key);
  if (!deleteIfEmpty(c, key, list)) list.afterShrink(c.server.encoding);
  keyChanged(c, key, count);
}

/** Pushes one value onto a list, creating the list when `list` is undefined. */
function pushOne(c: Client, key: string, list: ListValue | undefined, value: string, to: End): void {
  if (list === undefined) {
    list = new ListValue();
    c.db.add(key, list);
  }
  list.beforeGrowOne(c.server.encoding, value);
  if (to === 'head') list.pushHead(value);
  else list.pushTail(value);
  c.db.signalModified(key);
  notify(c, Notify.LIST, to === 'head' ? 'lpush' : 'rpush', key);
}

/**
 * While a blocked command runs again for a key that became ready: whether that key holds
 * something other than a list, in which case the client stays blocked (both servers only serve
 * a client from a key of the type it waits for).
 */
function readyKeyUnusable(c: Client): boolean {
  if (!c.reprocessing || c.servingKey === null) return false;
  const value: RValue | undefined = c.db.get(c.servingKey, c.now, false);
  return value === undefined || typeOf(value) !== 'list';
}

/**
 * Blocks the running command on `keys`. Where blocking is not allowed (MULTI, scripts) the command
 * answers at once with `nonBlocking`. A timeout answers with the null array for every list
 * command (BLMOVE included), as the server's timeout handler does.
 */
function block(c: Client, argv: string[], keys: readonly string[], timeoutMs: number, nonBlocking: (c: Client) => void): void {
  if (!c.canBlock) {
    nonBlocking(c);
    return;
  }
  c.server.blockOnKeys(c, c.lastCommand as Command, argv, keys, timeoutMs, nullArrayReply);
}

const nullArrayReply = (c: Client) => c.w.nullArray();
const nullBulkReply = (c: Client) => c.w.nullBulk();

// ------------------------------------------------------------------------------------------
// Commands

function pushCommand(name: string, to: End, onlyExisting: boolean, since: string, summary: string): CommandDef {
  return {
    name,
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['list'],
    keys: ONE_KEY,
    group: 'list',
    since,
    summary,
    complexity: PUSH_COMPLEXITY,
    handler: (c, argv) => {
      const key = argv[1];
      let list = writeList(c, key);
      if (list === undefined) {
        if (onlyExisting) {
          c.w.int(0);
          return;
        }
        list = new ListValue(argv.length - 2);
        c.db.add(key, list);
      }
      list.beforeGrow(c.server.encoding, argv, 2, argv.length);
      if (to === 'head') for (let i = 2; i < argv.length; i++) list.pushHead(argv[i]);
      else for (let i = 2; i < argv.length; i++) list.pushTail(argv[i]);
      keyChanged(c, key, argv.length - 2);
      notify(c, Notify.LIST, to === 'head' ? 'lpush' : 'rpush', key);
      c.w.int(list.length);
    },
  };
}

function popCommand(name: string, from: End, summary: string): CommandDef {
  return {
    name,
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['list'],
    keys: ONE_KEY,
    group: 'list',
    since: '1.0.0',
    summary,
    complexity: 'O(N) where N is the number of elements returned',
    handler: (c, argv) => {
      if (argv.length > 3) throw new ReplyError(wrongArity(name));
      const withCount = argv.length === 3;
      const count = withCount ? positiveLong(argv[2]) : 1;
      const key = argv[1];
      const list = writeList(c, key);
      if (list === undefined) {
        if (withCount) c.w.nullArray();
        else c.w.nullBulk();
        return;
      }
      if (!withCount) {
        const value = (from === 'head' ? list.popHead() : list.popTail()) as string;
        elementsRemoved(c, key, list, from, 1);
        c.w.bulk(value);
        return;
      }
      if (count === 0) {
        c.w.array(0);
        return;
      }
      popRange(c, key, list, from, count);
    },
  };
}

/** Replies with up to `count` elements from one end and removes them. */
function popRange(c: Client, key: string, list: ListValue, from: End, count: number): number {
  const n = Math.min(count, list.length);
  if (from === 'head') {
    c.w.raw(list.rangeReply(0, n));
    list.trim(n, 0);
  } else {
    c.w.raw(list.rangeReply(list.length - 1, n, true));
    list.trim(0, n);
  }
  elementsRemoved(c, key, list, from, n);
  return n;
}

function lindex(c: Client, argv: string[]): void {
  const list = readList(c, argv[1]);
  if (list === undefined) {
    c.w.nullBulk();
    return;
  }
  let index = long(argv[2]);
  if (index < 0) index += list.length;
  c.w.bulkOrNull(list.at(index));
}

function lset(c: Client, argv: string[]): void {
  const key = argv[1];
  const value = lookupWrite(c, key);
  if (value === undefined) throw new ReplyError(Errors.NO_SUCH_KEY);
  const list = expectType<ListValue>(value, 'list');
  let index = long(argv[2]);
  const element = argv[3];
  list.beforeGrowOne(c.server.encoding, element);
  if (index < 0) index += list.length;
  if (index < 0 || index >= list.length) throw new ReplyError(Errors.OUT_OF_RANGE);
  list.set(index, element);
  list.afterShrink(c.server.encoding);
  keyChanged(c, key);
  notify(c, Notify.LIST, 'lset', key);
  c.w.ok();
}

/** Clamps LRANGE/LTRIM bounds; returns [start, end] with start > end for an empty range. */
function bounds(startArg: number, endArg: number, length: number): [number, number] {
  let start = startArg < 0 ? length + startArg : startArg;
  let stop = endArg < 0 ? length + endArg : endArg;
  if (start < 0) start = 0;
  if (start > stop || start >= length) return [0, -1];
  if (stop >= length) stop = length - 1;
  return [start, stop];
}

function lrange(c: Client, argv: string[]): void {
  const startArg = long(argv[2]);
  const endArg = long(argv[3]);
  const list = readList(c, argv[1]);
  if (list === undefined) {
    c.w.array(0);
    return;
  }
  const [start, stop] = bounds(startArg, endArg, list.length);
  c.w.raw(list.rangeReply(start, stop - start + 1));
}

function ltrim(c: Client, argv: string[]): void {
  const startArg = long(argv[2]);
  const endArg = long(argv[3]);
  const key = argv[1];
  const list = writeList(c, key);
  if (list === undefined) {
    c.w.ok();
    return;
  }
  const length = list.length;
  const [start, stop] = bounds(startArg, endArg, length);
  const left = stop < start ? length : start;
  const right = stop < start ? 0 : length - stop - 1;
  list.trim(left, right);
  notify(c, Notify.LIST, 'ltrim', key);
  if (!deleteIfEmpty(c, key, list)) list.afterShrink(c.server.encoding);
  // Redis 7.0 invalidates WATCH even when nothing was trimmed; later versions only on a change.
  if (left + right > 0 || legacy(c)) keyChanged(c, key, left + right);
  c.w.ok();
}

function lrem(c: Client, argv: string[]): void {
  // Redis 7.0 takes any 64-bit count; its LONG_MIN stays negative when negated and never reaches
  // the limit, so it removes every match from the tail. Later versions refuse it.
  const count = legacy(c) ? long(argv[2]) : rangeLong(argv[2], -LONG_MAX, LONG_MAX);
  if (argv[2] === LONG_MIN_TEXT) {
    removeAndReply(c, argv[1], argv[3], 0, true);
    return;
  }
  removeAndReply(c, argv[1], argv[3], Math.abs(count), count < 0);
}

function removeAndReply(c: Client, key: string, element: string, limit: number, fromTail: boolean): void {
  const list = writeList(c, key);
  if (list === undefined) {
    c.w.int(0);
    return;
  }
  const removed = list.removeMatches(element, limit, fromTail);
  if (removed > 0) {
    notify(c, Notify.LIST, 'lrem', key);
    if (!deleteIfEmpty(c, key, list)) list.afterShrink(c.server.encoding);
    keyChanged(c, key, removed);
  }
  c.w.int(removed);
}

function linsert(c: Client, argv: string[]): void {
  let after: boolean;
  if (is(argv[2], 'AFTER')) after = true;
  else if (is(argv[2], 'BEFORE')) after = false;
  else throw new ReplyError(Errors.SYNTAX);
  const key = argv[1];
  const list = writeList(c, key);
  if (list === undefined) {
    c.w.int(0);
    return;
  }
  const element = argv[4];
  // The server converts the encoding before looking for the pivot, found or not.
  list.beforeGrowOne(c.server.encoding, element);
  const index = list.indexOf(argv[3]);
  if (index < 0) {
    c.w.int(-1);
    return;
  }
  list.insert(index, element, after);
  keyChanged(c, key);
  notify(c, Notify.LIST, 'linsert', key);
  c.w.int(list.length);
}

const RANK_ZERO = 'ERR RANK can\'t be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list';

function lpos(c: Client, argv: string[]): void {
  let rank = 1;
  let count = -1;
  let maxlen = 0;
  let wrapped = false;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j];
    const more = j + 1 < argv.length;
    if (is(opt, 'RANK') && more) {
      const arg = argv[++j];
      // Redis 7.0 accepts LONG_MIN (and then searches from the tail); later versions refuse it.
      rank = legacy(c) ? long(arg) : rangeLong(arg, -LONG_MAX, LONG_MAX);
      wrapped = arg === LONG_MIN_TEXT;
      if (rank === 0) throw new ReplyError(RANK_ZERO);
    } else if (is(opt, 'COUNT') && more) {
      count = positiveLong(argv[++j], 'ERR COUNT can\'t be negative');
    } else if (is(opt, 'MAXLEN') && more) {
      maxlen = positiveLong(argv[++j], 'ERR MAXLEN can\'t be negative');
    } else {
      throw new ReplyError(Errors.SYNTAX);
    }
  }
  const list = readList(c, argv[1]);
  if (list === undefined) {
    if (count !== -1) c.w.array(0);
    else c.w.nullBulk();
    return;
  }
  const element = argv[2];
  const fromTail = rank < 0;
  // Redis 7.0 negates RANK LONG_MIN into itself: every match then qualifies and COUNT never stops
  // the scan.
  const wanted = wrapped ? 1 : Math.abs(rank);
  const length = list.length;
  const limit = maxlen === 0 ? length : Math.min(maxlen, length);
  let matches = 0;
  const found: number[] = [];
  for (let scanned = 0; scanned < limit; scanned++) {
    const index = fromTail ? length - 1 - scanned : scanned;
    if (list.at(index) !== element) continue;
    matches++;
    if (matches < wanted) continue;
    found.push(index);
    if (count === -1 || (count > 0 && !wrapped && found.length >= count)) break;
  }
  if (count !== -1) {
    c.w.array(found.length);
    for (const index of found) c.w.int(index);
  } else if (found.length > 0) {
    c.w.int(found[0]);
  } else {
    c.w.nullBulk();
  }
}

/**
 * LMOVE/RPOPLPUSH: pops from `src`, pushes onto `dst` (which may be the same list), replies with
 * the element. The destination's events come first, as the server sends them.
 */
function lmove(c: Client, src: string, dst: string, from: End, to: End): boolean {
  const source = writeList(c, src);
  if (source === undefined) {
    c.w.nullBulk();
    return false;
  }
  const target = writeList(c, dst);
  const value = (from === 'head' ? source.popHead() : source.popTail()) as string;
  pushOne(c, dst, target, value, to);
  c.w.bulk(value);
  elementsRemoved(c, src, source, from, 1);
  return true;
}

function bpop(c: Client, argv: string[], from: End): void {
  const timeout = blockingTimeout(c, argv[argv.length - 1]);
  if (readyKeyUnusable(c)) {
    block(c, argv, argv.slice(1, -1), timeout, nullArrayReply);
    return;
  }
  // Redis 7.0 serves a woken client from the key that became ready; later versions run the
  // command again over its keys in order.
  const keys = c.reprocessing && c.servingKey !== null && legacy(c) ? [c.servingKey] : argv.slice(1, -1);
  for (const key of keys) {
    const list = writeList(c, key);
    if (list === undefined) continue;
    const value = (from === 'head' ? list.popHead() : list.popTail()) as string;
    elementsRemoved(c, key, list, from, 1);
    c.w.array(2);
    c.w.bulk(key);
    c.w.bulk(value);
    c.rewrittenArgv = [from === 'head' ? 'LPOP' : 'RPOP', key];
    return;
  }
  block(c, argv, argv.slice(1, -1), timeout, nullArrayReply);
}

function blmove(c: Client, argv: string[], from: End, to: End, timeoutArg: string): void {
  const timeout = blockingTimeout(c, timeoutArg);
  const src = argv[1];
  if (readyKeyUnusable(c) || writeList(c, src) === undefined) {
    block(c, argv, [src], timeout, nullBulkReply);
    return;
  }
  if (!lmove(c, src, argv[2], from, to)) return;
  if (argv.length === 4) {
    c.rewrittenArgv = ['RPOPLPUSH', src, argv[2]];
  } else if (c.reprocessing && legacy(c)) {
    // Redis 7.0 propagates a served BLMOVE with its own lower-case LEFT/RIGHT words.
    c.rewrittenArgv = ['LMOVE', src, argv[2], from === 'head' ? 'left' : 'right', to === 'head' ? 'left' : 'right'];
  } else {
    c.rewrittenArgv = ['LMOVE', src, argv[2], argv[3], argv[4]];
  }
}

/** LMPOP numkeys key... LEFT|RIGHT [COUNT n]; BLMPOP timeout numkeys key... LEFT|RIGHT [COUNT n]. */
function lmpop(c: Client, argv: string[], numkeysIndex: number, blocking: boolean): void {
  const numkeys = rangeLong(argv[numkeysIndex], 1n, LONG_MAX, 'ERR numkeys should be greater than 0');
  const whereIndex = numkeysIndex + numkeys + 1;
  if (whereIndex >= argv.length) throw new ReplyError(Errors.SYNTAX);
  const from = end(argv[whereIndex]);
  let count = -1;
  for (let j = whereIndex + 1; j < argv.length; j++) {
    if (count === -1 && is(argv[j], 'COUNT') && j + 1 < argv.length) {
      count = rangeLong(argv[++j], 1n, LONG_MAX, 'ERR count should be greater than 0');
    } else {
      throw new ReplyError(Errors.SYNTAX);
    }
  }
  if (count === -1) count = 1;
  const timeout = blocking ? blockingTimeout(c, argv[1]) : 0;
  const allKeys = argv.slice(numkeysIndex + 1, whereIndex);
  if (blocking && readyKeyUnusable(c)) {
    block(c, argv, allKeys, timeout, nullArrayReply);
    return;
  }
  const keys = c.reprocessing && c.servingKey !== null && legacy(c) ? [c.servingKey] : allKeys;
  for (const key of keys) {
    const list = writeList(c, key);
    if (list === undefined) continue;
    c.w.array(2);
    c.w.bulk(key);
    const n = popRange(c, key, list, from, count);
    c.rewrittenArgv = [from === 'head' ? 'LPOP' : 'RPOP', key, String(n)];
    return;
  }
  if (blocking) block(c, argv, allKeys, timeout, nullArrayReply);
  else c.w.nullArray();
}
