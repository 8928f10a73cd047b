import * as fc from 'fast-check';
import { chiSquare, chiSquareLimit } from './stats';
import { DenseIndex, sampleDistinct } from '../../../src/local/store/dense';

type Op =
  | { kind: 'push'; key: string }
  | { kind: 'insert'; key: string; at: number }
  | { kind: 'swap'; at: number }
  | { kind: 'ordered'; at: number }
  | { kind: 'many'; positions: number[] };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('push' as const), key: fc.string({ maxLength: 3 }) }),
  fc.record({ kind: fc.constant('insert' as const), key: fc.string({ maxLength: 3 }), at: fc.nat(50) }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(50) }),
  fc.record({ kind: fc.constant('ordered' as const), at: fc.nat(50) }),
  fc.record({ kind: fc.constant('many' as const), positions: fc.array(fc.nat(50), { maxLength: 5 }) }),
);

describe('DenseIndex', () => {
  test('agrees with a plain array model under random operations', () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 200 }), (ops) => {
      const index = new DenseIndex(true);
      const model: Array<[string, string]> = [];
      let serial = 0;
      for (const op of ops) {
        const n = model.length;
        switch (op.kind) {
          case 'push':
          case 'insert': {
            if (model.some(([k]) => k === op.key)) break;
            const value = `v${serial++}`;
            if (op.kind === 'push') {
              index.push(op.key, value);
              model.push([op.key, value]);
            } else {
              const at = op.at % (n + 1);
              index.insertAt(at, op.key, value);
              model.splice(at, 0, [op.key, value]);
            }
            break;
          }
          case 'swap': {
            if (n === 0) break;
            const at = op.at % n;
            index.swapRemove(at);
            const last = model.pop() as [string, string];
            if (at < model.length) model[at] = last;
            break;
          }
          case 'ordered': {
            if (n === 0) break;
            const at = op.at % n;
            index.orderedRemove(at);
            model.splice(at, 1);
            break;
          }
          case 'many': {
            if (n === 0) break;
            const drop = new Set(op.positions.map((p) => p % n));
            index.removeMany(drop);
            const kept = model.filter((_, i) => !drop.has(i));
            model.length = 0;
            model.push(...kept);
            break;
          }
        }
        expect(index.keys).toEqual(model.map(([k]) => k));
        expect(index.values).toEqual(model.map(([, v]) => v));
        model.forEach(([k], i) => expect(index.indexOf(k)).toBe(i));
        expect(index.indexOf('not-a-key-\u0100')).toBe(-1);
      }
    }), { numRuns: 300 });
  });

  test('a full SCAN returns every key present for the whole scan, despite adds and swap-removes', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 60 }),
      fc.array(fc.tuple(fc.nat(3), fc.nat(1000)), { maxLength: 200 }),
      fc.integer({ min: 1, max: 7 }),
      (initial, steps, count) => {
        const index = new DenseIndex(false);
        for (let i = 0; i < initial; i++) index.push(`k${i}`);
        const everPresent = new Set(index.keys);
        const seen = new Set<string>();
        let next = initial;
        let cursor = 0;
        let step = 0;
        do {
          cursor = index.scan(cursor, count, (i) => seen.add(index.keys[i]));
          // Between scan calls: adds and deletions.
          const [kind, r] = steps[step++ % Math.max(1, steps.length)] ?? [3, 0];
          if (kind === 0) {
            index.push(`k${next++}`);
          } else if (kind === 1 && index.size > 0) {
            const victim = index.keys[r % index.size];
            everPresent.delete(victim);
            index.swapRemove(r % index.size);
          }
        } while (cursor !== 0);
        for (const k of everPresent) expect(seen.has(k)).toBe(true);
      },
    ), { numRuns: 300 });
  });

  test('clone is independent', () => {
    const a = new DenseIndex(true);
    a.push('x', '1');
    const b = a.clone();
    b.push('y', '2');
    b.swapRemove(0);
    expect(a.keys).toEqual(['x']);
    expect(b.keys).toEqual(['y']);
    expect(a.indexOf('x')).toBe(0);
    expect(b.indexOf('x')).toBe(-1);
  });
});

describe('sampleDistinct', () => {
  test('returns k distinct positions below n', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 500 }), fc.nat(500), (n, k0) => {
      const k = k0 % (n + 1);
      const out = sampleDistinct(n, k);
      expect(out.length).toBe(k);
      expect(new Set(out).size).toBe(k);
      for (const i of out) expect(i >= 0 && i < n && Number.isInteger(i)).toBe(true);
    }));
  });

  test('costs O(k), not O(n)', () => {
    const started = Date.now();
    for (let i = 0; i < 1000; i++) sampleDistinct(2 ** 40, 20);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test('is uniform: each position and each ordered pair equally likely', () => {
    const n = 12;
    const k = 4;
    const rounds = 60000;
    const position = new Array(n).fill(0);
    const firstTwo = new Array(n * n).fill(0);
    for (let r = 0; r < rounds; r++) {
      const out = sampleDistinct(n, k);
      for (const i of out) position[i]++;
      firstTwo[out[0] * n + out[1]]++;
    }
    expect(chiSquare(position)).toBeLessThan(chiSquareLimit(n - 1));
    const pairs = firstTwo.filter((_, i) => Math.floor(i / n) !== i % n);
    expect(chiSquare(pairs)).toBeLessThan(chiSquareLimit(pairs.length - 1));
  });
});
