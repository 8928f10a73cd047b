import { ExchangeOptions, TEXT_SENTINEL, Target, exchange, show, startLocal, startRealMemcached, text } from './memcached-harness';

/**
 * Limits against memcached 1.6: line lengths and its 16 KiB read buffer, item size boundaries,
 * values arriving in many pieces, LRU eviction under a small memory limit, expiry in real time,
 * long pipelines and CAS races between connections.
 */

async function both(real: Target, local: Target, parts: Buffer[], options: ExchangeOptions = { sentinel: TEXT_SENTINEL }) {
  const [expected, actual] = await Promise.all([exchange(real.port, parts, options), exchange(local.port, parts, options)]);
  return { expected: show(expected), actual: show(actual) };
}

describe('memcached limits, compared with memcached 1.6', () => {
  let real: Target;
  let local: Target;

  beforeAll(async () => {
    [real, local] = await Promise.all([startRealMemcached(), startLocal()]);
  });
  afterAll(async () => {
    await Promise.all([real?.stop(), local?.stop()]);
  });

  test.each([
    ['2048 bytes without a newline wait for more', ['x'.repeat(2048), '\r\nversion\r\n'], 100],
    ['2049 bytes without a newline close', ['x'.repeat(2049), '\r\nversion\r\n'], 100],
    ['a long get line is read to its end', ['get ' + 'abc '.repeat(1000), 'abc\r\nversion\r\n'], 100],
    ['leading spaces before get count', [' '.repeat(101) + 'get ' + 'a '.repeat(1000), '\r\n'], 100],
    ['a 3000-byte line that arrives whole is parsed', [`set ${'k'.repeat(3000)} 0 0 1\r\nx\r\nversion\r\n`], 100],
    ['a line longer than the read buffer closes', [`set ${'k'.repeat(17000)} 0 0 1\r\nx\r\n`], 100],
    ['a get line longer than the read buffer works', [`get ${'key '.repeat(5000)}\r\nversion\r\n`], 500],
    ['a partial line kept across reads', ['ver', 'sion\r', '\nget', ' a\r\n'], 100],
    ['largest value that fits', [`set big 0 0 1048516\r\n${'v'.repeat(1048516)}\r\nmg big s\r\n`], 100],
    ['one byte more is too large', [`set big 0 0 1048517\r\n${'v'.repeat(1048517)}\r\nmg big s\r\n`], 100],
    ['flags cost four bytes', [`set big 1 0 1048513\r\n${'v'.repeat(1048513)}\r\nset big 1 0 1048512\r\n${'v'.repeat(1048512)}\r\nmg big s f\r\n`], 100],
    ['huge length is swallowed', ['set h 0 0 2000000\r\n', 'x'.repeat(1000000), 'x'.repeat(1000002), 'get h\r\n'], 100],
    ['meta set too large', [`ms mbig 1048600 T0\r\n${'v'.repeat(1048600)}\r\nmn\r\n`], 100],
  ] as Array<[string, string[], number]>)('%s', async (_name, parts, quietMs) => {
    const { expected, actual } = await both(real, local, parts.map(text), { quietMs, sentinel: TEXT_SENTINEL });
    expect(actual).toBe(expected);
  });

  test('a value arriving in many pieces', async () => {
    const value = Buffer.alloc(600_000, 'abcdefgh');
    const pieces = [text('set pieces 0 0 600000\r\n')];
    for (let i = 0; i < value.length; i += 50_000) pieces.push(value.subarray(i, i + 50_000));
    pieces.push(text('\r\nmg pieces s c\r\n'));
    const { expected, actual } = await both(real, local, pieces);
    expect(actual).toBe(expected);
  });

  test('a long pipeline in one write', async () => {
    let batch = '';
    for (let i = 0; i < 150; i++) batch += `set p${i} ${i} 0 ${String(i).length}\r\n${i}\r\n`;
    for (let i = 0; i < 150; i += 7) batch += `get p${i} p${i + 1}\r\nincr p${i} 1\r\nmg p${i} v c\r\n`;
    batch += `get ${'z'.repeat(251)}\r\n`;
    const { expected, actual } = await both(real, local, [text(batch)]);
    expect(actual).toBe(expected);
  });

  test('a CAS race between two clients: the second writer gets EXISTS', async () => {
    await both(real, local, [text('set race 0 0 1\r\n0\r\n')]);
    const first = await both(real, local, [text('gets race\r\n')]);
    expect(first.actual).toBe(first.expected);
    const cas = /VALUE race 0 1 (\d+)/.exec(first.actual)![1];
    const a = await both(real, local, [text(`cas race 0 0 1 ${cas}\r\nA\r\n`)]);
    const b = await both(real, local, [text(`cas race 0 0 1 ${cas}\r\nB\r\nget race\r\n`)]);
    expect([a.actual, b.actual]).toEqual([a.expected, b.expected]);
    expect(b.actual).toContain('EXISTS');
  });

  test('items expire after their TTL in real time', async () => {
    // Clocks tick in whole seconds, so a TTL of 2 survives the next tick and is gone after 3.
    await both(real, local, [text('set ttl2 0 2 1\r\nx\r\nset ttl6 0 6 1\r\ny\r\n')]);
    const before = await both(real, local, [text('get ttl2 ttl6\r\n')]);
    expect(before.actual).toBe(before.expected);
    expect(before.actual).toContain('VALUE ttl2');
    await new Promise((r) => setTimeout(r, 3100));
    const after = await both(real, local, [text('get ttl2 ttl6\r\n')]);
    expect(after.actual).toBe(after.expected);
    expect(after.actual).toBe('"VALUE ttl6 0 1\\r\\ny\\r\\nEND\\r\\n"');
  });
});

describe('eviction under a 2 MiB limit, compared with memcached 1.6', () => {
  let real: Target;
  let local: Target;

  beforeAll(async () => {
    [real, local] = await Promise.all([startRealMemcached(['-m', '2']), startLocal({ memoryLimitMb: 2 })]);
  });
  afterAll(async () => {
    await Promise.all([real?.stop(), local?.stop()]);
  });

  test('the same items are evicted and the same statistics reported', async () => {
    let batch = '';
    for (let i = 0; i < 3000; i++) batch += `set e${i} 0 0 1000\r\n${'e'.repeat(1000)}\r\n`;
    // Small items fill another class and read some keys.
    for (let i = 0; i < 500; i++) batch += `set s${i} 0 0 10\r\n0123456789\r\n`;
    const lines = (n: number) => (d: Buffer) => d.toString('latin1').split('\r\n').length > n;
    const fill = await both(real, local, [text(batch)], { until: lines(3500) });
    expect(fill.actual).toBe(fill.expected);
    const keys = Array.from({ length: 3000 }, (_, i) => `e${i}`);
    const probe = [
      'mg e0 v\r\nmg e2999 s\r\n',
      `get ${keys.slice(0, 1500).join(' ')}\r\n`,
      `get ${keys.slice(1500).join(' ')}\r\n`,
      'stats items\r\nstats slabs\r\n',
    ].map(text);
    const ends = (d: Buffer) => d.toString('latin1').split('END\r\n').length > 4;
    const [expected, actual] = await Promise.all([exchange(real.port, probe, { until: ends }), exchange(local.port, probe, { until: ends })]);
    const mask = (s: string) => s.replace(/STAT items:(\d+):(age|evicted_time) \d+/g, 'STAT items:$1:$2 N');
    const ours = mask(actual.data.toString('latin1'));
    expect(ours).toBe(mask(expected.data.toString('latin1')));
    expect(ours).toMatch(/STAT items:\d+:evicted [1-9]\d*/);
  });
});
