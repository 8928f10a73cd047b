import Redis from 'ioredis';
import { RunningRedisServer, startRedisServer } from '../../../src/local';
import { ClusterTopology } from '../../../src/local/cluster';
import { parseShebang, sha1hex, toLongLong } from '../../../src/local/scripting/engine';
import { tobit } from '../../../src/local/scripting/libs';
import { Lrand48 } from '../../../src/local/scripting/prng';
import { keySlot } from '../../../src/local/store/slot';
import { RawClient } from '../support';

describe('scripting: replication, notifications, ACL and replicas', () => {
  let s: RunningRedisServer;
  let c: RawClient;
  let stream: string[][] = [];
  beforeAll(async () => {
    s = await startRedisServer({ users: ['alice on >pw ~app:* +@all -del'] });
    s.server.onPropagate((db, argv) => stream.push([String(db), ...argv]));
    c = await RawClient.connect(s.port);
  });
  afterAll(async () => {
    c.close();
    await s.stop();
  });
  beforeEach(async () => {
    await c.call('FLUSHALL');
    await c.call('SCRIPT', 'FLUSH');
    stream = [];
  });

  test('a script propagates the writes it made, inside MULTI/EXEC when there are several', async () => {
    expect(await c.call('EVAL', "redis.call('set', KEYS[1], ARGV[1]) redis.call('incr', 'n') redis.call('get', 'n') return 1", '1', 'k', 'v')).toBe(':1\r\n');
    expect(stream).toEqual([['0', 'MULTI'], ['0', 'set', 'k', 'v'], ['0', 'incr', 'n'], ['0', 'EXEC']]);
    stream = [];
    expect(await c.call('EVAL', "return redis.call('incr', 'n')", '0')).toBe(':2\r\n');
    expect(stream).toEqual([['0', 'incr', 'n']]);
    stream = [];
    // Reads only, and writes that changed nothing: nothing to propagate.
    expect(await c.call('EVAL', "redis.call('get', 'n') return redis.call('del', 'nokey')", '0')).toBe(':0\r\n');
    expect(stream).toEqual([]);
    // SELECT inside a script: the writes carry their database.
    await c.call('EVAL', "redis.call('select', 2) redis.call('set', 'x', '1') return redis.call('set', 'y', '2')", '0');
    expect(stream).toEqual([['2', 'MULTI'], ['2', 'set', 'x', '1'], ['2', 'set', 'y', '2'], ['2', 'EXEC']]);
    // The connection's database is unchanged by the script's SELECT.
    expect(await c.call('GET', 'x')).toBe('$-1\r\n');
  });

  test('time-dependent writes replicate as their effect, as outside scripts', async () => {
    await c.call('EVAL', "return redis.call('set', 'e', '1', 'EX', '100')", '0');
    expect(stream).toHaveLength(1);
    expect(stream[0].slice(0, 4)).toEqual(['0', 'SET', 'e', '1']);
    expect(stream[0][4]).toBe('PXAT');
  });

  test('keyspace notifications fire for writes made by scripts', async () => {
    await c.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    const sub = await RawClient.connect(s.port);
    await sub.call('SUBSCRIBE', '__keyevent@0__:set');
    await c.call('EVAL', "return redis.call('set', 'nk', '1')", '0');
    expect(await sub.reply()).toBe('*3\r\n$7\r\nmessage\r\n$18\r\n__keyevent@0__:set\r\n$2\r\nnk\r\n');
    sub.close();
    await c.call('CONFIG', 'SET', 'notify-keyspace-events', '');
  });

  test('commands called from a script are checked against the calling user', async () => {
    const a = await RawClient.connect(s.port);
    await a.call('AUTH', 'alice', 'pw');
    expect(await a.call('EVAL', "return redis.call('set', 'app:1', 'v')", '0')).toBe('+OK\r\n');
    const denied = await a.call('EVAL', "return redis.call('del', 'app:1')", '0');
    expect(denied).toMatch(/^-NOPERM User alice has no permissions to run the 'del' command script: [0-9a-f]{40}, on @user_script:1\.\r\n$/);
    const key = await a.call('EVAL', "return redis.pcall('get', 'other')", '0');
    expect(key).toBe('-NOPERM No permissions to access a key\r\n');
    expect(await a.call('EVAL', "return redis.acl_check_cmd('del', 'app:1')", '0')).toBe('$-1\r\n');
    expect(await a.call('EVAL', "return redis.acl_check_cmd('get', 'app:1')", '0')).toBe(':1\r\n');
    a.close();
    const log = await c.call('ACL', 'LOG');
    expect(log).toContain('lua');
    await c.call('ACL', 'LOG', 'RESET');
  });

  test('SCRIPT LOAD compiles once: the same body keeps its compiled function', async () => {
    const engine = s.server.scripting;
    const first = engine.load('return 42');
    expect(engine.load('return 42')).toBe(first);
    expect(await c.call('EVALSHA', first.sha, '0')).toBe(':42\r\n');
    expect(engine.size).toBe(1);
    expect(await c.call('INFO', 'memory')).toContain('number_of_cached_scripts:1\r\n');
  });

  test('globals stay protected and KEYS/ARGV are replaced on each call', async () => {
    expect(await c.call('EVAL', 'return #KEYS + #ARGV', '2', 'a', 'b', 'c')).toBe(':3\r\n');
    expect(await c.call('EVAL', 'return #KEYS + #ARGV', '0')).toBe(':0\r\n');
    expect(await c.call('EVAL', 'KEYS = 1', '0')).toMatch(/^-ERR user_script:1: Attempt to modify a readonly table script: /);
    expect(await c.call('EVAL', "rawset(_G, 'x', 1)", '0')).toMatch(/Attempt to modify a readonly table/);
    expect(await c.call('EVAL', 'setmetatable(_G, nil)', '0')).toMatch(/Attempt to modify a readonly table/);
    expect(await c.call('EVAL', 'math.random = nil', '0')).toMatch(/Attempt to modify a readonly table/);
  });

  test('blocking commands called from a script answer at once', async () => {
    expect(await c.call('EVAL', "return redis.call('lpop', 'nolist')", '0')).toBe('$-1\r\n');
    expect(await c.call('EVAL', "return redis.pcall('blpop', 'nolist', '0')", '0')).toBe('-ERR This Redis command is not allowed from script\r\n');
  });

  test('math.random is the server-wide lrand48 sequence', async () => {
    const r = new Lrand48();
    expect(r.fraction()).toBeCloseTo(0.39646477363839, 14);
    expect(r.fraction()).toBeCloseTo(0.84048536971234, 14);
    const fresh = await startRedisServer();
    const f = await RawClient.connect(fresh.port);
    expect(await f.call('EVAL', 'return tostring(math.random())', '0')).toBe('$16\r\n0.39646477363839\r\n');
    expect(await f.call('EVAL', 'return tostring(math.random())', '0')).toBe('$16\r\n0.84048536971234\r\n');
    f.close();
    await fresh.stop();
  });
});

describe('scripting on replicas, in ElastiCache mode and with real clients', () => {
  test('a read-only replica refuses writes from scripts and runs reads', async () => {
    const s = await startRedisServer({ engine: 'redis', version: '7.0.15' });
    s.server.role = 'replica';
    const c = await RawClient.connect(s.port);
    expect(await c.call('EVAL', "return redis.call('get', 'k')", '0')).toBe('$-1\r\n');
    expect(await c.call('EVAL', "return redis.call('set', 'k', 'v')", '0')).toMatch(/^-READONLY You can't write against a read only replica\. script: /);
    expect(await c.call('EVAL', "#!lua\nreturn redis.call('set', 'k', 'v')", '0')).toBe('-READONLY Can not run script with write flag on readonly replica\r\n');
    expect(await c.call('EVAL', "#!lua flags=no-writes\nreturn redis.call('get', 'k')", '0')).toBe('$-1\r\n');
    c.close();
    await s.stop();
  });

  test('ElastiCache mode runs scripts', async () => {
    const s = await startRedisServer({ elasticache: true });
    const c = await RawClient.connect(s.port);
    expect(await c.call('EVAL', "redis.call('set', KEYS[1], ARGV[1]) return redis.call('get', KEYS[1])", '1', 'k', 'v')).toBe('$1\r\nv\r\n');
    expect(await c.call('EVAL', "return redis.call('config', 'get', 'maxmemory')", '0')).toMatch(/^-ERR Unknown Redis command called from script script: /);
    c.close();
    await s.stop();
  });

  test('ioredis defineCommand loads the script with EVALSHA and falls back to EVAL', async () => {
    const s = await startRedisServer();
    const client = new Redis({ port: s.port, lazyConnect: true });
    await client.connect();
    try {
      client.defineCommand('incrTo', { numberOfKeys: 1, lua: "local v = redis.call('incrby', KEYS[1], ARGV[1]) return {v, redis.call('type', KEYS[1])}" });
      const run = (client as unknown as { incrTo(k: string, n: number): Promise<unknown> }).incrTo.bind(client);
      expect(await run('counter', 5)).toEqual([5, 'string']);
      expect(await run('counter', 2)).toEqual([7, 'string']);
      await client.script('FLUSH');
      expect(await run('counter', 1)).toEqual([8, 'string']);
      const sha = sha1hex("local v = redis.call('incrby', KEYS[1], ARGV[1]) return {v, redis.call('type', KEYS[1])}");
      expect(await client.script('EXISTS', sha)).toEqual([1]);
      await expect(client.eval("return redis.call('nosuch')", 0)).rejects.toThrow(/Unknown Redis command called from script/);
      expect(await client.eval('return cjson.encode({a={1,2}})', 0)).toBe('{"a":[1,2]}');
    } finally {
      client.disconnect();
      await s.stop();
    }
  });
});

describe('scripting in cluster mode', () => {
  let nodes: RunningRedisServer[];
  beforeAll(async () => {
    nodes = [];
    for (let i = 0; i < 2; i++) nodes.push(await startRedisServer({ config: { 'cluster-enabled': 'yes' } }));
    const topology = new ClusterTopology();
    topology.assign(topology.addShard([nodes[0].server], false), 0, 8191);
    topology.assign(topology.addShard([nodes[1].server], false), 8192, 16383);
  });
  afterAll(() => Promise.all(nodes.map((n) => n.stop())));

  test('declared keys route the script; undeclared keys must be local and in the same slot', async () => {
    const low = ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm'].filter((k) => keySlot(k) <= 8191);
    const high = ['a', 'x', 'y', 'z', 'n', 'o', 'p', 'q'].filter((k) => keySlot(k) > 8191);
    const c = await RawClient.connect(nodes[0].port);
    expect(await c.call('EVAL', 'return 1', '2', low[0], high[0])).toBe("-CROSSSLOT Keys in request don't hash to the same slot\r\n");
    expect(await c.call('EVAL', 'return 1', '1', high[0])).toBe(`-MOVED ${keySlot(high[0])} 127.0.0.1:${nodes[1].port}\r\n`);
    expect(await c.call('EVAL', "return redis.call('set', KEYS[1], '1')", '1', low[0])).toBe('+OK\r\n');
    expect(await c.call('EVAL', `return redis.call('get', '${high[0]}')`, '0')).toMatch(/^-ERR Script attempted to access a non local key in a cluster node script: [0-9a-f]{40} script: /);
    const other = low.find((k) => keySlot(k) !== keySlot(low[0])) as string;
    expect(await c.call('EVAL', `return redis.call('get', '${other}')`, '1', low[0])).toMatch(/^-ERR Script attempted to access keys that do not hash to the same slot script: /);
    expect(await c.call('EVAL', `#!lua flags=allow-cross-slot-keys\nreturn redis.call('get', '${other}')`, '1', low[0])).toBe('$-1\r\n');
    expect(await c.call('EVAL', '#!lua flags=no-cluster\nreturn 1', '0')).toBe("-ERR Can not run script on cluster, 'no-cluster' flag is set.\r\n");
    c.close();
  });
});

describe('scripting helpers', () => {
  test('shebang flags', () => {
    expect(parseShebang('return 1')).toEqual({ flags: 32, length: 0 });
    expect(parseShebang('#!lua flags=no-writes,allow-oom\nreturn 1')).toEqual({ flags: 3, length: 31 });
    expect(parseShebang('#!lua')).toEqual({ flags: 0, length: 5 });
    expect(() => parseShebang('#!lua flags=nope\n')).toThrow();
  });

  test('Lua numbers become integers as C casts them', () => {
    expect(toLongLong(3.99)).toBe(3);
    expect(toLongLong(-2.7)).toBe(-2);
    expect(toLongLong(NaN)).toBe(-9223372036854775808n);
    expect(toLongLong(1e20)).toBe(-9223372036854775808n);
    expect(toLongLong(2 ** 60)).toBe(2n ** 60n);
  });

  test('bit.tobit rounds half to even and keeps 32 bits', () => {
    expect([tobit(1.5), tobit(2.5), tobit(-1.5), tobit(2 ** 32 + 5), tobit(2 ** 31), tobit(-1)]).toEqual([2, 2, -2, 5, -(2 ** 31), -1]);
  });
});
