import { createClient } from '@redis/client';
import Redis from 'ioredis';
import { zsetLimits } from '../../../src/local/commands/zset';
import { RedisServerOptions, RunningRedisServer, startRedisServer } from '../../../src/local/server';
import { FakeClock } from '../../../src/local/store/clock';
import { EncodingConfig, RObject, codecFor, registerCodec } from '../../../src/local/store/types';
import { RawClient } from '../support';

const LONG = 'x'.repeat(65);

async function withServer(options: RedisServerOptions, run: (server: RunningRedisServer, c: RawClient) => Promise<void>): Promise<void> {
  const server = await startRedisServer(options);
  const c = await RawClient.connect(server.port);
  try {
    await run(server, c);
  } finally {
    c.close();
    await server.stop();
  }
}

/** Runs commands as one unit, as EXEC does: blocked clients are served only at the end. */
function asOneUnit(server: RunningRedisServer, requests: string[][]): string[] {
  const s = server.server;
  const x = s.createInternalClient();
  x.inExec = true;
  const replies: string[] = [];
  for (const argv of requests) {
    s.call(x, s.lookupCommand(argv[0])!, argv);
    replies.push(x.w.take());
  }
  x.inExec = false;
  s.call(x, s.lookupCommand('ping')!, ['PING']);
  x.w.take();
  return replies;
}

function parseFlat(reply: string): string[] {
  // Bulk strings of a flat reply, in order.
  const out: string[] = [];
  const re = /\$(\d+)\r\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(reply)) !== null) {
    out.push(reply.substr(re.lastIndex, Number(m[1])));
    re.lastIndex += Number(m[1]) + 2;
  }
  return out;
}

describe('sorted sets on the local engine, Valkey flavor', () => {
  let server: RunningRedisServer;
  let c: RawClient;
  beforeAll(async () => {
    server = await startRedisServer();
    c = await RawClient.connect(server.port);
  });
  afterAll(async () => {
    c.close();
    await server.stop();
  });
  beforeEach(async () => {
    await c.call('FLUSHALL');
    await c.call('HELLO', '2');
  });

  test('ZRANK and ZREVRANK WITHSCORE in RESP2 and RESP3', async () => {
    await c.call('ZADD', 'z', '1', 'a', '2.5', 'b');
    expect(await c.call('ZRANK', 'z', 'b', 'WITHSCORE')).toBe('*2\r\n:1\r\n$3\r\n2.5\r\n');
    expect(await c.call('ZREVRANK', 'z', 'b', 'withscore')).toBe('*2\r\n:0\r\n$3\r\n2.5\r\n');
    expect(await c.call('ZRANK', 'z', 'nope', 'WITHSCORE')).toBe('*-1\r\n');
    expect(await c.call('ZRANK', 'missing', 'a', 'WITHSCORE')).toBe('*-1\r\n');
    expect(await c.call('ZRANK', 'missing', 'a')).toBe('$-1\r\n');
    expect(await c.call('ZRANK', 'z', 'a', 'WITHSCORES')).toBe('-ERR syntax error\r\n');
    expect(await c.call('ZRANK', 'z', 'a', 'WITHSCORE', 'x')).toBe("-ERR wrong number of arguments for 'zrank' command\r\n");
    await c.call('HELLO', '3');
    expect(await c.call('ZRANK', 'z', 'a', 'WITHSCORE')).toBe('*2\r\n:0\r\n,1\r\n');
    expect(await c.call('ZREVRANK', 'z', 'nope', 'WITHSCORE')).toBe('_\r\n');
  });

  test('doubles use the shortest form that round-trips', async () => {
    expect(await c.call('ZADD', 'z', '0.1', 'a', '1e-5', 'b', '1e300', 'c')).toBe(':3\r\n');
    expect(await c.call('ZSCORE', 'z', 'a')).toBe('$3\r\n0.1\r\n');
    expect(await c.call('ZINCRBY', 'z', '0.2', 'a')).toBe('$19\r\n0.30000000000000004\r\n');
    expect(await c.call('ZRANGE', 'z', '0', '-1', 'WITHSCORES')).toBe('*6\r\n$1\r\nb\r\n$5\r\n1e-05\r\n$1\r\na\r\n$19\r\n0.30000000000000004\r\n$1\r\nc\r\n$6\r\n1e+300\r\n');
    await c.call('HELLO', '3');
    expect(await c.call('ZSCORE', 'z', 'b')).toBe(',1e-05\r\n');
    expect(await c.call('ZPOPMAX', 'z')).toBe('*2\r\n$1\r\nc\r\n,1e+300\r\n');
  });

  test('ZSCAN prints scores as each encoding stores them', async () => {
    await c.call('ZADD', 'z', '0.1', 'a', '1e17', 'b', '2', 'c');
    // Compact: integers as integers, others in the shortest form.
    expect(await c.call('ZSCAN', 'z', '0')).toBe('*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$3\r\n0.1\r\n$1\r\nc\r\n$1\r\n2\r\n$1\r\nb\r\n$18\r\n100000000000000000\r\n');
    // Skiplist: %.17g whatever the flavor.
    await c.call('ZADD', 'z', '3', LONG);
    const reply = await c.call('ZSCAN', 'z', '0');
    const items = parseFlat(reply).slice(1);
    const scores = new Map<string, string>();
    for (let i = 0; i < items.length; i += 2) scores.set(items[i], items[i + 1]);
    expect(scores).toEqual(new Map([['a', '0.10000000000000001'], ['b', '1e+17'], ['c', '2'], [LONG, '3']]));
  });

  test('ZADD picks the encoding from all its members (a long one anywhere starts a skiplist)', async () => {
    // -0 survives only outside the compact encoding.
    await c.call('ZADD', 'k1', '-0', 'a', '1', LONG);
    expect(await c.call('ZSCORE', 'k1', 'a')).toBe('$2\r\n-0\r\n');
    // Many pairs convert an existing compact set even when they add nothing new.
    await c.call('ZADD', 'k2', '1', 'a');
    const pairs: string[] = [];
    for (let i = 0; i < 129; i++) pairs.push('1', 'a');
    expect(await c.call('ZADD', 'k2', ...pairs)).toBe(':0\r\n');
    await c.call('ZADD', 'k2', '-0', 'b');
    expect(await c.call('ZSCORE', 'k2', 'b')).toBe('$2\r\n-0\r\n');
    expect(server.server.dbs[0].get('k2', 0)).toMatchObject({ listpack: false });
  });

  test('a blocked client is run again over all its keys, in order (WRONGTYPE included)', async () => {
    const blocked = await RawClient.connect(server.port);
    try {
      blocked.write('*4\r\n$8\r\nBZPOPMIN\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\n0\r\n');
      expect(await blocked.silentFor(50)).toBe(true);
      asOneUnit(server, [['ZADD', 'b', '1', 'fromb'], ['ZADD', 'a', '1', 'froma']]);
      expect(await blocked.reply()).toBe('*3\r\n$1\r\na\r\n$5\r\nfroma\r\n$1\r\n1\r\n');

      await c.call('DEL', 'a', 'b');
      blocked.write('*4\r\n$8\r\nBZPOPMIN\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\n0\r\n');
      expect(await blocked.silentFor(50)).toBe(true);
      asOneUnit(server, [['SET', 'a', 'string'], ['ZADD', 'b', '1', 'm']]);
      expect(await blocked.reply()).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
      expect(await c.call('ZCARD', 'b')).toBe(':1\r\n');
    } finally {
      blocked.close();
    }
  });

  test('timeouts beyond 2^31 ms do not fire early; the client is served later', async () => {
    const blocked = await RawClient.connect(server.port);
    try {
      blocked.write('*3\r\n$8\r\nBZPOPMAX\r\n$1\r\nk\r\n$7\r\n2200000\r\n');
      expect(await blocked.silentFor(150)).toBe(true);
      await c.call('ZADD', 'k', '1', 'a');
      expect(await blocked.reply()).toBe('*3\r\n$1\r\nk\r\n$1\r\na\r\n$1\r\n1\r\n');
    } finally {
      blocked.close();
    }
  });

  test('timeouts past the 64-bit deadline are out of range on Valkey', async () => {
    expect(await c.call('BZPOPMIN', 'k', 'inf')).toBe('-ERR timeout is out of range\r\n');
    expect(await c.call('BZPOPMIN', 'k', '1e30')).toBe('-ERR timeout is out of range\r\n');
    expect(await c.call('BZPOPMIN', 'k', '9223372036854775')).toBe('-ERR timeout is out of range\r\n');
    expect(await c.call('BZPOPMIN', 'k', '-inf')).toBe('-ERR timeout is negative\r\n');
    expect(await c.call('BZPOPMIN', 'k', '-1e30')).toBe('-ERR timeout is negative\r\n');
  });

  test('blocking commands answer at once inside transactions and scripts', () => {
    const s = server.server;
    for (const kind of ['script', 'exec'] as const) {
      const x = s.createInternalClient(kind === 'script' ? 'script' : 'normal');
      x.inExec = kind === 'exec';
      s.call(x, s.lookupCommand('bzpopmin')!, ['BZPOPMIN', 'k', '0']);
      s.call(x, s.lookupCommand('bzmpop')!, ['BZMPOP', '0', '1', 'k', 'MIN']);
      expect(x.w.take()).toBe('*-1\r\n*-1\r\n');
      expect(x.blocked).toBeNull();
    }
    expect(s.blockedClients).toBe(0);
  });

  test('ZRANDMEMBER: distinct members for a positive count, repetitions for a negative one', async () => {
    const args: string[] = [];
    for (let i = 0; i < 50; i++) args.push(String(i), 'm' + i);
    await c.call('ZADD', 'z', ...args);
    for (const count of [1, 3, 20, 49]) {
      const picked = parseFlat(await c.call('ZRANDMEMBER', 'z', String(count)));
      expect(picked.length).toBe(count);
      expect(new Set(picked).size).toBe(count);
      for (const m of picked) expect(m).toMatch(/^m\d+$/);
    }
    const withScores = parseFlat(await c.call('ZRANDMEMBER', 'z', '10', 'WITHSCORES'));
    expect(withScores.length).toBe(20);
    for (let i = 0; i < 20; i += 2) expect(withScores[i]).toBe('m' + withScores[i + 1]);
    const repeated = parseFlat(await c.call('ZRANDMEMBER', 'z', '-500'));
    expect(repeated.length).toBe(500);
    expect(new Set(repeated).size).toBeLessThan(50 + 1);
    expect(new Set(repeated).size).toBeGreaterThan(30); // 500 draws over 50 members
    await c.call('HELLO', '3');
    const nested = await c.call('ZRANDMEMBER', 'z', '-2', 'WITHSCORES');
    expect(nested).toMatch(/^\*2\r\n\*2\r\n\$\d+\r\nm(\d+)\r\n,\d+\r\n\*2\r\n\$\d+\r\nm\d+\r\n,\d+\r\n$/);
    const single = await c.call('ZRANDMEMBER', 'z');
    expect(single).toMatch(/^\$\d+\r\nm\d+\r\n$/);
  });

  test('a ZRANDMEMBER reply past the engine limit closes only that connection', async () => {
    const saved = zsetLimits.maxReplyBytes;
    zsetLimits.maxReplyBytes = 64 * 1024;
    const greedy = await RawClient.connect(server.port);
    try {
      await c.call('ZADD', 'z', '1', 'member');
      greedy.write('*3\r\n$11\r\nZRANDMEMBER\r\n$1\r\nz\r\n$9\r\n-10000000\r\n');
      expect(await greedy.closedByServer()).toBe('');
      expect(await c.call('ZCARD', 'z')).toBe(':1\r\n');
    } finally {
      zsetLimits.maxReplyBytes = saved;
      greedy.close();
    }
  });

  test('memory accounting grows with members and returns to the baseline when the key goes', async () => {
    const before = server.server.mem.used;
    const args: string[] = [];
    for (let i = 0; i < 300; i++) args.push(String(i), 'member-' + i);
    await c.call('ZADD', 'z', ...args);
    const full = server.server.mem.used;
    expect(full - before).toBeGreaterThan(300 * 20);
    await c.call('ZREM', 'z', 'member-1', 'member-2');
    expect(server.server.mem.used).toBeLessThan(full);
    await c.call('ZPOPMIN', 'z', '1000');
    expect(server.server.mem.used).toBe(before);
    await c.call('ZADD', 'z', '1', 'a');
    await c.call('DEL', 'z');
    expect(server.server.mem.used).toBe(before);
  });

  test('key positions of commands with numkeys (cluster routing, ACL)', () => {
    const keys = (argv: string[]) => server.server.lookupCommand(argv[0])!.keyIndexes(argv);
    expect(keys(['ZUNIONSTORE', 'dst', '2', 'a', 'b', 'WEIGHTS', '1', '2'])).toEqual([1, 3, 4]);
    expect(keys(['ZINTER', '2', 'a', 'b', 'WITHSCORES'])).toEqual([2, 3]);
    expect(keys(['ZDIFF', '3', 'a', 'b'])).toEqual([]);
    expect(keys(['ZINTERCARD', 'x', 'a'])).toEqual([]);
    expect(keys(['ZMPOP', '2', 'a', 'b', 'MIN'])).toEqual([2, 3]);
    expect(keys(['BZMPOP', '0', '1', 'a', 'MAX'])).toEqual([3]);
    expect(keys(['BZPOPMIN', 'a', 'b', '0'])).toEqual([1, 2]);
    expect(keys(['ZRANGESTORE', 'dst', 'src', '0', '-1'])).toEqual([1, 2]);
  });
});

describe('serving blocked clients', () => {
  test('the re-run command sees the time it is served at, not the time it blocked', async () => {
    const clock = new FakeClock();
    await withServer({ clock }, async (server, c) => {
      const blocked = await RawClient.connect(server.port);
      try {
        blocked.write('*3\r\n$8\r\nBZPOPMIN\r\n$1\r\nk\r\n$1\r\n0\r\n');
        expect(await blocked.silentFor(50)).toBe(true);
        const client = [...server.server.clients.values()].find((x) => x.blocked !== null)!;
        const blockedAt = client.now;
        clock.advance(5000);
        await c.call('ZADD', 'k', '1', 'a');
        expect(await blocked.reply()).toBe('*3\r\n$1\r\nk\r\n$1\r\na\r\n$1\r\n1\r\n');
        expect(client.now).toBe(blockedAt + 5000);
      } finally {
        blocked.close();
      }
    });
  });
});

describe('sorted sets on the local engine, Redis 7.0 flavor', () => {
  test('ZRANK takes no WITHSCORE; ZADD picks the encoding from its first member', async () => {
    await withServer({ engine: 'redis', version: '7.0.15' }, async (_server, c) => {
      await c.call('ZADD', 'z', '1', 'a');
      expect(await c.call('ZRANK', 'z', 'a', 'WITHSCORE')).toBe("-ERR wrong number of arguments for 'zrank' command\r\n");
      expect(await c.call('ZSCORE', 'z', 'a')).toBe('$1\r\n1\r\n');
      await c.call('ZADD', 'k1', '-0', 'a', '1', LONG);
      expect(await c.call('ZSCORE', 'k1', 'a')).toBe('$1\r\n0\r\n');
      expect(await c.call('ZADD', 'k2', '0.1', 'a')).toBe(':1\r\n');
      expect(await c.call('ZSCORE', 'k2', 'a')).toBe('$19\r\n0.10000000000000001\r\n');
    });
  });

  test('a client blocked on several keys is served from the key that became ready', async () => {
    await withServer({ engine: 'redis', version: '7.0.15' }, async (server) => {
      const blocked = await RawClient.connect(server.port);
      try {
        blocked.write('*4\r\n$8\r\nBZPOPMIN\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\n0\r\n');
        expect(await blocked.silentFor(50)).toBe(true);
        asOneUnit(server, [['ZADD', 'b', '1', 'fromb'], ['ZADD', 'a', '1', 'froma']]);
        expect(await blocked.reply()).toBe('*3\r\n$1\r\nb\r\n$5\r\nfromb\r\n$1\r\n1\r\n');

        // A ready key of another type is skipped, not an error.
        blocked.write('*4\r\n$8\r\nBZPOPMIN\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\n0\r\n');
        expect(await blocked.silentFor(50)).toBe(true);
        asOneUnit(server, [['SET', 'c', 'string'], ['ZADD', 'd', '1', 'm']]);
        expect(await blocked.reply()).toBe('*3\r\n$1\r\nd\r\n$1\r\nm\r\n$1\r\n1\r\n');
      } finally {
        blocked.close();
      }
    });
  });

  test('timeouts past the 64-bit range are negative; a deadline that overflows keeps blocking', async () => {
    await withServer({ engine: 'redis', version: '7.0.15' }, async (_server, c) => {
      expect(await c.call('BZPOPMIN', 'k', 'inf')).toBe('-ERR timeout is negative\r\n');
      expect(await c.call('BZPOPMIN', 'k', '1e30')).toBe('-ERR timeout is negative\r\n');
      // redis-server 7.0 adds the timeout to the clock without a range check and then never
      // times the client out (checked against 7.0.15: BZPOPMIN k 9223372036854774 blocks).
      c.write('*3\r\n$8\r\nBZPOPMIN\r\n$1\r\nk\r\n$16\r\n9223372036854775\r\n');
      expect(await c.silentFor(300)).toBe(true);
    });
  });
});

/**
 * A plain set value as the set family provides it (type 'set' and a codec listing its members);
 * registered here only when the set type is not part of the build.
 */
class StandInSet extends RObject {
  public readonly type = 'set' as const;
  constructor(public readonly members: string[]) {
    super();
  }
  public get length(): number {
    return this.members.length;
  }
  public encoding(_config: EncodingConfig): string {
    return 'listpack';
  }
  public clone(): StandInSet {
    return new StandInSet([...this.members]);
  }
}

describe('plain sets as inputs of ZUNION, ZINTER, ZDIFF and ZINTERCARD (score 1)', () => {
  test('sets count with score 1 times their weight', async () => {
    if (codecFor('set') === undefined) {
      registerCodec('set', {
        tag: 2,
        dump: (v: StandInSet) => [...v.members],
        restore: (items: readonly string[]) => new StandInSet([...items]),
        sortElements: (v: StandInSet) => [...v.members],
      });
    }
    await withServer({}, async (server, c) => {
      if (server.server.lookupCommand('sadd') !== undefined) {
        await c.call('SADD', 's', 'a', 'b', 'x');
      } else {
        server.server.dbs[0].add('s', new StandInSet(['a', 'b', 'x']));
      }
      await c.call('ZADD', 'z', '5', 'a', '7', 'b', '9', 'c');
      // The expected bytes are redis-server 7.0's answers to the same requests.
      expect(await c.call('ZUNION', '2', 's', 'z', 'WITHSCORES')).toBe('*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n6\r\n$1\r\nb\r\n$1\r\n8\r\n$1\r\nc\r\n$1\r\n9\r\n');
      expect(await c.call('ZINTER', '2', 's', 'z', 'WEIGHTS', '10', '1', 'WITHSCORES')).toBe('*4\r\n$1\r\na\r\n$2\r\n15\r\n$1\r\nb\r\n$2\r\n17\r\n');
      expect(await c.call('ZINTER', '2', 's', 'z', 'AGGREGATE', 'MIN', 'WITHSCORES')).toBe('*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n1\r\n');
      expect(await c.call('ZDIFF', '2', 's', 'z', 'WITHSCORES')).toBe('*2\r\n$1\r\nx\r\n$1\r\n1\r\n');
      expect(await c.call('ZDIFF', '2', 'z', 's')).toBe('*1\r\n$1\r\nc\r\n');
      expect(await c.call('ZINTERCARD', '2', 'z', 's')).toBe(':2\r\n');
      expect(await c.call('ZINTER', '2', 's', 's', 'WITHSCORES')).toBe('*6\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nx\r\n$1\r\n2\r\n');
      expect(await c.call('ZDIFF', '2', 's', 's')).toBe('*0\r\n');
      expect(await c.call('ZUNIONSTORE', 'dst', '1', 's', 'WEIGHTS', '2.5')).toBe(':3\r\n');
      expect(await c.call('ZRANGE', 'dst', '0', '-1', 'WITHSCORES')).toBe('*6\r\n$1\r\na\r\n$3\r\n2.5\r\n$1\r\nb\r\n$3\r\n2.5\r\n$1\r\nx\r\n$3\r\n2.5\r\n');
      // A plain set is not a sorted set for the other commands.
      expect(await c.call('ZRANGE', 's', '0', '-1')).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    });
  });
});

describe('ZSCAN over a large set', () => {
  test('every member present for the whole iteration is returned, while members come and go', async () => {
    await withServer({ config: { 'zset-max-listpack-entries': 0 } }, async (_server, c) => {
      const args: string[] = [];
      for (let i = 0; i < 1000; i++) args.push(String(i), 'stay' + i);
      for (let i = 0; i < 300; i++) args.push(String(-i), 'go' + i);
      await c.call('ZADD', 'z', ...args);
      const seen = new Map<string, string>();
      let cursor = '0';
      let calls = 0;
      let added = 0;
      do {
        const items = parseFlat(await c.call('ZSCAN', 'z', cursor, 'COUNT', '7'));
        cursor = items[0];
        for (let i = 1; i < items.length; i += 2) seen.set(items[i], items[i + 1]);
        // Churn between calls: remove some of the members that may go, add new ones.
        await c.call('ZREM', 'z', 'go' + calls);
        await c.call('ZADD', 'z', '5', 'new' + added++, '6', 'new' + added++);
        calls++;
      } while (cursor !== '0');
      for (let i = 0; i < 1000; i++) expect(seen.get('stay' + i)).toBe(String(i));
      expect(calls).toBeGreaterThan(150);
      expect(calls).toBeLessThan(300);
    });
  });
});

describe('real clients', () => {
  let server: RunningRedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(() => server.stop());

  test('ioredis: scores, ranges and a blocking pop served by another connection', async () => {
    const io = new Redis({ port: server.port, lazyConnect: true });
    const other = new Redis({ port: server.port, lazyConnect: true });
    await io.connect();
    await other.connect();
    try {
      expect(await io.zadd('board', 10, 'alice', 20, 'bob', 15, 'carol')).toBe(3);
      expect(await io.zrange('board', '0', '-1', 'WITHSCORES')).toEqual(['alice', '10', 'carol', '15', 'bob', '20']);
      expect(await io.zrevrank('board', 'alice')).toBe(2);
      expect(await io.zincrby('board', '0.5', 'alice')).toBe('10.5');
      const popped = io.bzpopmax('queue', 5);
      await new Promise((r) => setTimeout(r, 50));
      await other.zadd('queue', 1, 'job');
      expect(await popped).toEqual(['queue', 'job', '1']);
    } finally {
      io.disconnect();
      other.disconnect();
    }
  });

  test('node-redis over RESP3: numbers for scores, nested pairs', async () => {
    const nr = createClient({ socket: { port: server.port, host: '127.0.0.1' }, RESP: 3 });
    await nr.connect();
    try {
      await nr.zAdd('lb', [{ score: 1.5, value: 'a' }, { score: 2, value: 'b' }]);
      expect(await nr.zScore('lb', 'a')).toBe(1.5);
      expect(await nr.zRangeWithScores('lb', 0, -1)).toEqual([{ value: 'a', score: 1.5 }, { value: 'b', score: 2 }]);
      expect(await nr.zPopMin('lb')).toEqual({ value: 'a', score: 1.5 });
    } finally {
      await nr.close();
    }
  });
});
