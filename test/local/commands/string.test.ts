import * as fc from 'fast-check';
import { Engine } from './strings-harness';
import { greaterThan, indexArg, smallLong } from '../../../src/local/commands/string';
import { addLongDouble, formatLongDoubleHuman, LongDouble, parseLongDouble } from '../../../src/local/util/long-double';

const redis = () => new Engine({ engine: 'redis', version: '7.0.15' });
const valkey = () => new Engine({ engine: 'valkey' });

describe('SET family', () => {
  test('SET with a relative expire propagates the absolute PXAT and raises set + expire', () => {
    const e = redis();
    const now = e.clock.now();
    expect(e.effects('SET', 'k', 'v', 'EX', '10')).toEqual({
      reply: '+OK\r\n',
      propagated: [['SET', 'k', 'v', 'PXAT', String(now + 10_000)]],
      events: ['set k', 'expire k'],
    });
    expect(e.run('PTTL', 'k')).toBe(':10000\r\n');
    e.clock.advance(9_999);
    expect(e.run('GET', 'k')).toBe('$1\r\nv\r\n');
    e.clock.advance(1);
    expect(e.run('GET', 'k')).toBe('$-1\r\n');
  });

  test('Redis 7.0 rewrites every expire form, PXAT included; Valkey 8 leaves PXAT as sent', () => {
    const at = String(Date.UTC(2030, 0, 1));
    expect(redis().effects('SET', 'k', 'v', 'PXAT', at, 'GET').propagated).toEqual([['SET', 'k', 'v', 'PXAT', at]]);
    expect(valkey().effects('SET', 'k', 'v', 'PXAT', at, 'GET').propagated).toEqual([['SET', 'k', 'v', 'PXAT', at, 'GET']]);
    const e = valkey();
    expect(e.effects('SET', 'k', 'v', 'EXAT', '1893456000').propagated).toEqual([['SET', 'k', 'v', 'PXAT', '1893456000000']]);
  });

  test('SET ... GET propagates without its GET arguments', () => {
    const e = redis();
    e.run('SET', 'k', 'a');
    expect(e.effects('SET', 'k', 'b', 'get', 'XX', 'GET')).toEqual({ reply: '$1\r\na\r\n', propagated: [['SET', 'k', 'b', 'XX']], events: ['set k'] });
  });

  test('a SET that NX or XX refuses changes nothing and propagates nothing', () => {
    const e = redis();
    e.run('SET', 'k', 'a');
    const w = e.watch('k');
    expect(e.effects('SET', 'k', 'b', 'NX')).toEqual({ reply: '$-1\r\n', propagated: [], events: [] });
    expect(e.effects('SETNX', 'k', 'b')).toEqual({ reply: ':0\r\n', propagated: [], events: [] });
    expect(w.dirtyCas).toBe(false);
    expect(e.effects('SETNX', 'n', 'b')).toEqual({ reply: ':1\r\n', propagated: [['SETNX', 'n', 'b']], events: ['set n'] });
  });

  test('SETEX and PSETEX propagate as SET ... PXAT and name themselves in expire errors', () => {
    const e = redis();
    const now = e.clock.now();
    expect(e.effects('SETEX', 'k', '5', 'v').propagated).toEqual([['SET', 'k', 'v', 'PXAT', String(now + 5000)]]);
    expect(e.effects('PSETEX', 'k', '5', 'v').propagated).toEqual([['SET', 'k', 'v', 'PXAT', String(now + 5)]]);
    expect(e.run('SETEX', 'k', '0', 'v')).toBe("-ERR invalid expire time in 'setex' command\r\n");
    expect(e.run('PSETEX', 'k', '-1', 'v')).toBe("-ERR invalid expire time in 'psetex' command\r\n");
    expect(e.run('SET', 'k', 'v', 'EX', '0')).toBe("-ERR invalid expire time in 'set' command\r\n");
  });

  test('an expire that overflows 64-bit milliseconds once the current time is added is invalid', () => {
    const e = redis();
    const headroom = 9223372036854775807n - BigInt(e.clock.now());
    expect(e.run('SET', 'k', 'v', 'PX', String(headroom))).toBe('+OK\r\n');
    expect(e.run('SET', 'k', 'v', 'PX', String(headroom + 1n))).toBe("-ERR invalid expire time in 'set' command\r\n");
  });

  test('TTLs: SET, GETSET and MSET drop them; KEEPTTL, counters, APPEND and SETRANGE keep them', () => {
    const e = redis();
    const ttlAfter = (...argv: string[]) => {
      e.run('SET', 'k', '1', 'EX', '100');
      e.run(...argv);
      return e.run('PTTL', 'k');
    };
    expect(ttlAfter('SET', 'k', '2')).toBe(':-1\r\n');
    expect(ttlAfter('GETSET', 'k', '2')).toBe(':-1\r\n');
    expect(ttlAfter('MSET', 'k', '2')).toBe(':-1\r\n');
    expect(ttlAfter('SET', 'k', '2', 'KEEPTTL')).toBe(':100000\r\n');
    expect(ttlAfter('INCR', 'k')).toBe(':100000\r\n');
    expect(ttlAfter('INCRBYFLOAT', 'k', '1.5')).toBe(':100000\r\n');
    expect(ttlAfter('APPEND', 'k', 'x')).toBe(':100000\r\n');
    expect(ttlAfter('SETRANGE', 'k', '3', 'x')).toBe(':100000\r\n');
  });

  test('Valkey 8 does not store a SET whose absolute expire time has passed', () => {
    const e = valkey();
    e.run('SET', 'k', 'old');
    expect(e.effects('SET', 'k', 'new', 'PXAT', '1', 'GET')).toEqual({ reply: '$3\r\nold\r\n', propagated: [['UNLINK', 'k']], events: ['del k'] });
    expect(e.run('EXISTS', 'k')).toBe(':0\r\n');
    expect(e.effects('SET', 'k', 'new', 'EXAT', '1')).toEqual({ reply: '+OK\r\n', propagated: [], events: [] });
    expect(e.run('EXISTS', 'k')).toBe(':0\r\n');
    // Redis 7.0 stores it, and the key expires on the next access.
    const r = redis();
    expect(r.effects('SET', 'k', 'new', 'PXAT', '1').propagated).toEqual([['SET', 'k', 'new', 'PXAT', '1']]);
    expect(r.run('EXISTS', 'k')).toBe(':0\r\n');
  });
});

describe('GETEX, GETDEL, GETSET', () => {
  test('GETEX propagates its effect: PEXPIREAT, PERSIST, or the deletion', () => {
    const e = redis();
    const now = e.clock.now();
    e.run('SET', 'k', 'v');
    expect(e.effects('GETEX', 'k')).toEqual({ reply: '$1\r\nv\r\n', propagated: [], events: [] });
    expect(e.effects('GETEX', 'k', 'PERSIST')).toEqual({ reply: '$1\r\nv\r\n', propagated: [], events: [] });
    expect(e.effects('GETEX', 'k', 'EX', '7')).toEqual({ reply: '$1\r\nv\r\n', propagated: [['PEXPIREAT', 'k', String(now + 7000)]], events: ['expire k'] });
    expect(e.effects('GETEX', 'k', 'PERSIST')).toEqual({ reply: '$1\r\nv\r\n', propagated: [['PERSIST', 'k']], events: ['persist k'] });
    expect(e.effects('GETEX', 'k', 'PXAT', String(now))).toEqual({ reply: '$1\r\nv\r\n', propagated: [['DEL', 'k']], events: ['del k'] });
    expect(e.run('EXISTS', 'k')).toBe(':0\r\n');
    const v = valkey();
    v.run('SET', 'k', 'v');
    expect(v.effects('GETEX', 'k', 'EXAT', '1').propagated).toEqual([['UNLINK', 'k']]);
  });

  test('GETEX validates the expire time only for an existing key', () => {
    const e = redis();
    expect(e.run('GETEX', 'k', 'EX', 'soon')).toBe('$-1\r\n');
    e.run('SET', 'k', 'v');
    expect(e.run('GETEX', 'k', 'EX', 'soon')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(e.run('GETEX', 'k', 'EX', '-1')).toBe("-ERR invalid expire time in 'getex' command\r\n");
    expect(e.run('GETEX', 'k', 'PERSIST', 'EX', '1')).toBe('-ERR syntax error\r\n');
  });

  test('GETDEL propagates DEL; GETSET propagates SET', () => {
    const e = redis();
    e.run('SET', 'k', 'v');
    expect(e.effects('GETDEL', 'k')).toEqual({ reply: '$1\r\nv\r\n', propagated: [['DEL', 'k']], events: ['del k'] });
    expect(e.effects('GETDEL', 'k')).toEqual({ reply: '$-1\r\n', propagated: [], events: ['keymiss k'] });
    expect(e.effects('GETSET', 'k', 'w')).toEqual({ reply: '$-1\r\n', propagated: [['SET', 'k', 'w']], events: ['keymiss k', 'set k'] });
  });
});

describe('counters', () => {
  test('INCR family propagates as sent and raises incrby', () => {
    const e = redis();
    const w = e.watch('n');
    expect(e.effects('INCRBY', 'n', '5')).toEqual({ reply: ':5\r\n', propagated: [['INCRBY', 'n', '5']], events: ['incrby n'] });
    expect(w.dirtyCas).toBe(true);
    expect(e.effects('DECR', 'n').events).toEqual(['incrby n']);
    expect(e.effects('INCRBY', 'n', '9223372036854775807')).toEqual({ reply: '-ERR increment or decrement would overflow\r\n', propagated: [], events: [] });
    expect(e.run('GET', 'n')).toBe('$1\r\n4\r\n');
  });

  test('INCR is exact across the whole 64-bit range (a reference model in bigints)', () => {
    fc.assert(fc.property(
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      (start, by) => {
        const e = redis();
        e.run('SET', 'n', String(start));
        const sum = start + by;
        const expected = sum > 2n ** 63n - 1n || sum < -(2n ** 63n) ? '-ERR increment or decrement would overflow\r\n' : `:${sum}\r\n`;
        expect(e.run('INCRBY', 'n', String(by))).toBe(expected);
      }), { numRuns: 300 });
  });

  test('INCRBYFLOAT propagates SET key value KEEPTTL', () => {
    const e = redis();
    e.run('SET', 'f', '10.5');
    expect(e.effects('INCRBYFLOAT', 'f', '0.1')).toEqual({ reply: '$4\r\n10.6\r\n', propagated: [['SET', 'f', '10.6', 'KEEPTTL']], events: ['incrbyfloat f'] });
    expect(e.effects('INCRBYFLOAT', 'f', 'inf')).toEqual({ reply: '-ERR increment would produce NaN or Infinity\r\n', propagated: [], events: [] });
  });
});

describe('APPEND and SETRANGE', () => {
  test('raise append / setrange, and stay within proto-max-bulk-len except for the primary', () => {
    const e = redis();
    expect(e.effects('APPEND', 'k', 'ab').events).toEqual(['append k']);
    expect(e.effects('SETRANGE', 'k', '4', 'z')).toEqual({ reply: ':5\r\n', propagated: [['SETRANGE', 'k', '4', 'z']], events: ['setrange k'] });
    expect(e.run('GET', 'k')).toBe('$5\r\nab\x00\x00z\r\n');
    e.server.config.set([['proto-max-bulk-len', '1048576']]);
    const error = '-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n';
    expect(e.run('SETRANGE', 'k', '1048576', 'x')).toBe(error);
    expect(e.run('APPEND', 'k', 'x'.repeat(1048572))).toBe(error);
    e.client.kind = 'master';
    expect(e.run('APPEND', 'k', 'x'.repeat(1048572))).toBe(':1048577\r\n');
  });
});

describe('argument helpers', () => {
  test('smallLong accepts canonical integers of up to 15 digits only', () => {
    expect([smallLong('0'), smallLong('-12'), smallLong('999999999999999'), smallLong('-999999999999999')]).toEqual([0, -12, 999999999999999, -999999999999999]);
    for (const bad of ['', '-', '-0', '01', '+1', ' 1', '1 ', '1.0', '1000000000000000', 'x']) expect(smallLong(bad)).toBeNaN();
  });

  test('indexArg clamps huge indexes and greaterThan compares them exactly', () => {
    expect(indexArg('9223372036854775807')).toBe(4.611686018427388e18);
    expect(indexArg('-9223372036854775808')).toBe(-4.611686018427388e18);
    expect(() => indexArg('9223372036854775808')).toThrow();
    const a = '-9223372036854775807';
    const b = '-9223372036854775808';
    expect(greaterThan(a, b, indexArg(a), indexArg(b))).toBe(true);
    expect(greaterThan(b, a, indexArg(b), indexArg(a))).toBe(false);
  });
});

describe('long double arithmetic', () => {
  const sum = (a: string, b: string) => {
    const r = addLongDouble(parseLongDouble(a) as LongDouble, parseLongDouble(b) as LongDouble);
    return r === undefined ? 'nan' : formatLongDoubleHuman(r);
  };

  test('prints like %.17Lf with trailing zeros removed', () => {
    expect(sum('10.5', '0.1')).toBe('10.6');
    expect(sum('3.0e3', '0')).toBe('3000');
    expect(sum('0.000003814697265625', '0')).toBe('0.00000381469726562'); // a tie, rounded to even
    expect(sum('0.000003814697265635', '0')).toBe('0.00000381469726563'); // not a tie: the nearest value is below
    expect(sum('-1e-30', '0')).toBe('0');
    expect(sum('0x1p3', '0.5')).toBe('8.5');
    expect(sum('18446744073709551615', '0')).toBe('18446744073709551615');
    expect(sum('18446744073709551617', '0')).toBe('18446744073709551616');
  });

  test('overflow, underflow and the text strtold refuses', () => {
    expect(sum('1.1e4932', '1.1e4932')).toBe('inf');
    expect(parseLongDouble('1e4933')).toBeUndefined();
    expect(parseLongDouble('1e-4952')).toBeUndefined();
    expect(parseLongDouble('1e-4950')).toBeDefined();
    expect(parseLongDouble('0e99999999')).toMatchObject({ negative: false, significand: 0n, infinite: false });
    expect(parseLongDouble('-Infinity')).toMatchObject({ negative: true, infinite: true });
    for (const bad of ['', ' 1', '1 ', 'nan', '1e', '0x', '.', '-', '1\x00', 'x'.repeat(5120)]) expect(parseLongDouble(bad)).toBeUndefined();
  });

  test('numbers below 10 with up to 17 decimals print back unchanged (64 bits hold 19 digits)', () => {
    fc.assert(fc.property(fc.bigInt({ min: -(10n ** 18n) + 1n, max: 10n ** 18n - 1n }), fc.integer({ min: 0, max: 17 }), (raw, decimals) => {
      const units = raw % 10n ** BigInt(decimals + 1);
      const digits = (units < 0n ? -units : units).toString().padStart(decimals + 1, '0');
      const text = (units < 0n ? '-' : '') + digits.slice(0, digits.length - decimals) + (decimals > 0 ? '.' + digits.slice(-decimals) : '');
      const canonical = formatLongDoubleHuman(parseLongDouble(text) as LongDouble);
      // What the text means, with trailing zeros (and a lone "-0") removed.
      let expected = text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
      if (/^-0$/.test(expected)) expected = '0';
      expect(canonical).toBe(expected);
    }), { numRuns: 500 });
  });

  test('addition is exact for integers below 2^64 and commutative in general', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }), fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }), (a, b) => {
      expect(sum(String(a), String(b))).toBe(String(a + b));
    }));
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.double({ noNaN: true, noDefaultInfinity: true }), (a, b) => {
      expect(sum(String(a), String(b))).toBe(sum(String(b), String(a)));
    }));
  });
});
