import Redis from 'ioredis';
import { RunningRedisServer, startRedisServer } from '../../../src/local';
import { dumpLibraries, parseDump } from '../../../src/local/commands/functions';
import { parseLibraryHeader } from '../../../src/local/scripting/engine';
import { RawClient } from '../support';

const LIB = "#!lua name=lib\nredis.register_function('setit', function(keys, args) redis.call('set', keys[1], args[1]) return redis.call('incr', 'n') end)";

describe('functions: propagation, SCRIPT FLUSH, payloads and clients', () => {
  let s: RunningRedisServer;
  let c: RawClient;
  let stream: string[][] = [];
  beforeAll(async () => {
    s = await startRedisServer();
    s.server.onPropagate((db, argv) => stream.push([String(db), ...argv]));
    c = await RawClient.connect(s.port);
  });
  afterAll(async () => {
    c.close();
    await s.stop();
  });
  beforeEach(async () => {
    await c.call('FLUSHALL');
    await c.call('FUNCTION', 'FLUSH');
    stream = [];
  });

  test('FUNCTION LOAD/DELETE/FLUSH replicate as given; FCALL replicates its effects like EVAL', async () => {
    expect(await c.call('FUNCTION', 'LOAD', LIB)).toBe('$3\r\nlib\r\n');
    expect(await c.call('FCALL', 'setit', '1', 'k', 'v')).toBe(':1\r\n');
    expect(await c.call('FUNCTION', 'DELETE', 'lib')).toBe('+OK\r\n');
    expect(await c.call('FUNCTION', 'DELETE', 'lib')).toBe('-ERR Library not found\r\n');
    expect(await c.call('FUNCTION', 'FLUSH')).toBe('+OK\r\n');
    expect(stream).toEqual([
      ['0', 'FUNCTION', 'LOAD', LIB], ['0', 'MULTI'], ['0', 'set', 'k', 'v'], ['0', 'incr', 'n'], ['0', 'EXEC'],
      ['0', 'FUNCTION', 'DELETE', 'lib'], ['0', 'FUNCTION', 'FLUSH'],
    ]);
  });

  test('functions survive SCRIPT FLUSH; FUNCTION FLUSH leaves the script cache alone', async () => {
    await c.call('FUNCTION', 'LOAD', LIB);
    const sha = await c.call('SCRIPT', 'LOAD', 'return 7');
    expect(await c.call('SCRIPT', 'FLUSH')).toBe('+OK\r\n');
    expect(await c.call('FCALL', 'setit', '1', 'k', 'v')).toBe(':1\r\n');
    await c.call('SCRIPT', 'LOAD', 'return 7');
    await c.call('FUNCTION', 'FLUSH');
    expect(await c.call('EVALSHA', sha.split('\r\n')[1], '0')).toBe(':7\r\n');
    expect(await c.call('FCALL', 'setit', '1', 'k', 'v')).toBe('-ERR Function not found\r\n');
  });

  test('INFO memory counts the libraries, their functions and the bytes they hold', async () => {
    const field = async (name: string) => (await c.call('INFO', 'memory')).match(new RegExp(`${name}:(\\d+)`))?.[1];
    expect(await field('number_of_functions')).toBe('0');
    expect(await field('used_memory_functions')).toBe('0');
    await c.call('FUNCTION', 'LOAD', LIB);
    const two = "#!lua name=two\nredis.register_function{function_name='a', callback=function() end, description='xy'}\nredis.register_function('b', function() end)";
    await c.call('FUNCTION', 'LOAD', two);
    expect(await field('number_of_functions')).toBe('3');
    expect(await field('number_of_libraries')).toBe('2');
    const expected = LIB.length + 'lib'.length + 'setit'.length + two.length + 'two'.length + 'a'.length + 'xy'.length + 'b'.length;
    expect(await field('used_memory_functions')).toBe(String(expected));
  });

  test('the DUMP payload round-trips and any change to it is refused', () => {
    const libs = [{ name: 'a', code: '#!lua name=a\nx', functions: new Map() }, { name: 'b', code: '#!lua name=b\n1:2', functions: new Map() }];
    const payload = dumpLibraries(libs);
    expect(parseDump(payload)).toEqual(['#!lua name=a\nx', '#!lua name=b\n1:2']);
    expect(() => parseDump(payload.slice(0, 10) + 'X' + payload.slice(11))).toThrow('ERR DUMP payload version or checksum are wrong');
    expect(() => parseDump('short')).toThrow('ERR DUMP payload version or checksum are wrong');
    expect(parseLibraryHeader('#!lua name=abc_1\nbody')).toBe('abc_1');
    expect(() => parseLibraryHeader('#!lua name=\n')).toThrow('Library names can only contain');
  });

  test('ioredis calls a function with fcall', async () => {
    const r = new Redis({ port: s.port, lazyConnect: true });
    await r.connect();
    try {
      expect(await r.function('LOAD', LIB)).toBe('lib');
      expect(await r.fcall('setit', 1, 'k', 'v')).toBe(1);
      expect(await r.get('k')).toBe('v');
      await expect(r.fcall_ro('setit', 1, 'k', 'v')).rejects.toThrow('ERR Can not execute a script with write flag using *_ro command.');
    } finally {
      r.disconnect();
    }
  });
});

describe('functions on replicas and in ElastiCache mode', () => {
  const RW = "#!lua name=rw\nredis.register_function('w', function() return redis.call('set', 'k', 'v') end)\n"
    + "redis.register_function{function_name='r', callback=function() return redis.call('get', 'k') end, flags={'no-writes'}}";

  test('a read-only replica refuses write functions and FUNCTION LOAD, and runs no-writes functions', async () => {
    const s = await startRedisServer({ engine: 'redis', version: '7.0.15' });
    const c = await RawClient.connect(s.port);
    expect(await c.call('FUNCTION', 'LOAD', RW)).toBe('$2\r\nrw\r\n');
    s.server.role = 'replica';
    expect(await c.call('FCALL', 'w', '0')).toBe('-READONLY Can not run script with write flag on readonly replica\r\n');
    expect(await c.call('FCALL', 'r', '0')).toBe('$-1\r\n');
    expect(await c.call('FCALL_RO', 'r', '0')).toBe('$-1\r\n');
    expect(await c.call('FUNCTION', 'LOAD', 'REPLACE', RW)).toBe("-READONLY You can't write against a read only replica.\r\n");
    expect(await c.call('FUNCTION', 'DELETE', 'rw')).toBe("-READONLY You can't write against a read only replica.\r\n");
    c.close();
    await s.stop();
  });

  test('ElastiCache mode allows functions', async () => {
    const s = await startRedisServer({ elasticache: true });
    const c = await RawClient.connect(s.port);
    expect(await c.call('FUNCTION', 'LOAD', RW)).toBe('$2\r\nrw\r\n');
    expect(await c.call('FCALL', 'w', '0')).toBe('+OK\r\n');
    expect(await c.call('FCALL_RO', 'r', '0')).toBe('$1\r\nv\r\n');
    c.close();
    await s.stop();
  });
});

describe('functions and replication between two nodes', () => {
  test('a full sync carries the libraries; FUNCTION commands and FCALL effects reach the replica through the stream', async () => {
    const primary = await startRedisServer();
    const replica = await startRedisServer();
    const p = await RawClient.connect(primary.port);
    const r = await RawClient.connect(replica.port);
    try {
      const own = "#!lua name=own\nredis.register_function('mine', function() return 1 end)";
      expect(await r.call('FUNCTION', 'LOAD', own)).toBe('$3\r\nown\r\n');
      expect(await p.call('FUNCTION', 'LOAD', LIB)).toBe('$3\r\nlib\r\n');
      expect(await r.call('REPLICAOF', '127.0.0.1', String(primary.port))).toBe('+OK\r\n');
      // The replica's own library gave way to the primary's.
      expect(await r.call('FCALL', 'mine', '0')).toBe('-ERR Function not found\r\n');
      expect(await r.call('FUNCTION', 'LIST')).toMatch(/library_name\r\n\$3\r\nlib\r\n/);
      expect(await p.call('FCALL', 'setit', '1', 'k', 'v')).toBe(':1\r\n');
      expect(await p.call('FUNCTION', 'LOAD', "#!lua name=ro\nredis.register_function{function_name='getk', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}")).toBe('$2\r\nro\r\n');
      expect(await p.call('WAIT', '1', '1000')).toBe(':1\r\n');
      expect(await r.call('GET', 'n')).toBe('$1\r\n1\r\n');
      expect(await r.call('FCALL_RO', 'getk', '1', 'k')).toBe('$1\r\nv\r\n');
      expect(await r.call('FCALL', 'setit', '1', 'k', 'v')).toBe('-READONLY Can not run script with write flag on readonly replica\r\n');
      expect(await p.call('FUNCTION', 'DELETE', 'ro')).toBe('+OK\r\n');
      expect(await p.call('WAIT', '1', '1000')).toBe(':1\r\n');
      expect(await r.call('FCALL_RO', 'getk', '1', 'k')).toBe('-ERR Function not found\r\n');
      expect(await p.call('FUNCTION', 'RESTORE', (await p.call('FUNCTION', 'DUMP')).split('\r\n')[1], 'FLUSH')).toBe('+OK\r\n');
      expect(await p.call('FUNCTION', 'FLUSH')).toBe('+OK\r\n');
      expect(await p.call('WAIT', '1', '1000')).toBe(':1\r\n');
      expect(await r.call('FUNCTION', 'LIST')).toBe('*0\r\n');
    } finally {
      p.close();
      r.close();
      await replica.stop();
      await primary.stop();
    }
  });
});
