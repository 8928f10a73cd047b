import { SkipList, ZNode } from './skiplist';
import { DEFAULT_ENCODING, EncodingConfig, RObject, registerCodec } from './types';

/** Approximate bytes of an empty sorted set (object, dict and skip list headers). */
const ZSET_OVERHEAD = 96;
/** Approximate bytes per element in the compact (listpack) encoding, besides the member. */
const LISTPACK_ELEMENT = 12;
/** Approximate bytes per element in the skip list encoding (node, levels, dict entry), besides the member. */
const SKIPLIST_ELEMENT = 80;

/**
 * A sorted set: a skip list ordered by (score, member) for ranks and ranges, a Map from member to
 * its node for O(1) score lookups, and a dense array of the nodes for O(1) random picks and a
 * SCAN cursor that survives changes.
 *
 * `listpack` tracks the encoding the real server would use. A small set starts compact and
 * converts to skiplist once it outgrows `zset-max-listpack-entries` or receives a member longer
 * than `zset-max-listpack-value`; like Redis 7.0 it never converts back on its own (only results
 * built by the store commands are made compact when they fit). The compact encoding stores
 * scores as printed numbers, where -0 becomes 0: the same happens here.
 */
export class SortedSet extends RObject {
  public readonly type = 'zset' as const;
  public readonly zsl = new SkipList();
  public readonly dict = new Map<string, ZNode>();
  /** Every node once, in no particular order; `node.slot` is its index. */
  private readonly nodes: ZNode[] = [];
  private compact: boolean;

  constructor(listpack = true) {
    super();
    this.compact = listpack;
    this.account(ZSET_OVERHEAD);
  }

  public get length(): number {
    return this.dict.size;
  }

  /** Whether the set is in the compact (listpack) encoding. */
  public get listpack(): boolean {
    return this.compact;
  }

  public encoding(_config: EncodingConfig): string {
    return this.compact ? 'listpack' : 'skiplist';
  }

  /** The score of a member, or undefined. */
  public score(member: string): number | undefined {
    return this.dict.get(member)?.score;
  }

  /**
   * Adds a member that is not in the set, converting to skiplist first when the set would
   * outgrow the compact encoding (the real server's check before each insertion).
   */
  public add(member: string, score: number, config: EncodingConfig): ZNode {
    if (this.compact && (this.dict.size + 1 > config.zsetMaxListpackEntries || member.length > config.zsetMaxListpackValue)) {
      this.toSkiplist();
    }
    return this.insert(member, score);
  }

  /** Adds a member that is not in the set, without any encoding check. */
  public insert(member: string, score: number): ZNode {
    if (this.compact && score === 0) score = 0; // the compact encoding has no -0
    const node = this.zsl.insert(score, member);
    this.dict.set(member, node);
    node.slot = this.nodes.length;
    this.nodes.push(node);
    this.account((this.compact ? LISTPACK_ELEMENT : SKIPLIST_ELEMENT) + member.length);
    return node;
  }

  /** Changes the score of a member's node. */
  public setScore(node: ZNode, score: number): void {
    if (this.compact && score === 0) score = 0;
    this.zsl.updateScore(node, score);
  }

  /** Removes a member; returns whether it was there. */
  public delete(member: string): boolean {
    const node = this.dict.get(member);
    if (node === undefined) return false;
    this.zsl.remove(node);
    this.forget(node);
    return true;
  }

  /** Removes a node of this set. */
  public deleteNode(node: ZNode): void {
    this.zsl.remove(node);
    this.forget(node);
  }

  /** Drops a node already unlinked from the skip list from the dict and the dense array. */
  public forget(node: ZNode): void {
    this.dict.delete(node.member);
    const last = this.nodes.pop() as ZNode;
    if (last !== node) {
      this.nodes[node.slot] = last;
      last.slot = node.slot;
    }
    node.slot = -1;
    this.account(-((this.compact ? LISTPACK_ELEMENT : SKIPLIST_ELEMENT) + node.member.length));
  }

  /** Converts to the skiplist encoding (one way). */
  public toSkiplist(): void {
    if (!this.compact) return;
    this.compact = false;
    this.account(this.dict.size * (SKIPLIST_ELEMENT - LISTPACK_ELEMENT));
  }

  /**
   * Converts to the compact encoding when the set fits the limits (used for results of ZUNIONSTORE,
   * ZINTERSTORE, ZDIFFSTORE, RESTORE, as the real server does).
   */
  public compactIfFits(config: EncodingConfig): void {
    if (this.compact || this.dict.size > config.zsetMaxListpackEntries) return;
    for (const member of this.dict.keys()) if (member.length > config.zsetMaxListpackValue) return;
    this.compact = true;
    this.account(-this.dict.size * (SKIPLIST_ELEMENT - LISTPACK_ELEMENT));
    for (let node = this.zsl.first; node !== null; node = node.forward) {
      if (node.score === 0) node.score = 0; // -0 is stored as 0
    }
  }

  /** A uniformly random node; the set must not be empty. */
  public randomNode(): ZNode {
    return this.nodes[Math.floor(Math.random() * this.nodes.length)];
  }

  /** The node at a dense-array index (SCAN). */
  public nodeAt(index: number): ZNode | undefined {
    return this.nodes[index];
  }

  /** The nodes in order, from the lowest score. */
  public *ascending(): IterableIterator<ZNode> {
    for (let node = this.zsl.first; node !== null; node = node.forward) yield node;
  }

  public clone(): SortedSet {
    const copy = new SortedSet(this.compact);
    // From the highest down: each insertion then stops at the head of the list.
    for (let node = this.zsl.tail; node !== null; node = node.backward) copy.insert(node.member, node.score);
    return copy;
  }
}

/** The score as text that parses back to the same double (DUMP payloads). */
export function exactScoreText(score: number): string {
  if (score === Infinity) return 'inf';
  if (score === -Infinity) return '-inf';
  if (Object.is(score, -0)) return '-0';
  return String(score);
}

/** Parses {@link exactScoreText}'s output; undefined for anything else. */
export function parseExactScore(text: string): number | undefined {
  if (text === 'inf') return Infinity;
  if (text === '-inf') return -Infinity;
  if (text === '-0') return -0;
  if (!/^-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/.test(text)) return undefined;
  const d = Number(text);
  return Number.isFinite(d) ? d : undefined;
}


registerCodec('zset', {
  // The RDB type of a sorted set with binary scores.
  tag: 5,
  dump(value: SortedSet): string[] {
    const out: string[] = [];
    for (let node = value.zsl.first; node !== null; node = node.forward) out.push(node.member, exactScoreText(node.score));
    return out;
  },
  restore(items: readonly string[]): SortedSet {
    if (items.length === 0 || items.length % 2 !== 0) throw new Error('invalid sorted set payload');
    const zs = new SortedSet(false);
    for (let i = 0; i < items.length; i += 2) {
      const score = parseExactScore(items[i + 1]);
      if (score === undefined || zs.dict.has(items[i])) throw new Error('invalid sorted set payload');
      zs.insert(items[i], score);
    }
    zs.compactIfFits(DEFAULT_ENCODING);
    return zs;
  },
  sortElements(value: SortedSet): string[] {
    const out: string[] = [];
    for (let node = value.zsl.first; node !== null; node = node.forward) out.push(node.member);
    return out;
  },
});
