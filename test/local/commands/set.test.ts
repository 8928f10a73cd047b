import { RunningRedisServer, startRedisServer } from '../../../src/local';
import { replyLimits } from '../../../src/local/commands/collection';
import { RSet } from '../../../src/local/store/set';
import { chiSquare, chiSquareLimit } from '../store/stats';
import { RawClient } from '../support';

const single = (reply: string) => reply.split('\r\n')[1];
const bulks = (reply: string) => {
  const parts = reply.split('\r\n');
  const out: string[] = [];
  for (let i = 1; i + 1 < parts.length; i += 2) out.push(parts[i + 1]);
  return out;
};

describe.each(['valkey', 'redis'] as const)('set commands (%s flavor)', (engine) => {
  let server: RunningRedisServer;
  let client: RawClient;
  let propagated: string[][];
  beforeEach(async () => {
    server = await startRedisServer({ engine, version: engine === 'redis' ? '7.0.15' : undefined });
    client = await RawClient.connect(server.port);
    propagated = [];
    server.server.onPropagate((_db, argv) => propagated.push([...argv]));
  });
  afterEach(async () => {
    client.close();
    await server.stop();
  });

  const encodingOf = (key: string) => (server.server.dbs[0].get(key, Date.now()) as RSet).encoding(server.server.encoding);

  test('byte-exact replies in RESP2 and RESP3', async () => {
    expect(await client.call('SADD', 's', '3', '1', '2')).toBe(':3\r\n');
    expect(await client.call('SMEMBERS', 's')).toBe('*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n');
    expect(await client.call('SMEMBERS', 'none')).toBe('*0\r\n');
    expect(await client.call('SPOP', 'none')).toBe('$-1\r\n');
    expect(await client.call('SPOP', 'none', '2')).toBe('*0\r\n');
    expect(await client.call('SMISMEMBER', 's', '1', '9')).toBe('*2\r\n:1\r\n:0\r\n');
    expect(await client.call('SINTERCARD', '1', 's', 'LIMIT', '2')).toBe(':2\r\n');
    await client.call('HELLO', '3');
    expect(await client.call('SMEMBERS', 's')).toBe('~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n');
    expect(await client.call('SMEMBERS', 'none')).toBe('~0\r\n');
    expect(await client.call('SUNION', 's', 'none')).toBe('~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n');
    expect(await client.call('SINTER', 's', 'none')).toBe('~0\r\n');
    expect(await client.call('SRANDMEMBER', 's', '5')).toBe('*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n');
    expect(await client.call('SPOP', 'none')).toBe('_\r\n');
    expect(await client.call('SPOP', 'none', '2')).toBe('~0\r\n');
    expect(await client.call('SPOP', 's', '5')).toBe('~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n');
  });

  test('encodings: Valkey keeps small sets of strings in a listpack, in insertion order', async () => {
    await client.call('SADD', 'ints', '5', '1');
    expect(encodingOf('ints')).toBe('intset');
    await client.call('SADD', 'ints', 'b', 'a');
    expect(encodingOf('ints')).toBe(engine === 'valkey' ? 'listpack' : 'hashtable');
    if (engine === 'valkey') expect(bulks(await client.call('SMEMBERS', 'ints'))).toEqual(['1', '5', 'b', 'a']);
    await client.call('SADD', 'strs', 'z', 'y', 'x');
    expect(encodingOf('strs')).toBe(engine === 'valkey' ? 'listpack' : 'hashtable');
    await client.call('SREM', 'strs', 'y');
    if (engine === 'valkey') expect(bulks(await client.call('SMEMBERS', 'strs'))).toEqual(['z', 'x']);
    await client.call('SADD', 'strs', 'x'.repeat(65));
    expect(encodingOf('strs')).toBe('hashtable');
    await client.call('SADD', 'many', ...Array.from({ length: 129 }, (_, i) => `m${i}`));
    expect(encodingOf('many')).toBe('hashtable');
    await client.call('SADD', 'lp', ...Array.from({ length: 128 }, (_, i) => `m${i}`));
    expect(encodingOf('lp')).toBe(engine === 'valkey' ? 'listpack' : 'hashtable');
    // SINTERSTORE of integers stored as strings: Valkey stores an intset, Redis 7.0 too (built from an intset).
    await client.call('SADD', 'a', '3', '2', '1', 'x');
    await client.call('SADD', 'b', '1', '2', '3', 'y');
    expect(await client.call('SINTERSTORE', 'd', 'a', 'b')).toBe(':3\r\n');
    expect(encodingOf('d')).toBe('intset');
    expect(bulks(await client.call('SMEMBERS', 'd'))).toEqual(['1', '2', '3']);
  });

  test('SPOP replicates as SREM (with a count: per member on Redis 7.0, batched on Valkey), DEL/UNLINK for all', async () => {
    await client.call('SADD', 's', 'a');
    propagated = [];
    expect(single(await client.call('SPOP', 's'))).toBe('a');
    expect(propagated).toEqual([['SREM', 's', 'a']]);

    await client.call('SADD', 'big', ...Array.from({ length: 3000 }, (_, i) => `m${i}`));
    propagated = [];
    const popped = bulks(await client.call('SPOP', 'big', '2100'));
    expect(new Set(popped).size).toBe(2100);
    expect(new Set(propagated.filter((argv) => argv[0] === 'SREM').flatMap((argv) => argv.slice(2)))).toEqual(new Set(popped));
    const shape = propagated.map((argv) => argv[0] === 'SREM' ? `SREM ${argv[1]} x${argv.length - 2}` : argv[0]);
    if (engine === 'valkey') expect(shape).toEqual(['MULTI', 'SREM big x1024', 'SREM big x1024', 'SREM big x52', 'EXEC']);
    else expect(shape).toEqual(['MULTI', ...new Array(2100).fill('SREM big x1'), 'EXEC']);
    expect(await client.call('SCARD', 'big')).toBe(':900\r\n');

    await client.call('SADD', 'few', 'a', 'b', 'c');
    propagated = [];
    await client.call('SPOP', 'few', '1');
    expect(propagated.length).toBe(1);
    expect(propagated[0].slice(0, 2)).toEqual(['SREM', 'few']);
    propagated = [];
    await client.call('SPOP', 'few', '10');
    expect(propagated).toEqual([[engine === 'valkey' ? 'UNLINK' : 'DEL', 'few']]);
    propagated = [];
    await client.call('SPOP', 'few', '10');
    await client.call('SPOP', 'few');
    expect(propagated).toEqual([]);
  });

  test('SPOP of almost everything rebuilds the set from what stays', async () => {
    await client.call('SADD', 'n', ...Array.from({ length: 600 }, (_, i) => String(i)));
    expect(encodingOf('n')).toBe('hashtable');
    const popped = bulks(await client.call('SPOP', 'n', '595'));
    const left = bulks(await client.call('SMEMBERS', 'n'));
    expect(left.length).toBe(5);
    expect(new Set([...left, ...popped]).size).toBe(600);
    // Redis 7.0 starts the new set from the first kept member (an integer: intset); Valkey
    // starts a listpack for members taken from a hash table.
    expect(encodingOf('n')).toBe(engine === 'valkey' ? 'listpack' : 'intset');
    if (engine === 'redis') expect(left).toEqual([...left].sort((a, b) => Number(a) - Number(b)));
  });

  test('SPOP keeps the TTL of what remains', async () => {
    await client.call('SADD', 's', ...Array.from({ length: 20 }, (_, i) => `m${i}`));
    await client.call('EXPIRE', 's', '100');
    await client.call('SPOP', 's', '19');
    expect(await client.call('TTL', 's')).toBe(':100\r\n');
    await client.call('SPOP', 's', '1');
    expect(await client.call('EXISTS', 's')).toBe(':0\r\n');
  });

  test('SSCAN NOVALUES: an error naming HSCAN on Valkey, a syntax error on Redis 7.0', async () => {
    await client.call('SADD', 's', 'a');
    expect(await client.call('SSCAN', 's', '0', 'NOVALUES')).toBe(engine === 'valkey'
      ? '-ERR NOVALUES option can only be used in HSCAN\r\n'
      : '-ERR syntax error\r\n');
  });

  test('STORE commands mark the destination for WATCH, also when they delete it', async () => {
    const watcher = { dirtyCas: false };
    server.server.dbs[0].watch('dst', watcher);
    await client.call('SINTERSTORE', 'dst', 'none');
    expect(watcher.dirtyCas).toBe(false);
    await client.call('SADD', 'a', 'x');
    await client.call('SUNIONSTORE', 'dst', 'a');
    expect(watcher.dirtyCas).toBe(true);
    watcher.dirtyCas = false;
    await client.call('SDIFFSTORE', 'dst', 'a', 'a');
    expect(watcher.dirtyCas).toBe(true);
    expect(await client.call('EXISTS', 'dst')).toBe(':0\r\n');
  });

  test('memory accounting follows the set and returns when it goes', async () => {
    const base = server.server.mem.used;
    await client.call('SADD', 's', ...Array.from({ length: 1000 }, (_, i) => `member-${i}`));
    const full = server.server.mem.used;
    expect(full - base).toBeGreaterThan(1000 * 'member-999'.length);
    await client.call('SPOP', 's', '500');
    expect(server.server.mem.used).toBeLessThan(full);
    await client.call('SREM', 's', ...Array.from({ length: 1000 }, (_, i) => `member-${i}`));
    expect(server.server.mem.used).toBe(base);
  });

  test('SRANDMEMBER and SPOP pick uniformly', async () => {
    const n = 20;
    const members = Array.from({ length: n }, (_, i) => `m${i}`);
    await client.call('SADD', 's', ...members);
    const counts = new Map<string, number>();
    for (let round = 0; round < 4; round++) {
      for (const m of bulks(await client.call('SRANDMEMBER', 's', '-5000'))) counts.set(m, (counts.get(m) ?? 0) + 1);
    }
    expect(counts.size).toBe(n);
    expect(chiSquare([...counts.values()])).toBeLessThan(chiSquareLimit(n - 1));

    const first = new Map<string, number>();
    for (let round = 0; round < 2000; round++) {
      const m = single(await client.call('SPOP', 's'));
      first.set(m, (first.get(m) ?? 0) + 1);
      await client.call('SADD', 's', m);
    }
    expect(first.size).toBe(n);
    expect(chiSquare([...first.values()])).toBeLessThan(chiSquareLimit(n - 1));
  });

  test('a negative count whose reply would be huge closes just that connection', async () => {
    const saved = replyLimits.random;
    replyLimits.random = 1024 * 1024;
    try {
      await client.call('SADD', 's', 'a', 'b');
      const other = await RawClient.connect(server.port);
      client.write('*3\r\n$11\r\nSRANDMEMBER\r\n$1\r\ns\r\n$20\r\n-9223372036854775807\r\n');
      expect(await client.closedByServer()).toBe('');
      expect(await other.call('SCARD', 's')).toBe(':2\r\n');
      other.close();
    } finally {
      replyLimits.random = saved;
    }
  });
});
