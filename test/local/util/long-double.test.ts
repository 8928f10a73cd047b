import { addLongDouble, formatLongDoubleHuman, longDoubleFromInt, parseLongDouble } from '../../../src/local/util/long-double';

/** a + b printed as the server prints HINCRBYFLOAT results. */
function sum(a: string, b: string): string | undefined {
  const x = parseLongDouble(a);
  const y = parseLongDouble(b);
  if (x === undefined || y === undefined) throw new Error(`not a number: ${a} / ${b}`);
  const s = addLongDouble(x, y);
  return s === undefined || s.infinite ? undefined : formatLongDoubleHuman(s);
}

describe('80-bit extended precision', () => {
  // Expected values (here and below) were read from redis-server 7.0 (x86-64) with HINCRBYFLOAT.
  test.each([
    ['0.1', '0.2', '0.3'],
    ['1.5', '0.1', '1.6'],
    ['10.5', '0.1', '10.6'],
    ['3.0e3', '1e-5', '3000.00001000000000007'],
    ['-1.5', '1.5', '0'],
    ['1e-20', '-2e-20', '0'],
    ['9223372036854775807', '1', '9223372036854775808'],
    ['1', '1e-18', '1'],
    ['0x1p-16445', '0', '0'],
    ['1e308', '1e308', '199999999999999999993371759311691291321120199694831134415594095989843469737676123744200253843777078640893494450108026446304269499187921167194841628860392837535918200039206381557326219209014213335878306791577877829121087126122536729803237260434173178506889763247582601711514636284849020905456510092687857156096'],
  ])('%s + %s = %s', (a, b, expected) => {
    expect(sum(a, b)).toBe(expected);
  });

  test('parsing accepts what strtold accepts, whole strings only', () => {
    for (const ok of ['1', '-1', '+1', '.5', '5.', '1e5', '1E-5', '0x10', '0X.8p1', '0x1.8p-1', 'inf', '-Infinity', 'INF', '-0', '00012']) {
      expect(parseLongDouble(ok)).toBeDefined();
    }
    for (const bad of ['', ' 1', '1 ', '1e', 'e1', '.', '0x', '0xp1', 'nan', 'NaN', '1..2', '--1', '1e5000', '-1e5000', '1e-5000', '0x1p-16446', '1'.repeat(5120)]) {
      expect({ bad, value: parseLongDouble(bad) }).toEqual({ bad, value: undefined });
    }
    expect(parseLongDouble('0.' + '1'.repeat(5117))).toBeDefined();
    expect(parseLongDouble('1'.repeat(5119))).toBeUndefined(); // 1.1e5118 overflows
  });

  test('integers are exact and print without a point', () => {
    expect(formatLongDoubleHuman(longDoubleFromInt(-9223372036854775808n))).toBe('-9223372036854775808');
    expect(formatLongDoubleHuman(longDoubleFromInt(0n))).toBe('0');
    expect(formatLongDoubleHuman(parseLongDouble('18446744073709551615')!)).toBe('18446744073709551615');
    // Beyond 64 significant bits the nearest extended value is printed (as redis-server does).
    expect(formatLongDoubleHuman(parseLongDouble('123456789012345678901234567890')!)).toBe('123456789012345678899921813504');
  });

  test('overflow gives infinity, infinities of opposite sign give NaN', () => {
    expect(sum('1e4932', '1e4932')).toBeUndefined();
    const inf = parseLongDouble('inf')!;
    const minusInf = parseLongDouble('-inf')!;
    expect(addLongDouble(inf, minusInf)).toBeUndefined();
    expect(addLongDouble(inf, parseLongDouble('1')!)?.infinite).toBe(true);
    expect(formatLongDoubleHuman(minusInf)).toBe('-inf');
  });

  test('%.17Lf rounds half to even on exact ties', () => {
    // 2^-18 = 0.000003814697265625 has 18 decimals: the 17th digit rounds to even.
    expect(formatLongDoubleHuman(parseLongDouble('0x1p-18')!)).toBe('0.00000381469726562');
    // 3 * 2^-18 = 0.000011444091796875: the 17th digit 7 is odd, so the tie rounds up.
    expect(formatLongDoubleHuman(parseLongDouble('0x3p-18')!)).toBe('0.00001144409179688');
    expect(formatLongDoubleHuman(parseLongDouble('-1e-30')!)).toBe('0');
  });
});
