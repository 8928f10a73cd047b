import { KEY_READ } from '../acl';
import type { Client } from '../client';
import { Notify } from '../notify';
import { is, parseDouble, toLong } from './args';
import { keyChanged, lookupRead, lookupWrite, notify } from './keyspace';
import { CommandDef, Errors, ReplyError } from './types';
import { crc16, keySlot, SLOTS } from '../store/slot';
import { RObject, codecFor, typeOf } from '../store/types';

const SORT_ACL = ['set', 'sortedset', 'list', 'dangerous'] as const;
const COMPLEXITY = 'O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).';

/** SORT and SORT_RO. */
export const commands: CommandDef[] = [
  {
    name: 'sort',
    arity: -2,
    flags: ['write', 'denyoom'],
    acl: SORT_ACL,
    keys: { first: 1, last: 1, step: 1 },
    getKeys: sortKeys,
    group: 'generic',
    since: '1.0.0',
    summary: 'Sorts the elements in a list, a set, or a sorted set, optionally storing the result.',
    complexity: COMPLEXITY,
    handler: (c, argv) => sort(c, argv, false),
  },
  {
    name: 'sort_ro',
    arity: -2,
    flags: ['readonly'],
    acl: SORT_ACL,
    keys: { first: 1, last: 1, step: 1 },
    getKeys: () => [1],
    group: 'generic',
    since: '7.0.0',
    summary: 'Returns the sorted elements of a list, a set, or a sorted set.',
    complexity: COMPLEXITY,
    handler: (c, argv) => sort(c, argv, true),
  },
];

/**
 * SORT's keys: the sorted key and the last STORE destination. Options are skipped the way the
 * real server's key extraction skips them (LIMIT takes two arguments, GET and BY one).
 */
function sortKeys(argv: readonly string[]): number[] {
  let store = -1;
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    if (is(a, 'LIMIT')) i += 2;
    else if (is(a, 'GET') || is(a, 'BY')) i += 1;
    else if (is(a, 'STORE') && i + 1 < argv.length) store = i + 1;
  }
  return store < 0 ? [1] : [1, store];
}

/** One element being sorted, with its weight. */
interface SortItem {
  readonly element: string;
  score: number;
  /** ALPHA with BY: the weight string, or null when the weight key is missing. */
  weight: string | null;
}

/**
 * SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA] [STORE dst]
 *
 * Elements come from the type's codec (`sortElements`): list order, set members, sorted set
 * members by score. Without ALPHA the weights (the elements, or the values of the BY keys) are
 * parsed as the C library's strtod does, ties broken by comparing the elements as bytes.
 */
function sort(c: Client, argv: string[], readonly: boolean): void {
  // BY and GET patterns reach keys the arguments do not name: they need read access to every key.
  let fullAccess: boolean | undefined;
  const fullKeyAccess = (): boolean => {
    fullAccess ??= c.user.allowsAll || (c.lastCommand !== null && c.user.permitsAllKeys(c.lastCommand, argv, KEY_READ));
    return fullAccess;
  };
  let desc = false;
  let alpha = false;
  let limitStart = 0;
  let limitCount = -1;
  let storeKey: string | undefined;
  let sortBy: string | undefined;
  let dontSort = false;
  const gets: string[] = [];
  for (let j = 2; j < argv.length; j++) {
    const a = argv[j];
    const left = argv.length - j - 1;
    if (is(a, 'ASC')) {
      desc = false;
    } else if (is(a, 'DESC')) {
      desc = true;
    } else if (is(a, 'ALPHA')) {
      alpha = true;
    } else if (is(a, 'LIMIT') && left >= 2) {
      limitStart = toLong(argv[j + 1]);
      limitCount = toLong(argv[j + 2]);
      j += 2;
    } else if (!readonly && is(a, 'STORE') && left >= 1) {
      storeKey = argv[++j];
    } else if (is(a, 'BY') && left >= 1) {
      sortBy = argv[++j];
      // A pattern without '*' names no keys: the elements keep their order.
      if (!cString(sortBy).includes('*')) {
        dontSort = true;
      } else {
        checkClusterPattern(c, 'BY', sortBy, argv[1]);
        if (!fullKeyAccess()) throw new ReplyError('ERR BY option of SORT denied due to insufficient ACL permissions.');
      }
    } else if (is(a, 'GET') && left >= 1) {
      checkClusterPattern(c, 'GET', argv[j + 1], argv[1]);
      if (!fullKeyAccess()) throw new ReplyError('ERR GET option of SORT denied due to insufficient ACL permissions.');
      gets.push(argv[++j]);
    } else {
      throw new ReplyError(Errors.SYNTAX);
    }
  }

  const value = lookupRead(c, argv[1]);
  let type = 'list';
  let elements: string[] = [];
  if (value !== undefined) {
    type = typeOf(value);
    if (type !== 'list' && type !== 'set' && type !== 'zset') throw new ReplyError(Errors.WRONGTYPE);
    const codec = codecFor(typeOf(value));
    if (codec?.sortElements === undefined) throw new Error(`the ${type} type registered no sortElements`);
    elements = codec.sortElements(value as RObject);
  }
  // A set has no order of its own: when the result is stored (or a script sorts), sort it anyway
  // so that replicas and the AOF get the same result.
  if (dontSort && type === 'set' && (storeKey !== undefined || c.kind === 'script')) {
    dontSort = false;
    alpha = true;
    sortBy = undefined;
  }

  // LIMIT, clamped as the real server clamps it.
  const n = elements.length;
  let start = Math.min(Math.max(limitStart, 0), n);
  const count = Math.min(Math.max(limitCount, -1), n);
  let end = count < 0 ? n - 1 : start + count - 1;
  if (start >= n) {
    start = n - 1;
    end = n - 2;
  }
  if (end >= n) end = n - 1;

  const cache = new FieldCache();
  let items: SortItem[];
  if (dontSort && (type === 'list' || type === 'zset')) {
    // Native order (reversed for DESC), only the requested range.
    items = [];
    if (end >= start) {
      for (let i = start; i <= end; i++) items.push({ element: elements[desc ? n - 1 - i : i], score: 0, weight: null });
      end -= start;
      start = 0;
    }
  } else {
    items = elements.map((element) => ({ element, score: 0, weight: null }));
  }

  if (!dontSort) {
    let conversionError = false;
    for (const item of items) {
      let by: string | undefined = item.element;
      if (sortBy !== undefined) {
        by = lookupByPattern(c, sortBy, item.element, cache);
        if (by === undefined) continue;
      }
      if (alpha) {
        if (sortBy !== undefined) item.weight = by;
      } else {
        const score = strtodScore(by);
        if (score === undefined) conversionError = true;
        else item.score = score;
      }
    }
    if (conversionError) throw new ReplyError("ERR One or more scores can't be converted into double");
    items.sort(comparator(alpha, sortBy !== undefined, storeKey !== undefined, desc));
  }

  const selected = end - start + 1;
  const outputLength = gets.length > 0 ? gets.length * selected : selected;
  if (storeKey === undefined) {
    c.w.array(outputLength);
    for (let j = start; j <= end; j++) {
      const element = items[j].element;
      if (gets.length === 0) c.w.bulk(element);
      for (const pattern of gets) c.w.bulkOrNull(lookupByPattern(c, pattern, element, cache));
    }
    return;
  }

  const stored: string[] = [];
  for (let j = start; j <= end; j++) {
    const element = items[j].element;
    if (gets.length === 0) stored.push(element);
    for (const pattern of gets) stored.push(lookupByPattern(c, pattern, element, cache) ?? '');
  }
  if (outputLength > 0) {
    const listCodec = codecFor('list');
    if (listCodec === undefined) throw new Error('SORT ... STORE needs the list type');
    lookupWrite(c, storeKey);
    c.db.set(storeKey, listCodec.restore(stored));
    keyChanged(c, storeKey, outputLength);
    notify(c, Notify.LIST, 'sortstore', storeKey);
  } else if (c.db.delete(storeKey)) {
    keyChanged(c, storeKey);
    notify(c, Notify.GENERIC, 'del', storeKey);
  }
  c.w.int(outputLength);
}

/**
 * In cluster mode a BY or GET pattern must not reach keys of other slots. Redis OSS 7.0 refuses
 * every such pattern; Valkey (and Redis 7.2+) accept one whose keys all hash to the sorted key's slot.
 */
function checkClusterPattern(c: Client, option: 'BY' | 'GET', pattern: string, key: string): void {
  if (!c.server.config.getBool('cluster-enabled')) return;
  if (c.server.engine === 'redis' && c.server.version.startsWith('7.0')) {
    throw new ReplyError(`ERR ${option} option of SORT denied in Cluster mode.`);
  }
  if (patternSlot(pattern) !== keySlot(key)) {
    throw new ReplyError(`ERR ${option} option of SORT denied in Cluster mode when keys formed by the pattern may be in different slots.`);
  }
}

/** The one slot every key matching a pattern hashes to, or -1 when they may differ. */
export function patternSlot(pattern: string): number {
  let open = -1;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*' || ch === '?' || ch === '[' || ch === '\\') return -1;
    if (open === -1 && ch === '{') {
      open = i;
    } else if (open >= 0 && ch === '}') {
      if (i === open + 1) open = -2; // "{}": the whole pattern is hashed
      else return crc16(pattern, open + 1, i) & (SLOTS - 1);
    }
  }
  return crc16(pattern) & (SLOTS - 1);
}

/** The part of a byte string a C string function sees: up to the first NUL byte. */
function cString(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

/**
 * The value a BY or GET pattern names for an element: `#` is the element itself; otherwise the
 * first `*` is replaced by the element and the result names a string key, or with `->field`
 * after the `*` a hash field. Undefined when the pattern has no `*` or the key, type or field
 * does not match. Keys are read as read commands read them (hits, misses, access time).
 */
export function lookupByPattern(c: Client, pattern: string, element: string, cache: FieldCache): string | undefined {
  if (pattern.charCodeAt(0) === 35 /* # */ && (pattern.length === 1 || pattern.charCodeAt(1) === 0)) return element;
  const searched = cString(pattern);
  const star = searched.indexOf('*');
  if (star < 0) return undefined;
  const arrow = searched.indexOf('->', star + 1);
  const field = arrow >= 0 && arrow + 2 < searched.length ? pattern.slice(arrow + 2) : undefined;
  const keyEnd = field === undefined ? pattern.length : arrow;
  const key = pattern.slice(0, star) + element + pattern.slice(star + 1, keyEnd);
  const value = lookupRead(c, key);
  if (value === undefined) return undefined;
  if (field === undefined) return typeof value === 'string' ? value : undefined;
  return typeOf(value) === 'hash' ? cache.field(value as RObject, field) : undefined;
}

/**
 * Hash field access for one SORT: through the hash codec's `field` when it has one, otherwise
 * through its flat `dump` form, indexed once per hash for the rest of the command.
 */
export class FieldCache {
  private readonly indexes = new Map<RObject, Map<string, string>>();

  public field(hash: RObject, name: string): string | undefined {
    const codec = codecFor('hash');
    if (codec === undefined) return undefined;
    if (codec.field !== undefined) return codec.field(hash, name);
    let index = this.indexes.get(hash);
    if (index === undefined) {
      index = new Map();
      const flat = codec.dump(hash);
      for (let i = 0; i + 1 < flat.length; i += 2) index.set(flat[i], flat[i + 1]);
      this.indexes.set(hash, index);
    }
    return index.get(name);
  }
}

/** Whitespace as C's isspace sees it. */
function isSpace(ch: number): boolean {
  return ch === 32 || (ch >= 9 && ch <= 13);
}

const DBL_MIN = 2.2250738585072014e-308;

/**
 * A weight as SORT reads it with strtod: leading whitespace, decimal or hexadecimal notation,
 * inf/infinity, and nothing after the number (the C string ends at a NUL byte). An empty string
 * is 0. NaN, overflow and underflow (including subnormal results) are conversion errors
 * (undefined).
 */
export function strtodScore(text: string): number | undefined {
  const s = cString(text);
  if (s.length === 0) return 0;
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  const d = parseDouble(i === 0 ? s : s.slice(i));
  if (d === undefined) return undefined;
  if (d !== 0 && Math.abs(d) < DBL_MIN) return undefined;
  return d;
}

/** Byte order (memcmp, then length). */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** strcoll in the C locale: byte order of the C strings (up to the first NUL). */
function compareCStrings(a: string, b: string): number {
  return compareBytes(cString(a), cString(b));
}

function comparator(alpha: boolean, byPattern: boolean, store: boolean, desc: boolean): (x: SortItem, y: SortItem) => number {
  let cmp: (x: SortItem, y: SortItem) => number;
  const strings = store ? compareBytes : compareCStrings;
  if (!alpha) {
    cmp = (x, y) => (x.score > y.score ? 1 : x.score < y.score ? -1 : compareBytes(x.element, y.element));
  } else if (byPattern) {
    cmp = (x, y) => {
      if (x.weight === null || y.weight === null) return x.weight === y.weight ? 0 : x.weight === null ? -1 : 1;
      return strings(x.weight, y.weight);
    };
  } else {
    cmp = (x, y) => strings(x.element, y.element);
  }
  return desc ? (x, y) => -cmp(x, y) : cmp;
}

