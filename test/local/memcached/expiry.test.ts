import { RawClient, binRequest, parseResponses, storeExtras, u32be } from './helpers';
import { FakeClock, MemcachedServer, startMemcachedServer } from '../../../src/local';

/** Expiration, flush delays and LRU age on a clock that only moves when told to. */
describe('expiry with a fake clock', () => {
  // A whole second, so relative times are exact.
  const START = Date.UTC(2030, 0, 1) + 0;
  let clock: FakeClock;
  let server: MemcachedServer;
  let c: RawClient;

  beforeEach(async () => {
    clock = new FakeClock(START);
    server = await startMemcachedServer({ clock });
    c = await RawClient.connect(server.port);
  });
  afterEach(async () => {
    c.close();
    await server.stop();
  });

  const seconds = (n: number) => clock.advance(n * 1000);

  test('a relative TTL expires exactly when it elapses', async () => {
    await c.expect('set k 0 10 1\r\nx\r\n', 'STORED\r\n');
    seconds(9);
    clock.advance(999);
    await c.expect('get k\r\n', 'VALUE k 0 1\r\nx\r\nEND\r\n');
    clock.advance(1);
    await c.expect('get k\r\n', 'END\r\n');
    const stats = await c.sendUntil('stats\r\n', 'END\r\n');
    expect(stats).toContain('STAT get_expired 1\r\n');
  });

  test('TTLs up to 30 days are relative; larger ones are Unix times', async () => {
    const now = START / 1000;
    await c.expect('set rel 0 2592000 1\r\nx\r\n', 'STORED\r\n');
    await c.expect(`set abs 0 ${now + 100} 1\r\nx\r\n`, 'STORED\r\n');
    await c.expect('set past 0 2592001 1\r\nx\r\n', 'STORED\r\n');
    await c.expect('mg rel t\r\nmg abs t\r\nmg past t\r\n', 'HD t2592000\r\nHD t100\r\nEN\r\n');
    seconds(100);
    await c.expect('mg abs t\r\nmg rel t\r\n', 'EN\r\nHD t2591900\r\n');
  });

  test('a negative TTL expires at once, also through touch and gat', async () => {
    await c.expect('set n 0 -1 1\r\nx\r\nget n\r\n', 'STORED\r\nEND\r\n');
    await c.expect('set t 0 0 1\r\nx\r\ntouch t -5\r\nget t\r\n', 'STORED\r\nTOUCHED\r\nEND\r\n');
    await c.expect('set g 0 0 1\r\nx\r\ngat -1 g\r\nget g\r\n', 'STORED\r\nVALUE g 0 1\r\nx\r\nEND\r\nEND\r\n');
  });

  test('touch and gat move the expiration', async () => {
    await c.expect('set k 0 5 1\r\nx\r\n', 'STORED\r\n');
    seconds(4);
    await c.expect('touch k 10\r\n', 'TOUCHED\r\n');
    seconds(9);
    await c.expect('gats 3 k\r\n', 'VALUE k 0 1 1\r\nx\r\nEND\r\n');
    seconds(2);
    await c.expect('mg k t v\r\n', 'VA 1 t1\r\nx\r\n');
    seconds(1);
    await c.expect('mg k t v\r\n', 'EN\r\n');
  });

  test('binary touch, gat and incr creation use the expiration extras', async () => {
    const bin = await RawClient.connect(server.port);
    const r1 = await bin.send(Buffer.concat([
      binRequest(0x01, { key: 'b', extras: storeExtras(0, 5), value: 'v' }),
      binRequest(0x05, { key: 'ctr', extras: Buffer.concat([Buffer.alloc(8), Buffer.from('0000000000000007', 'hex'), u32be(3)]) }),
    ]), 24 + 24 + 8);
    expect(parseResponses(r1).map((r) => r.status)).toEqual([0, 0]);
    seconds(3);
    await c.expect('mg ctr v\r\nmg b t\r\n', 'EN\r\nHD t2\r\n');
    const r2 = await bin.send(binRequest(0x1c, { key: 'b', extras: u32be(100) }), 28);
    expect(parseResponses(r2)[0]).toMatchObject({ status: 0, opcode: 0x1c });
    await c.expect('mg b t\r\n', 'HD t100\r\n');
    bin.close();
  });

  test('flush_all with a delay takes effect when the delay passes', async () => {
    await c.expect('set a 0 0 1\r\n1\r\nflush_all 10\r\n', 'STORED\r\nOK\r\n');
    seconds(8);
    await c.expect('get a\r\n', 'VALUE a 0 1\r\n1\r\nEND\r\n');
    seconds(1);
    await c.expect('get a\r\n', 'END\r\n');
    // As in memcached, the flush covers items stored up to and including its second.
    await c.expect('set b 0 0 1\r\n2\r\nget b\r\n', 'STORED\r\nEND\r\n');
    seconds(1);
    await c.expect('set c 0 0 1\r\n3\r\n', 'STORED\r\n');
    seconds(5);
    await c.expect('get c\r\n', 'VALUE c 0 1\r\n3\r\nEND\r\n');
  });

  test('mg l and me report seconds since the last access', async () => {
    await c.expect('set k 0 100 1\r\nx\r\n', 'STORED\r\n');
    seconds(30);
    await c.expect('mg k l h t\r\n', 'HD l30 h0 t70\r\n');
    await c.expect('me k\r\n', 'ME k exp=-70 la=30 cas=1 fetch=yes cls=1 size=61\r\n');
  });

  test('last access moves only when the item is over a minute old (flat LRU)', async () => {
    await c.expect('set k 0 0 1\r\nx\r\n', 'STORED\r\n');
    seconds(30);
    await c.expect('get k\r\nmg k l\r\n', 'VALUE k 0 1\r\nx\r\nEND\r\nHD l30\r\n');
    seconds(31);
    await c.expect('get k\r\nmg k l\r\n', 'VALUE k 0 1\r\nx\r\nEND\r\nHD l0\r\n');
  });

  test('expired items are reclaimed from the LRU tail when memory is needed', async () => {
    await c.expect('set old 0 5 1\r\nx\r\n', 'STORED\r\n');
    seconds(6);
    await c.expect('set new 0 0 1\r\ny\r\n', 'STORED\r\n');
    const items = await c.sendUntil('stats items\r\n', 'END\r\n');
    expect(items).toContain('STAT items:1:number 1\r\n');
    expect(items).toContain('STAT items:1:reclaimed 1\r\n');
    expect(items).toContain('STAT items:1:expired_unfetched 1\r\n');
  });
});

describe('LRU eviction under the memory limit', () => {
  const START = Date.UTC(2030, 0, 1);
  let clock: FakeClock;
  let server: MemcachedServer;
  let c: RawClient;

  beforeEach(async () => {
    clock = new FakeClock(START);
    server = await startMemcachedServer({ clock, memoryLimitMb: 2 });
    c = await RawClient.connect(server.port);
  });
  afterEach(async () => {
    c.close();
    await server.stop();
  });

  /** 1000-byte values fall in the 1184-byte class: 885 per page, two pages under a 2 MiB limit. */
  const PER_CLASS = 2 * 885;
  const value = 'v'.repeat(1000);

  async function fill(from: number, to: number): Promise<void> {
    let batch = '';
    for (let i = from; i < to; i++) batch += `set k${i} 0 0 1000\r\n${value}\r\n`;
    const reply = await c.send(batch, 8 * (to - from));
    expect(reply.toString()).toBe('STORED\r\n'.repeat(to - from));
  }

  test('the least recently used item goes first; a recent read protects an item', async () => {
    await fill(0, PER_CLASS);
    await c.expect('mg k0 s\r\n', 'HD s1000\r\n');
    clock.advance(61_000);
    await c.expect('mg k0 s\r\n', 'HD s1000\r\n'); // bumps k0 to the head
    await fill(PER_CLASS, PER_CLASS + 2);
    await c.expect('mg k0 s\r\nmg k1 s\r\nmg k2 s\r\nmg k3 s\r\n', 'HD s1000\r\nEN\r\nEN\r\nHD s1000\r\n');
    const stats = await c.sendUntil('stats\r\n', 'END\r\n');
    expect(stats).toContain('STAT evictions 2\r\n');
    expect(stats).toContain(`STAT curr_items ${PER_CLASS}\r\n`);
    const items = await c.sendUntil('stats items\r\n', 'END\r\n');
    expect(items).toMatch(/STAT items:\d+:evicted_time 61\r\n/);
    expect(items).toMatch(/STAT items:\d+:evicted_unfetched 2\r\n/);
  });

  test('classes have their own LRU: small items do not evict large ones', async () => {
    await fill(0, PER_CLASS);
    let batch = '';
    for (let i = 0; i < 100; i++) batch += `set s${i} 0 0 1\r\nx\r\n`;
    expect((await c.send(batch, 800)).toString()).toBe('STORED\r\n'.repeat(100));
    await c.expect('mg k0 s\r\nmg s0 s\r\n', 'HD s1000\r\nHD s1\r\n');
    const slabs = await c.sendUntil('stats slabs\r\n', 'END\r\n');
    expect(slabs).toContain('STAT total_malloced 3145728\r\n');
  });
});
