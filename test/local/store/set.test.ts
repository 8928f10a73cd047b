import * as fc from 'fast-check';
import { isLongString } from '../../../src/local/commands/args';
import { RSet, compareIntStrings } from '../../../src/local/store/set';
import { EncodingConfig, MemoryCounter, codecFor } from '../../../src/local/store/types';

function configFor(setListpack: boolean): EncodingConfig {
  return {
    hashMaxListpackEntries: 128,
    hashMaxListpackValue: 64,
    setMaxIntsetEntries: 8,
    setMaxListpackEntries: 6,
    setMaxListpackValue: 5,
    zsetMaxListpackEntries: 128,
    zsetMaxListpackValue: 64,
    listMaxListpackSize: -2,
    setListpack,
    listpackLists: setListpack,
  };
}

const byValue = (a: string, b: string) => {
  const d = BigInt(a) - BigInt(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
};

/**
 * The server's set encoding rules, written out plainly: the state a set should be in after
 * each add or remove, and its iteration order while compact.
 */
class ModelSet {
  public enc: 'intset' | 'listpack' | 'hashtable';
  public readonly members = new Set<string>();
  /** Iteration order of a listpack. */
  private listpackOrder: string[] = [];

  constructor(first: string, hint: number, private readonly config: EncodingConfig) {
    if (!config.setListpack) this.enc = isLongString(first) ? 'intset' : 'hashtable';
    else if (isLongString(first) && hint <= config.setMaxIntsetEntries) this.enc = 'intset';
    else this.enc = hint <= config.setMaxListpackEntries ? 'listpack' : 'hashtable';
  }

  public add(m: string): boolean {
    if (this.members.has(m)) return false;
    const c = this.config;
    if (this.enc === 'intset') {
      if (isLongString(m)) {
        if (this.members.size + 1 > c.setMaxIntsetEntries) this.enc = 'hashtable';
      } else {
        const sorted = [...this.members].sort(byValue);
        const widest = Math.max(0, ...sorted.map((x) => x.length));
        if (c.setListpack && this.members.size < c.setMaxListpackEntries && m.length <= c.setMaxListpackValue && widest <= c.setMaxListpackValue) {
          this.enc = 'listpack';
          this.listpackOrder = sorted;
        } else {
          this.enc = 'hashtable';
        }
      }
    } else if (this.enc === 'listpack' && (this.members.size >= c.setMaxListpackEntries || m.length > c.setMaxListpackValue)) {
      this.enc = 'hashtable';
    }
    this.members.add(m);
    if (this.enc === 'listpack') this.listpackOrder.push(m);
    return true;
  }

  public remove(m: string): boolean {
    if (!this.members.delete(m)) return false;
    this.listpackOrder = this.listpackOrder.filter((x) => x !== m);
    return true;
  }

  /** The expected iteration order, or undefined when it is arbitrary (hash table). */
  public order(): string[] | undefined {
    if (this.enc === 'intset') return [...this.members].sort(byValue);
    if (this.enc === 'listpack') return this.listpackOrder;
    return undefined;
  }
}

const memberArb = fc.oneof(
  fc.integer({ min: -20, max: 20 }).map(String),
  fc.constantFrom('9223372036854775807', '-9223372036854775808', '9223372036854775808', '01', '-0', '+1', ' 1', ''),
  fc.constantFrom('a', 'b', 'abcde', 'abcdef', 'x'),
);
type Op = { kind: 'add' | 'remove'; member: string };
const opArb: fc.Arbitrary<Op> = fc.record({ kind: fc.constantFrom('add' as const, 'add' as const, 'remove' as const), member: memberArb });

describe.each([false, true])('RSet (set listpacks: %s)', (setListpack) => {
  const config = configFor(setListpack);

  test('agrees with a reference model of contents, encoding and order', () => {
    fc.assert(fc.property(memberArb, fc.array(opArb, { maxLength: 80 }), (first, ops) => {
      const set = RSet.create(first, 1, config);
      const counter: MemoryCounter = { used: set.bytes };
      set.counter = counter;
      const model = new ModelSet(first, 1, config);
      for (const op of [{ kind: 'add' as const, member: first }, ...ops]) {
        if (op.kind === 'add') expect(set.add(op.member, config)).toBe(model.add(op.member));
        else expect(set.remove(op.member)).toBe(model.remove(op.member));
        expect(set.encoding(config)).toBe(model.enc);
        expect(set.length).toBe(model.members.size);
        expect(new Set(set.members)).toEqual(model.members);
        const order = model.order();
        if (order !== undefined) expect(set.members).toEqual(order);
        for (const m of model.members) expect(set.has(m)).toBe(true);
        expect(counter.used).toBe(set.bytes);
      }
    }), { numRuns: 200 });
  });

  test('removing positions keeps the rest (and the order of a compact set)', () => {
    fc.assert(fc.property(fc.uniqueArray(memberArb, { maxLength: 30 }), fc.array(fc.nat(40), { maxLength: 10 }), (members, picks) => {
      if (members.length === 0) return;
      const set = RSet.intset();
      for (const m of members) set.add(m, config);
      const before = set.members.slice();
      const positions = [...new Set(picks.map((p) => p % before.length))];
      set.removePositions(positions);
      const expected = before.filter((_, i) => !positions.includes(i));
      if (set.compact) expect(set.members).toEqual(expected);
      else expect(new Set(set.members)).toEqual(new Set(expected));
      for (const m of expected) expect(set.has(m)).toBe(true);
      for (const i of positions) expect(set.has(before[i])).toBe(false);
    }));
  });

  test('codec: restore decides the encoding as a load does', () => {
    const codec = codecFor('set')!;
    expect(codec.tag).toBe(2);
    const ints = codec.restore(['5', '-1', '3']) as RSet;
    expect(ints.encoding(config)).toBe('intset');
    expect(ints.members).toEqual(['-1', '3', '5']);
    const mixed = codec.restore(['5', '1', 'a', 'b']) as RSet;
    expect(mixed.encoding(config)).toBe(setListpack ? 'listpack' : 'hashtable');
    if (setListpack) expect(mixed.members).toEqual(['1', '5', 'a', 'b']);
    const many = codec.restore(Array.from({ length: 9 }, (_, i) => String(i))) as RSet;
    expect(many.encoding(config)).toBe('hashtable');
    const long = codec.restore(['a', 'toolongmember']) as RSet;
    expect(long.encoding(config)).toBe('hashtable');
    expect(codec.dump(ints)).toEqual(['-1', '3', '5']);
    expect(codec.sortElements?.(ints)).toEqual(['-1', '3', '5']);
    expect(() => codec.restore([])).toThrow();
    expect(() => codec.restore(['a', 'a'])).toThrow('Duplicate');
  });
});

describe('RSet', () => {
  test('compareIntStrings orders canonical 64-bit integers numerically', () => {
    fc.assert(fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (a, b) => {
      const expected = a < b ? -1 : a > b ? 1 : 0;
      expect(Math.sign(compareIntStrings(String(a), String(b)))).toBe(expected);
    }));
  });

  test('Valkey: SADD with many arguments converts a compact set at once; all-integer results become intsets', () => {
    const config = configFor(true);
    const set = RSet.create('a', 2, config);
    expect(set.encoding(config)).toBe('listpack');
    set.convertForSizeHint(7, config);
    expect(set.encoding(config)).toBe('hashtable');
    expect(RSet.create('1', 8, config).encoding(config)).toBe('intset');
    expect(RSet.create('1', 9, config).encoding(config)).toBe('hashtable');
    expect(RSet.create('a', 6, config).encoding(config)).toBe('listpack');
    expect(RSet.create('a', 7, config).encoding(config)).toBe('hashtable');
    const table = RSet.hashtable();
    for (const m of ['3', '1', '2']) table.add(m, config);
    table.convertToIntsetIfFits(config);
    expect(table.encoding(config)).toBe('intset');
    expect(table.members).toEqual(['1', '2', '3']);
  });

  test('Redis 7.0: no listpack; SADD size hints are ignored', () => {
    const config = configFor(false);
    expect(RSet.create('a', 1, config).encoding(config)).toBe('hashtable');
    expect(RSet.create('1', 1000, config).encoding(config)).toBe('intset');
    expect(RSet.listpack(config).encoding(config)).toBe('hashtable');
    const set = RSet.create('1', 1, config);
    set.convertForSizeHint(1000, config);
    expect(set.encoding(config)).toBe('intset');
  });

  test('clone is deep and keeps the encoding', () => {
    const config = configFor(false);
    const set = RSet.intset();
    for (const m of ['3', '1']) set.add(m, config);
    const copy = set.clone();
    copy.add('2', config);
    copy.remove('1');
    expect(set.members).toEqual(['1', '3']);
    expect(copy.members).toEqual(['2', '3']);
    expect(copy.encoding(config)).toBe('intset');
  });
});
