/**
 * A skip list ordered by (score, member) with spans, the structure behind large sorted sets.
 *
 * Each level of a node links to the next node on that level and records the span: how many
 * level-0 steps the link covers. Summing spans along a search path gives ranks, so insertion,
 * deletion, rank lookup, access by rank and range searches by score or by member are all
 * O(log n) expected. Level 0 is a doubly linked list (`backward`) for iteration both ways.
 *
 * Members are byte strings (latin1, one char per byte): JS string comparison then orders them as
 * memcmp does, a shorter prefix first.
 */

/** Maximum number of levels; enough for 4^32 elements. */
export const MAX_LEVEL = 32;
/** Probability of promoting a node one more level. */
const P = 0.25;

/** One element of a skip list. */
export class ZNode {
  /** The previous node on level 0 (null for the first node). */
  public backward: ZNode | null = null;
  /**
   * Per level, the next node and the span of that link, interleaved (`[next0, span0, next1,
   * span1, ...]`): one array per node keeps a search step to one memory access for both.
   */
  public readonly lv: Array<ZNode | number | null>;
  /** Position in the owner's dense node array (SCAN, random picks); maintained by the owner. */
  public slot = -1;

  constructor(public readonly member: string, public score: number, level: number) {
    // Built element by element so V8 keeps the array packed.
    const lv: Array<ZNode | number | null> = [];
    for (let i = 0; i < level; i++) lv.push(null, 0);
    this.lv = lv;
  }

  public get level(): number {
    return this.lv.length >> 1;
  }

  /** The next node on level 0, or null after the last one. */
  public get forward(): ZNode | null {
    return this.lv[0] as ZNode | null;
  }

  /** The next node on a level. */
  public next(level: number): ZNode | null {
    return this.lv[level << 1] as ZNode | null;
  }

  /** The span of the link on a level. */
  public span(level: number): number {
    return this.lv[(level << 1) + 1] as number;
  }
}

/** A score interval; `minex`/`maxex` make a bound exclusive. */
export interface ScoreRange {
  readonly min: number;
  readonly max: number;
  readonly minex: boolean;
  readonly maxex: boolean;
}

/**
 * One bound of a member (lexicographic) interval: `-` (below everything), `+` (above everything)
 * or a member, inclusive or exclusive.
 */
export interface LexBound {
  /** -1 for `-`, 1 for `+`, 0 for a member. */
  readonly inf: -1 | 0 | 1;
  readonly value: string;
  readonly exclusive: boolean;
}

export interface LexRange {
  readonly min: LexBound;
  readonly max: LexBound;
}

export function scoreGteMin(score: number, range: ScoreRange): boolean {
  return range.minex ? score > range.min : score >= range.min;
}

export function scoreLteMax(score: number, range: ScoreRange): boolean {
  return range.maxex ? score < range.max : score <= range.max;
}

/** Compares a member with a bound: negative, zero or positive. */
function compareWithBound(member: string, bound: LexBound): number {
  if (bound.inf !== 0) return -bound.inf;
  return member < bound.value ? -1 : member > bound.value ? 1 : 0;
}

export function lexGteMin(member: string, range: LexRange): boolean {
  const cmp = compareWithBound(member, range.min);
  return range.min.exclusive ? cmp > 0 : cmp >= 0;
}

export function lexLteMax(member: string, range: LexRange): boolean {
  const cmp = compareWithBound(member, range.max);
  return range.max.exclusive ? cmp < 0 : cmp <= 0;
}

/** Whether a member interval can contain anything at all. */
export function lexRangeEmpty(range: LexRange): boolean {
  const { min, max } = range;
  let cmp: number;
  if (min.inf !== 0 || max.inf !== 0) {
    // `-` and `+` compare equal only to themselves.
    cmp = min.inf === max.inf && min.inf !== 0 ? 0 : min.inf === 1 || max.inf === -1 ? 1 : -1;
  } else {
    cmp = min.value < max.value ? -1 : min.value > max.value ? 1 : 0;
  }
  return cmp > 0 || (cmp === 0 && (min.exclusive || max.exclusive));
}

/** Whether a score interval can contain anything at all. */
export function scoreRangeEmpty(range: ScoreRange): boolean {
  return range.min > range.max || (range.min === range.max && (range.minex || range.maxex));
}

// Search paths, shared by all lists (the engine is single-threaded and no operation re-enters).
const update: ZNode[] = new Array<ZNode>(MAX_LEVEL);
const rankAt: number[] = new Array<number>(MAX_LEVEL).fill(0);

function randomLevel(): number {
  let level = 1;
  while (level < MAX_LEVEL && Math.random() < P) level++;
  return level;
}

/** Whether `node` sorts before (score, member). */
function before(node: ZNode, score: number, member: string): boolean {
  return node.score < score || (node.score === score && node.member < member);
}

export class SkipList {
  public readonly header = new ZNode('', 0, MAX_LEVEL);
  public tail: ZNode | null = null;
  public length = 0;
  /** Levels in use (at least 1). */
  public level = 1;
  /**
   * Links followed by searches since creation. Tests use it to show that operations take
   * O(log n) steps; it costs one increment per step.
   */
  public steps = 0;
  /** Rank of the node the last successful range search returned. */
  public foundRank = 0;

  /** The first node, or null when empty. */
  public get first(): ZNode | null {
    return this.header.forward;
  }

  /** Inserts a new (score, member); the member must not be present. */
  public insert(score: number, member: string): ZNode {
    const node = new ZNode(member, score, randomLevel());
    this.link(node);
    return node;
  }

  /** Links a node (new, or just unlinked) at the place its score and member give it. */
  private link(node: ZNode): void {
    const score = node.score;
    const member = node.member;
    let x = this.header;
    let steps = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      rankAt[i] = i === this.level - 1 ? 0 : rankAt[i + 1];
      let nx = x.next(i);
      while (nx !== null && before(nx, score, member)) {
        rankAt[i] += x.span(i);
        x = nx;
        nx = x.next(i);
        steps++;
      }
      update[i] = x;
    }
    this.steps += steps;
    const level = node.level;
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rankAt[i] = 0;
        update[i] = this.header;
        this.header.lv[2 * i + 1] = this.length;
      }
      this.level = level;
    }
    for (let i = 0; i < level; i++) {
      const prev = update[i];
      node.lv[2 * i] = prev.next(i);
      prev.lv[2 * i] = node;
      node.lv[2 * i + 1] = prev.span(i) - (rankAt[0] - rankAt[i]);
      prev.lv[2 * i + 1] = rankAt[0] - rankAt[i] + 1;
    }
    for (let i = level; i < this.level; i++) update[i].lv[2 * i + 1] = update[i].span(i) + 1;
    node.backward = update[0] === this.header ? null : update[0];
    const after = node.forward;
    if (after !== null) after.backward = node;
    else this.tail = node;
    this.length++;
  }

  /** Fills `update` with the last node before (score, member) on each level. */
  private findUpdate(score: number, member: string): ZNode {
    let x = this.header;
    let steps = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = x.next(i);
      while (nx !== null && before(nx, score, member)) {
        x = nx;
        nx = x.next(i);
        steps++;
      }
      update[i] = x;
    }
    this.steps += steps;
    return x;
  }

  /** Unlinks `node` given the search path in `update`. */
  private unlink(node: ZNode): void {
    for (let i = 0; i < this.level; i++) {
      const prev = update[i];
      if (prev.next(i) === node) {
        prev.lv[2 * i + 1] = prev.span(i) + node.span(i) - 1;
        prev.lv[2 * i] = node.next(i);
      } else {
        prev.lv[2 * i + 1] = prev.span(i) - 1;
      }
    }
    const after = node.forward;
    if (after !== null) after.backward = node.backward;
    else this.tail = node.backward;
    while (this.level > 1 && this.header.next(this.level - 1) === null) this.level--;
    this.length--;
  }

  /** Removes a node that is in this list. */
  public remove(node: ZNode): void {
    this.findUpdate(node.score, node.member);
    this.unlink(node);
  }

  /** Removes (score, member); returns the removed node or null when absent. */
  public delete(score: number, member: string): ZNode | null {
    const x = this.findUpdate(score, member).forward;
    if (x === null || x.score !== score || x.member !== member) return null;
    this.unlink(x);
    return x;
  }

  /**
   * Changes the score of a node in the list. The node stays in place when the order allows it,
   * otherwise it is unlinked and linked again (the same object: no allocation).
   */
  public updateScore(node: ZNode, score: number): void {
    const prev = node.backward;
    const after = node.forward;
    if ((prev === null || prev.score < score) && (after === null || after.score > score)) {
      node.score = score;
      return;
    }
    this.findUpdate(node.score, node.member);
    this.unlink(node);
    node.score = score;
    node.backward = null;
    this.link(node);
  }

  /** 1-based rank of (score, member), or 0 when absent. */
  public rank(score: number, member: string): number {
    let x = this.header;
    let rank = 0;
    let steps = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = x.next(i);
      while (nx !== null && (nx.score < score || (nx.score === score && nx.member <= member))) {
        rank += x.span(i);
        x = nx;
        nx = x.next(i);
        steps++;
      }
      if (x !== this.header && x.member === member && x.score === score) {
        this.steps += steps;
        return rank;
      }
    }
    this.steps += steps;
    return 0;
  }

  /** The node at a 1-based rank, or null. */
  public byRank(rank: number): ZNode | null {
    if (rank < 1 || rank > this.length) return null;
    let x = this.header;
    let traversed = 0;
    let steps = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = x.next(i);
      while (nx !== null && traversed + x.span(i) <= rank) {
        traversed += x.span(i);
        x = nx;
        nx = x.next(i);
        steps++;
      }
      if (traversed === rank) {
        this.steps += steps;
        return x;
      }
    }
    this.steps += steps;
    return null;
  }

  /** Whether some element lies in the score range. */
  private inScoreRange(range: ScoreRange): boolean {
    if (scoreRangeEmpty(range)) return false;
    const last = this.tail;
    const first = this.header.forward;
    return last !== null && scoreGteMin(last.score, range) && first !== null && scoreLteMax(first.score, range);
  }

  /**
   * The first node in the score range, or null. When found, {@link foundRank} holds its rank.
   */
  public firstInScoreRange(range: ScoreRange): ZNode | null {
    if (!this.inScoreRange(range)) return null;
    let x = this.header;
    let rank = 0;
    let steps = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = x.next(i);
      while (nx !== null && !scoreGteMin(nx.score, range)) {
        rank += x.span(i);
        x = nx;
        nx = x.next(i);
        steps++;
      }
    }
    this.steps += steps;
    const found = x.forward as ZNode;
    if (!scoreLteMax(found.score, range)) return null;
    this.foundRank = rank + 1;
    return found;
  }

  /** The last node in the score range, or null. When found, {@link foundRank} holds its rank. */
  public lastInScoreRange(range: ScoreRange): ZNode | null {
    if (!this.inScoreRange(range)) return null;
    let x = this.header;
    let rank = 0;
    let steps = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = x.next(i);
      while (nx !== null && scoreLteMax(nx.score, range)) {
        rank += x.span(i);
        x = nx;
        nx = x.next(i);
        steps++;
      }
    }
    this.steps += steps;
    if (x === this.header || !scoreGteMin(x.score, range)) return null;
    this.foundRank = rank;
    return x;
  }

  private inLexRange(range: LexRange): boolean {
    if (lexRangeEmpty(range)) return false;
    const last = this.tail;
    const first = this.header.forward;
    return last !== null && lexGteMin(last.member, range) && first !== null && lexLteMax(first.member, range);
  }

  /** The first node in the member range, or null; sets {@link foundRank}. */
  public firstInLexRange(range: LexRange): ZNode | null {
    if (!this.inLexRange(range)) return null;
    let x = this.header;
    let rank = 0;
    let steps = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = x.next(i);
      while (nx !== null && !lexGteMin(nx.member, range)) {
        rank += x.span(i);
        x = nx;
        nx = x.next(i);
        steps++;
      }
    }
    this.steps += steps;
    const found = x.forward as ZNode;
    if (!lexLteMax(found.member, range)) return null;
    this.foundRank = rank + 1;
    return found;
  }

  /** The last node in the member range, or null; sets {@link foundRank}. */
  public lastInLexRange(range: LexRange): ZNode | null {
    if (!this.inLexRange(range)) return null;
    let x = this.header;
    let rank = 0;
    let steps = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = x.next(i);
      while (nx !== null && lexLteMax(nx.member, range)) {
        rank += x.span(i);
        x = nx;
        nx = x.next(i);
        steps++;
      }
    }
    this.steps += steps;
    if (x === this.header || !lexGteMin(x.member, range)) return null;
    this.foundRank = rank;
    return x;
  }

  /**
   * The first node in the member range found by walking from the head, as the compact (listpack)
   * encoding searches. It differs from {@link firstInLexRange} only when members with different
   * scores are not in member order, where the real server's answer depends on its encoding.
   */
  public firstInLexRangeLinear(range: LexRange): ZNode | null {
    if (!this.inLexRange(range)) return null;
    for (let x = this.header.forward; x !== null; x = x.forward) {
      if (lexGteMin(x.member, range)) return lexLteMax(x.member, range) ? x : null;
    }
    return null;
  }

  /** The last node in the member range found by walking from the tail (compact encoding). */
  public lastInLexRangeLinear(range: LexRange): ZNode | null {
    if (!this.inLexRange(range)) return null;
    for (let x = this.tail; x !== null; x = x.backward) {
      if (lexLteMax(x.member, range)) return lexGteMin(x.member, range) ? x : null;
    }
    return null;
  }

  /**
   * Removes `start` and the nodes after it while `keep` says they are in range; calls `removed`
   * for each. Returns the count.
   */
  public deleteFrom(start: ZNode, inRange: (node: ZNode) => boolean, removed: (node: ZNode) => void): number {
    this.findUpdate(start.score, start.member);
    let node: ZNode | null = start;
    let n = 0;
    while (node !== null && inRange(node)) {
      const after: ZNode | null = node.forward;
      this.unlink(node);
      removed(node);
      n++;
      node = after;
    }
    return n;
  }

  /** Removes the nodes in a score range; calls `removed` for each. Returns the count. */
  public deleteScoreRange(range: ScoreRange, removed: (node: ZNode) => void): number {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = x.next(i);
      while (nx !== null && !scoreGteMin(nx.score, range)) {
        x = nx;
        nx = x.next(i);
      }
      update[i] = x;
    }
    let node = x.forward;
    let n = 0;
    while (node !== null && scoreLteMax(node.score, range)) {
      const after = node.forward;
      this.unlink(node);
      removed(node);
      n++;
      node = after;
    }
    return n;
  }

  /** Removes the nodes in a member range; calls `removed` for each. Returns the count. */
  public deleteLexRange(range: LexRange, removed: (node: ZNode) => void): number {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = x.next(i);
      while (nx !== null && !lexGteMin(nx.member, range)) {
        x = nx;
        nx = x.next(i);
      }
      update[i] = x;
    }
    let node = x.forward;
    let n = 0;
    while (node !== null && lexLteMax(node.member, range)) {
      const after = node.forward;
      this.unlink(node);
      removed(node);
      n++;
      node = after;
    }
    return n;
  }

  /** Removes the nodes with 1-based ranks start..end (inclusive); calls `removed` for each. */
  public deleteRankRange(start: number, end: number, removed: (node: ZNode) => void): number {
    let x = this.header;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = x.next(i);
      while (nx !== null && traversed + x.span(i) < start) {
        traversed += x.span(i);
        x = nx;
        nx = x.next(i);
      }
      update[i] = x;
    }
    traversed++;
    let node = x.forward;
    let n = 0;
    while (node !== null && traversed <= end) {
      const after = node.forward;
      this.unlink(node);
      removed(node);
      n++;
      traversed++;
      node = after;
    }
    return n;
  }
}
