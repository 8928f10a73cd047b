import { DenseIndex } from './dense';
import { EncodingConfig, RObject, registerCodec } from './types';
import { isLongString } from '../commands/args';

/** Encodings of a set, as OBJECT ENCODING names them. */
const INTSET = 0;
const LISTPACK = 1;
const HASHTABLE = 2;
/** Restored from a payload; the encoding is decided on first use, as loading an RDB file does. */
const UNSETTLED = 3;
type SetEncoding = typeof INTSET | typeof LISTPACK | typeof HASHTABLE | typeof UNSETTLED;
const NAMES = ['intset', 'listpack', 'hashtable', 'hashtable'];

/** An intset never holds more than 2^30 entries, whatever set-max-intset-entries says. */
const INTSET_HARD_LIMIT = 1 << 30;

/** Approximate bytes: object header + container header, then per member. */
const BASE = [16 + 8, 16 + 8, 16 + 64, 16 + 64];
const PER_MEMBER = [8, 2, 48, 48];

function intsetLimit(config: EncodingConfig): number {
  return Math.min(config.setMaxIntsetEntries, INTSET_HARD_LIMIT);
}

/**
 * Numeric order of two canonical 64-bit integer strings (as produced by string2ll), without
 * converting them: sign first, then length, then digits.
 */
export function compareIntStrings(a: string, b: string): number {
  const negA = a.charCodeAt(0) === 45;
  const negB = b.charCodeAt(0) === 45;
  if (negA !== negB) return negA ? -1 : 1;
  let cmp: number;
  if (a.length !== b.length) cmp = a.length < b.length ? -1 : 1;
  else cmp = a < b ? -1 : a > b ? 1 : 0;
  return negA && cmp !== 0 ? -cmp : cmp;
}

/**
 * A set value. Members live in a {@link DenseIndex}, so membership and random members are O(1)
 * and SSCAN cursors survive changes.
 *
 * The encoding follows the real server. Redis 7.0: an intset (members in ascending numeric
 * order, which SMEMBERS exposes) while every member is an integer and there are at most
 * `set-max-intset-entries`, else a hash table. Valkey 8 (`config.setListpack`) adds listpack
 * sets (insertion order) for small sets of short strings (`set-max-listpack-entries/value`).
 * Conversions only go towards the hash table, as in the server; only the commands that build a
 * new set (SPOP's rebuild, the STORE commands, loading) pick a compact encoding again.
 */
export class RSet extends RObject {
  /** An empty set in the intset encoding (the start of the server's temporary result sets). */
  public static intset(): RSet {
    return new RSet(INTSET);
  }

  /** An empty listpack set (Valkey's SINTERSTORE start); a hash table without set listpacks. */
  public static listpack(config: EncodingConfig): RSet {
    return new RSet(config.setListpack ? LISTPACK : HASHTABLE);
  }

  /** An empty hash-table set. */
  public static hashtable(): RSet {
    return new RSet(HASHTABLE);
  }

  /**
   * The set a write creates for its first member (setTypeCreate): an intset for an integer,
   * otherwise a listpack (Valkey, when `sizeHint` members fit) or a hash table.
   */
  public static create(first: string, sizeHint: number, config: EncodingConfig): RSet {
    if (!config.setListpack) return new RSet(isLongString(first) ? INTSET : HASHTABLE);
    if (isLongString(first) && sizeHint <= config.setMaxIntsetEntries) return new RSet(INTSET);
    return new RSet(sizeHint <= config.setMaxListpackEntries ? LISTPACK : HASHTABLE);
  }

  /** A set whose encoding is decided on first use (restored values). */
  public static unsettled(): RSet {
    return new RSet(UNSETTLED);
  }

  public readonly type = 'set' as const;
  private enc: SetEncoding;
  /** Sum of the member lengths. */
  private payload = 0;
  private index: DenseIndex;

  private constructor(enc: SetEncoding, index: DenseIndex = new DenseIndex(false)) {
    super();
    this.enc = enc;
    this.index = index;
    this.updateBytes();
  }

  /** The members and their positions. */
  public get table(): DenseIndex {
    return this.index;
  }

  public get length(): number {
    return this.table.size;
  }

  /** Whether the set uses a compact encoding (intset, listpack): SSCAN returns it whole. */
  public get compact(): boolean {
    return this.enc === INTSET || this.enc === LISTPACK;
  }

  public get isIntset(): boolean {
    return this.enc === INTSET;
  }

  public encoding(config: EncodingConfig): string {
    this.settle(config);
    return NAMES[this.enc];
  }

  /** Members in iteration order (ascending for an intset, insertion order for a listpack). */
  public get members(): readonly string[] {
    return this.table.keys;
  }

  public memberAt(i: number): string {
    return this.table.keys[i];
  }

  public has(member: string): boolean {
    return this.table.has(member);
  }

  /** Adds a member; returns whether it was new. Converts the encoding as the server does. */
  public add(member: string, config: EncodingConfig): boolean {
    const table = this.table;
    if (table.has(member)) return false;
    this.settle(config);
    switch (this.enc) {
      case HASHTABLE:
        table.push(member);
        break;
      case INTSET:
        if (isLongString(member)) {
          table.insertAt(this.intsetPosition(member), member);
          if (table.size > intsetLimit(config)) this.enc = HASHTABLE;
        } else {
          this.enc = config.setListpack && this.intsetFitsListpack(member, config) ? LISTPACK : HASHTABLE;
          table.push(member);
        }
        break;
      default: // LISTPACK
        if (table.size >= config.setMaxListpackEntries || member.length > config.setMaxListpackValue) this.enc = HASHTABLE;
        table.push(member);
    }
    this.payload += member.length;
    this.updateBytes();
    return true;
  }

  /** Removes a member; returns whether it was there. */
  public remove(member: string): boolean {
    const table = this.table;
    const i = table.indexOf(member);
    if (i < 0) return false;
    if (this.enc === HASHTABLE) table.swapRemove(i);
    else table.orderedRemove(i);
    this.payload -= member.length;
    this.updateBytes();
    return true;
  }

  /** Removes the members at the given positions in one pass. */
  public removePositions(positions: readonly number[]): void {
    const table = this.table;
    if (this.enc === HASHTABLE) {
      const members = positions.map((i) => table.keys[i]);
      for (const m of members) {
        table.swapRemove(table.indexOf(m));
        this.payload -= m.length;
      }
    } else {
      for (const i of positions) this.payload -= table.keys[i].length;
      table.removeMany(new Set(positions));
    }
    this.updateBytes();
  }

  /**
   * Valkey's SADD on an existing set: a compact set that is about to receive more arguments than
   * its encoding may hold becomes a hash table at once.
   */
  public convertForSizeHint(sizeHint: number, config: EncodingConfig): void {
    this.settle(config);
    if (!config.setListpack) return;
    if ((this.enc === LISTPACK && sizeHint > config.setMaxListpackEntries) || (this.enc === INTSET && sizeHint > config.setMaxIntsetEntries)) {
      this.toHashtable();
    }
  }

  /** Valkey: a set known to hold only integers becomes an intset when small enough. */
  public convertToIntsetIfFits(config: EncodingConfig): void {
    if (this.enc === INTSET || this.table.size > intsetLimit(config)) return;
    const sorted = this.table.keys.slice().sort(compareIntStrings);
    const table = new DenseIndex(false);
    for (const m of sorted) table.push(m);
    this.index = table;
    this.enc = INTSET;
    this.updateBytes();
  }

  /**
   * Decides the encoding of a restored set as loading does: an intset while the members are
   * integers and few enough; then (Valkey) a listpack while small; else a hash table.
   */
  public settle(config: EncodingConfig): void {
    if (this.enc !== UNSETTLED) return;
    const keys = this.table.keys;
    const n = keys.length;
    let firstString = keys.findIndex((m) => !isLongString(m));
    if (firstString < 0) firstString = n;
    let enc: SetEncoding = HASHTABLE;
    if (n <= intsetLimit(config)) {
      if (firstString === n) {
        enc = INTSET;
      } else if (config.setListpack && n <= config.setMaxListpackEntries && keys.every((m) => m.length <= config.setMaxListpackValue)) {
        enc = LISTPACK;
      }
    }
    if (enc !== HASHTABLE && firstString > 1) {
      // The integers before the first string went through an intset: ascending order.
      const head = keys.slice(0, firstString).sort(compareIntStrings);
      const table = new DenseIndex(false);
      for (const m of head) table.push(m);
      for (let i = firstString; i < n; i++) table.push(keys[i]);
      this.index = table;
    }
    this.enc = enc;
    this.updateBytes();
  }

  /**
   * One SSCAN step: an intset or listpack is returned whole with cursor 0 (as the real server
   * does); a hash table `count` members at a time.
   */
  public scan(cursor: number, count: number, visit: (i: number) => void): number {
    if (this.enc !== HASHTABLE) {
      for (let i = 0; i < this.table.size; i++) visit(i);
      return 0;
    }
    return this.table.scan(cursor, count, visit);
  }

  public clone(): RSet {
    const copy = new RSet(this.enc, this.table.clone());
    copy.payload = this.payload;
    copy.updateBytes();
    return copy;
  }

  /** Appends a member while restoring (no encoding decisions). */
  public restoreMember(member: string): void {
    if (this.table.has(member)) throw new Error('Duplicate set members detected');
    this.table.push(member);
    this.payload += member.length;
    this.updateBytes();
  }

  private intsetPosition(member: string): number {
    const keys = this.table.keys;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIntStrings(keys[mid], member) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Valkey: whether an intset receiving its first string may become a listpack. */
  private intsetFitsListpack(member: string, config: EncodingConfig): boolean {
    const keys = this.table.keys;
    const n = keys.length;
    const widest = n === 0 ? 0 : Math.max(keys[0].length, keys[n - 1].length);
    return n < config.setMaxListpackEntries && member.length <= config.setMaxListpackValue && widest <= config.setMaxListpackValue;
  }

  private toHashtable(): void {
    this.enc = HASHTABLE;
    this.updateBytes();
  }

  private updateBytes(): void {
    const n = this.table.size;
    const bytes = BASE[this.enc] + (this.enc === INTSET ? 0 : this.payload) + n * PER_MEMBER[this.enc];
    if (bytes !== this.bytes) this.account(bytes - this.bytes);
  }
}

registerCodec('set', {
  // RDB_TYPE_SET
  tag: 2,
  dump: (set: RSet) => set.members.slice(),
  restore(items: readonly string[]): RSet {
    if (items.length === 0) throw new Error('Bad set payload');
    const set = RSet.unsettled();
    for (const m of items) set.restoreMember(m);
    return set;
  },
  sortElements: (set: RSet) => set.members.slice(),
});
