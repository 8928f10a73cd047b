import { RunningRedisServer, startRedisServer } from '../../../src/local';
import { replyLimits } from '../../../src/local/commands/collection';
import { RHash } from '../../../src/local/store/hash';
import { chiSquare, chiSquareLimit } from '../store/stats';
import { RawClient } from '../support';

const bulk = (s: string) => `$${s.length}\r\n${s}\r\n`;

describe.each(['valkey', 'redis'] as const)('hash commands (%s flavor)', (engine) => {
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

  test('byte-exact replies in RESP2 and RESP3', async () => {
    expect(await client.call('HSET', 'h', 'f', 'v', 'g', '')).toBe(':2\r\n');
    expect(await client.call('HGET', 'h', 'g')).toBe('$0\r\n\r\n');
    expect(await client.call('HGET', 'h', 'x')).toBe('$-1\r\n');
    expect(await client.call('HGETALL', 'h')).toBe('*4\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\ng\r\n$0\r\n\r\n');
    expect(await client.call('HGETALL', 'none')).toBe('*0\r\n');
    expect(await client.call('HMGET', 'h', 'f', 'x')).toBe('*2\r\n$1\r\nv\r\n$-1\r\n');
    expect(await client.call('HMSET', 'h', 'a', '1')).toBe('+OK\r\n');
    expect(await client.call('HSET', 'h', 'a')).toBe("-ERR wrong number of arguments for 'hset' command\r\n");
    expect(await client.call('HRANDFIELD', 'none')).toBe('$-1\r\n');
    expect(await client.call('HRANDFIELD', 'h', '3', 'WITHVALUES')).toBe('*6\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\ng\r\n$0\r\n\r\n$1\r\na\r\n$1\r\n1\r\n');
    await client.call('HELLO', '3');
    expect(await client.call('HGETALL', 'h')).toBe('%3\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\ng\r\n$0\r\n\r\n$1\r\na\r\n$1\r\n1\r\n');
    expect(await client.call('HGETALL', 'none')).toBe('%0\r\n');
    expect(await client.call('HKEYS', 'none')).toBe('*0\r\n');
    expect(await client.call('HGET', 'h', 'x')).toBe('_\r\n');
    expect(await client.call('HRANDFIELD', 'none')).toBe('_\r\n');
    expect(await client.call('HRANDFIELD', 'h', '5', 'WITHVALUES')).toBe('*3\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$1\r\ng\r\n$0\r\n\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n');
    expect(await client.call('HRANDFIELD', 'h', '-2', 'WITHVALUES')).toMatch(/^\*2\r\n\*2\r\n\$1\r\n[fga]\r\n/);
  });

  test('HINCRBYFLOAT replicates as HSET of the result; HINCRBY as sent', async () => {
    expect(await client.call('HINCRBYFLOAT', 'h', 'f', '10.5')).toBe(bulk('10.5'));
    expect(await client.call('HINCRBYFLOAT', 'h', 'f', '0.1')).toBe(bulk('10.6'));
    expect(await client.call('HINCRBY', 'h', 'n', '3')).toBe(':3\r\n');
    expect(await client.call('HINCRBYFLOAT', 'h', 'f', 'x')).toBe('-ERR value is not a valid float\r\n');
    expect(propagated).toEqual([
      ['HSET', 'h', 'f', '10.5'], ['HSET', 'h', 'f', '10.6'], ['HINCRBY', 'h', 'n', '3'],
    ]);
  });

  test('writes that change nothing do not propagate; those that do mark WATCHed keys', async () => {
    const watcher = { dirtyCas: false };
    server.server.dbs[0].watch('h', watcher);
    expect(await client.call('HDEL', 'h', 'f')).toBe(':0\r\n');
    expect(await client.call('HSETNX', 'h', 'f', 'v')).toBe(':1\r\n');
    expect(watcher.dirtyCas).toBe(true);
    watcher.dirtyCas = false;
    expect(await client.call('HSETNX', 'h', 'f', 'w')).toBe(':0\r\n');
    expect(await client.call('HDEL', 'h', 'zz')).toBe(':0\r\n');
    expect(watcher.dirtyCas).toBe(false);
    expect(await client.call('HDEL', 'h', 'f')).toBe(':1\r\n');
    expect(watcher.dirtyCas).toBe(true);
    expect(await client.call('EXISTS', 'h')).toBe(':0\r\n');
    expect(propagated).toEqual([['HSETNX', 'h', 'f', 'v'], ['HDEL', 'h', 'f']]);
  });

  test('the dirty counter counts each field set or deleted', async () => {
    const before = server.server.dirty;
    await client.call('HSET', 'h', 'a', '1', 'b', '2', 'a', '3');
    expect(server.server.dirty - before).toBe(3);
    await client.call('HDEL', 'h', 'a', 'b', 'c');
    expect(server.server.dirty - before).toBe(5);
  });

  test('memory accounting follows the hash and returns when it goes', async () => {
    const base = server.server.mem.used;
    await client.call('HSET', 'h', ...Array.from({ length: 200 }, (_, i) => `field${i}`));
    const full = server.server.mem.used;
    expect(full - base).toBeGreaterThan(100 * ('field99'.length * 2));
    await client.call('HDEL', 'h', 'field0', 'field1');
    expect(server.server.mem.used).toBeLessThan(full);
    await client.call('DEL', 'h');
    expect(server.server.mem.used).toBe(base);
  });

  test('HSCAN NOVALUES exists only in Valkey', async () => {
    await client.call('HSET', 'h', 'a', '1', 'b', '2');
    const reply = await client.call('HSCAN', 'h', '0', 'NOVALUES');
    if (engine === 'valkey') expect(reply).toBe('*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n');
    else expect(reply).toBe('-ERR syntax error\r\n');
  });

  test('HSCAN over a changing hash table returns every field that stays', async () => {
    const fields = Array.from({ length: 500 }, (_, i) => `f${i}`);
    await client.call('HSET', 'h', ...fields.flatMap((f) => [f, 'v']));
    const seen = new Set<string>();
    const removed = new Set<string>();
    let cursor = '0';
    let round = 0;
    do {
      const reply = await client.call('HSCAN', 'h', cursor, 'COUNT', '20');
      const parts = reply.split('\r\n');
      cursor = parts[2];
      for (let i = 5; i < parts.length; i += 4) seen.add(parts[i]);
      await client.call('HSET', 'h', `new${round}`, 'v');
      const victim = `f${(round * 37) % 500}`;
      removed.add(victim);
      await client.call('HDEL', 'h', victim);
      round++;
    } while (cursor !== '0');
    for (const f of fields) if (!removed.has(f)) expect(seen.has(f)).toBe(true);
  });

  test('HRANDFIELD picks uniformly', async () => {
    const n = 16;
    await client.call('HSET', 'h', ...Array.from({ length: n }, (_, i) => [`f${i}`, 'v']).flat());
    const counts = new Map<string, number>();
    for (let round = 0; round < 4; round++) {
      const reply = await client.call('HRANDFIELD', 'h', '-8000');
      for (const part of reply.split('\r\n')) if (part.startsWith('f')) counts.set(part, (counts.get(part) ?? 0) + 1);
    }
    expect(counts.size).toBe(n);
    expect(chiSquare([...counts.values()])).toBeLessThan(chiSquareLimit(n - 1));
    // Distinct picks: each field equally likely to be among 4 of 16.
    const distinct = new Map<string, number>();
    for (let round = 0; round < 3000; round++) {
      const reply = await client.call('HRANDFIELD', 'h', '4');
      const picked = reply.split('\r\n').filter((p) => p.startsWith('f'));
      expect(new Set(picked).size).toBe(4);
      for (const f of picked) distinct.set(f, (distinct.get(f) ?? 0) + 1);
    }
    expect(chiSquare([...distinct.values()])).toBeLessThan(chiSquareLimit(n - 1));
  });

  test('a negative count whose reply would be huge closes just that connection', async () => {
    const saved = replyLimits.random;
    replyLimits.random = 1024 * 1024;
    try {
      await client.call('HSET', 'h', 'f', 'v');
      const other = await RawClient.connect(server.port);
      client.write('*3\r\n$10\r\nHRANDFIELD\r\n$1\r\nh\r\n$20\r\n-9223372036854775807\r\n');
      expect(await client.closedByServer()).toBe('');
      expect(await other.call('HGET', 'h', 'f')).toBe('$1\r\nv\r\n');
      // Below the limit the reply is complete.
      const reply = await other.call('HRANDFIELD', 'h', '-1000', 'WITHVALUES');
      expect(reply.startsWith('*2000\r\n')).toBe(true);
      expect(reply.split('$1\r\nf\r\n$1\r\nv\r\n').length).toBe(1001);
      other.close();
    } finally {
      replyLimits.random = saved;
    }
  });

  test('hashes are RHash values whose encoding follows the server settings', async () => {
    await client.call('HSET', 'small', 'a', '1');
    await client.call('HSET', 'long', 'a', 'x'.repeat(65));
    const db = server.server.dbs[0];
    const cfg = server.server.encoding;
    expect((db.get('small', Date.now()) as RHash).encoding(cfg)).toBe('listpack');
    expect((db.get('long', Date.now()) as RHash).encoding(cfg)).toBe('hashtable');
  });
});
