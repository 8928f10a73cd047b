import type { Client } from '../../../src/local/client';
import { blockingTimeout } from '../../../src/local/commands/timeout';
import { ReplyError } from '../../../src/local/commands/types';
import { parseLongDouble } from '../../../src/local/util/long-double';

const NOW = Date.UTC(2026, 0, 1);

/** Just what the parser reads from a client: the engine's age and the command time. */
function clientOf(legacy: boolean): Client {
  return { now: NOW, server: { olderThan: () => legacy } } as unknown as Client;
}

function outcome(legacy: boolean, arg: string): number | string {
  try {
    return blockingTimeout(clientOf(legacy), arg);
  } catch (e) {
    if (e instanceof ReplyError) return e.message;
    throw e;
  }
}

const NOT_FLOAT = 'ERR timeout is not a float or out of range';
const NEGATIVE = 'ERR timeout is negative';
const OUT_OF_RANGE = 'ERR timeout is out of range';

describe('blocking timeouts', () => {
  // What redis-server 7.0.15 does with each argument (0 = blocks for ever).
  test.each([
    ['0', 0], ['0.0', 0], ['-0', 0], ['1', 1000], ['0.5', 500], ['.5', 500], ['5.', 5000], ['+1', 1000], ['1e3', 1000000],
    ['0x10', 16000], ['0x1p3', 8000], ['1.5e-3', 2], ['0.0009', 1], ['1e-5', 1], ['1e-400', 1], ['0.0001', 1],
    // Rounded up: a negative product above -1 ms becomes 0 ms, for ever. 0.001 as a long double is
    // slightly below 0.001, so -0.001 s is still above -1 ms.
    ['-0.0001', 0], ['-0.0009', 0], ['-0.001', 0], ['-0.0019999', NEGATIVE], ['-1', NEGATIVE], ['-0.002', NEGATIVE],
    ['0.001', 1], ['0.002', 2],
    ['inf', NEGATIVE], ['-inf', NEGATIVE], ['Infinity', NEGATIVE], ['1e400', NEGATIVE], ['-1e400', NEGATIVE], ['1e308', NEGATIVE],
    ['9223372036854775807', NEGATIVE], ['9223372036854775.808', NEGATIVE], ['1e16', NEGATIVE],
    ['9223372036854775.807', 9223372036854775807], ['1e15', 1e18],
    ['nan', NOT_FLOAT], ['NaN', NOT_FLOAT], ['', NOT_FLOAT], [' 1', NOT_FLOAT], ['1 ', NOT_FLOAT], ['abc', NOT_FLOAT],
    ['1e3x', NOT_FLOAT], ['1e', NOT_FLOAT], ['0x', NOT_FLOAT], ['.', NOT_FLOAT], ['-', NOT_FLOAT], ['1e5000', NOT_FLOAT],
    ['1e-5000', NOT_FLOAT], ['infinit', NOT_FLOAT], ['1'.repeat(5120), NOT_FLOAT],
  ])('Redis 7.0: %j -> %j', (arg, expected) => {
    expect(outcome(true, arg)).toEqual(expected);
  });

  test.each([
    ['inf', OUT_OF_RANGE], ['-inf', NEGATIVE], ['1e400', OUT_OF_RANGE], ['9223372036854775807', OUT_OF_RANGE],
    ['9223372036854775.807', OUT_OF_RANGE], ['9223372036854775.806', OUT_OF_RANGE], ['-1e400', NEGATIVE],
    ['1e12', 1e15], ['0.5', 500], ['-0.001', 0], ['abc', NOT_FLOAT],
  ])('Valkey: %j -> %j', (arg, expected) => {
    expect(outcome(false, arg)).toEqual(expected);
  });

  test('Valkey refuses a timeout whose deadline would overflow', () => {
    const limit = 9223372036854775807n - BigInt(NOW);
    // Whole seconds whose milliseconds sit just under and over the limit.
    const under = (limit / 1000n).toString();
    const over = (limit / 1000n + 1n).toString();
    expect(outcome(false, under)).toBe(Number(BigInt(under) * 1000n));
    expect(outcome(false, over)).toBe(OUT_OF_RANGE);
    expect(outcome(true, over)).toBe(Number(BigInt(over) * 1000n));
  });

  test('parseLongDouble rounds to a 64-bit significand', () => {
    const value = (s: string) => {
      const v = parseLongDouble(s);
      return v === undefined ? undefined : v.infinite ? (v.negative ? '-inf' : 'inf') : Number(v.significand) * 2 ** v.exponent * (v.negative ? -1 : 1);
    };
    expect(parseLongDouble('1')).toMatchObject({ negative: false, significand: 1n << 63n, exponent: -63 });
    expect(parseLongDouble('-2')).toMatchObject({ negative: true, significand: 1n << 63n, exponent: -62 });
    expect(value('0')).toBe(0);
    // 2^64 + 1 needs 65 bits: rounds to 2^64 (ties go to even).
    expect(parseLongDouble('18446744073709551617')).toMatchObject({ significand: 1n << 63n, exponent: 1 });
    // The smallest subnormal is 2^-16445.
    expect(parseLongDouble('0x1p-16445')).toMatchObject({ significand: 1n, exponent: -16445 });
    expect(parseLongDouble('0x1p-16447')).toBeUndefined();
    expect(value('INF')).toBe('inf');
    expect(value('-infinity')).toBe('-inf');
  });
});
