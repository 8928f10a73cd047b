import { TestNode, info, int, listen, notifications, startNode } from './keys-helpers';

const VALUE = 'v'.repeat(100);

/** Keys of db 0 that still exist, among `keys`. */
function surviving(node: TestNode, keys: readonly string[]): string[] {
  const db = node.server.server.dbs[0];
  return keys.filter((k) => db.dict.has(k));
}

/** Any command: eviction runs before each one while memory is over the limit. */
async function settle(node: TestNode): Promise<void> {
  expect(await node.call('PING')).toBe('+PONG\r\n');
}

/** Limits memory to what is used now plus `room` bytes. */
function limit(node: TestNode, policy: string, room: number): void {
  const server = node.server.server;
  server.config.set([['maxmemory-policy', policy], ['maxmemory', `${server.usedMemory() + room}b`]]);
}

async function fill(node: TestNode, prefix: string, n: number, ...options: string[]): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    const key = `${prefix}${String(i).padStart(4, '0')}`;
    expect(await node.call('SET', key, VALUE, ...options)).toBe('+OK\r\n');
    keys.push(key);
  }
  return keys;
}

describe('memory accounting', () => {
  let node: TestNode;
  beforeEach(async () => {
    node = await startNode();
  });
  afterEach(() => node.stop());

  test('used_memory grows with the data and returns to its level after DEL and FLUSHALL', async () => {
    const empty = await info(node, 'memory', 'used_memory');
    expect(empty).toBe(node.server.server.usedMemory());
    await node.call('SET', 'k', 'x'.repeat(10_000));
    const one = await info(node, 'memory', 'used_memory');
    expect(one - empty).toBeGreaterThanOrEqual(10_000);
    expect(one - empty).toBeLessThan(10_200);
    await node.call('SET', 'k', 'x'.repeat(20_000));
    expect((await info(node, 'memory', 'used_memory')) - one).toBe(10_000);
    await node.call('DEL', 'k');
    expect(await info(node, 'memory', 'used_memory')).toBe(empty);
    await fill(node, 'a', 200, 'EX', '100');
    await node.call('SELECT', '2');
    await fill(node, 'b', 100);
    await node.call('RENAME', 'b0000', 'renamed');
    await node.call('COPY', 'renamed', 'copied', 'DB', '3');
    await node.call('MOVE', 'copied', '4');
    const full = await info(node, 'memory', 'used_memory');
    expect(full - empty).toBeGreaterThan(300 * 150);
    expect(await info(node, 'memory', 'used_memory_dataset')).toBe(full - empty + node.server.server.mem.used - (full - empty));
    await node.call('FLUSHALL');
    expect(await info(node, 'memory', 'used_memory')).toBe(empty);
    expect(node.server.server.mem.used).toBe(0);
  });

  test('collections account their size while stored, and RESTORE and COPY account theirs', async () => {
    const empty = node.server.server.usedMemory();
    await node.call('SET', 's', 'x'.repeat(1000));
    const dump = await node.call('DUMP', 's');
    const payload = dump.slice(dump.indexOf('\r\n') + 2, -2);
    await node.call('RESTORE', 'r', '0', payload);
    await node.call('COPY', 'r', 'c');
    expect(node.server.server.usedMemory() - empty).toBeGreaterThan(3000);
    await node.call('DEL', 's', 'r', 'c');
    expect(node.server.server.usedMemory()).toBe(empty);
  });
});

describe('maxmemory policies', () => {
  let node: TestNode;
  beforeEach(async () => {
    node = await startNode();
  });
  afterEach(() => node.stop());

  test('noeviction: OOM for commands that may grow the dataset; reads, deletes and queued-in-MULTI rules', async () => {
    await fill(node, 'k', 10);
    limit(node, 'noeviction', -1);
    const oom = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";
    expect(await node.call('SET', 'x', '1')).toBe(oom);
    expect(await node.call('COPY', 'k0000', 'x')).toBe(oom);
    expect(await node.call('GET', 'k0000')).toBe(`$100\r\n${VALUE}\r\n`);
    expect(await node.call('EXPIRE', 'k0000', '100')).toBe(':1\r\n');
    // Inside MULTI even reads are refused (queuing takes memory).
    const server = node.server.server;
    const c = server.createInternalClient();
    c.multi = [];
    server.execute(c, ['GET', 'k0001']);
    expect(c.w.take()).toBe(oom);
    expect(c.multiError).toBe(true);
    expect(server.stats.evictedKeys).toBe(0);
    expect(await node.call('DEL', 'k0000')).toBe(':1\r\n');
    // Deleting enough makes room again.
    for (let i = 1; i < 10; i++) await node.call('DEL', `k000${i}`);
    expect(await node.call('SET', 'x', '1')).toBe('+OK\r\n');
  });

  test('allkeys-lru keeps the recently used keys', async () => {
    const cold = await fill(node, 'cold', 400);
    node.clock.advance(100_000);
    const hot = cold.filter((_, i) => i % 4 === 0);
    for (const k of hot) await node.call('GET', k);
    limit(node, 'allkeys-lru', 0);
    await fill(node, 'new', 150);
    await settle(node);
    const evicted = node.server.server.stats.evictedKeys;
    expect(evicted).toBeGreaterThanOrEqual(149);
    expect(evicted).toBeLessThanOrEqual(151);
    expect(surviving(node, hot).length).toBeGreaterThanOrEqual(98);
    const coldOnly = cold.filter((_, i) => i % 4 !== 0);
    expect(coldOnly.length - surviving(node, coldOnly).length).toBeGreaterThanOrEqual(140);
    expect(node.server.server.usedMemory()).toBeLessThanOrEqual(node.server.server.maxmemory + 300);
  });

  test('allkeys-lfu keeps the frequently used keys', async () => {
    node.server.server.config.set([['maxmemory-policy', 'allkeys-lfu']]);
    const keys = await fill(node, 'k', 400);
    const hot = keys.filter((_, i) => i % 4 === 0);
    for (let round = 0; round < 30; round++) for (const k of hot) await node.call('TOUCH', k);
    node.clock.advance(2 * 60_000); // the others decay below the initial counter
    limit(node, 'allkeys-lfu', 0);
    await fill(node, 'new', 100);
    await settle(node);
    expect(node.server.server.stats.evictedKeys).toBeGreaterThanOrEqual(99);
    expect(surviving(node, hot).length).toBeGreaterThanOrEqual(98);
  });

  test('volatile-lru, volatile-lfu and volatile-random never evict keys without a TTL; then OOM', async () => {
    for (const policy of ['volatile-lru', 'volatile-lfu', 'volatile-random']) {
      await node.call('FLUSHALL');
      node.server.server.config.set([['maxmemory', '0b']]);
      const persistent = await fill(node, 'p', 100);
      const volatile = await fill(node, 'v', 100, 'EX', '1000');
      limit(node, policy, 0);
      const added = await fill(node, 'n', 50);
      await settle(node);
      expect(surviving(node, persistent)).toEqual(persistent);
      expect(surviving(node, added)).toEqual(added);
      expect(surviving(node, volatile).length).toBeLessThanOrEqual(50);
      // Once every volatile key is gone, writes are refused.
      const oom = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";
      let reply = '';
      for (let i = 0; i < 200 && reply !== oom; i++) reply = await node.call('SET', `more${i}`, VALUE);
      expect(reply).toBe(oom);
      expect(surviving(node, volatile)).toEqual([]);
      expect(surviving(node, persistent)).toEqual(persistent);
    }
  });

  test('volatile-ttl evicts the keys that expire soonest first', async () => {
    const volatile: string[] = [];
    for (let i = 1; i <= 400; i++) {
      const key = `t${String(i).padStart(4, '0')}`;
      await node.call('SET', key, VALUE, 'EX', String(i * 10));
      volatile.push(key);
    }
    limit(node, 'volatile-ttl', 0);
    await fill(node, 'n', 100);
    await settle(node);
    const evicted = volatile.filter((k) => !node.server.server.dbs[0].dict.has(k));
    expect(evicted.length).toBeGreaterThanOrEqual(99);
    const ttls = evicted.map((k) => Number(k.slice(1)));
    const mean = ttls.reduce((a, b) => a + b, 0) / ttls.length;
    // Random choice would average about 200; the pool of best candidates keeps it far lower.
    expect(mean).toBeLessThan(110);
    expect(Math.max(...ttls)).toBeLessThan(300);
  });

  test('allkeys-random evicts keys with and without a TTL; volatile-random only keys with one', async () => {
    const persistent = await fill(node, 'p', 200);
    const volatile = await fill(node, 'v', 200, 'EX', '1000');
    limit(node, 'allkeys-random', 0);
    await fill(node, 'n', 100);
    const lostP = persistent.length - surviving(node, persistent).length;
    const lostV = volatile.length - surviving(node, volatile).length;
    expect(lostP).toBeGreaterThan(15);
    expect(lostV).toBeGreaterThan(15);
    node.server.server.config.set([['maxmemory-policy', 'volatile-random']]);
    const before = surviving(node, persistent);
    await fill(node, 'm', 50);
    expect(surviving(node, persistent)).toEqual(before);
  });

  test('an eviction publishes evicted, counts in evicted_keys and replicates a DEL of its own', async () => {
    notifications(node, 'KEA');
    const events = listen(node);
    await fill(node, 'k', 20);
    events.take();
    limit(node, 'allkeys-lru', 0);
    node.clock.advance(10_000); // the new key is the most recently used
    node.propagated.length = 0;
    expect(await node.call('SET', 'one', 'x'.repeat(300))).toBe('+OK\r\n');
    // The next command evicts what the SET put over the limit.
    expect(await node.call('GET', 'one')).toBe(`$300\r\n${'x'.repeat(300)}\r\n`);
    const evicted = await info(node, 'stats', 'evicted_keys');
    expect(evicted).toBeGreaterThanOrEqual(2);
    const got = events.take().filter(([channel]) => channel === '__keyevent@0__:evicted');
    expect(got).toHaveLength(evicted);
    const dels = node.propagated.filter((argv) => argv[0] === 'DEL');
    expect(dels).toHaveLength(evicted);
    expect(dels.map((argv) => ['__keyevent@0__:evicted', argv[1]])).toEqual(got);
    expect(node.propagated.some((argv) => argv[0] === 'MULTI')).toBe(false);
    expect(node.propagated).toContainEqual(['SET', 'one', 'x'.repeat(300)]);
    expect(int(await node.call('DBSIZE'))).toBe(21 - evicted);
  });

  test('a replica does not evict: it mirrors its primary', async () => {
    const server = node.server.server;
    await fill(node, 'k', 20);
    limit(node, 'allkeys-lru', -5000);
    server.role = 'replica';
    const link = server.createInternalClient('master');
    server.execute(link, ['SET', 'from-primary', VALUE]);
    expect(link.w.take()).toBe('+OK\r\n');
    expect(await node.call('GET', 'k0000')).toBe(`$100\r\n${VALUE}\r\n`);
    expect(server.stats.evictedKeys).toBe(0);
    expect(server.dbs[0].size).toBe(21);
  });
});

describe('eviction on a Valkey 8 node', () => {
  test('evictions replicate as UNLINK (lazyfree-lazy-eviction on by default)', async () => {
    const node = await startNode({ engine: 'valkey', version: '8.0.2' });
    try {
      await fill(node, 'k', 10);
      limit(node, 'allkeys-lru', -1);
      node.propagated.length = 0;
      await node.call('PING');
      expect(node.propagated.length).toBeGreaterThanOrEqual(1);
      expect(node.propagated.every((argv) => argv[0] === 'UNLINK')).toBe(true);
    } finally {
      await node.stop();
    }
  });
});
