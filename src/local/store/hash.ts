import { DenseIndex } from './dense';
import { EncodingConfig, RObject, ValueCodec, registerCodec } from './types';

/** Encodings of a hash, as OBJECT ENCODING names them. */
const LISTPACK = 0;
const HASHTABLE = 1;
/** Restored from a payload; the encoding is decided on first use, as loading an RDB file does. */
const UNSETTLED = 2;
type HashEncoding = typeof LISTPACK | typeof HASHTABLE | typeof UNSETTLED;

/** Approximate bytes: object header + container header, then per field/value pair. */
const LISTPACK_BASE = 16 + 16;
const LISTPACK_PER_PAIR = 4;
const HASHTABLE_BASE = 16 + 64;
const HASHTABLE_PER_PAIR = 64;

/**
 * A hash value. Fields live in a {@link DenseIndex} with their values, so lookups and random
 * fields are O(1) and HSCAN cursors survive changes.
 *
 * The encoding follows the real server: a new hash is a listpack (fields in insertion order,
 * which HGETALL and friends expose), and becomes a hash table, for good, once it has more than
 * `hash-max-listpack-entries` fields or a field or value longer than `hash-max-listpack-value`.
 */
export class RHash extends RObject {
  /** A hash whose encoding is decided on first use (restored values). */
  public static unsettled(): RHash {
    const hash = new RHash();
    hash.enc = UNSETTLED;
    return hash;
  }

  public readonly type = 'hash' as const;
  private enc: HashEncoding = LISTPACK;
  /** Sum of the lengths of all fields and values. */
  private payload = 0;

  constructor(public readonly table: DenseIndex = new DenseIndex(true)) {
    super();
    this.updateBytes();
  }

  public get length(): number {
    return this.table.size;
  }

  /** Whether the hash uses the compact encoding (listpack): SCAN returns it whole. */
  public get compact(): boolean {
    return this.enc !== HASHTABLE;
  }

  public encoding(config: EncodingConfig): string {
    this.settle(config);
    return this.enc === HASHTABLE ? 'hashtable' : 'listpack';
  }

  /** Decides the encoding of a restored hash from its size and longest string, as a load does. */
  public settle(config: EncodingConfig): void {
    if (this.enc !== UNSETTLED) return;
    const { keys, values } = this.table;
    let fits = keys.length <= config.hashMaxListpackEntries;
    for (let i = 0; fits && i < keys.length; i++) {
      if (keys[i].length > config.hashMaxListpackValue || (values as string[])[i].length > config.hashMaxListpackValue) fits = false;
    }
    this.enc = fits ? LISTPACK : HASHTABLE;
    this.updateBytes();
  }

  public get(field: string): string | undefined {
    const i = this.table.indexOf(field);
    return i < 0 ? undefined : (this.table.values as string[])[i];
  }

  public has(field: string): boolean {
    return this.table.has(field);
  }

  public fieldAt(i: number): string {
    return this.table.keys[i];
  }

  public valueAt(i: number): string {
    return (this.table.values as string[])[i];
  }

  /**
   * Converts to a hash table when one of `argv[from..to]` is longer than the listpack limit
   * (the server checks all arguments of HSET before setting any).
   */
  public convertForArguments(argv: readonly string[], from: number, to: number, config: EncodingConfig): void {
    this.settle(config);
    if (this.enc !== LISTPACK) return;
    const limit = config.hashMaxListpackValue;
    for (let i = from; i <= to; i++) {
      if (argv[i].length > limit) {
        this.toHashtable();
        return;
      }
    }
  }

  /** Sets a field; returns true when the field is new. */
  public set(field: string, value: string, config: EncodingConfig): boolean {
    this.settle(config);
    if (this.enc === LISTPACK && (field.length > config.hashMaxListpackValue || value.length > config.hashMaxListpackValue)) {
      this.enc = HASHTABLE;
    }
    const table = this.table;
    const i = table.indexOf(field);
    let created = false;
    if (i >= 0) {
      const values = table.values as string[];
      this.payload += value.length - values[i].length;
      values[i] = value;
    } else {
      table.push(field, value);
      this.payload += field.length + value.length;
      created = true;
    }
    // Checked after updates too: a lowered limit converts on the next write.
    if (this.enc === LISTPACK && table.size > config.hashMaxListpackEntries) this.enc = HASHTABLE;
    this.updateBytes();
    return created;
  }

  /** Removes a field; returns whether it existed. */
  public delete(field: string): boolean {
    const table = this.table;
    const i = table.indexOf(field);
    if (i < 0) return false;
    this.payload -= field.length + (table.values as string[])[i].length;
    // A listpack keeps its order; a hash table's order is arbitrary anyway.
    if (this.enc === HASHTABLE) table.swapRemove(i);
    else table.orderedRemove(i);
    this.updateBytes();
    return true;
  }

  /**
   * One HSCAN step: a listpack is returned whole with cursor 0 (as the real server does);
   * a hash table `count` entries at a time.
   */
  public scan(cursor: number, count: number, visit: (i: number) => void): number {
    if (this.enc !== HASHTABLE) {
      for (let i = 0; i < this.table.size; i++) visit(i);
      return 0;
    }
    return this.table.scan(cursor, count, visit);
  }

  public clone(): RHash {
    const copy = new RHash(this.table.clone());
    copy.enc = this.enc;
    copy.payload = this.payload;
    copy.updateBytes();
    return copy;
  }

  private toHashtable(): void {
    this.enc = HASHTABLE;
    this.updateBytes();
  }

  private updateBytes(): void {
    const n = this.table.size;
    const bytes = this.enc === HASHTABLE
      ? HASHTABLE_BASE + this.payload + n * HASHTABLE_PER_PAIR
      : LISTPACK_BASE + this.payload + n * LISTPACK_PER_PAIR;
    if (bytes !== this.bytes) this.account(bytes - this.bytes);
  }

  /** Appends a pair while restoring (no encoding decisions). */
  public restorePair(field: string, value: string): void {
    if (this.table.has(field)) throw new Error('Duplicate hash fields detected');
    this.table.push(field, value);
    this.payload += field.length + value.length;
    this.updateBytes();
  }
}

/**
 * The hash codec. Besides the flat field/value list it reads single fields, so SORT's
 * `BY key->field` and `GET key->field` need not dump whole hashes.
 */
const hashCodec: ValueCodec<RHash> & { field(hash: RHash, name: string): string | undefined } = {
  // RDB_TYPE_HASH
  tag: 4,
  dump(hash: RHash): string[] {
    const out: string[] = [];
    const { keys, values } = hash.table;
    for (let i = 0; i < keys.length; i++) out.push(keys[i], (values as string[])[i]);
    return out;
  },
  restore(items: readonly string[]): RHash {
    if (items.length === 0 || items.length % 2 !== 0) throw new Error('Bad hash payload');
    const hash = RHash.unsettled();
    for (let i = 0; i < items.length; i += 2) hash.restorePair(items[i], items[i + 1]);
    return hash;
  },
  field: (hash, name) => hash.get(name),
};
registerCodec('hash', hashCodec);
