import { StringOrigin } from './encoding';
import { keySlot } from './slot';
import { KEY_OVERHEAD, MemoryCounter, RObject, RValue, valueBytes } from './types';

/** What a database needs from its server. */
export interface DbHost {
  /** Memory counter shared by all databases. */
  readonly mem: MemoryCounter;
  /**
   * Whether expired keys are removed on access. Replicas keep them until the primary's DEL
   * arrives, but still report them as missing to ordinary clients.
   */
  readonly deletesExpired: boolean;
  /**
   * Set on a replica while it applies its primary's writes: keys past their TTL still exist for
   * the primary's commands (the primary decides when they go, with a DEL).
   */
  readonly applyingPrimaryStream: boolean;
  /** LRU clock (seconds resolution) or, under an LFU policy, the packed LFU value of a fresh access. */
  accessStamp(entry: Entry | undefined): number;
  /**
   * The access stamp of a key whose value is replaced: a fresh LRU stamp, or under an LFU policy
   * the key's current frequency data (the lookup before the write already counted the access).
   */
  overwriteStamp(entry: Entry): number;
  /** Called when a key is removed because its TTL passed (propagation, notifications). */
  onExpired(db: Db, key: string): void;
  /** Called when a key is created (clients blocked on it may be served). */
  onKeyAdded(db: Db, key: string): void;
}

/** One key of a database. */
export class Entry {
  /** Index in the database's dense key array (random sampling, SCAN). */
  public slot: number;
  /** Index in the database's dense array of keys with a TTL, or -1. */
  public vslot = -1;
  /**
   * For string values: how the value was created, when OBJECT ENCODING cannot tell from its bytes
   * (a {@link StringOrigin} code; AUTO for values stored through the server's encoding attempt).
   */
  public strEnc: number = StringOrigin.AUTO;
  constructor(public value: RValue, public lru: number, slot: number) {
    this.slot = slot;
  }
}

/** A client watching keys of this database (WATCH). */
export interface Watcher {
  /** Set when a watched key changes; EXEC then fails. */
  dirtyCas: boolean;
}

/**
 * A numbered database: the keyspace with TTLs. Lookups are one Map access; keys are also kept in
 * a dense array so random sampling (RANDOMKEY, eviction, active expiry) is O(1) and SCAN's cursor
 * survives growth and deletion (see {@link Db.scan}).
 */
export class Db {
  public dict = new Map<string, Entry>();
  private keys: string[] = [];
  private expires = new Map<string, number>();
  private volatile: string[] = [];
  /** Clients watching each key. */
  public readonly watched = new Map<string, Set<Watcher>>();
  /** Per-slot key sets, maintained only in cluster mode. */
  private slotKeys: Map<number, Set<string>> | null = null;
  /** Sum of the TTLs sampled by the active expire cycle, for INFO keyspace avg_ttl. */
  public avgTtl = 0;

  constructor(public readonly id: number, private readonly host: DbHost) {}

  public get size(): number {
    return this.dict.size;
  }

  public get expiresCount(): number {
    return this.expires.size;
  }

  // ------------------------------------------------------------------------------------------
  // Lookup

  /**
   * The entry of a live key. An expired key is deleted (on a primary) and reported missing.
   * `touch` updates the access stamp used by LRU/LFU eviction and OBJECT IDLETIME.
   */
  public lookup(key: string, now: number, touch = true): Entry | undefined {
    const entry = this.dict.get(key);
    if (entry === undefined) return undefined;
    if (entry.vslot >= 0 && (this.expires.get(key) as number) <= now) {
      if (this.host.deletesExpired) this.expire(key);
      else if (this.host.applyingPrimaryStream) return entry;
      return undefined;
    }
    if (touch) entry.lru = this.host.accessStamp(entry);
    return entry;
  }

  /** Whether the key exists (and is not expired), without touching it. */
  public exists(key: string, now: number): boolean {
    return this.lookup(key, now, false) !== undefined;
  }

  /** The key's value, or undefined. */
  public get(key: string, now: number, touch = true): RValue | undefined {
    return this.lookup(key, now, touch)?.value;
  }

  /** Absolute expiry time in ms, or undefined when the key has no TTL. Does not check existence. */
  public getExpire(key: string): number | undefined {
    return this.expires.get(key);
  }

  // ------------------------------------------------------------------------------------------
  // Writes

  /** Adds a key that does not exist. */
  public add(key: string, value: RValue): Entry {
    const entry = new Entry(value, this.host.accessStamp(undefined), this.keys.length);
    this.keys.push(key);
    this.dict.set(key, entry);
    this.attach(value);
    this.host.mem.used += KEY_OVERHEAD + key.length;
    if (this.slotKeys !== null) this.slotAdd(key);
    this.host.onKeyAdded(this, key);
    return entry;
  }

  /**
   * Sets a key's value, adding the key when missing. An existing TTL is removed unless `keepTtl`.
   * A string value counts as stored through the encoding attempt (set `strEnc` after if not).
   * (The caller has already handled a logically expired key through lookup.)
   */
  public set(key: string, value: RValue, keepTtl = false): Entry {
    const entry = this.dict.get(key);
    if (entry === undefined) return this.add(key, value);
    if (entry.value !== value) {
      this.detach(entry.value);
      entry.value = value;
      this.attach(value);
    }
    entry.lru = this.host.overwriteStamp(entry);
    entry.strEnc = StringOrigin.AUTO;
    if (!keepTtl && entry.vslot >= 0) this.removeExpire(key, entry);
    return entry;
  }

  /**
   * Replaces the value of an existing string key in place (APPEND, SETRANGE, INCR...) keeping the
   * TTL; memory accounting follows the new length. `origin` says how OBJECT ENCODING sees the
   * result: RAW after APPEND/SETRANGE/SETBIT, AUTO after INCR/DECR (see {@link StringOrigin}).
   */
  public replaceString(entry: Entry, value: string, origin: number = StringOrigin.AUTO): void {
    this.host.mem.used += value.length - (entry.value as string).length;
    entry.value = value;
    entry.strEnc = origin;
  }

  /** Removes a key. Returns whether it existed (expired keys count as existing here). */
  public delete(key: string): boolean {
    const entry = this.dict.get(key);
    if (entry === undefined) return false;
    this.dict.delete(key);
    // Keep the dense array dense: move the last key into the freed place.
    const last = this.keys.pop() as string;
    if (entry.slot < this.keys.length) {
      this.keys[entry.slot] = last;
      (this.dict.get(last) as Entry).slot = entry.slot;
    }
    if (entry.vslot >= 0) this.removeExpire(key, entry);
    this.detach(entry.value);
    this.host.mem.used -= KEY_OVERHEAD + key.length;
    if (this.slotKeys !== null) this.slotRemove(key);
    return true;
  }

  /** Deletes an expired key and reports it to the server. */
  public expire(key: string): void {
    this.delete(key);
    this.host.onExpired(this, key);
  }

  /** Sets the absolute expiry time (ms) of an existing key. */
  public setExpire(key: string, at: number): void {
    const entry = this.dict.get(key);
    if (entry === undefined) return;
    if (entry.vslot < 0) {
      entry.vslot = this.volatile.length;
      this.volatile.push(key);
    }
    this.expires.set(key, at);
  }

  /** Removes a key's TTL. Returns whether it had one. */
  public persist(key: string): boolean {
    const entry = this.dict.get(key);
    if (entry === undefined || entry.vslot < 0) return false;
    this.removeExpire(key, entry);
    return true;
  }

  private removeExpire(key: string, entry: Entry): void {
    this.expires.delete(key);
    const last = this.volatile.pop() as string;
    if (entry.vslot < this.volatile.length) {
      this.volatile[entry.vslot] = last;
      (this.dict.get(last) as Entry).vslot = entry.vslot;
    }
    entry.vslot = -1;
  }

  /** Removes every key. Returns the number removed. */
  public flush(): number {
    const removed = this.dict.size;
    for (const [key, entry] of this.dict) {
      this.detach(entry.value);
      this.host.mem.used -= KEY_OVERHEAD + key.length;
    }
    this.dict.clear();
    this.keys.length = 0;
    this.expires.clear();
    this.volatile.length = 0;
    if (this.slotKeys !== null) this.slotKeys = new Map();
    this.avgTtl = 0;
    return removed;
  }

  /** Exchanges the whole content of two databases (SWAPDB); watchers stay with their database. */
  public swapWith(other: Db): void {
    [this.dict, other.dict] = [other.dict, this.dict];
    [this.keys, other.keys] = [other.keys, this.keys];
    [this.expires, other.expires] = [other.expires, this.expires];
    [this.volatile, other.volatile] = [other.volatile, this.volatile];
    [this.slotKeys, other.slotKeys] = [other.slotKeys, this.slotKeys];
    [this.avgTtl, other.avgTtl] = [other.avgTtl, this.avgTtl];
  }

  private attach(value: RValue): void {
    this.host.mem.used += valueBytes(value);
    if (typeof value !== 'string') value.counter = this.host.mem;
  }

  private detach(value: RValue): void {
    this.host.mem.used -= valueBytes(value);
    if (typeof value !== 'string') (value as RObject).counter = null;
  }

  // ------------------------------------------------------------------------------------------
  // Sampling and iteration

  /** A uniformly random key (may be logically expired), or undefined when empty. */
  public sampleKey(): string | undefined {
    const n = this.keys.length;
    return n === 0 ? undefined : this.keys[Math.floor(Math.random() * n)];
  }

  /** A random key that has a TTL, or undefined. */
  public sampleVolatileKey(): string | undefined {
    const n = this.volatile.length;
    return n === 0 ? undefined : this.volatile[Math.floor(Math.random() * n)];
  }

  /**
   * A random live key (RANDOMKEY), deleting expired ones it meets (`afterExpire` runs after each).
   * A replica does not delete them; when every key has a TTL it returns an expired one after 100
   * tries rather than looping, as the real server does.
   */
  public randomKey(now: number, afterExpire?: () => void): string | undefined {
    let tries = 100;
    while (this.keys.length > 0) {
      const key = this.sampleKey() as string;
      const at = this.expires.get(key);
      if (at === undefined || at > now) return key;
      if (!this.host.deletesExpired) {
        if (this.expires.size === this.dict.size && --tries === 0) return key;
        continue;
      }
      this.expire(key);
      afterExpire?.();
    }
    return undefined;
  }

  /**
   * One SCAN step over the dense key array from the top down. Deleting a key moves the last key
   * (already visited) into its place, and new keys are appended at the top (already passed), so
   * every key present for the whole iteration is returned at least once, as SCAN guarantees.
   * The cursor is the index of the next key to visit plus one; 0 starts and ends an iteration.
   *
   * @returns the next cursor
   */
  public scan(cursor: number, count: number, visit: (key: string) => void): number {
    let i = cursor === 0 ? this.keys.length - 1 : Math.min(cursor - 1, this.keys.length - 1);
    for (let visited = 0; i >= 0 && visited < count; i--, visited++) {
      visit(this.keys[i]);
    }
    return i < 0 ? 0 : i + 1;
  }

  /** Runs `visit` on the keys with a TTL, sampled at random, `count` times (active expiry). */
  public sampleVolatile(count: number, visit: (key: string, at: number) => void): void {
    for (let n = 0; n < count && this.volatile.length > 0; n++) {
      const key = this.sampleVolatileKey() as string;
      visit(key, this.expires.get(key) as number);
    }
  }

  // ------------------------------------------------------------------------------------------
  // WATCH

  public watch(key: string, client: Watcher): void {
    let set = this.watched.get(key);
    if (set === undefined) {
      set = new Set();
      this.watched.set(key, set);
    }
    set.add(client);
  }

  public unwatch(key: string, client: Watcher): void {
    const set = this.watched.get(key);
    if (set === undefined) return;
    set.delete(client);
    if (set.size === 0) this.watched.delete(key);
  }

  /** Marks the clients watching `key` so that their EXEC fails. */
  public signalModified(key: string): void {
    if (this.watched.size === 0) return;
    const set = this.watched.get(key);
    if (set !== undefined) for (const client of set) client.dirtyCas = true;
  }

  /** Marks every watcher of this database (FLUSHDB, FLUSHALL, SWAPDB). */
  public signalAll(onlyExisting: boolean, now: number): void {
    for (const [key, set] of this.watched) {
      if (onlyExisting && !this.exists(key, now)) continue;
      for (const client of set) client.dirtyCas = true;
    }
  }

  // ------------------------------------------------------------------------------------------
  // Cluster slots

  /** Starts maintaining per-slot key sets (cluster mode). */
  public enableSlotIndex(): void {
    if (this.slotKeys !== null) return;
    this.slotKeys = new Map();
    for (const key of this.dict.keys()) this.slotAdd(key);
  }

  public countKeysInSlot(slot: number): number {
    return this.slotKeys?.get(slot)?.size ?? 0;
  }

  public keysInSlot(slot: number, count: number): string[] {
    const set = this.slotKeys?.get(slot);
    if (set === undefined) return [];
    const out: string[] = [];
    for (const key of set) {
      if (out.length >= count) break;
      out.push(key);
    }
    return out;
  }

  private slotAdd(key: string): void {
    const slot = keySlot(key);
    const index = this.slotKeys as Map<number, Set<string>>;
    let set = index.get(slot);
    if (set === undefined) {
      set = new Set();
      index.set(slot, set);
    }
    set.add(key);
  }

  private slotRemove(key: string): void {
    const slot = keySlot(key);
    const index = this.slotKeys as Map<number, Set<string>>;
    const set = index.get(slot);
    if (set === undefined) return;
    set.delete(key);
    if (set.size === 0) index.delete(slot);
  }
}
