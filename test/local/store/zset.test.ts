import * as fc from 'fast-check';
import { ZNode } from '../../../src/local/store/skiplist';
import { DEFAULT_ENCODING, EncodingConfig, MemoryCounter, codecByTag, codecFor } from '../../../src/local/store/types';
import { SortedSet, exactScoreText, parseExactScore } from '../../../src/local/store/zset';

const LIMITS: EncodingConfig = { ...DEFAULT_ENCODING, zsetMaxListpackEntries: 4, zsetMaxListpackValue: 8 };

function members(zs: SortedSet): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const node of zs.ascending()) out.push([node.member, node.score]);
  return out;
}

describe('SortedSet', () => {
  test('starts compact and converts to skiplist once past the entry limit, never back', () => {
    const zs = new SortedSet();
    for (let i = 0; i < 4; i++) zs.add('m' + i, i, LIMITS);
    expect(zs.encoding(LIMITS)).toBe('listpack');
    zs.add('m4', 4, LIMITS);
    expect(zs.encoding(LIMITS)).toBe('skiplist');
    for (let i = 0; i < 5; i++) zs.delete('m' + i);
    zs.add('again', 1, LIMITS);
    expect(zs.length).toBe(1);
    expect(zs.encoding(LIMITS)).toBe('skiplist');
  });

  test('a member longer than the value limit converts at once', () => {
    const zs = new SortedSet();
    zs.add('short', 1, LIMITS);
    zs.add('123456789', 2, LIMITS);
    expect(zs.listpack).toBe(false);
  });

  test('the compact encoding stores -0 as 0; the skiplist keeps it', () => {
    const compact = new SortedSet(true);
    const node = compact.insert('a', -0);
    expect(Object.is(node.score, 0)).toBe(true);
    compact.setScore(node, -0);
    expect(Object.is(node.score, 0)).toBe(true);
    const wide = new SortedSet(false);
    expect(Object.is(wide.insert('a', -0).score, -0)).toBe(true);
    wide.compactIfFits(LIMITS);
    expect(wide.listpack).toBe(true);
    expect(Object.is(wide.score('a'), 0)).toBe(true);
  });

  test('compactIfFits respects both limits', () => {
    const many = new SortedSet(false);
    for (let i = 0; i < 5; i++) many.insert('m' + i, i);
    many.compactIfFits(LIMITS);
    expect(many.listpack).toBe(false);
    const long = new SortedSet(false);
    long.insert('123456789', 1);
    long.compactIfFits(LIMITS);
    expect(long.listpack).toBe(false);
  });

  test('memory accounting follows every change and conversion, and reports to the attached counter', () => {
    const counter: MemoryCounter = { used: 0 };
    const zs = new SortedSet();
    const empty = zs.bytes;
    zs.counter = counter;
    counter.used = zs.bytes;
    zs.add('a', 1, LIMITS);
    zs.add('bb', 2, LIMITS);
    const compactTwo = zs.bytes;
    expect(compactTwo).toBeGreaterThan(empty + 3);
    for (let i = 0; i < 5; i++) zs.add('m' + i, i, LIMITS); // converts
    const wide = zs.bytes;
    for (let i = 0; i < 5; i++) zs.delete('m' + i);
    expect(zs.bytes).toBeGreaterThan(compactTwo); // skiplist elements cost more
    zs.delete('a');
    zs.delete('bb');
    expect(zs.bytes).toBe(empty);
    expect(counter.used).toBe(zs.bytes);
    expect(wide).toBeGreaterThan(zs.bytes);
  });

  test('random operations keep the dict, the skip list and the dense node array consistent', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), member: fc.stringMatching(/^[a-h]{1,2}$/), score: fc.integer({ min: -5, max: 5 }) }),
      fc.record({ kind: fc.constant('del' as const), member: fc.stringMatching(/^[a-h]{1,2}$/) }),
      fc.record({ kind: fc.constant('score' as const), member: fc.stringMatching(/^[a-h]{1,2}$/), score: fc.integer({ min: -5, max: 5 }) }),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
      const zs = new SortedSet();
      const model = new Map<string, number>();
      for (const o of ops) {
        const node = zs.dict.get(o.member);
        if (o.kind === 'add' && node === undefined) {
          zs.add(o.member, o.score, LIMITS);
          model.set(o.member, o.score);
        } else if (o.kind === 'del') {
          expect(zs.delete(o.member)).toBe(model.delete(o.member));
        } else if (o.kind === 'score' && node !== undefined) {
          zs.setScore(node, o.score);
          model.set(o.member, o.score);
        }
      }
      const expected = [...model.entries()].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
      expect(members(zs)).toEqual(expected);
      expect(zs.length).toBe(model.size);
      const seen = new Set<ZNode>();
      for (let i = 0; i < zs.length; i++) {
        const node = zs.nodeAt(i) as ZNode;
        expect(node.slot).toBe(i);
        expect(zs.dict.get(node.member)).toBe(node);
        seen.add(node);
      }
      expect(seen.size).toBe(zs.length);
      expect(zs.nodeAt(zs.length)).toBeUndefined();
    }), { numRuns: 200 });
  });

  test('random picks are uniform over the members', () => {
    const zs = new SortedSet(false);
    for (let i = 0; i < 10; i++) zs.insert('m' + i, i % 3);
    const counts = new Map<string, number>();
    for (let i = 0; i < 20000; i++) {
      const m = zs.randomNode().member;
      counts.set(m, (counts.get(m) ?? 0) + 1);
    }
    expect(counts.size).toBe(10);
    for (const n of counts.values()) {
      // 2000 expected each; 6 standard deviations is about 255.
      expect(Math.abs(n - 2000)).toBeLessThan(300);
    }
  });

  test('clone is a deep copy with the same encoding', () => {
    const zs = new SortedSet();
    zs.add('a', 1, LIMITS);
    zs.add('b', 2, LIMITS);
    const copy = zs.clone();
    expect(copy.listpack).toBe(true);
    expect(members(copy)).toEqual(members(zs));
    expect(copy.bytes).toBe(zs.bytes);
    copy.delete('a');
    expect(zs.score('a')).toBe(1);
    const wide = new SortedSet(false);
    wide.insert('x', -0);
    wide.insert('y', Infinity);
    const wideCopy = wide.clone();
    expect(wideCopy.listpack).toBe(false);
    expect(Object.is(wideCopy.score('x'), -0)).toBe(true);
    expect(wideCopy.zsl.length).toBe(2);
  });

  describe('codec', () => {
    const codec = codecFor('zset')!;

    test('is registered under the RDB sorted set type', () => {
      expect(codec.tag).toBe(5);
      expect(codecByTag(5)?.[0]).toBe('zset');
    });

    test('dump and restore round-trip members and exact scores, including -0 and infinities', () => {
      fc.assert(fc.property(
        fc.uniqueArray(fc.tuple(fc.string({ unit: 'binary-ascii', maxLength: 5 }), fc.oneof(fc.double({ noNaN: true }), fc.constant(-0))), { selector: ([m]) => m, maxLength: 20 }),
        (entries) => {
          const zs = new SortedSet(false);
          for (const [m, s] of entries) zs.insert(m, s);
          const items = codec.dump(zs);
          expect(items.length).toBe(entries.length * 2);
          if (entries.length === 0) return;
          const back = codec.restore(items) as SortedSet;
          const original = members(zs);
          const restored = members(back);
          expect(restored.map(([m]) => m)).toEqual(original.map(([m]) => m));
          restored.forEach(([, s], i) => {
            const expected = original[i][1];
            // A restored compact set stores -0 as 0, like the real server's listpack.
            expect(Object.is(s, expected) || (s === 0 && expected === 0 && back.listpack)).toBe(true);
          });
        },
      ), { numRuns: 200 });
    });

    test('restore picks the encoding by the default limits', () => {
      const small = codec.restore(['a', '1', 'b', '2']) as SortedSet;
      expect(small.listpack).toBe(true);
      const items: string[] = [];
      for (let i = 0; i < 129; i++) items.push('m' + i, String(i));
      expect((codec.restore(items) as SortedSet).listpack).toBe(false);
      expect((codec.restore(['x'.repeat(65), '1']) as SortedSet).listpack).toBe(false);
    });

    test('restore rejects malformed payloads', () => {
      expect(() => codec.restore([])).toThrow('invalid sorted set payload');
      expect(() => codec.restore(['a'])).toThrow('invalid sorted set payload');
      expect(() => codec.restore(['a', 'x'])).toThrow('invalid sorted set payload');
      expect(() => codec.restore(['a', 'nan'])).toThrow('invalid sorted set payload');
      expect(() => codec.restore(['a', '1', 'a', '2'])).toThrow('invalid sorted set payload');
    });

    test('SORT sees the members in score order', () => {
      const zs = new SortedSet();
      zs.add('c', 3, LIMITS);
      zs.add('a', 1, LIMITS);
      zs.add('b', 2, LIMITS);
      expect(codec.sortElements!(zs)).toEqual(['a', 'b', 'c']);
    });

    test('score text round-trips', () => {
      for (const d of [0, -0, 1.5, 0.1, -1e-300, 1e21, Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE]) {
        expect(Object.is(parseExactScore(exactScoreText(d)), d)).toBe(true);
      }
      expect(parseExactScore('1x')).toBeUndefined();
      expect(parseExactScore('1e999')).toBeUndefined();
    });
  });
});
