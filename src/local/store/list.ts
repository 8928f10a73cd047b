import { DEFAULT_ENCODING, EncodingConfig, RObject, registerCodec } from './types';

/**
 * The list type: a ring buffer of byte strings. Pushing and popping at either end, reading by
 * index and setting by index are O(1); inserting or removing inside moves the shorter side.
 *
 * Besides the elements, a list keeps a small model of how the real server would lay it out, so
 * OBJECT ENCODING names the same encoding: a single listpack while the list is small, a quicklist
 * (a chain of listpack nodes) once it outgrows `list-max-listpack-size`, and back to a listpack
 * when it shrinks to half the limit in a single node (Valkey and Redis 7.2+; Redis 7.0 reports
 * every list as a quicklist). The model mirrors the server's listpack byte sizes and its quicklist
 * node rules (which node takes an element, when nodes split and merge).
 */
export class ListValue extends RObject {
  /** A list holding `values` in order, encoded as the server encodes a list it builds at once. */
  public static from(values: readonly string[], config: EncodingConfig = DEFAULT_ENCODING): ListValue {
    const list = new ListValue(values.length);
    list.beforeGrow(config, values, 0, values.length);
    for (const v of values) list.pushTail(v);
    return list;
  }

  public readonly type = 'list' as const;

  private items: Array<string | undefined>;
  private head = 0;
  private size = 0;
  private mask: number;

  /** Listpack encoding (one listpack) or quicklist (nodes). */
  private packed = true;
  /** Bytes of the listpack while packed. */
  private lpBytes = LP_EMPTY;
  /** Quicklist nodes while not packed, head first. */
  private nodes = new NodeChain();
  /** The quicklist's fill factor, fixed when it was created (as the server's quicklist->fill). */
  private fill = -2;

  constructor(capacity = MIN_CAPACITY) {
    super();
    let cap = MIN_CAPACITY;
    while (cap < capacity) cap *= 2;
    this.items = new Array(cap);
    this.mask = cap - 1;
    this.account(LIST_BYTES);
  }

  public get length(): number {
    return this.size;
  }

  public encoding(config: EncodingConfig): string {
    return config.listpackLists && this.packed ? 'listpack' : 'quicklist';
  }

  public clone(): ListValue {
    const copy = new ListValue(this.size);
    for (let i = 0; i < this.size; i++) copy.items[i] = this.items[(this.head + i) & this.mask];
    copy.size = this.size;
    copy.account(this.bytes - LIST_BYTES);
    copy.packed = this.packed;
    copy.lpBytes = this.lpBytes;
    copy.nodes = NodeChain.from(this.nodes.toArray().map((n) => ({ ...n })));
    copy.fill = this.fill;
    return copy;
  }

  // ------------------------------------------------------------------------------------------
  // Reading

  /** The element at `index` (0-based from the head; no negative indexes), or undefined. */
  public at(index: number): string | undefined {
    if (index < 0 || index >= this.size) return undefined;
    return this.items[(this.head + index) & this.mask];
  }

  /** The elements as an array, head first. */
  public toArray(): string[] {
    const out = new Array<string>(this.size);
    for (let i = 0; i < this.size; i++) out[i] = this.items[(this.head + i) & this.mask] as string;
    return out;
  }

  /**
   * The protocol bytes of an array reply with `count` elements from `start` (head to tail), or
   * from `start` towards the head when `reverse`, built in one pass.
   */
  public rangeReply(start: number, count: number, reverse = false): string {
    const items = this.items;
    const mask = this.mask;
    let out = '*' + count + '\r\n';
    let p = this.head + start;
    const step = reverse ? -1 : 1;
    for (let i = 0; i < count; i++, p += step) {
      const s = items[p & mask] as string;
      out += '$' + s.length + '\r\n' + s + '\r\n';
    }
    return out;
  }

  /** Index of the first element equal to `value` from the head, or -1. */
  public indexOf(value: string): number {
    const items = this.items;
    for (let i = 0; i < this.size; i++) if (items[(this.head + i) & this.mask] === value) return i;
    return -1;
  }

  // ------------------------------------------------------------------------------------------
  // Growing

  /**
   * The server's check before adding `values[from..to)`: a listpack that would outgrow
   * list-max-listpack-size becomes a quicklist first. Call it once per command, before pushing or
   * inserting (even when the insert may not happen, as the server does).
   */
  public beforeGrow(config: EncodingConfig, values: readonly string[], from: number, to: number): void {
    if (!this.packed) return;
    let add = 0;
    for (let i = from; i < to; i++) add += values[i].length;
    if (exceedsLimit(config.listMaxListpackSize, this.lpBytes + add, this.size + to - from)) this.toQuicklist(config);
  }

  /** As {@link beforeGrow} for one value. */
  public beforeGrowOne(config: EncodingConfig, value: string): void {
    if (this.packed && exceedsLimit(config.listMaxListpackSize, this.lpBytes + value.length, this.size + 1)) this.toQuicklist(config);
  }

  public pushTail(value: string): void {
    if (this.size === this.items.length) this.resize(this.size * 2);
    this.items[(this.head + this.size) & this.mask] = value;
    this.size++;
    this.account(ENTRY_BYTES + value.length);
    if (this.packed) this.lpBytes += lpEntrySize(value);
    else this.qlPush(value, true);
  }

  public pushHead(value: string): void {
    if (this.size === this.items.length) this.resize(this.size * 2);
    this.head = (this.head - 1) & this.mask;
    this.items[this.head] = value;
    this.size++;
    this.account(ENTRY_BYTES + value.length);
    if (this.packed) this.lpBytes += lpEntrySize(value);
    else this.qlPush(value, false);
  }

  /** Inserts `value` before (or after) the element at `index`. */
  public insert(index: number, value: string, after: boolean): void {
    if (!this.packed) this.qlInsert(index, value, after);
    else this.lpBytes += lpEntrySize(value);
    this.insertRaw(after ? index + 1 : index, value);
    this.account(ENTRY_BYTES + value.length);
  }

  /** Replaces the element at `index`. */
  public set(index: number, value: string): void {
    const p = (this.head + index) & this.mask;
    const old = this.items[p] as string;
    if (this.packed) this.lpBytes += lpEntrySize(value) - lpEntrySize(old);
    else this.qlReplace(index, old, value);
    this.items[p] = value;
    this.account(value.length - old.length);
  }

  // ------------------------------------------------------------------------------------------
  // Shrinking

  public popHead(): string | undefined {
    if (this.size === 0) return undefined;
    const value = this.items[this.head] as string;
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.size--;
    this.removed(value, true);
    this.maybeShrinkStorage();
    return value;
  }

  public popTail(): string | undefined {
    if (this.size === 0) return undefined;
    const p = (this.head + this.size - 1) & this.mask;
    const value = this.items[p] as string;
    this.items[p] = undefined;
    this.size--;
    this.removed(value, false);
    this.maybeShrinkStorage();
    return value;
  }

  /** Removes `left` elements from the head and `right` from the tail (LTRIM, pops with a count). */
  public trim(left: number, right: number): void {
    if (left + right >= this.size) {
      left = this.size;
      right = 0;
    }
    if (!this.packed) {
      if (left > 0) this.qlDeleteRange(0, left);
      if (right > 0) this.qlDeleteRange(this.size - left - right, right, left);
    }
    let freed = 0;
    let lp = 0;
    for (let i = 0; i < left; i++) {
      const p = (this.head + i) & this.mask;
      const s = this.items[p] as string;
      freed += ENTRY_BYTES + s.length;
      if (this.packed) lp += lpEntrySize(s);
      this.items[p] = undefined;
    }
    for (let i = this.size - right; i < this.size; i++) {
      const p = (this.head + i) & this.mask;
      const s = this.items[p] as string;
      freed += ENTRY_BYTES + s.length;
      if (this.packed) lp += lpEntrySize(s);
      this.items[p] = undefined;
    }
    this.head = (this.head + left) & this.mask;
    this.size -= left + right;
    this.lpBytes -= lp;
    this.account(-freed);
    this.maybeShrinkStorage();
  }

  /**
   * Removes elements equal to `value`: at most `limit` of them (0 = all), scanning from the head,
   * or from the tail when `fromTail`. One pass; returns the number removed.
   */
  public removeMatches(value: string, limit: number, fromTail: boolean): number {
    const n = this.size;
    const removed: number[] = [];
    if (fromTail) {
      for (let i = n - 1; i >= 0 && (limit === 0 || removed.length < limit); i--) {
        if (this.items[(this.head + i) & this.mask] === value) removed.push(i);
      }
      removed.reverse();
    } else {
      for (let i = 0; i < n && (limit === 0 || removed.length < limit); i++) {
        if (this.items[(this.head + i) & this.mask] === value) removed.push(i);
      }
    }
    if (removed.length === 0) return 0;
    if (!this.packed) this.qlDeleteIndexes(removed);
    else this.lpBytes -= removed.length * lpEntrySize(value);
    // Compact in place from the first removed index.
    let write = removed[0];
    let r = 0;
    for (let read = removed[0]; read < n; read++) {
      if (r < removed.length && removed[r] === read) {
        r++;
        continue;
      }
      this.items[(this.head + write) & this.mask] = this.items[(this.head + read) & this.mask];
      write++;
    }
    for (let i = write; i < n; i++) this.items[(this.head + i) & this.mask] = undefined;
    this.size = write;
    this.account(-removed.length * (ENTRY_BYTES + value.length));
    this.maybeShrinkStorage();
    return removed.length;
  }

  /**
   * The server's check after removing elements: a quicklist of a single node at most half the
   * limit becomes a listpack again.
   */
  public afterShrink(config: EncodingConfig): void {
    if (this.packed || this.size === 0) return;
    this.tryToListpack(config, true);
  }

  // ------------------------------------------------------------------------------------------
  // Storage

  private insertRaw(pos: number, value: string): void {
    if (this.size === this.items.length) this.resize(this.size * 2);
    const mask = this.mask;
    if (pos < this.size - pos) {
      // Shift the head side one place towards the front.
      this.head = (this.head - 1) & mask;
      for (let i = 0; i < pos; i++) this.items[(this.head + i) & mask] = this.items[(this.head + i + 1) & mask];
    } else {
      for (let i = this.size; i > pos; i--) this.items[(this.head + i) & mask] = this.items[(this.head + i - 1) & mask];
    }
    this.items[(this.head + pos) & mask] = value;
    this.size++;
  }

  private resize(capacity: number): void {
    let cap = MIN_CAPACITY;
    while (cap < capacity) cap *= 2;
    const items = new Array<string | undefined>(cap);
    for (let i = 0; i < this.size; i++) items[i] = this.items[(this.head + i) & this.mask];
    this.items = items;
    this.head = 0;
    this.mask = cap - 1;
  }

  /** Gives memory back once the list uses less than a quarter of its buffer. */
  private maybeShrinkStorage(): void {
    const cap = this.items.length;
    if (cap > MIN_CAPACITY && this.size * 4 < cap) this.resize(Math.max(MIN_CAPACITY, this.size * 2));
  }

  private removed(value: string, fromHead: boolean): void {
    this.account(-(ENTRY_BYTES + value.length));
    if (this.packed) {
      this.lpBytes -= lpEntrySize(value);
      return;
    }
    const nodes = this.nodes;
    const node = fromHead ? nodes.at(0) : nodes.at(nodes.length - 1);
    node.count--;
    if (node.count > 0) node.sz -= lpEntrySize(value);
    else if (fromHead) nodes.shift();
    else nodes.pop();
  }

  // ------------------------------------------------------------------------------------------
  // Quicklist model

  private toQuicklist(config: EncodingConfig): void {
    this.packed = false;
    this.fill = clampFill(config.listMaxListpackSize);
    this.nodes = NodeChain.from(this.size > 0 ? [{ count: this.size, sz: this.lpBytes, plain: false }] : []);
  }

  private tryToListpack(config: EncodingConfig, shrinking: boolean): void {
    if (this.nodes.length !== 1 || this.nodes.at(0).plain) return;
    const fill = config.listMaxListpackSize;
    let szLimit = fill < 0 ? negFillLimit(fill) : Infinity;
    let countLimit = fill >= 0 ? (fill === 0 ? 1 : fill) : UINT_MAX;
    if (shrinking) {
      szLimit = Math.floor(szLimit / 2);
      countLimit = Math.floor(countLimit / 2);
    }
    const node = this.nodes.at(0);
    if (node.sz > szLimit || node.count > countLimit) return;
    this.packed = true;
    this.lpBytes = node.sz;
    this.nodes = new NodeChain();
  }

  private qlPush(value: string, tail: boolean): void {
    const nodes = this.nodes;
    const len = value.length;
    if (isLargeElement(len, this.fill)) {
      if (tail) nodes.push({ count: 1, sz: len, plain: true });
      else nodes.unshift({ count: 1, sz: len, plain: true });
      return;
    }
    const node = nodes.length === 0 ? undefined : tail ? nodes.at(nodes.length - 1) : nodes.at(0);
    if (this.allowInsert(node, len)) {
      node.count++;
      node.sz += lpEntrySize(value);
    } else {
      const fresh = { count: 1, sz: LP_EMPTY + lpEntrySize(value), plain: false };
      if (tail) nodes.push(fresh);
      else nodes.unshift(fresh);
    }
  }

  private allowInsert(node: QlNode | undefined, len: number): node is QlNode {
    if (node === undefined || node.plain || isLargeElement(len, this.fill)) return false;
    return !exceedsLimit(this.fill, node.sz + len + SIZE_ESTIMATE_OVERHEAD, node.count + 1);
  }

  /**
   * The node holding element `index` and the element's offset in it, walking from the nearer end
   * of the chain (`total` is the number of elements the nodes hold).
   */
  private locate(index: number, total = this.size): [number, number] {
    const nodes = this.nodes;
    if (index < total / 2) {
      let i = 0;
      while (index >= nodes.at(i).count) index -= nodes.at(i++).count;
      return [i, index];
    }
    let i = nodes.length - 1;
    let start = total - nodes.at(i).count;
    while (index < start) start -= nodes.at(--i).count;
    return [i, index - start];
  }

  /** Bytes of a listpack holding elements [from, to) of the list. */
  private lpSize(from: number, to: number): number {
    let sz = LP_EMPTY;
    for (let i = from; i < to; i++) sz += lpEntrySize(this.items[(this.head + i) & this.mask] as string);
    return sz;
  }

  /** Element index of the first element of node `n`. */
  private nodeStart(n: number): number {
    let start = 0;
    for (let i = 0; i < n; i++) start += this.nodes.at(i).count;
    return start;
  }

  /**
   * Deletes `count` elements from `start` (indexes before the removal; `offset` skips elements
   * already removed from the storage head but still counted here).
   */
  private qlDeleteRange(start: number, count: number, offset = 0): void {
    let [n, off] = this.locate(start, this.size - offset);
    let elem = start + offset;
    // Whole nodes that go are contiguous: remove them in one step.
    let firstGone = -1;
    let gone = 0;
    while (count > 0) {
      const node = this.nodes.at(n);
      const del = Math.min(node.count - off, count);
      if (del === node.count || node.plain) {
        if (firstGone < 0) firstGone = n;
        gone++;
      } else {
        for (let i = 0; i < del; i++) node.sz -= lpEntrySize(this.items[(this.head + elem + i) & this.mask] as string);
        node.count -= del;
      }
      n++;
      elem += del;
      count -= del;
      off = 0;
    }
    if (gone > 0) this.nodes.remove(firstGone, gone);
  }

  /** Deletes the elements at ascending `indexes` (LREM): entries go, empty nodes go, no merging. */
  private qlDeleteIndexes(indexes: readonly number[]): void {
    let n = 0;
    let nodeStart = 0;
    const keep: QlNode[] = [];
    let k = 0;
    for (; n < this.nodes.length; n++) {
      const node = this.nodes.at(n);
      const end = nodeStart + node.count;
      let gone = 0;
      while (k < indexes.length && indexes[k] < end) {
        if (!node.plain) node.sz -= lpEntrySize(this.items[(this.head + indexes[k]) & this.mask] as string);
        gone++;
        k++;
      }
      node.count -= gone;
      if (node.count > 0) keep.push(node);
      nodeStart = end;
    }
    this.nodes = NodeChain.from(keep);
  }

  /** Replaces an element (LSET), as Valkey 8's quicklistReplaceEntry lays it out. */
  private qlReplace(index: number, old: string, value: string): void {
    const [n, off] = this.locate(index);
    const node = this.nodes.at(n);
    const large = isLargeElement(value.length, this.fill);
    if (!node.plain && !large) {
      node.sz += lpEntrySize(value) - lpEntrySize(old);
      return;
    }
    if (node.plain) {
      if (large) {
        node.sz = value.length;
        return;
      }
      // Insert the new value after the plain node's element, then drop the plain node.
      this.qlInsertAt(n, 0, value, true);
      this.nodes.remove(this.nodes.indexOf(node), 1);
      return;
    }
    // A large value in a packed node: split after the element, put the value in its own node.
    const start = this.nodeStart(n);
    const fresh: QlNode = { count: 1, sz: value.length, plain: true };
    const insertAt = [fresh];
    if (off !== node.count - 1) {
      const tail: QlNode = { count: node.count - off - 1, sz: this.lpSize(start + off + 1, start + node.count), plain: false };
      node.count = off + 1;
      node.sz = this.lpSize(start, start + off + 1);
      insertAt.push(tail);
    }
    this.nodes.insert(n + 1, ...insertAt);
    if (node.count === 1) {
      this.nodes.remove(n, 1);
    } else {
      node.count--;
      node.sz -= lpEntrySize(old);
      this.mergeAround(this.nodes.indexOf(fresh));
    }
  }

  /** Inserts `value` next to element `index` (LINSERT). Called before the storage changes. */
  private qlInsert(index: number, value: string, after: boolean): void {
    const [n, off] = this.locate(index);
    this.qlInsertAt(n, off, value, after);
  }

  /** The server's _quicklistInsert: insert next to the element at `off` in node `n`. */
  private qlInsertAt(n: number, off: number, value: string, after: boolean): void {
    const nodes = this.nodes;
    const node = nodes.at(n);
    const len = value.length;
    const entry = lpEntrySize(value);
    const full = !this.allowInsert(node, len);
    const atTail = after && off === node.count - 1;
    const atHead = !after && off === 0;
    const availNext = atTail && n + 1 < nodes.length && this.allowInsert(nodes.at(n + 1), len);
    const availPrev = atHead && n > 0 && this.allowInsert(nodes.at(n - 1), len);
    if (isLargeElement(len, this.fill)) {
      const plain: QlNode = { count: 1, sz: len, plain: true };
      if (node.plain || atTail || atHead) {
        nodes.insert(after ? n + 1 : n, plain);
      } else {
        const split = this.split(n, off, after);
        nodes.insert(after ? n + 1 : n, ...(after ? [plain, split] : [split, plain]));
      }
      return;
    }
    if (!full) {
      node.count++;
      node.sz += entry;
    } else if (atTail && availNext) {
      nodes.at(n + 1).count++;
      nodes.at(n + 1).sz += entry;
    } else if (atHead && availPrev) {
      nodes.at(n - 1).count++;
      nodes.at(n - 1).sz += entry;
    } else if (atTail || atHead) {
      nodes.insert(after ? n + 1 : n, { count: 1, sz: LP_EMPTY + entry, plain: false });
    } else {
      const split = this.split(n, off, after);
      split.count++;
      split.sz += entry;
      nodes.insert(after ? n + 1 : n, split);
      this.mergeAround(nodes.indexOf(node));
    }
  }

  /**
   * Splits node `n` at `off`: with `after`, the node keeps [0, off] and the returned node gets the
   * rest; otherwise the returned node gets [0, off) and the node keeps the rest. The returned node
   * is not yet in the chain.
   */
  private split(n: number, off: number, after: boolean): QlNode {
    const node = this.nodes.at(n);
    const start = this.nodeStart(n);
    const cut = after ? off + 1 : off;
    const first = { count: cut, sz: this.lpSize(start, start + cut) };
    const second = { count: node.count - cut, sz: this.lpSize(start + cut, start + node.count) };
    const keep = after ? first : second;
    const moved = after ? second : first;
    node.count = keep.count;
    node.sz = keep.sz;
    return { count: moved.count, sz: moved.sz, plain: false };
  }

  /** The server's _quicklistMergeNodes around node `c`. */
  private mergeAround(c: number): void {
    const nodes = this.nodes;
    const tryMerge = (a: number, b: number): QlNode | undefined => {
      if (a < 0 || b >= nodes.length) return undefined;
      const x = nodes.at(a);
      const y = nodes.at(b);
      if (x.plain || y.plain) return undefined;
      const sz = x.sz + y.sz - LP_EMPTY;
      if (exceedsLimit(this.fill, sz, x.count + y.count)) return undefined;
      x.count += y.count;
      x.sz = sz;
      nodes.remove(b, 1);
      return x;
    };
    // prev_prev + prev, next + next_next, prev + center, center + next.
    if (c >= 2 && tryMerge(c - 2, c - 1)) c--;
    if (c + 2 < nodes.length) tryMerge(c + 1, c + 2);
    if (c >= 1 && tryMerge(c - 1, c)) c--;
    tryMerge(c, c + 1);
  }
}

/**
 * The quicklist nodes of the model, head first: a deque, so a list whose nodes hold one element
 * each (a count fill of 1) still pushes and pops at both ends in O(1).
 */
class NodeChain {
  public static from(nodes: QlNode[]): NodeChain {
    const chain = new NodeChain();
    chain.a = nodes;
    return chain;
  }

  private a: Array<QlNode | undefined> = [];
  private h = 0;

  public get length(): number {
    return this.a.length - this.h;
  }

  public at(i: number): QlNode {
    return this.a[this.h + i] as QlNode;
  }

  public push(node: QlNode): void {
    this.a.push(node);
  }

  public pop(): void {
    this.a.pop();
    if (this.length === 0) this.clear();
  }

  public unshift(node: QlNode): void {
    if (this.h === 0) {
      // Make room at the front, as much as the chain holds.
      const room = Math.max(8, this.length);
      const grown = new Array<QlNode | undefined>(room);
      for (let i = 0; i < this.length; i++) grown.push(this.a[i]);
      this.a = grown;
      this.h = room;
    }
    this.a[--this.h] = node;
  }

  public shift(): void {
    this.a[this.h++] = undefined;
    if (this.length === 0) this.clear();
    else if (this.h > 64 && this.h > this.length) this.compact();
  }

  public insert(i: number, ...nodes: QlNode[]): void {
    this.a.splice(this.h + i, 0, ...nodes);
  }

  /** Removes `count` nodes from position `i`. */
  public remove(i: number, count: number): void {
    if (i === 0) {
      for (let k = 0; k < count; k++) this.a[this.h + k] = undefined;
      this.h += count;
      if (this.length === 0) this.clear();
      else if (this.h > 64 && this.h > this.length) this.compact();
    } else {
      this.a.splice(this.h + i, count);
    }
  }

  public indexOf(node: QlNode): number {
    const i = this.a.indexOf(node, this.h);
    return i < 0 ? -1 : i - this.h;
  }

  public toArray(): QlNode[] {
    return this.a.slice(this.h) as QlNode[];
  }

  private compact(): void {
    this.a = this.a.slice(this.h);
    this.h = 0;
  }

  private clear(): void {
    this.a = [];
    this.h = 0;
  }
}

/** One quicklist node of the model: its element count and listpack bytes. */
interface QlNode {
  count: number;
  sz: number;
  /** A node holding one element too large for a listpack. */
  plain: boolean;
}

const MIN_CAPACITY = 8;
/** Approximate bytes of a list besides its elements (object, quicklist header). */
const LIST_BYTES = 48;
/** Approximate bytes of one element besides its content (listpack entry header and back length). */
const ENTRY_BYTES = 4;

/** A listpack's header and end marker. */
const LP_EMPTY = 7;
/** quicklist.c: node size limits of the negative fill levels -1..-5. */
const OPTIMIZATION_LEVEL = [4096, 8192, 16384, 32768, 65536];
/** quicklist.c: largest listpack when the fill is a count. */
const SIZE_SAFETY_LIMIT = 8192;
/** quicklist.c: overestimate of one entry's listpack overhead. */
const SIZE_ESTIMATE_OVERHEAD = 8;
const UINT_MAX = 4294967295;
const FILL_MAX = 32767;


function clampFill(fill: number): number {
  return fill > FILL_MAX ? FILL_MAX : fill < -5 ? -5 : fill;
}

function negFillLimit(fill: number): number {
  return OPTIMIZATION_LEVEL[Math.min(-fill - 1, OPTIMIZATION_LEVEL.length - 1)];
}

/** quicklistNodeExceedsLimit: whether a listpack of `sz` bytes and `count` entries is too big. */
export function exceedsLimit(fill: number, sz: number, count: number): boolean {
  if (fill < 0) return sz > negFillLimit(fill);
  if (sz > SIZE_SAFETY_LIMIT) return true;
  return count > (fill === 0 ? 1 : fill);
}

/** Whether an element goes into a node of its own (a "plain" node). */
function isLargeElement(len: number, fill: number): boolean {
  return fill >= 0 ? len > SIZE_SAFETY_LIMIT : len > negFillLimit(fill);
}

/**
 * Bytes one element takes in a listpack: integers in canonical form get a compact integer
 * encoding, strings a 1, 2 or 5 byte header; then the back length.
 */
export function lpEntrySize(s: string): number {
  const n = s.length;
  let enc: number;
  const int = n <= 20 ? canonicalInteger(s) : undefined;
  if (int !== undefined) {
    if (int >= 0 && int <= 127) enc = 1;
    else if (int >= -4096 && int <= 4095) enc = 2;
    else if (int >= -32768 && int <= 32767) enc = 3;
    else if (int >= -8388608 && int <= 8388607) enc = 4;
    else if (int >= -2147483648 && int <= 2147483647) enc = 5;
    else enc = 9;
  } else {
    enc = n < 64 ? 1 + n : n < 4096 ? 2 + n : 5 + n;
  }
  return enc + (enc <= 127 ? 1 : enc < 16383 ? 2 : enc < 2097151 ? 3 : enc < 268435455 ? 4 : 5);
}

const I64_MAX = '9223372036854775807';
const I64_MIN_ABS = '9223372036854775808';

/** The value of a string the listpack stores as an integer (string2ll rules), else undefined. */
function canonicalInteger(s: string): number | undefined {
  const n = s.length;
  if (n === 0) return undefined;
  let i = 0;
  const negative = s.charCodeAt(0) === 45;
  if (negative) {
    if (n === 1) return undefined;
    i = 1;
  }
  const first = s.charCodeAt(i);
  if (first === 48) return n === 1 ? 0 : undefined;
  if (first < 49 || first > 57) return undefined;
  for (let j = i + 1; j < n; j++) {
    const ch = s.charCodeAt(j);
    if (ch < 48 || ch > 57) return undefined;
  }
  const digits = n - i;
  if (digits === 19 && s.slice(i) > (negative ? I64_MIN_ABS : I64_MAX)) return undefined;
  if (digits > 19) return undefined;
  return Number(s);
}

registerCodec('list', {
  // The RDB type of a quicklist of listpacks.
  tag: 18,
  dump: (list: ListValue) => list.toArray(),
  restore: (items: readonly string[]) => {
    if (items.length === 0) throw new Error('empty list');
    return ListValue.from(items);
  },
  sortElements: (list: ListValue) => list.toArray(),
});
