import fc from 'fast-check';
import { TestNode, exec, int, listen, notifications, startNode, strings, value } from './keys-helpers';
import { makeValue } from './values';
import { Db, DbHost, Entry } from '../../src/local/store/db';
import { StringOrigin, stringEncoding, stringRefcount } from '../../src/local/store/encoding';
import { expireCycleBudgetMs } from '../../src/local/store/expire';


describe('generic key commands on a fake clock', () => {
  let node: TestNode;
  beforeEach(async () => {
    node = await startNode();
  });
  afterEach(() => node.stop());

  test('RENAME, MOVE and COPY carry the TTL to the millisecond', async () => {
    await node.call('SET', 'a', 'v', 'PX', '1500');
    node.clock.advance(200);
    expect(await node.call('RENAME', 'a', 'b')).toBe('+OK\r\n');
    expect(await node.call('PTTL', 'b')).toBe(':1300\r\n');
    expect(await node.call('COPY', 'b', 'c', 'DB', '1')).toBe(':1\r\n');
    expect(await node.call('MOVE', 'b', '2')).toBe(':1\r\n');
    await node.call('SELECT', '2');
    expect(await node.call('PTTL', 'b')).toBe(':1300\r\n');
    node.clock.advance(1299);
    expect(await node.call('GET', 'b')).toBe('$1\r\nv\r\n');
    node.clock.advance(1);
    expect(await node.call('GET', 'b')).toBe('$-1\r\n');
    await node.call('SELECT', '1');
    expect(await node.call('EXISTS', 'c')).toBe(':0\r\n');
  });

  test('RESTORE with a relative TTL expires at now + ttl; EXPIRETIME reports it', async () => {
    await node.call('SET', 's', 'payload');
    const dump = strings(`*1\r\n${await node.call('DUMP', 's')}`)[0];
    const now = node.clock.now();
    expect(await node.call('RESTORE', 'r', '2500', dump)).toBe('+OK\r\n');
    expect(int(await node.call('PEXPIRETIME', 'r'))).toBe(now + 2500);
    expect(int(await node.call('EXPIRETIME', 'r'))).toBe(Math.floor((now + 2500 + 500) / 1000));
    node.clock.advance(2499);
    expect(await node.call('EXISTS', 'r')).toBe(':1\r\n');
    node.clock.advance(1);
    expect(await node.call('EXISTS', 'r')).toBe(':0\r\n');
    // It was replicated with the absolute time.
    expect(node.propagated).toContainEqual(['RESTORE', 'r', String(now + 2500), dump, 'ABSTTL']);
  });

  test('TTL rounds to the nearest second, PTTL is exact', async () => {
    await node.call('SET', 'k', 'v', 'PX', '10000');
    node.clock.advance(499);
    expect(await node.call('TTL', 'k')).toBe(':10\r\n');
    node.clock.advance(2);
    expect(await node.call('TTL', 'k')).toBe(':9\r\n');
    expect(await node.call('PTTL', 'k')).toBe(':9499\r\n');
  });

  test('OBJECT IDLETIME counts seconds since the last access; lookups without touch leave it', async () => {
    await node.call('SET', 'k', 'v');
    node.clock.advance(10_000);
    expect(await node.call('OBJECT', 'IDLETIME', 'k')).toBe(':10\r\n');
    for (const argv of [['TYPE', 'k'], ['EXISTS', 'k'], ['TTL', 'k'], ['PTTL', 'k'], ['EXPIRETIME', 'k'], ['OBJECT', 'ENCODING', 'k'], ['KEYS', '*'], ['SCAN', '0'], ['RANDOMKEY']]) {
      await node.call(...argv);
    }
    expect(await node.call('OBJECT', 'IDLETIME', 'k')).toBe(':10\r\n');
    // CLIENT NO-TOUCH: reads leave the access time, TOUCH still sets it.
    const server = node.server.server;
    const quiet = server.createInternalClient();
    quiet.noTouch = true;
    server.execute(quiet, ['GET', 'k']);
    expect(quiet.w.take()).toBe('$1\r\nv\r\n');
    expect(await node.call('OBJECT', 'IDLETIME', 'k')).toBe(':10\r\n');
    server.execute(quiet, ['TOUCH', 'k']);
    expect(quiet.w.take()).toBe(':1\r\n');
    expect(await node.call('OBJECT', 'IDLETIME', 'k')).toBe(':0\r\n');
    node.clock.advance(3_000);
    await node.call('GET', 'k');
    expect(await node.call('OBJECT', 'IDLETIME', 'k')).toBe(':0\r\n');
    node.clock.advance(7_000);
    // RENAME touches the key (a write lookup) and keeps its access data.
    await node.call('RENAME', 'k', 'r');
    expect(await node.call('OBJECT', 'IDLETIME', 'r')).toBe(':0\r\n');
  });

  test('RESTORE IDLETIME sets the idle time; COPY gives the copy a fresh one', async () => {
    await node.call('SET', 's', 'v');
    const dump = strings(`*1\r\n${await node.call('DUMP', 's')}`)[0];
    expect(await node.call('RESTORE', 'old', '0', dump, 'IDLETIME', '3600')).toBe('+OK\r\n');
    expect(await node.call('OBJECT', 'IDLETIME', 'old')).toBe(':3600\r\n');
    node.clock.advance(5_000);
    expect(await node.call('OBJECT', 'IDLETIME', 'old')).toBe(':3605\r\n');
    expect(await node.call('COPY', 'old', 'new')).toBe(':1\r\n');
    expect(await node.call('OBJECT', 'IDLETIME', 'new')).toBe(':0\r\n');
    expect(await node.call('OBJECT', 'IDLETIME', 'old')).toBe(':0\r\n'); // COPY read it
  });

  test('OBJECT FREQ grows logarithmically with lfu-log-factor and decays per lfu-decay-time minutes', async () => {
    node.server.server.config.set([['maxmemory-policy', 'allkeys-lfu'], ['lfu-log-factor', '10'], ['lfu-decay-time', '1']]);
    await node.call('SET', 'k', 'v');
    expect(await node.call('OBJECT', 'FREQ', 'k')).toBe(':5\r\n');
    const freqAfter = async (accesses: number) => {
      for (let i = 0; i < accesses; i++) await node.call('GET', 'k');
      return int(await node.call('OBJECT', 'FREQ', 'k'));
    };
    // With factor 10, going from counter c to c+1 takes about 10*(c-5)+1 accesses: about 9.5 after
    // 100 accesses and 19.5 after 1000. The bounds leave out less than 1e-4 of the distribution.
    const after100 = await freqAfter(100);
    expect(after100).toBeGreaterThanOrEqual(6);
    expect(after100).toBeLessThanOrEqual(16);
    const after1000 = await freqAfter(900);
    expect(after1000).toBeGreaterThanOrEqual(12);
    expect(after1000).toBeLessThanOrEqual(31);
    expect(after1000).toBeGreaterThan(after100);
    // OBJECT FREQ itself does not count.
    expect(int(await node.call('OBJECT', 'FREQ', 'k'))).toBe(after1000);
    node.clock.advance(3 * 60_000);
    expect(int(await node.call('OBJECT', 'FREQ', 'k'))).toBe(after1000 - 3);
    // Periods count from the last access: 7 minutes are 3 periods of 2 minutes.
    node.server.server.config.set([['lfu-decay-time', '2']]);
    node.clock.advance(4 * 60_000);
    expect(int(await node.call('OBJECT', 'FREQ', 'k'))).toBe(after1000 - 3);
    node.clock.advance(60_000);
    expect(int(await node.call('OBJECT', 'FREQ', 'k'))).toBe(after1000 - 4);
    node.server.server.config.set([['lfu-decay-time', '0']]);
    node.clock.advance(600 * 60_000);
    expect(int(await node.call('OBJECT', 'FREQ', 'k'))).toBe(after1000);
    node.server.server.config.set([['lfu-decay-time', '1']]);
    node.clock.advance(1000 * 60_000);
    expect(await node.call('OBJECT', 'FREQ', 'k')).toBe(':0\r\n');
    expect(await node.call('OBJECT', 'IDLETIME', 'k')).toBe('-ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n');
  });

  test('OBJECT FREQ saturates at 255 with lfu-log-factor 0', async () => {
    node.server.server.config.set([['maxmemory-policy', 'volatile-lfu'], ['lfu-log-factor', '0']]);
    await node.call('SET', 'k', 'v');
    for (let i = 0; i < 260; i++) await node.call('TOUCH', 'k');
    expect(await node.call('OBJECT', 'FREQ', 'k')).toBe(':255\r\n');
    expect(await node.call('SET', 'k', 'w')).toBe('+OK\r\n');
    expect(await node.call('OBJECT', 'FREQ', 'k')).toBe(':255\r\n');
  });

  test('strings changed in place are raw; SET makes them int/embstr again; RENAME, MOVE and COPY keep it', async () => {
    const db = node.server.server.dbs[0];
    await node.call('SET', 'k', '12');
    expect(await node.call('OBJECT', 'ENCODING', 'k')).toBe('$3\r\nint\r\n');
    expect(await node.call('OBJECT', 'REFCOUNT', 'k')).toBe(':2147483647\r\n');
    // What APPEND does: the value is changed in place and becomes raw.
    db.replaceString(db.dict.get('k') as Entry, '123', StringOrigin.RAW);
    expect(await node.call('OBJECT', 'ENCODING', 'k')).toBe('$3\r\nraw\r\n');
    expect(await node.call('OBJECT', 'REFCOUNT', 'k')).toBe(':1\r\n');
    expect(await node.call('RENAME', 'k', 'r')).toBe('+OK\r\n');
    expect(await node.call('OBJECT', 'ENCODING', 'r')).toBe('$3\r\nraw\r\n');
    expect(await node.call('COPY', 'r', 'c')).toBe(':1\r\n');
    expect(await node.call('OBJECT', 'ENCODING', 'c')).toBe('$3\r\nraw\r\n');
    expect(await node.call('MOVE', 'c', '1')).toBe(':1\r\n');
    await node.call('SELECT', '1');
    expect(await node.call('OBJECT', 'ENCODING', 'c')).toBe('$3\r\nraw\r\n');
    // What INCRBYFLOAT does: a new string without the integer attempt.
    await node.call('SET', 'f', '0');
    const f = node.server.server.dbs[1].dict.get('f') as Entry;
    node.server.server.dbs[1].replaceString(f, '3', StringOrigin.PLAIN);
    expect(await node.call('OBJECT', 'ENCODING', 'f')).toBe('$6\r\nembstr\r\n');
    // DUMP/RESTORE goes through the encoding attempt, as SET does.
    const dump = strings(`*1\r\n${await node.call('DUMP', 'c')}`)[0];
    await node.call('RESTORE', 'c2', '0', dump);
    expect(await node.call('OBJECT', 'ENCODING', 'c2')).toBe('$3\r\nint\r\n');
    await node.call('SET', 'c', '123');
    expect(await node.call('OBJECT', 'ENCODING', 'c')).toBe('$3\r\nint\r\n');
  });

  test('OBJECT ENCODING of collections comes from the type; REFCOUNT is 1', async () => {
    node.server.server.dbs[0].set('l', makeValue('list', ['a']));
    // Redis OSS 7.0 keeps every list in a quicklist (listpack lists came with 7.2).
    expect(await node.call('OBJECT', 'ENCODING', 'l')).toBe('$9\r\nquicklist\r\n');
    node.server.server.dbs[0].set('h', makeValue('hash', ['f', 'v']));
    expect(await node.call('OBJECT', 'ENCODING', 'h')).toBe('$8\r\nlistpack\r\n');
    expect(await node.call('OBJECT', 'REFCOUNT', 'l')).toBe(':1\r\n');
    expect(await node.call('TYPE', 'l')).toBe('+list\r\n');
  });

  test('EXPIRE in the past deletes the key, publishes del and replicates DEL; a future time replicates PEXPIREAT', async () => {
    notifications(node, 'KEA');
    const events = listen(node);
    await node.call('SET', 'k', 'v');
    node.propagated.length = 0;
    expect(await node.call('EXPIRE', 'k', '10', 'NX')).toBe(':1\r\n');
    expect(await node.call('PEXPIREAT', 'k', String(node.clock.now() - 1))).toBe(':1\r\n');
    expect(await node.call('EXISTS', 'k')).toBe(':0\r\n');
    expect(node.propagated).toEqual([['PEXPIREAT', 'k', String(node.clock.now() + 10_000), 'NX'], ['DEL', 'k']]);
    expect(events.take().filter(([channel]) => channel.startsWith('__keyevent'))).toEqual([
      ['__keyevent@0__:set', 'k'], ['__keyevent@0__:expire', 'k'], ['__keyevent@0__:del', 'k'],
    ]);
  });

  test('a key read after its TTL is deleted lazily: expired event, stats, DEL replicated', async () => {
    notifications(node, 'KEA');
    const events = listen(node);
    await node.call('SET', 'k', 'v', 'PX', '100');
    events.take();
    node.propagated.length = 0;
    node.clock.advance(100);
    expect(await node.call('GET', 'k')).toBe('$-1\r\n');
    expect(events.take()).toEqual([['__keyspace@0__:k', 'expired'], ['__keyevent@0__:expired', 'k']]);
    expect(node.propagated).toEqual([['DEL', 'k']]);
    expect(node.server.server.stats.expiredKeys).toBe(1);
  });

  test('a write to an expired key replicates the DEL and the write together in MULTI/EXEC', async () => {
    await node.call('SET', 'k', 'v', 'PX', '100');
    node.propagated.length = 0;
    node.clock.advance(100);
    expect(await node.call('SET', 'k', 'w')).toBe('+OK\r\n');
    expect(node.propagated).toEqual([['MULTI'], ['DEL', 'k'], ['SET', 'k', 'w'], ['EXEC']]);
  });

  test('SCAN and RANDOMKEY replicate the deletions of expired keys one by one', async () => {
    for (let i = 0; i < 5; i++) await node.call('SET', `k${i}`, 'v', 'PX', '10');
    await node.call('SET', 'live', 'v');
    node.propagated.length = 0;
    node.clock.advance(10);
    expect(strings(await node.call('SCAN', '0', 'COUNT', '100'))[0]).toBe('0');
    expect(node.propagated.map((argv) => argv[0])).toEqual(['DEL', 'DEL', 'DEL', 'DEL', 'DEL']);
    for (let i = 0; i < 5; i++) await node.call('SET', `j${i}`, 'v', 'PX', '10');
    node.propagated.length = 0;
    node.clock.advance(10);
    for (let i = 0; i < 20; i++) expect(await node.call('RANDOMKEY')).toBe('$4\r\nlive\r\n');
    expect(node.propagated.every((argv) => argv[0] === 'DEL')).toBe(true);
  });

  test('SORT ... STORE builds a list through the list codec and replaces the destination', async () => {
    const db = node.server.server.dbs[0];
    db.set('src', makeValue('list', ['3', '1', '2']));
    await node.call('SET', 'dst', 'x', 'EX', '100');
    expect(await node.call('SORT', 'src', 'STORE', 'dst')).toBe(':3\r\n');
    expect(await node.call('TTL', 'dst')).toBe(':-1\r\n');
    expect(await node.call('SORT', 'dst', 'BY', 'nosort')).toBe('*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n');
    expect(node.server.server.dirty).toBeGreaterThan(0);
  });

  test('DUMP and RESTORE round-trip every registered type, deep-copied', async () => {
    const db = node.server.server.dbs[0];
    db.set('l', makeValue('list', ['a', '', 'x'.repeat(300)]));
    db.set('h', makeValue('hash', ['f', 'v', 'g', '\x00\xff']));
    for (const key of ['l', 'h']) {
      const dump = strings(`*1\r\n${await node.call('DUMP', key)}`)[0];
      expect(await node.call('RESTORE', `${key}2`, '0', dump)).toBe('+OK\r\n');
      const original = db.dict.get(key) as Entry;
      const restored = db.dict.get(`${key}2`) as Entry;
      expect(restored.value).toEqual(original.value);
      expect(restored.value).not.toBe(original.value);
    }
  });

  test('replicas keep logically expired keys until the primary deletes them', async () => {
    const server = node.server.server;
    await node.call('SET', 'k', 'v', 'PX', '100');
    await node.call('SET', 'p', 'v');
    server.role = 'replica';
    node.clock.advance(200);
    expect(await node.call('GET', 'k')).toBe('$-1\r\n');
    expect(await node.call('EXISTS', 'k')).toBe(':0\r\n');
    expect(await node.call('TTL', 'k')).toBe(':-2\r\n');
    expect(await node.call('DBSIZE')).toBe(':2\r\n');
    expect(strings(await node.call('KEYS', '*'))).toEqual(['p']);
    expect(server.activeExpireCycle(node.clock.now())).toBe(0);
    expect(await node.call('DBSIZE')).toBe(':2\r\n');
    // The primary's commands still see the key (they were applied there before it expired).
    const link = server.createInternalClient('master');
    const apply = (argv: string[]) => {
      server.applyingPrimaryStream = true;
      try {
        server.execute(link, argv);
      } finally {
        server.applyingPrimaryStream = false;
      }
      return link.w.take();
    };
    expect(apply(['PEXPIRE', 'k', '100000'])).toBe(':1\r\n');
    expect(await node.call('GET', 'k')).toBe('$1\r\nv\r\n');
    expect(apply(['DEL', 'k'])).toBe(':1\r\n');
    expect(await node.call('DBSIZE')).toBe(':1\r\n');
    expect(server.stats.expiredKeys).toBe(0);
  });

  test('RANDOMKEY on a replica where every key is expired returns one of them after 100 tries', async () => {
    const server = node.server.server;
    for (let i = 0; i < 3; i++) await node.call('SET', `k${i}`, 'v', 'PX', '10');
    server.role = 'replica';
    node.clock.advance(10);
    expect(await node.call('RANDOMKEY')).toMatch(/^\$2\r\nk[0-2]\r\n$/);
    expect(await node.call('DBSIZE')).toBe(':3\r\n');
  });
});

describe('the active expire cycle', () => {
  let node: TestNode;
  beforeEach(async () => {
    node = await startNode();
  });
  afterEach(() => node.stop());

  test('deletes expired keys nobody reads, each replicated on its own, and keeps the others', async () => {
    const server = node.server.server;
    for (let i = 0; i < 500; i++) await node.call('SET', `t${i}`, 'v', 'PX', String(100 + i));
    for (let i = 0; i < 100; i++) await node.call('SET', `p${i}`, 'v');
    await node.call('SELECT', '3');
    for (let i = 0; i < 50; i++) await node.call('SET', `o${i}`, 'v', 'PX', '100');
    node.propagated.length = 0;
    node.clock.advance(350); // t0..t250 and o* are at or past their time
    // (The server's own cron may run cycles too: count what was deleted from the statistics.)
    for (let i = 0; i < 1000 && server.stats.expiredKeys < 301; i++) server.activeExpireCycle(node.clock.now());
    const deleted = server.stats.expiredKeys;
    expect(deleted).toBe(301);
    expect(server.dbs[3].size).toBe(0);
    // Never a live key; never wrapped in MULTI/EXEC.
    expect(server.dbs[0].size).toBeGreaterThanOrEqual(349);
    for (let i = 251; i < 500; i++) expect(server.dbs[0].dict.has(`t${i}`)).toBe(true);
    expect(node.propagated.every((argv) => argv[0] === 'DEL' && argv.length === 2)).toBe(true);
    expect(node.propagated).toHaveLength(deleted);
  });

  test('KEYS skips expired keys without deleting them; SCAN deletes them', () => {
    exec(node, 'SET', 'gone', 'v', 'PX', '10');
    exec(node, 'SET', 'kept', 'v');
    node.clock.advance(10);
    expect(exec(node, 'KEYS', '*')).toBe('*1\r\n$4\r\nkept\r\n');
    expect(exec(node, 'DBSIZE')).toBe(':2\r\n');
    expect(exec(node, 'SCAN', '0')).toBe('*2\r\n$1\r\n0\r\n*1\r\n$4\r\nkept\r\n');
    expect(exec(node, 'DBSIZE')).toBe(':1\r\n');
  });

  test('gets a quarter of the cron period at effort 1, two points more per effort step', async () => {
    const server = node.server.server;
    expect(expireCycleBudgetMs(server)).toBe(25);
    await node.call('CONFIG', 'SET', 'hz', '100');
    expect(expireCycleBudgetMs(server)).toBeCloseTo(2.5, 10);
    await node.call('CONFIG', 'SET', 'active-expire-effort', '10');
    expect(expireCycleBudgetMs(server)).toBeCloseTo(4.3, 10);
    // hz is clamped to 1..500 as the server does.
    await node.call('CONFIG', 'SET', 'active-expire-effort', '1');
    await node.call('CONFIG', 'SET', 'hz', '5000');
    expect(expireCycleBudgetMs(server)).toBeCloseTo(0.5, 10);
    await node.call('CONFIG', 'SET', 'hz', '0');
    expect(expireCycleBudgetMs(server)).toBe(250);
  });

  test('a cycle at a high hz stops within its short budget, leaving expired keys for the next ones', async () => {
    const server = node.server.server;
    const db = server.dbs[0];
    // Set first: the cron runs between awaits, and the keys below are added and expired synchronously.
    await node.call('CONFIG', 'SET', 'hz', '500');
    const count = 200_000;
    for (let i = 0; i < count; i++) {
      db.set(`dead${i}`, 'v');
      db.setExpire(`dead${i}`, node.clock.now() + 1);
    }
    node.clock.advance(2);
    const deleted = server.activeExpireCycle(node.clock.now());
    expect(deleted).toBeGreaterThan(0);
    // 0.5 ms is far too short to delete 200,000 keys.
    expect(deleted).toBeLessThan(count / 4);
    expect(db.expiresCount).toBe(count - deleted);
    // At hz 10 a cycle may run 50 times longer.
    await node.call('CONFIG', 'SET', 'hz', '10');
    expect(server.activeExpireCycle(node.clock.now())).toBeGreaterThan(deleted * 5);
  });

  test('stops resampling a database once few of its sampled keys are expired', async () => {
    const server = node.server.server;
    for (let i = 0; i < 1000; i++) await node.call('SET', `live${i}`, 'v', 'EX', '1000');
    for (let i = 0; i < 10; i++) await node.call('SET', `dead${i}`, 'v', 'PX', '1');
    node.clock.advance(2);
    // About 1% of the keys with a TTL are expired: one sample of 20 finds at most a couple.
    const deleted = server.activeExpireCycle(node.clock.now());
    expect(deleted).toBeLessThanOrEqual(5);
  });

  test('avg_ttl in INFO keyspace estimates the remaining TTL of sampled keys', async () => {
    for (let i = 0; i < 100; i++) await node.call('SET', `k${i}`, 'v', 'PX', '60000');
    await node.call('SET', 'plain', 'v');
    for (let i = 0; i < 200; i++) node.server.server.activeExpireCycle(node.clock.now());
    const text = strings(`*1\r\n${await node.call('INFO', 'keyspace')}`)[0];
    const m = /db0:keys=101,expires=100,avg_ttl=(\d+)/.exec(text);
    expect(m).not.toBeNull();
    expect(Number((m as RegExpExecArray)[1])).toBeGreaterThan(50000);
    expect(Number((m as RegExpExecArray)[1])).toBeLessThanOrEqual(60000);
  });
});

describe('expiry on a Valkey 8 node (lazyfree options on by default)', () => {
  let node: TestNode;
  beforeEach(async () => {
    node = await startNode({ engine: 'valkey', version: '8.0.2' });
  });
  afterEach(() => node.stop());

  test('lazy and active expiry and EXPIRE into the past replicate UNLINK', async () => {
    await node.call('SET', 'a', 'v', 'PX', '10');
    await node.call('SET', 'b', 'v', 'PX', '10');
    await node.call('SET', 'c', 'v');
    node.propagated.length = 0;
    node.clock.advance(10);
    await node.call('GET', 'a');
    node.server.server.activeExpireCycle(node.clock.now());
    await node.call('EXPIRE', 'c', '-5');
    expect(node.propagated).toEqual([['UNLINK', 'a'], ['UNLINK', 'b'], ['UNLINK', 'c']]);
  });

  test('SCAN refuses an unknown TYPE', async () => {
    expect(await node.call('SCAN', '0', 'TYPE', 'nosuch')).toBe("-ERR unknown type name 'nosuch'\r\n");
    expect(await node.call('SCAN', '-1')).toBe('-ERR invalid cursor\r\n');
    expect(await node.call('SCAN', '0', 'TYPE', 'Hash')).toBe('*2\r\n$1\r\n0\r\n*0\r\n');
  });
});

describe('SCAN', () => {
  /** A database whose host is enough for Db on its own. */
  function testDb(): Db {
    const host: DbHost = {
      mem: { used: 0 },
      deletesExpired: true,
      applyingPrimaryStream: false,
      accessStamp: () => 0,
      overwriteStamp: () => 0,
      onExpired: () => undefined,
      onKeyAdded: () => undefined,
    };
    return new Db(0, host);
  }

  test('returns every key present for the whole iteration, whatever is added and deleted meanwhile', () => {
    const step = fc.oneof(
      fc.record({ op: fc.constant('add' as const), key: fc.integer({ min: 0, max: 300 }) }),
      fc.record({ op: fc.constant('del' as const), key: fc.integer({ min: 0, max: 300 }) }),
      fc.record({ op: fc.constant('scan' as const), count: fc.integer({ min: 1, max: 20 }) }),
    );
    fc.assert(fc.property(fc.integer({ min: 0, max: 200 }), fc.array(step, { maxLength: 400 }), (initial, steps) => {
      const db = testDb();
      for (let i = 0; i < initial; i++) db.add(`k${i}`, 'v');
      const start = new Set(db.dict.keys());
      const everDeleted = new Set<string>();
      const seen = new Set<string>();
      let cursor = 0;
      let started = false;
      const scanOnce = (count: number) => {
        cursor = db.scan(cursor, count, (key) => seen.add(key));
        started = true;
      };
      for (const s of steps) {
        if (s.op === 'add') {
          if (!db.dict.has(`k${s.key}`)) db.add(`k${s.key}`, 'v');
        } else if (s.op === 'del') {
          if (db.delete(`k${s.key}`)) everDeleted.add(`k${s.key}`);
        } else {
          scanOnce(s.count);
          if (cursor === 0) break;
        }
      }
      while (!started || cursor !== 0) scanOnce(10);
      for (const key of start) {
        if (!everDeleted.has(key) && !seen.has(key)) return false;
      }
      return true;
    }), { numRuns: 200 });
  });

  test('through the command, with keys added and deleted between calls', async () => {
    const node = await startNode();
    try {
      for (let i = 0; i < 500; i++) await node.call('SET', `k${i}`, 'v');
      const seen = new Set<string>();
      let cursor = '0';
      let round = 0;
      do {
        const reply = value(await node.call('SCAN', cursor, 'COUNT', '25'));
        if (reply.type !== 'array' || reply.value[0].type !== 'bulk' || reply.value[1].type !== 'array') throw new Error('bad SCAN reply');
        cursor = reply.value[0].value;
        for (const k of reply.value[1].value) if (k.type === 'bulk') seen.add(k.value);
        // Churn: delete some keys never to be required, add new ones.
        await node.call('DEL', `k${400 + round}`);
        await node.call('SET', `new${round}`, 'v');
        round++;
      } while (cursor !== '0');
      for (let i = 0; i < 400; i++) expect(seen.has(`k${i}`)).toBe(true);
    } finally {
      await node.stop();
    }
  });
});

describe('string encodings', () => {
  test.each([
    ['0', StringOrigin.AUTO, 'int', 2147483647],
    ['9999', StringOrigin.AUTO, 'int', 2147483647],
    ['10000', StringOrigin.AUTO, 'int', 1],
    ['-1', StringOrigin.AUTO, 'int', 1],
    ['-0', StringOrigin.AUTO, 'embstr', 1],
    ['007', StringOrigin.AUTO, 'embstr', 1],
    ['9223372036854775807', StringOrigin.AUTO, 'int', 1],
    ['9223372036854775808', StringOrigin.AUTO, 'embstr', 1],
    ['a'.repeat(44), StringOrigin.AUTO, 'embstr', 1],
    ['a'.repeat(45), StringOrigin.AUTO, 'raw', 1],
    ['5', StringOrigin.RAW, 'raw', 1],
    ['5', StringOrigin.PLAIN, 'embstr', 1],
    ['a'.repeat(45), StringOrigin.PLAIN, 'raw', 1],
    ['5', StringOrigin.UNSHARED_INT, 'int', 1],
  ])('%j created as %i is %s with refcount %i', (v, origin, encoding, refcount) => {
    expect(stringEncoding(v, origin)).toBe(encoding);
    expect(stringRefcount(v, origin, true)).toBe(refcount);
    expect(stringRefcount(v, origin, false)).toBe(1);
  });
});
