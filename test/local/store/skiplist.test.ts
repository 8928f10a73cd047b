import * as fc from 'fast-check';
import { LexBound, LexRange, MAX_LEVEL, ScoreRange, SkipList, ZNode, lexGteMin, lexLteMax, scoreGteMin, scoreLteMax } from '../../../src/local/store/skiplist';

type Entry = { score: number; member: string };

function compare(a: Entry, b: Entry): number {
  if (a.score !== b.score) return a.score < b.score ? -1 : 1;
  return a.member < b.member ? -1 : a.member > b.member ? 1 : 0;
}

/** The reference model: a sorted array. */
class Model {
  public items: Entry[] = [];

  public insert(score: number, member: string): void {
    this.items.push({ score, member });
    this.items.sort(compare);
  }

  public remove(member: string): Entry | undefined {
    const i = this.items.findIndex((e) => e.member === member);
    if (i < 0) return undefined;
    return this.items.splice(i, 1)[0];
  }

  public has(member: string): boolean {
    return this.items.some((e) => e.member === member);
  }
}

function contents(list: SkipList): Entry[] {
  const out: Entry[] = [];
  for (let x = list.first; x !== null; x = x.forward) out.push({ score: x.score, member: x.member });
  return out;
}

/**
 * Checks every structural invariant: order, spans (each link's span equals the level-0 distance
 * it covers), backward links, tail, length and the level count.
 */
function checkInvariants(list: SkipList): void {
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };
  const nodes: ZNode[] = [];
  for (let x = list.first; x !== null; x = x.forward) nodes.push(x);
  check(list.length === nodes.length, `length ${list.length} != ${nodes.length}`);
  check(list.tail === (nodes.length > 0 ? nodes[nodes.length - 1] : null), 'tail');
  const position = new Map<ZNode, number>();
  nodes.forEach((n, i) => position.set(n, i + 1));
  position.set(list.header, 0);
  for (let i = 0; i < nodes.length; i++) {
    check(nodes[i].backward === (i === 0 ? null : nodes[i - 1]), `backward of ${i}`);
    if (i > 0) check(compare(nodes[i - 1], nodes[i]) < 0, `order at ${i}`);
  }
  let maxLevel = 1;
  for (const n of nodes) maxLevel = Math.max(maxLevel, n.level);
  check(list.level === maxLevel, `level ${list.level} != ${maxLevel}`);
  for (let level = 0; level < list.level; level++) {
    let x: ZNode = list.header;
    let at = 0;
    for (;;) {
      const next = x.next(level);
      if (next === null) break;
      check(next.level > level, `node linked above its level ${level}`);
      const to = position.get(next) as number;
      check(x.span(level) === to - at, `span at level ${level} from ${at}: ${x.span(level)} != ${to - at}`);
      x = next;
      at = to;
    }
  }
  expect(problems).toEqual([]);
}

const member = fc.stringMatching(/^[a-e]{0,3}$/);
const score = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(-Infinity, Infinity, 0.5, -0));

type Op =
  | { kind: 'insert'; score: number; member: string }
  | { kind: 'delete'; member: string }
  | { kind: 'update'; member: string; score: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), score, member }),
  fc.record({ kind: fc.constant('delete' as const), member }),
  fc.record({ kind: fc.constant('update' as const), member, score }),
);

function lexBound(): fc.Arbitrary<LexBound> {
  return fc.oneof(
    fc.constant<LexBound>({ inf: -1, value: '', exclusive: true }),
    fc.constant<LexBound>({ inf: 1, value: '', exclusive: true }),
    fc.record({ inf: fc.constant(0 as const), value: member, exclusive: fc.boolean() }),
  );
}

describe('SkipList', () => {
  test('random inserts, deletes and score updates keep the order, spans and links of a sorted array', () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
      const list = new SkipList();
      const model = new Model();
      const byMember = new Map<string, ZNode>();
      for (const o of ops) {
        if (o.kind === 'insert') {
          if (byMember.has(o.member)) continue;
          byMember.set(o.member, list.insert(o.score, o.member));
          model.insert(o.score, o.member);
        } else if (o.kind === 'delete') {
          const node = byMember.get(o.member);
          const expected = model.remove(o.member);
          if (node === undefined) {
            expect(expected).toBeUndefined();
            expect(list.delete(0, o.member)).toBeNull();
            continue;
          }
          expect(list.delete(node.score, node.member)).toBe(node);
          byMember.delete(o.member);
        } else {
          const node = byMember.get(o.member);
          if (node === undefined) continue;
          list.updateScore(node, o.score);
          model.remove(o.member);
          model.insert(o.score, o.member);
        }
        expect(contents(list)).toEqual(model.items);
      }
      checkInvariants(list);
      // Ranks both ways.
      model.items.forEach((e, i) => {
        expect(list.rank(e.score, e.member)).toBe(i + 1);
        expect(list.byRank(i + 1)?.member).toBe(e.member);
      });
      expect(list.byRank(0)).toBeNull();
      expect(list.byRank(model.items.length + 1)).toBeNull();
      expect(list.rank(0, 'absent-member')).toBe(0);
    }), { numRuns: 300 });
  });

  test('score range searches and deletions match a filter over the sorted array', () => {
    const range: fc.Arbitrary<ScoreRange> = fc.record({
      min: score, max: score, minex: fc.boolean(), maxex: fc.boolean(),
    });
    fc.assert(fc.property(fc.uniqueArray(fc.tuple(score, member), { selector: ([, m]) => m, maxLength: 60 }), range, (entries, r) => {
      const list = new SkipList();
      const model = new Model();
      for (const [s, m] of entries) {
        list.insert(s, m);
        model.insert(s, m);
      }
      const inRange = model.items.filter((e) => scoreGteMin(e.score, r) && scoreLteMax(e.score, r));
      const first = list.firstInScoreRange(r);
      if (inRange.length === 0) {
        expect(first).toBeNull();
        expect(list.lastInScoreRange(r)).toBeNull();
      } else {
        expect(first?.member).toBe(inRange[0].member);
        expect(list.foundRank).toBe(model.items.indexOf(inRange[0]) + 1);
        const last = list.lastInScoreRange(r);
        expect(last?.member).toBe(inRange[inRange.length - 1].member);
        expect(list.foundRank).toBe(model.items.indexOf(inRange[inRange.length - 1]) + 1);
      }
      const removed: string[] = [];
      expect(list.deleteScoreRange(r, (n) => removed.push(n.member))).toBe(inRange.length);
      expect(removed).toEqual(inRange.map((e) => e.member));
      expect(contents(list)).toEqual(model.items.filter((e) => !inRange.includes(e)));
      checkInvariants(list);
    }), { numRuns: 400 });
  });

  test('member range searches and deletions match a filter when all scores are equal', () => {
    fc.assert(fc.property(fc.uniqueArray(member, { maxLength: 60 }), lexBound(), lexBound(), (names, min, max) => {
      const list = new SkipList();
      const sorted = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (const m of names) list.insert(0, m);
      const r: LexRange = { min, max };
      const inRange = sorted.filter((m) => lexGteMin(m, r) && lexLteMax(m, r));
      expect(list.firstInLexRange(r)?.member ?? null).toBe(inRange[0] ?? null);
      expect(list.firstInLexRangeLinear(r)?.member ?? null).toBe(inRange[0] ?? null);
      expect(list.lastInLexRange(r)?.member ?? null).toBe(inRange[inRange.length - 1] ?? null);
      expect(list.lastInLexRangeLinear(r)?.member ?? null).toBe(inRange[inRange.length - 1] ?? null);
      const removed: string[] = [];
      expect(list.deleteLexRange(r, (n) => removed.push(n.member))).toBe(inRange.length);
      expect(removed).toEqual(inRange);
      checkInvariants(list);
    }), { numRuns: 400 });
  });

  test('rank range deletion and deleteFrom', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 80 }), fc.integer({ min: 1, max: 90 }), fc.integer({ min: 0, max: 90 }), (n, start, length) => {
      const list = new SkipList();
      const names: string[] = [];
      for (let i = 0; i < n; i++) {
        names.push('m' + String(i).padStart(3, '0'));
        list.insert(i % 7, names[i]);
      }
      const model = contents(list);
      const end = start + length;
      const removed: string[] = [];
      const count = list.deleteRankRange(start, end, (node) => removed.push(node.member));
      const expected = model.slice(start - 1, end).map((e) => e.member);
      expect(count).toBe(expected.length);
      expect(removed).toEqual(expected);
      checkInvariants(list);
      const rest = contents(list);
      if (rest.length > 0) {
        const from = list.byRank(Math.ceil(rest.length / 2)) as ZNode;
        const cut = rest.slice(Math.ceil(rest.length / 2) - 1, Math.ceil(rest.length / 2) + 2).map((e) => e.member);
        const gone: string[] = [];
        list.deleteFrom(from, (node) => cut.includes(node.member), (node) => gone.push(node.member));
        expect(gone).toEqual(cut);
        checkInvariants(list);
      }
    }), { numRuns: 200 });
  });

  test('updating a score in place or by relinking never allocates a new node', () => {
    const list = new SkipList();
    const a = list.insert(1, 'a');
    list.insert(2, 'b');
    list.insert(3, 'c');
    list.updateScore(a, 1.5); // stays between neighbours
    expect(list.first).toBe(a);
    list.updateScore(a, 10); // moves to the end
    expect(list.tail).toBe(a);
    expect(contents(list).map((e) => e.member)).toEqual(['b', 'c', 'a']);
    checkInvariants(list);
  });

  test('levels stay within the maximum and average about 4/3 links per node', () => {
    const list = new SkipList();
    let links = 0;
    for (let i = 0; i < 20000; i++) links += list.insert(i, 'm' + i).level;
    expect(list.level).toBeLessThanOrEqual(MAX_LEVEL);
    // p = 1/4: expected levels per node 1 / (1 - p) = 4/3.
    expect(links / 20000).toBeGreaterThan(1.25);
    expect(links / 20000).toBeLessThan(1.42);
  });

  describe('cost at scale: search steps grow with log n', () => {
    /** Average links followed per operation on a list of n members. */
    function stepsPerOperation(n: number): { insert: number; rank: number; byRank: number; range: number; remove: number } {
      const list = new SkipList();
      const nodes: ZNode[] = [];
      // Random order, so that insertion does not always hit the same end.
      const order = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      list.steps = 0;
      for (const i of order) nodes.push(list.insert(Math.floor(i / 3), 'member:' + i));
      const insert = list.steps / n;
      const probes = 2000;
      const pick = () => nodes[Math.floor(Math.random() * n)];
      list.steps = 0;
      for (let i = 0; i < probes; i++) {
        const node = pick();
        list.rank(node.score, node.member);
      }
      const rank = list.steps / probes;
      list.steps = 0;
      for (let i = 0; i < probes; i++) list.byRank(1 + Math.floor(Math.random() * n));
      const byRank = list.steps / probes;
      list.steps = 0;
      for (let i = 0; i < probes; i++) {
        const s = Math.floor(Math.random() * (n / 3));
        list.firstInScoreRange({ min: s, max: s + 10, minex: false, maxex: false });
        list.lastInScoreRange({ min: s, max: s + 10, minex: false, maxex: false });
      }
      const range = list.steps / probes / 2;
      list.steps = 0;
      const removals = Math.min(probes, n / 2);
      for (let i = 0; i < removals; i++) list.remove(nodes[i]);
      const remove = list.steps / removals;
      return { insert, rank, byRank, range, remove };
    }

    test('from 1,000 to 100,000 members the steps per operation grow by far less than 100x', () => {
      const small = stepsPerOperation(1000);
      const large = stepsPerOperation(100000);
      // log(100000)/log(1000) = 1.67; allow for the randomness of levels, far from linear (100x).
      for (const key of ['insert', 'rank', 'byRank', 'range', 'remove'] as const) {
        const ratio = large[key] / small[key];
        expect({ key, ratio: ratio < 2.5 }).toEqual({ key, ratio: true });
        // Absolute bound: about (1/p) * log4(n) = 4 * 8.3 = 33 expected steps at 100k.
        expect({ key, steps: large[key] < 60 }).toEqual({ key, steps: true });
      }
    });
  });
});
