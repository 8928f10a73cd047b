/**
 * Values of the keyspace. A string value is a JS byte string (latin1: one char per byte), which is
 * binary-safe and compact; every other type is an {@link RObject} that keeps an approximate byte
 * size of itself so memory accounting (INFO used_memory, maxmemory eviction) costs O(1) per change.
 */

/** Running total of the dataset's approximate memory, shared by all databases of a server. */
export interface MemoryCounter {
  used: number;
}

export type TypeName = 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream';

/** Encoding thresholds and other config values an object needs to name its encoding. */
export interface EncodingConfig {
  readonly hashMaxListpackEntries: number;
  readonly hashMaxListpackValue: number;
  readonly setMaxIntsetEntries: number;
  readonly setMaxListpackEntries: number;
  readonly setMaxListpackValue: number;
  readonly zsetMaxListpackEntries: number;
  readonly zsetMaxListpackValue: number;
  readonly listMaxListpackSize: number;
  /**
   * Whether small sets of strings use the listpack encoding (Valkey 8, Redis 7.2+); Redis 7.0
   * has only intset and hashtable sets.
   */
  readonly setListpack: boolean;
  /**
   * Whether small lists use the listpack encoding (Valkey, Redis 7.2+). Redis 7.0 stores every
   * list as a quicklist.
   */
  readonly listpackLists: boolean;
}

/** The defaults of Valkey 8 (used where a value is built without a server at hand, e.g. RESTORE in tests). */
export const DEFAULT_ENCODING: EncodingConfig = {
  hashMaxListpackEntries: 128,
  hashMaxListpackValue: 64,
  setMaxIntsetEntries: 512,
  setMaxListpackEntries: 128,
  setMaxListpackValue: 64,
  zsetMaxListpackEntries: 128,
  zsetMaxListpackValue: 64,
  listMaxListpackSize: -2,
  setListpack: true,
  listpackLists: true,
};

/** Base of every non-string value. */
export abstract class RObject {
  /** The type TYPE reports. */
  public abstract readonly type: Exclude<TypeName, 'string'>;
  /** Approximate memory of this value in bytes. */
  public bytes = 0;
  /** The counter this value reports to while it is stored in a keyspace. */
  public counter: MemoryCounter | null = null;

  /** Number of elements; a collection with 0 elements is removed from the keyspace. */
  public abstract get length(): number;

  /** The name OBJECT ENCODING reports. */
  public abstract encoding(config: EncodingConfig): string;

  /** A deep copy (COPY, DUMP/RESTORE). */
  public abstract clone(): RObject;

  /** Records a change of this value's size. */
  protected account(delta: number): void {
    this.bytes += delta;
    if (this.counter !== null) this.counter.used += delta;
  }
}

export type RValue = string | RObject;

export function typeOf(value: RValue): TypeName {
  return typeof value === 'string' ? 'string' : value.type;
}

/** Approximate bytes a stored string value takes (object header + payload). */
export const STRING_OVERHEAD = 16;
/** Approximate bytes a key takes besides its name (dictionary entry, key object, bookkeeping). */
export const KEY_OVERHEAD = 56;

export function valueBytes(value: RValue): number {
  return typeof value === 'string' ? STRING_OVERHEAD + value.length : value.bytes;
}

/**
 * How a value type is written to and read from a flat list of byte strings: DUMP/RESTORE payloads,
 * snapshots, and the elements SORT works on. Each type registers its codec next to its class.
 */
export interface ValueCodec<T extends RObject = RObject> {
  /** One byte identifying the type in a DUMP payload. */
  readonly tag: number;
  /** The value as a flat list of strings (e.g. field, value, field, value for a hash). */
  dump(value: T): string[];
  /** The inverse of dump; throws an Error for malformed input. */
  restore(items: readonly string[]): T;
  /** The elements SORT sorts (list order, set members, zset members by score); none for hashes. */
  sortElements?(value: T): string[];
  /**
   * The value of one field, for types with fields (hashes), or undefined when it is missing. SORT's
   * `BY key->field` and `GET key->field` read fields through it (through `dump` when absent).
   */
  field?(value: T, name: string): string | undefined;
}

const codecs = new Map<string, ValueCodec>();

/** Registers the codec of a value type (called by each type's module). */
export function registerCodec(type: Exclude<TypeName, 'string'>, codec: ValueCodec<any>): void {
  codecs.set(type, codec);
}

/** The codec of a type, if its module registered one. */
export function codecFor(type: TypeName): ValueCodec | undefined {
  return codecs.get(type);
}

/** Codecs by DUMP tag. */
export function codecByTag(tag: number): [TypeName, ValueCodec] | undefined {
  for (const [type, codec] of codecs) if (codec.tag === tag) return [type as TypeName, codec];
  return undefined;
}
