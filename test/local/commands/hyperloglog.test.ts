import * as fc from 'fast-check';
import { Engine } from './strings-harness';
import { elementRegister, Hll, HLL_REGISTERS, murmurHash64A } from '../../../src/local/store/hll';

const redis = () => new Engine({ engine: 'redis', version: '7.0.15' });

/** MurmurHash64A written directly on bigints, as a reference for the 32-bit limb version. */
function referenceMurmur(bytes: number[], seed = 0xadc83b19n): bigint {
  const mask = (1n << 64n) - 1n;
  const m = 0xc6a4a7935bd1e995n;
  let h = (seed ^ (BigInt(bytes.length) * m)) & mask;
  const blocks = bytes.length - (bytes.length % 8);
  for (let i = 0; i < blocks; i += 8) {
    let k = 0n;
    for (let j = 7; j >= 0; j--) k = (k << 8n) | BigInt(bytes[i + j]);
    k = (k * m) & mask;
    k ^= k >> 47n;
    k = (k * m) & mask;
    h ^= k;
    h = (h * m) & mask;
  }
  const tail = bytes.length % 8;
  if (tail > 0) {
    for (let j = tail - 1; j >= 0; j--) h ^= BigInt(bytes[blocks + j]) << BigInt(8 * j);
    h = (h * m) & mask;
  }
  h ^= h >> 47n;
  h = (h * m) & mask;
  h ^= h >> 47n;
  return h;
}

/** Register index and value of an element, from the reference hash. */
function referenceRegister(element: string): [number, number] {
  const h = referenceMurmur([...element].map((ch) => ch.charCodeAt(0)));
  const index = Number(h & 16383n);
  let rest = (h >> 14n) | (1n << 50n);
  let value = 1;
  while ((rest & 1n) === 0n) {
    value++;
    rest >>= 1n;
  }
  return [index, value];
}

const byteString = fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 }).map((a) => String.fromCharCode(...a));

describe('hashing', () => {
  test('MurmurHash64A matches a bigint reference for any byte string', () => {
    fc.assert(fc.property(byteString, (s) => {
      const [hi, lo] = murmurHash64A(s);
      const h = (BigInt(hi) << 32n) | BigInt(lo);
      expect(h).toBe(referenceMurmur([...s].map((ch) => ch.charCodeAt(0))));
    }), { numRuns: 1000 });
  });

  test('register index and run length match the reference', () => {
    fc.assert(fc.property(byteString, (s) => {
      const packed = elementRegister(s);
      expect([packed >>> 6, packed & 63]).toEqual(referenceRegister(s));
    }), { numRuns: 1000 });
  });
});

describe('sketch', () => {
  test('the bytes for a few elements are those redis-server 7.0 stores', () => {
    const e = redis();
    e.run('PFADD', 'h', 'a', 'b', 'c', 'foo', 'bar', 'hello');
    // GET of the same PFADD on redis-server 7.0.15.
    expect(e.value('h')).toBe('HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\\\xb3\x90D>\x80C\n\x80C\x15\x80J\x8e\x84K\xfb\x80BZ');
    expect(e.run('PFCOUNT', 'h')).toBe(':6\r\n');
  });

  test('registers follow a max-per-register model, sparse or dense', () => {
    fc.assert(fc.property(fc.array(byteString, { maxLength: 300 }), fc.integer({ min: 0, max: 4000 }), (elements, limit) => {
      const model = new Uint8Array(HLL_REGISTERS);
      const hll = Hll.empty();
      const expected: number[] = [];
      const actual: number[] = [];
      for (const element of elements) {
        const [index, value] = referenceRegister(element);
        expected.push(value > model[index] ? 1 : 0);
        if (value > model[index]) model[index] = value;
        actual.push(hll.add(element, limit));
      }
      expect(actual).toEqual(expected);
      const merged = new Uint8Array(HLL_REGISTERS);
      expect(hll.mergeInto(merged)).toBe(true);
      expect(Buffer.from(merged).equals(Buffer.from(model))).toBe(true);
      // Sparse opcodes always cover exactly the 16384 registers.
      if (hll.encoding === 1) {
        const covered = hll.describeSparse().split(' ').reduce((n, op) => n + Number(op.split(/[:,]/).pop()), 0);
        expect(covered).toBe(HLL_REGISTERS);
        expect(hll.length).toBeLessThanOrEqual(Math.max(limit, 18));
      }
    }), { numRuns: 60 });
  });

  test('sparse and dense sketches of the same elements count the same', () => {
    const sparse = Hll.empty();
    const dense = Hll.empty();
    dense.toDense();
    let checkpoint = 1;
    for (let i = 1; i <= 20000; i++) {
      sparse.add(`item-${i}`, 1e9);
      dense.add(`item-${i}`, 1e9);
      if (i === checkpoint) {
        expect(sparse.encoding).toBe(1);
        expect(sparse.count()).toBe(dense.count());
        checkpoint *= 3;
      }
    }
  });

  test('estimates stay within the standard error of 0.81% on average', () => {
    const errors: number[] = [];
    for (let set = 0; set < 30; set++) {
      const n = 2000 + set * 1000;
      const hll = Hll.empty();
      for (let i = 0; i < n; i++) hll.add(`set${set}:${i}`, 3000);
      errors.push((hll.count() - n) / n);
    }
    const meanAbs = errors.reduce((a, x) => a + Math.abs(x), 0) / errors.length;
    const rms = Math.sqrt(errors.reduce((a, x) => a + x * x, 0) / errors.length);
    expect(meanAbs).toBeLessThan(0.0081);
    expect(rms).toBeLessThan(1.04 / Math.sqrt(HLL_REGISTERS) * 1.25);
  });

  test('small cardinalities are counted exactly or nearly (the estimator covers the sparse range)', () => {
    for (const n of [0, 1, 2, 5, 10, 50, 100]) {
      const hll = Hll.empty();
      for (let i = 0; i < n; i++) hll.add(`small:${i}`, 3000);
      expect(Math.abs(hll.count() - n)).toBeLessThanOrEqual(Math.max(1, n * 0.02));
    }
  });
});

describe('commands', () => {
  test('PFCOUNT stores the count in the header once, and that write propagates', () => {
    const e = redis();
    e.run('PFADD', 'h', 'a', 'b');
    expect((e.value('h') as string).charCodeAt(15)).toBe(0x80);
    const w = e.watch('h');
    expect(e.effects('PFCOUNT', 'h')).toEqual({ reply: ':2\r\n', propagated: [['PFCOUNT', 'h']], events: [] });
    expect(w.dirtyCas).toBe(true);
    expect((e.value('h') as string).slice(8, 16)).toBe('\x02\x00\x00\x00\x00\x00\x00\x00');
    expect(e.effects('PFCOUNT', 'h')).toEqual({ reply: ':2\r\n', propagated: [], events: [] });
    // Several keys: nothing is stored.
    e.run('PFADD', 'g', 'c');
    expect(e.effects('PFCOUNT', 'g', 'h')).toEqual({ reply: ':3\r\n', propagated: [], events: [] });
  });

  test('PFADD and PFMERGE raise pfadd, propagate as sent and keep the TTL', () => {
    const e = redis();
    expect(e.effects('PFADD', 'h', 'x', 'y')).toEqual({ reply: ':1\r\n', propagated: [['PFADD', 'h', 'x', 'y']], events: ['pfadd h'] });
    expect(e.effects('PFADD', 'h', 'x')).toEqual({ reply: ':0\r\n', propagated: [], events: [] });
    e.run('EXPIRE', 'h', '100');
    e.run('PFADD', 'g', 'z');
    expect(e.effects('PFMERGE', 'h', 'g')).toEqual({ reply: '+OK\r\n', propagated: [['PFMERGE', 'h', 'g']], events: ['pfadd h'] });
    expect(e.run('PTTL', 'h')).toBe(':100000\r\n');
    expect(e.run('PFCOUNT', 'h')).toBe(':3\r\n');
    e.clock.advance(100_000);
    expect(e.run('PFCOUNT', 'h')).toBe(':0\r\n');
  });

  test('PFDEBUG TODENSE and GETREG propagate the encoding change', () => {
    const e = redis();
    e.run('PFADD', 'h', 'a');
    expect(e.effects('PFDEBUG', 'TODENSE', 'h')).toEqual({ reply: ':1\r\n', propagated: [['PFDEBUG', 'TODENSE', 'h']], events: [] });
    expect(e.effects('PFDEBUG', 'TODENSE', 'h')).toEqual({ reply: ':0\r\n', propagated: [], events: [] });
    e.run('PFADD', 'g', 'a');
    const { reply, propagated } = e.effects('PFDEBUG', 'GETREG', 'g');
    expect(propagated).toEqual([['PFDEBUG', 'GETREG', 'g']]);
    const registers = reply.split('\r\n').slice(1, -1).map((r) => Number(r.slice(1)));
    const [index, value] = referenceRegister('a');
    expect(registers.length).toBe(HLL_REGISTERS);
    expect(registers[index]).toBe(value);
    expect(registers.filter((r) => r !== 0).length).toBe(1);
  });
});
