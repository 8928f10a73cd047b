import { SLAB_PAGE_SIZE, SlabClass, itemTotalSize, slabClasses } from './slabs';
import { Clock } from '../store/clock';

/** Longest key memcached accepts (KEY_MAX_LENGTH). */
export const KEY_MAX_LENGTH = 250;
/** Longest relative expiration; larger values are absolute Unix times (REALTIME_MAXDELTA). */
export const REALTIME_MAXDELTA = 60 * 60 * 24 * 30;
/** memcached bumps an item in its LRU at most this often (ITEM_UPDATE_INTERVAL, seconds). */
const ITEM_UPDATE_INTERVAL = 60;
/** memcached's clock starts this far in the past so that relative times are never 0. */
const PROCESS_START_OFFSET = ITEM_UPDATE_INTERVAL + 2;
/** Items examined from an LRU tail per pull (lru_pull_tail's `tries`). */
const LRU_PULL_TRIES = 5;
/** Rounds of reclaim/evict before an allocation gives up (do_item_alloc_pull). */
const ALLOC_PULL_ROUNDS = 10;

/**
 * One cached item. Times are memcached "relative" seconds (since process start, see
 * {@link MemcachedStore.now}); an exptime of 0 means never.
 */
export class Item {
  /** The key as a latin1 string: one character per key byte. */
  key: string;
  /** The data, without memcached's trailing "\r\n". Never mutated once stored. */
  value: Buffer;
  flags: number;
  exptime: number;
  cas = 0;
  /** Last LRU bump (memcached's it->time). */
  time = 0;
  /** Slab class and number of chunks the item occupies. */
  cls = 0;
  chunks = 0;
  /** Size as memcached charges it (ITEM_ntotal). */
  size: number;
  fetched = false;
  /** Meta-protocol state: marked stale by `md ... I`, and a recache token was handed out. */
  stale = false;
  tokenSent = false;
  /** Stored through a meta command with a base64 key: keys are echoed back in base64. */
  binaryKey = false;
  linked = false;
  /** Output batch that still refers to the item (memcached's reference count), see addDelta. */
  pin = 0;
  prev: Item | null = null;
  next: Item | null = null;

  constructor(key: string, value: Buffer, flags: number, exptime: number) {
    this.key = key;
    this.value = value;
    this.flags = flags;
    this.exptime = exptime;
    this.size = itemTotalSize(key.length, flags, value.length);
  }
}

/** How a store request combines with what is cached (memcached's NREAD_* modes). */
export enum StoreMode { ADD, SET, REPLACE, APPEND, PREPEND, CAS }

export enum StoreResult { STORED, NOT_STORED, EXISTS, NOT_FOUND }

/** Outcome of reserving memory for an item before its data arrives. */
export enum AllocResult { TOO_LARGE = -1, NO_MEMORY = -2 }

export enum DeltaResult { OK, NON_NUMERIC, NOT_FOUND, CAS_MISMATCH, NO_MEMORY }

const U64_MASK = (1n << 64n) - 1n;

/** Counters kept per slab class, as memcached keeps them per class and per thread. */
export class ClassStats {
  getHits = 0;
  setCmds = 0;
  deleteHits = 0;
  incrHits = 0;
  decrHits = 0;
  casHits = 0;
  casBadval = 0;
  touchHits = 0;
  evicted = 0;
  evictedNonzero = 0;
  evictedTime = 0;
  evictedUnfetched = 0;
  outOfMemory = 0;
  reclaimed = 0;
  expiredUnfetched = 0;
  directReclaims = 0;
}

/** Counters reported by `stats`. */
export class StoreStats {
  getCmds = 0;
  getMisses = 0;
  getExpired = 0;
  getFlushed = 0;
  touchCmds = 0;
  touchMisses = 0;
  deleteMisses = 0;
  incrMisses = 0;
  decrMisses = 0;
  casMisses = 0;
  flushCmds = 0;
  metaCmds = 0;
  storeTooLarge = 0;
  storeNoMemory = 0;
  authCmds = 0;
  authErrors = 0;
  totalItems = 0;
  currItems = 0;
  currBytes = 0;
}

export interface StoreOptions {
  readonly clock: Clock;
  /** Bytes available for items (memcached -m, in bytes). */
  readonly memoryLimit: number;
  /** Largest item, header included (memcached -I). */
  readonly itemSizeMax: number;
}

/**
 * The keyspace: items by key, per-class LRU lists (most recent at the head), the memory model of
 * {@link slabClasses} and memcached's storage semantics (do_store_item, do_add_delta, flush).
 * It is protocol-neutral: the text and binary front ends share it.
 */
export class MemcachedStore {
  readonly items = new Map<string, Item>();
  readonly stats = new StoreStats();
  readonly classes: readonly SlabClass[];
  /**
   * Per class (index = class id): counters, pages, chunks in use (items and reservations), LRU
   * head/tail, item count and bytes of linked items.
   */
  readonly classStats: ClassStats[];
  readonly pages: number[];
  readonly usedChunks: number[];
  readonly heads: (Item | null)[];
  readonly tails: (Item | null)[];
  readonly counts: number[];
  readonly requested: number[];
  /** Relative time at which flush_all takes effect (0 = none), and the CAS bound it set. */
  oldestLive = 0;
  oldestCas = 0;
  memoryLimit: number;
  readonly itemSizeMax: number;
  readonly chunkSizeMax: number;
  /** Unix time (seconds) that relative time 0 stands for. */
  readonly processStarted: number;
  /** The item a STORED result of {@link store} linked (a new one for append/prepend). */
  storedItem: Item | undefined;
  /** Result of the last {@link addDelta}: the new value's decimal text and the item holding it. */
  deltaText = '';
  deltaItem: Item | undefined;
  private readonly clock: Clock;
  private casId = 0;
  private pagesTotal = 0;
  private lastChunks = 0;

  constructor(options: StoreOptions) {
    this.clock = options.clock;
    this.memoryLimit = options.memoryLimit;
    this.itemSizeMax = options.itemSizeMax;
    this.chunkSizeMax = Math.min(SLAB_PAGE_SIZE / 2, options.itemSizeMax);
    this.processStarted = Math.floor(this.clock.now() / 1000) - PROCESS_START_OFFSET;
    const classes = slabClasses(this.chunkSizeMax);
    this.classes = classes;
    const n = classes.length + 1;
    this.classStats = Array.from({ length: n }, () => new ClassStats());
    this.pages = new Array<number>(n).fill(0);
    this.usedChunks = new Array<number>(n).fill(0);
    this.heads = new Array<Item | null>(n).fill(null);
    this.tails = new Array<Item | null>(n).fill(null);
    this.counts = new Array<number>(n).fill(0);
    this.requested = new Array<number>(n).fill(0);
  }

  /** memcached's current_time: seconds since the (virtual) process start. */
  now(): number {
    return Math.floor(this.clock.now() / 1000) - this.processStarted;
  }

  /** Unix time (seconds) for a relative time. */
  unixTime(rel: number): number {
    return rel + this.processStarted;
  }

  /**
   * memcached's realtime(): a relative expiration (up to 30 days) or an absolute Unix time,
   * to relative time; absolute times at or before the process start become 1 (already expired).
   */
  realtime(exptime: number): number {
    if (exptime === 0) return 0;
    if (exptime > REALTIME_MAXDELTA) {
      if (exptime <= this.processStarted) return 1;
      return exptime - this.processStarted;
    }
    return exptime + this.now();
  }

  /** A new CAS unique (get_cas_id). */
  nextCas(): number {
    return ++this.casId;
  }

  /** Pages handed out so far (memcached's total_malloced is this times the page size). */
  get totalPages(): number {
    return this.pagesTotal;
  }

  // ---------------------------------------------------------------------------------------------
  // Memory

  /** Slab class for an item of `size` bytes; 0 when it exceeds the item size limit. */
  classFor(size: number): number {
    if (size === 0 || size > this.itemSizeMax) return 0;
    const classes = this.classes;
    for (let i = 0; i < classes.length; i++) if (size <= classes[i].size) return classes[i].id;
    return classes[classes.length - 1].id;
  }

  private chunksFor(cls: number, size: number): number {
    const chunk = this.classes[cls - 1].size;
    return size <= chunk ? 1 : Math.ceil(size / chunk);
  }

  /** item_size_ok(): whether an item of these dimensions fits within the item size limit. */
  sizeOk(keyLength: number, flags: number, valueLength: number): boolean {
    return this.classFor(itemTotalSize(keyLength, flags, valueLength)) !== 0;
  }

  /**
   * Reserves memory for an item (memcached allocates before reading the data), reclaiming
   * expired items and evicting from the class's LRU tail as memcached does. Returns the class id
   * (chunks are in {@link chunksReserved}) or an AllocResult.
   */
  alloc(keyLength: number, flags: number, valueLength: number): number {
    const size = itemTotalSize(keyLength, flags, valueLength);
    const cls = this.classFor(size);
    if (cls === 0) return AllocResult.TOO_LARGE;
    const chunks = this.chunksFor(cls, size);
    let round = 0;
    let ok = false;
    for (; round < ALLOC_PULL_ROUNDS; round++) {
      this.pullTail(cls, false);
      if (this.takeChunks(cls, chunks)) {
        ok = true;
        break;
      }
      if (this.pullTail(cls, true) <= 0) break;
    }
    if (round > 0) this.classStats[cls].directReclaims += round;
    if (!ok) {
      this.classStats[cls].outOfMemory++;
      return AllocResult.NO_MEMORY;
    }
    this.lastChunks = chunks;
    return cls;
  }

  /** Chunks taken by the last successful {@link alloc}. */
  get chunksReserved(): number {
    return this.lastChunks;
  }

  /** Gives back memory reserved by {@link alloc} for an item that was not stored. */
  release(cls: number, chunks: number): void {
    this.usedChunks[cls] -= chunks;
  }

  private takeChunks(cls: number, chunks: number): boolean {
    const perPage = this.classes[cls - 1].perPage;
    for (;;) {
      if (this.pages[cls] * perPage - this.usedChunks[cls] >= chunks) {
        this.usedChunks[cls] += chunks;
        return true;
      }
      // do_slabs_newslab: a class with no page always gets one; others only within the limit.
      if (this.pages[cls] > 0 && (this.pagesTotal + 1) * SLAB_PAGE_SIZE > this.memoryLimit) return false;
      this.pages[cls]++;
      this.pagesTotal++;
    }
  }

  /**
   * lru_pull_tail on a class: reclaims expired or flushed items from the tail and, when `evict`
   * is set, evicts the first live one. Returns how many items went.
   */
  private pullTail(cls: number, evict: boolean): number {
    const now = this.now();
    let removed = 0;
    let search = this.tails[cls];
    for (let tries = LRU_PULL_TRIES; tries > 0 && search !== null; tries--) {
      const prev: Item | null = search.prev;
      const st = this.classStats[cls];
      if ((search.exptime !== 0 && search.exptime < now) || this.isFlushed(search, now)) {
        st.reclaimed++;
        if (!search.fetched) st.expiredUnfetched++;
        this.unlink(search);
        removed++;
        search = prev;
        continue;
      }
      if (evict) {
        st.evicted++;
        st.evictedTime = now - search.time;
        if (search.exptime !== 0) st.evictedNonzero++;
        if (!search.fetched) st.evictedUnfetched++;
        this.unlink(search);
        removed++;
      }
      break;
    }
    return removed;
  }

  // ---------------------------------------------------------------------------------------------
  // Linking and lookup

  private isFlushed(item: Item, now: number): boolean {
    const oldest = this.oldestLive;
    if (oldest === 0 || oldest > now) return false;
    return item.time <= oldest || (this.oldestCas !== 0 && item.cas !== 0 && item.cas < this.oldestCas);
  }

  /** do_item_link: stamps time and a new CAS, indexes the item and puts it at its LRU head. */
  link(item: Item): void {
    item.time = this.now();
    item.cas = this.nextCas();
    item.linked = true;
    this.items.set(item.key, item);
    this.linkQ(item);
    this.counts[item.cls]++;
    this.requested[item.cls] += item.size;
    const st = this.stats;
    st.currItems++;
    st.totalItems++;
    st.currBytes += item.size;
  }

  /** do_item_unlink: removes the item and frees its memory. */
  unlink(item: Item): void {
    if (!item.linked) return;
    item.linked = false;
    this.items.delete(item.key);
    this.unlinkQ(item);
    this.counts[item.cls]--;
    this.usedChunks[item.cls] -= item.chunks;
    this.requested[item.cls] -= item.size;
    const st = this.stats;
    st.currItems--;
    st.currBytes -= item.size;
  }

  /** item_replace: the new item takes the old one's place. */
  replace(old: Item, item: Item): void {
    this.unlink(old);
    this.link(item);
  }

  private linkQ(item: Item): void {
    const cls = item.cls;
    const head = this.heads[cls];
    item.prev = null;
    item.next = head;
    if (head !== null) head.prev = item;
    this.heads[cls] = item;
    if (this.tails[cls] === null) this.tails[cls] = item;
  }

  private unlinkQ(item: Item): void {
    const cls = item.cls;
    if (this.heads[cls] === item) this.heads[cls] = item.next;
    if (this.tails[cls] === item) this.tails[cls] = item.prev;
    if (item.next !== null) item.next.prev = item.prev;
    if (item.prev !== null) item.prev.next = item.next;
    item.prev = null;
    item.next = null;
  }

  /** do_item_update (flat LRU): moves the item to its LRU head at most once a minute. */
  update(item: Item): void {
    const now = this.now();
    if (item.time < now - ITEM_UPDATE_INTERVAL && item.linked) {
      item.time = now;
      this.unlinkQ(item);
      this.linkQ(item);
    }
  }

  /** do_item_bump: marks the item fetched and updates its LRU position. */
  bump(item: Item): void {
    item.fetched = true;
    this.update(item);
  }

  /**
   * do_item_get: the live item for a key, dropping it when flushed or expired (counted as
   * get_flushed / get_expired). With `update`, the item is marked fetched and bumped.
   */
  get(key: string, update: boolean): Item | undefined {
    const item = this.items.get(key);
    if (item === undefined) return undefined;
    const now = this.now();
    if (this.isFlushed(item, now)) {
      this.unlink(item);
      this.stats.getFlushed++;
      return undefined;
    }
    if (item.exptime !== 0 && item.exptime <= now) {
      this.unlink(item);
      this.stats.getExpired++;
      return undefined;
    }
    if (update) this.bump(item);
    return item;
  }

  /** do_item_touch: get with bump, then a new expiration. */
  touch(key: string, exptime: number): Item | undefined {
    const item = this.get(key, true);
    if (item !== undefined) item.exptime = exptime;
    return item;
  }

  // ---------------------------------------------------------------------------------------------
  // Storage semantics

  /**
   * do_store_item. `item` carries the requested CAS in `item.cas` (0 = none) and the memory
   * reserved by {@link alloc}; on any result but STORED the caller releases that memory.
   * `setStale` is the meta `I` flag on a CAS store.
   */
  store(item: Item, mode: StoreMode, setStale = false): StoreResult {
    this.storedItem = item;
    const old = this.get(item.key, false);
    const reqCas = item.cas;
    if (old !== undefined) {
      const badCas = reqCas !== 0 && reqCas !== old.cas;
      const stale = badCas && setStale && reqCas < old.cas;
      const st = this.classStats[old.cls];
      switch (mode) {
        case StoreMode.ADD:
          this.update(old);
          return StoreResult.NOT_STORED;
        case StoreMode.CAS:
          if (reqCas !== 0 && !badCas) {
            st.casHits++;
          } else if (stale) {
            item.exptime = old.exptime;
            item.stale = true;
            item.tokenSent = old.tokenSent;
            st.casHits++;
          } else {
            st.casBadval++;
            return StoreResult.EXISTS;
          }
          break;
        case StoreMode.APPEND:
        case StoreMode.PREPEND: {
          if (badCas) return StoreResult.EXISTS;
          const combined = this.combine(old, item, mode === StoreMode.APPEND);
          if (combined === undefined) return StoreResult.NOT_STORED;
          this.replace(old, combined);
          this.storedItem = combined;
          return StoreResult.STORED;
        }
        default: // SET, REPLACE
          break;
      }
      this.replace(old, item);
      return StoreResult.STORED;
    }
    switch (mode) {
      case StoreMode.ADD:
      case StoreMode.SET:
        this.link(item);
        return StoreResult.STORED;
      case StoreMode.CAS:
        this.stats.casMisses++;
        return StoreResult.NOT_FOUND;
      default:
        return StoreResult.NOT_STORED;
    }
  }

  /**
   * Append/prepend: a new item with the old item's flags and expiration holding both values.
   * The request item's own memory is released by the caller as for any result.
   */
  private combine(old: Item, add: Item, append: boolean): Item | undefined {
    const length = old.value.length + add.value.length;
    const cls = this.alloc(old.key.length, old.flags, length);
    if (cls < 0) return undefined;
    const value = Buffer.allocUnsafeSlow(length);
    if (append) {
      old.value.copy(value, 0);
      add.value.copy(value, old.value.length);
    } else {
      add.value.copy(value, 0);
      old.value.copy(value, add.value.length);
    }
    const combined = new Item(old.key, value, old.flags, old.exptime);
    combined.cls = cls;
    combined.chunks = this.chunksReserved;
    return combined;
  }

  /**
   * Creates and reserves memory for an item whose value is already known (incr's new value,
   * meta vivify, binary incr's initial value). Undefined when memory is exhausted.
   */
  makeItem(key: string, value: Buffer, flags: number, exptime: number): Item | undefined {
    const cls = this.alloc(key.length, flags, value.length);
    if (cls < 0) return undefined;
    const item = new Item(key, value, flags, exptime);
    item.cls = cls;
    item.chunks = this.chunksReserved;
    return item;
  }

  /** Frees memory of an item made with {@link makeItem} or {@link alloc} that was not linked. */
  discard(item: Item): void {
    if (!item.linked && item.cls !== 0) this.release(item.cls, item.chunks);
    item.cls = 0;
  }

  /**
   * do_add_delta: incr/decr on a decimal value as unsigned 64-bit (incr wraps, decr stops at 0).
   * A shorter result is written in place, padded with spaces, unless a pending response still
   * refers to the item (`pin` equals `activePin`); then, as for a longer result, a new item
   * replaces it. `cas` (non-zero) must match.
   */
  addDelta(key: string, incr: boolean, delta: bigint, cas: number, activePin: number): DeltaResult {
    const item = this.get(key, false);
    this.deltaItem = undefined;
    if (item === undefined) return DeltaResult.NOT_FOUND;
    const data = item.value;
    if (data.length === 0) return DeltaResult.NON_NUMERIC;
    if (cas !== 0 && item.cas !== cas) return DeltaResult.CAS_MISMATCH;
    const current = parseStoredU64(data);
    if (current === undefined) return DeltaResult.NON_NUMERIC;
    let value: bigint;
    if (incr) value = (current + delta) & U64_MASK;
    else value = delta > current ? 0n : current - delta;
    const st = this.classStats[item.cls];
    if (incr) st.incrHits++;
    else st.decrHits++;
    const text = value.toString();
    this.deltaText = text;
    if (text.length <= data.length && item.pin !== activePin) {
      // In place: same item, new CAS, value padded with spaces to its old length.
      const updated = Buffer.allocUnsafeSlow(data.length);
      updated.fill(0x20, updated.write(text, 0, 'latin1'));
      item.value = updated;
      item.cas = this.nextCas();
      this.update(item);
      this.deltaItem = item;
      return DeltaResult.OK;
    }
    const fresh = this.makeItem(item.key, Buffer.from(text, 'latin1'), item.flags, item.exptime);
    if (fresh === undefined) return DeltaResult.NO_MEMORY;
    this.replace(item, fresh);
    // As in memcached, the caller keeps the old item, which now carries the new CAS: meta flags
    // that read it (c, t) see the new state, and one that writes it (T) changes nothing.
    item.cas = fresh.cas;
    this.deltaItem = item;
    return DeltaResult.OK;
  }

  /** Deletes an item that {@link get} returned. */
  remove(item: Item): void {
    this.unlink(item);
  }

  /**
   * flush_all: items last bumped before the flush time (now, or after `delay`) are treated as gone
   * from then on; an immediate flush also retires every CAS handed out so far. As in memcached,
   * flushed items are dropped lazily, when read or when their memory is needed.
   */
  flush(delay: number): void {
    const now = this.now();
    const newOldest = delay > 0 ? this.realtime(delay) : now;
    this.oldestLive = newOldest - 1;
    if (this.oldestLive <= now) this.oldestCas = this.nextCas();
  }
}

/**
 * The value of stored data for incr/decr: strtoull over the data followed by memcached's "\r\n"
 * (so trailing text after the digits is fine only after white space), with the '-' rule.
 */
function parseStoredU64(data: Buffer): bigint | undefined {
  let i = 0;
  const end = data.length;
  while (i < end && (data[i] === 32 || (data[i] >= 9 && data[i] <= 13))) i++;
  let neg = false;
  if (i < end && (data[i] === 0x2b || data[i] === 0x2d)) {
    neg = data[i] === 0x2d;
    i++;
  }
  const digits = i;
  while (i < end && data[i] >= 0x30 && data[i] <= 0x39) i++;
  if (i === digits) return undefined; // nothing converted
  if (i < end && !(data[i] === 32 || (data[i] >= 9 && data[i] <= 13))) return undefined;
  const mag = BigInt(data.toString('latin1', digits, i));
  if (mag > U64_MASK) return undefined;
  const value = neg && mag !== 0n ? (1n << 64n) - mag : mag;
  if (value >= 1n << 63n && data.indexOf(0x2d) !== -1) return undefined;
  return value;
}
