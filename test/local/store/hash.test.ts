import * as fc from 'fast-check';
import { RHash } from '../../../src/local/store/hash';
import { EncodingConfig, MemoryCounter, codecFor } from '../../../src/local/store/types';

const config: EncodingConfig = {
  hashMaxListpackEntries: 6,
  hashMaxListpackValue: 8,
  setMaxIntsetEntries: 512,
  setMaxListpackEntries: 128,
  setMaxListpackValue: 64,
  zsetMaxListpackEntries: 128,
  zsetMaxListpackValue: 64,
  listMaxListpackSize: -2,
  setListpack: false,
  listpackLists: false,
};

type Op = { kind: 'set'; field: string; value: string } | { kind: 'del'; field: string };

const fieldArb = fc.oneof(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', ''), fc.string({ maxLength: 10 }));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('set' as const), field: fieldArb, value: fc.string({ maxLength: 10 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('del' as const), field: fieldArb }) },
);

describe('RHash', () => {
  test('agrees with an insertion-ordered Map; listpack until a limit is passed, then hashtable for good', () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 120 }), (ops) => {
      const hash = new RHash();
      const counter: MemoryCounter = { used: hash.bytes };
      hash.counter = counter;
      const model = new Map<string, string>();
      let converted = false;
      for (const op of ops) {
        if (op.kind === 'set') {
          const created = hash.set(op.field, op.value, config);
          expect(created).toBe(!model.has(op.field));
          model.set(op.field, op.value);
          if (op.field.length > config.hashMaxListpackValue || op.value.length > config.hashMaxListpackValue) converted = true;
          if (model.size > config.hashMaxListpackEntries) converted = true;
        } else {
          expect(hash.delete(op.field)).toBe(model.delete(op.field));
        }
        expect(hash.length).toBe(model.size);
        expect(hash.encoding(config)).toBe(converted ? 'hashtable' : 'listpack');
        const pairs = hash.table.keys.map((k, i) => [k, hash.valueAt(i)]);
        if (converted) expect(new Map(pairs as Array<[string, string]>)).toEqual(model);
        else expect(pairs).toEqual([...model]);
        for (const [f, v] of model) expect(hash.get(f)).toBe(v);
        expect(counter.used).toBe(hash.bytes);
        expect(hash.bytes).toBeGreaterThan(0);
      }
    }), { numRuns: 300 });
  });

  test('HSET converts up front when any argument is too long for a listpack', () => {
    const hash = new RHash();
    hash.set('a', '1', config);
    hash.convertForArguments(['HSET', 'k', 'b', 'short', 'c', 'x'.repeat(9)], 2, 5, config);
    expect(hash.encoding(config)).toBe('hashtable');
    const other = new RHash();
    other.convertForArguments(['HSET', 'k', 'b', 'x'.repeat(8)], 2, 3, config);
    expect(other.encoding(config)).toBe('listpack');
  });

  test('memory grows with content and follows the encoding', () => {
    const hash = new RHash();
    const empty = hash.bytes;
    hash.set('field', 'value', config);
    const one = hash.bytes;
    expect(one).toBeGreaterThan(empty + 'fieldvalue'.length - 1);
    hash.set('field', 'longer', config);
    expect(hash.bytes - one).toBe('longer'.length - 'value'.length);
    hash.set('big', 'y'.repeat(100), config);
    const table = hash.bytes;
    hash.delete('big');
    hash.delete('field');
    expect(hash.bytes).toBeLessThan(table);
    expect(hash.length).toBe(0);
  });

  test('scan: a listpack whole with cursor 0, a hash table in steps', () => {
    const small = new RHash();
    small.set('a', '1', config);
    small.set('b', '2', config);
    const got: string[] = [];
    expect(small.scan(0, 1, (i) => got.push(small.fieldAt(i)))).toBe(0);
    expect(got).toEqual(['a', 'b']);

    const big = new RHash();
    for (let i = 0; i < 20; i++) big.set(`f${i}`, 'v', config);
    const seen = new Set<string>();
    let cursor = 0;
    let calls = 0;
    do {
      cursor = big.scan(cursor, 3, (i) => seen.add(big.fieldAt(i)));
      calls++;
    } while (cursor !== 0);
    expect(seen.size).toBe(20);
    expect(calls).toBe(7);
  });

  test('clone is deep and keeps the encoding', () => {
    const hash = new RHash();
    for (let i = 0; i < 10; i++) hash.set(`f${i}`, `v${i}`, config);
    const copy = hash.clone();
    copy.set('f0', 'changed', config);
    copy.delete('f1');
    expect(hash.get('f0')).toBe('v0');
    expect(hash.get('f1')).toBe('v1');
    expect(copy.encoding(config)).toBe('hashtable');
    expect(copy.bytes).toBeGreaterThan(0);
  });

  test('codec: dump, restore (encoding decided on first use), malformed payloads', () => {
    const codec = codecFor('hash')!;
    expect(codec.tag).toBe(4);
    const hash = new RHash();
    hash.set('z', '1', config);
    hash.set('a', '2', config);
    expect(codec.dump(hash)).toEqual(['z', '1', 'a', '2']);
    const restored = codec.restore(['z', '1', 'a', '2']) as RHash;
    expect(restored.encoding(config)).toBe('listpack');
    expect(restored.table.keys).toEqual(['z', 'a']);
    const long = codec.restore(['f', 'x'.repeat(20)]) as RHash;
    expect(long.encoding(config)).toBe('hashtable');
    const many = codec.restore(Array.from({ length: 14 }, (_, i) => `x${i}`)) as RHash;
    expect(many.encoding(config)).toBe('hashtable');
    expect(() => codec.restore([])).toThrow();
    expect(() => codec.restore(['a'])).toThrow();
    expect(() => codec.restore(['a', '1', 'a', '2'])).toThrow('Duplicate');
    expect(codec.sortElements).toBeUndefined();
    const field = (codec as unknown as { field(h: RHash, name: string): string | undefined }).field;
    expect(field(hash, 'a')).toBe('2');
    expect(field(hash, 'nope')).toBeUndefined();
  });
});
