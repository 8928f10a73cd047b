/**
 * Distinct byte strings (set members or hash fields, with an optional value each) kept in dense
 * arrays plus a Map from string to position. This gives O(1) lookup, O(1) uniformly random
 * access by position, and SCAN cursors that survive growth and deletion (see {@link DenseIndex.scan}).
 *
 * Two ways to remove: `swapRemove` (O(1), moves the last entry into the hole; for the hash-table
 * encodings whose order is arbitrary anyway) and `orderedRemove` (O(n), keeps the order; for the
 * compact encodings, listpack and intset, whose order the real server exposes and whose size is
 * bounded by the `*-max-*-entries` settings, where the real server's own operations are O(n)).
 */
export class DenseIndex {
  /** Entries in iteration order. */
  public keys: string[] = [];
  /** Values parallel to `keys`, or null for a set. */
  public values: string[] | null;
  private positions = new Map<string, number>();

  constructor(withValues: boolean) {
    this.values = withValues ? [] : null;
  }

  public get size(): number {
    return this.keys.length;
  }

  /** Position of `key`, or -1. */
  public indexOf(key: string): number {
    const i = this.positions.get(key);
    return i === undefined ? -1 : i;
  }

  public has(key: string): boolean {
    return this.positions.has(key);
  }

  /** Appends a key that is not present. */
  public push(key: string, value?: string): void {
    this.positions.set(key, this.keys.length);
    this.keys.push(key);
    if (this.values !== null) this.values.push(value as string);
  }

  /** Inserts a key that is not present at position `at`, shifting the ones after it. O(n - at). */
  public insertAt(at: number, key: string, value?: string): void {
    if (at === this.keys.length) {
      this.push(key, value);
      return;
    }
    this.keys.splice(at, 0, key);
    if (this.values !== null) this.values.splice(at, 0, value as string);
    this.reindexFrom(at);
  }

  /** Removes the entry at `i` by moving the last entry into its place. O(1). */
  public swapRemove(i: number): void {
    const keys = this.keys;
    this.positions.delete(keys[i]);
    const lastKey = keys.pop() as string;
    const lastValue = this.values?.pop();
    if (i < keys.length) {
      keys[i] = lastKey;
      if (this.values !== null) this.values[i] = lastValue as string;
      this.positions.set(lastKey, i);
    }
  }

  /** Removes the entry at `i`, keeping the order of the others. O(n - i). */
  public orderedRemove(i: number): void {
    const keys = this.keys;
    this.positions.delete(keys[i]);
    if (i === keys.length - 1) {
      keys.pop();
      this.values?.pop();
      return;
    }
    keys.splice(i, 1);
    this.values?.splice(i, 1);
    this.reindexFrom(i);
  }

  /** Removes every entry whose position is in `drop`, keeping the order of the others. O(n). */
  public removeMany(drop: ReadonlySet<number>): void {
    const keys = this.keys;
    const values = this.values;
    let out = 0;
    for (let i = 0; i < keys.length; i++) {
      if (drop.has(i)) {
        this.positions.delete(keys[i]);
        continue;
      }
      if (out !== i) {
        keys[out] = keys[i];
        if (values !== null) values[out] = values[i];
        this.positions.set(keys[out], out);
      }
      out++;
    }
    keys.length = out;
    if (values !== null) values.length = out;
  }

  private reindexFrom(from: number): void {
    const keys = this.keys;
    for (let i = from; i < keys.length; i++) this.positions.set(keys[i], i);
  }

  /**
   * One SCAN step over the dense arrays from the top down, as `Db.scan` does for keys: a swap-remove
   * moves the last entry (already visited) into the hole, and new entries are appended at the top
   * (already passed), so every entry present for the whole iteration is visited at least once.
   * The cursor is the position of the next entry to visit plus one; 0 starts and ends.
   *
   * @returns the next cursor
   */
  public scan(cursor: number, count: number, visit: (i: number) => void): number {
    let i = cursor === 0 ? this.keys.length - 1 : Math.min(cursor - 1, this.keys.length - 1);
    for (let visited = 0; i >= 0 && visited < count; i--, visited++) visit(i);
    return i < 0 ? 0 : i + 1;
  }

  public clone(): DenseIndex {
    const copy = new DenseIndex(this.values !== null);
    copy.keys = this.keys.slice();
    if (this.values !== null) copy.values = this.values.slice();
    copy.positions = new Map(this.positions);
    return copy;
  }
}

/**
 * `k` distinct positions out of `n`, uniformly at random, in random order: a partial Fisher-Yates
 * shuffle whose swaps live in a sparse map, so it costs O(k) whatever `n` is.
 */
export function sampleDistinct(n: number, k: number): number[] {
  const out: number[] = new Array(k);
  const swapped = new Map<number, number>();
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(Math.random() * (n - i));
    const atJ = swapped.get(j) ?? j;
    const atI = swapped.get(i) ?? i;
    swapped.set(j, atI);
    out[i] = atJ;
  }
  return out;
}

/** A uniformly random position below `n`. */
export function randomIndex(n: number): number {
  return Math.floor(Math.random() * n);
}
