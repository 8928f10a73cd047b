import * as fc from 'fast-check';
import { Engine } from './strings-harness';

const redis = () => new Engine({ engine: 'redis', version: '7.0.15' });
const valkey = () => new Engine({ engine: 'valkey' });

/** A reply's integer. */
const int = (reply: string) => Number(/^:(-?\d+)\r\n$/.exec(reply)?.[1] ?? NaN);

describe('SETBIT', () => {
  test('only a change propagates and raises setbit', () => {
    const e = redis();
    expect(e.effects('SETBIT', 'b', '3', '0')).toEqual({ reply: ':0\r\n', propagated: [['SETBIT', 'b', '3', '0']], events: ['setbit b'] });
    expect(e.effects('SETBIT', 'b', '3', '0')).toEqual({ reply: ':0\r\n', propagated: [], events: [] });
    expect(e.effects('SETBIT', 'b', '3', '1').propagated).toEqual([['SETBIT', 'b', '3', '1']]);
    // Growing the string is a change even when the bit is already 0.
    expect(e.effects('SETBIT', 'b', '20', '0')).toEqual({ reply: ':0\r\n', propagated: [['SETBIT', 'b', '20', '0']], events: ['setbit b'] });
    expect(e.value('b')).toBe('\x10\x00\x00');
  });

  test('bits and counts follow a bit-array model', () => {
    const index = fc.integer({ min: -40, max: 40 });
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.nat(200), fc.boolean()), { maxLength: 60 }),
      fc.array(fc.tuple(index, index, fc.boolean(), fc.boolean(), fc.boolean()), { maxLength: 20 }),
      (writes, queries) => {
        const e = redis();
        const bits: boolean[] = [];
        for (const [offset, on] of writes) {
          const old = bits[offset] === true;
          expect(e.run('SETBIT', 'b', String(offset), on ? '1' : '0')).toBe(old ? ':1\r\n' : ':0\r\n');
          while (bits.length <= (offset | 7)) bits.push(false);
          bits[offset] = on;
        }
        const length = bits.length; // whole bytes
        for (const [start, end, bitUnit, bit, withEnd] of queries) {
          const unit = bitUnit ? 1 : 8;
          const total = length / unit;
          let s = start < 0 ? total + start : start;
          let t = end < 0 ? total + end : end;
          s = Math.max(0, s);
          t = Math.min(Math.max(0, t), total - 1);
          const from = s * unit;
          const to = t * unit + unit - 1;
          const mode = bitUnit ? 'BIT' : 'BYTE';
          if (writes.length === 0) continue;
          const empty = start < 0 && end < 0 && start > end;
          // BITCOUNT answers 0 for two negative indexes in the wrong order; BITPOS just clamps them.
          const inRange = (i: number) => s <= t && i >= from && i <= to;
          const count = empty ? 0 : bits.filter((v, i) => v && inRange(i)).length;
          expect(int(e.run('BITCOUNT', 'b', String(start), String(end), mode))).toBe(count);
          const first = bits.findIndex((v, i) => v === bit && inRange(i));
          if (withEnd) {
            expect(int(e.run('BITPOS', 'b', bit ? '1' : '0', String(start), String(end), mode))).toBe(first);
          } else if (!bitUnit) {
            const tail = Math.max(0, start < 0 ? length / 8 + start : start);
            const fromStart = bits.findIndex((v, i) => v === bit && i >= tail * 8);
            const expected = fromStart >= 0 ? fromStart : bit || tail >= length / 8 ? -1 : length;
            expect(int(e.run('BITPOS', 'b', bit ? '1' : '0', String(start)))).toBe(expected);
          }
        }
      }), { numRuns: 200 });
  });
});

describe('BITOP', () => {
  test('an empty result deletes the destination; otherwise the destination is set', () => {
    const e = redis();
    e.run('SET', 'a', '\x0f');
    expect(e.effects('BITOP', 'NOT', 'd', 'a')).toEqual({ reply: ':1\r\n', propagated: [['BITOP', 'NOT', 'd', 'a']], events: ['set d'] });
    expect(e.value('d')).toBe('\xf0');
    expect(e.effects('BITOP', 'AND', 'd', 'x', 'y')).toEqual({ reply: ':0\r\n', propagated: [['BITOP', 'AND', 'd', 'x', 'y']], events: ['keymiss x', 'keymiss y', 'del d'] });
    expect(e.effects('BITOP', 'AND', 'd', 'x')).toEqual({ reply: ':0\r\n', propagated: [], events: ['keymiss x'] });
  });
});

describe('BITFIELD', () => {
  test('counts each changing write once and raises one setbit event', () => {
    const e = redis();
    e.run('SET', 'f', '\x00\x00');
    const dirty = e.server.dirty;
    const { reply, propagated, events } = e.effects('BITFIELD', 'f', 'SET', 'u8', '0', '1', 'SET', 'u8', '8', '0', 'INCRBY', 'u8', '0', '1');
    expect(reply).toBe('*3\r\n:0\r\n:0\r\n:2\r\n');
    expect(e.server.dirty - dirty).toBe(2);
    expect(propagated).toEqual([['BITFIELD', 'f', 'SET', 'u8', '0', '1', 'SET', 'u8', '8', '0', 'INCRBY', 'u8', '0', '1']]);
    expect(events).toEqual(['setbit f']);
  });

  test('a write that fails everywhere still creates the key, silently, as the server does', () => {
    const e = redis();
    expect(e.effects('BITFIELD', 'f', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '100', '9')).toEqual({ reply: '*1\r\n$-1\r\n', propagated: [], events: [] });
    expect(e.value('f')).toBe('\x00'.repeat(13));
  });

  test('SET then GET gives the value in two\'s complement of the field width', () => {
    const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    fc.assert(fc.property(fc.boolean(), fc.integer({ min: 1, max: 64 }), fc.nat(100), int64, (signed, width, offset, value) => {
      const bits = signed ? width : Math.min(width, 63);
      const type = (signed ? 'i' : 'u') + bits;
      const e = redis();
      e.run('BITFIELD', 'f', 'SET', type, String(offset), String(value));
      const expected = signed ? BigInt.asIntN(bits, value) : BigInt.asUintN(bits, value);
      expect(e.run('BITFIELD_RO', 'f', 'GET', type, String(offset))).toBe(`*1\r\n:${expected}\r\n`);
    }), { numRuns: 300 });
  });
});

describe('Valkey 8 argument handling', () => {
  test('BITCOUNT takes a start without an end', () => {
    expect(valkey().run('BITCOUNT', 'k', '0')).toBe(':0\r\n');
    const e = valkey();
    e.run('SET', 'k', '\xff\x01\x03');
    expect(e.run('BITCOUNT', 'k', '1')).toBe(':3\r\n');
    expect(e.run('BITCOUNT', 'k', '-1')).toBe(':2\r\n');
    expect(redis().run('BITCOUNT', 'k', '0')).toBe(':0\r\n');
    const r = redis();
    r.run('SET', 'k', '\xff');
    expect(r.run('BITCOUNT', 'k', '0')).toBe('-ERR syntax error\r\n');
  });

  test('BITCOUNT and BITPOS check their arguments even when the key is missing', () => {
    expect(valkey().run('BITCOUNT', 'missing', 'x', '1')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(valkey().run('BITPOS', 'missing', '1', '0', '1', 'BITS')).toBe('-ERR syntax error\r\n');
    expect(redis().run('BITCOUNT', 'missing', 'x', '1')).toBe(':0\r\n');
    expect(redis().run('BITPOS', 'missing', '1', '0', '1', 'BITS')).toBe(':-1\r\n');
    expect(valkey().run('BITPOS', 'missing', '0', '2')).toBe(':0\r\n');
  });
});
