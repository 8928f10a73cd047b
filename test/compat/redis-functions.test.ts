import { CompatPair } from './harness';

/** Byte-exact comparisons of Redis 7 functions (FUNCTION, FCALL, FCALL_RO) with redis-server. */
describe('functions against redis-server', () => {
  let pair: CompatPair;
  beforeAll(async () => {
    pair = await CompatPair.start();
  });
  afterAll(() => pair.stop());
  beforeEach(async () => {
    await pair.reset();
    await pair.both(['FUNCTION', 'FLUSH']);
  });

  const lib = (name: string, body: string) => `#!lua name=${name}\n${body}`;
  const LIB = lib('mylib', [
    "redis.register_function('echo', function(keys, args) return {keys, args} end)",
    "redis.register_function{function_name='ro', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}, description='reads'}",
    "redis.register_function('setit', function(keys, args) return redis.call('set', keys[1], args[1]) end)",
  ].join('\n'));

  test('FUNCTION LOAD, FCALL and FCALL_RO', async () => {
    await pair.expectSame([
      ['FUNCTION', 'LOAD', LIB], ['FUNCTION', 'LOAD', LIB], ['FUNCTION', 'LOAD', 'REPLACE', LIB],
      ['FCALL', 'echo', '2', 'a', 'b', 'c'], ['FCALL', 'echo', '0'], ['FCALL', 'setit', '1', 'k', 'v'], ['FCALL_RO', 'ro', '1', 'k'],
      ['FCALL_RO', 'setit', '1', 'k', 'v'], ['FCALL', 'nosuch', '0'], ['FCALL', 'echo', '-1'], ['FCALL', 'echo', 'x'], ['FCALL', 'echo', '2', 'k'],
      ['FUNCTION', 'LOAD', 'BAD', LIB], ['FUNCTION', 'DELETE', 'nosuch'], ['FUNCTION', 'DELETE', 'mylib'], ['FCALL', 'echo', '0'],
    ]);
  });

  test('library metadata, registration and environment errors', async () => {
    const bodies = [
      "redis.register_function('a-b', function() end)", "redis.register_function('a', 1)", "redis.register_function('a')",
      "redis.register_function('a', function() end)\nredis.register_function('a', function() end)", 'if x then', "error('boom')",
      "redis.register_function{function_name='a', callback=function() end, flags='no-writes'}",
      "redis.register_function{function_name='a', callback=function() end, flags={'bad'}}",
      "redis.register_function{function_name='a', callback=function() end, foo=1}",
      'redis.register_function{callback=function() end}', "redis.register_function{function_name='a'}",
      "redis.register_function('a', function() end, 1)", 'redis.register_function()', "redis.call('ping')", 'x = 5', 'local y = z',
      'return 1', "string.format('x')", 'redis.setresp(3)',
    ];
    await pair.expectSame(bodies.map((b) => ['FUNCTION', 'LOAD', lib('x', b)]));
    await pair.expectSame([
      ['FUNCTION', 'LOAD', 'lua name=x'], ['FUNCTION', 'LOAD', '#!lu name=x'], ['FUNCTION', 'LOAD', '#!lua'], ['FUNCTION', 'LOAD', '#!lua name=x foo=bar'],
      ['FUNCTION', 'LOAD', '#!lua name=a-b\nredis.register_function("f", function() end)'],
      ['FUNCTION', 'LOAD', lib('one', "redis.register_function('f1', function() return 1 end)")],
      ['FUNCTION', 'LOAD', lib('two', "redis.register_function('f1', function() return 2 end)")],
      ['FUNCTION', 'LOAD', lib('lib4', "redis.register_function('g', function() return redis.register_function('h', function() end) end)\nredis.register_function('h2', function() y = 1 end)\nredis.register_function('h3', function() return zz end)")],
      ['FCALL', 'g', '0'], ['FCALL', 'h2', '0'], ['FCALL', 'h3', '0'], ['FCALL', 'f1', '0'],
      ['EVAL', "redis.register_function('x', function() end)", '0'],
    ]);
  });

  test('replies in RESP2 and RESP3, redis.setresp, FCALL inside MULTI/EXEC', async () => {
    await pair.both(['FUNCTION', 'LOAD', lib('vals', [
      "redis.register_function('vals', function(keys, args) return {1, 'a', {ok='FINE'}, {double=1.5}, {map={x=1}}, true, false} end)",
      "redis.register_function('resp3', function(keys, args) redis.setresp(3) return redis.call('hgetall', keys[1]) end)",
      "redis.register_function('err', function() return redis.error_reply('MY error') end)",
      "redis.register_function('incr', function(keys) return redis.call('incr', keys[1]) end)",
    ].join('\n'))]);
    await pair.both(['HSET', 'h', 'f', 'v']);
    for (const resp of ['2', '3']) {
      await pair.both(['HELLO', resp]);
      await pair.expectSame([['FCALL', 'vals', '0'], ['FCALL', 'resp3', '1', 'h'], ['FCALL', 'err', '0']]);
    }
    await pair.expectSame([['MULTI'], ['FCALL', 'incr', '1', 'n'], ['FCALL_RO', 'incr', '1', 'n'], ['FCALL', 'nosuch', '0'], ['EXEC'], ['GET', 'n']]);
  });

  test('function names are found whatever their case, library names are case-sensitive, LIBRARYNAME patterns are not', async () => {
    await pair.expectSame([
      ['FUNCTION', 'LOAD', lib('Lib', "redis.register_function('Abc', function() return 1 end)")], ['FCALL', 'abc', '0'], ['FCALL_RO', 'ABC', '0'],
      ['FUNCTION', 'LOAD', lib('lib', "redis.register_function('ABC', function() return 2 end)")], ['FUNCTION', 'DELETE', 'LIB'],
      ['FUNCTION', 'LIST', 'LIBRARYNAME', 'l*'], ['FUNCTION', 'LIST', 'LIBRARYNAME', 'LI?'], ['FUNCTION', 'DELETE', 'Lib'], ['FCALL', 'abc', '0'],
    ]);
  });

  test('FUNCTION LIST and STATS in RESP2 and RESP3, FLUSH, HELP', async () => {
    await pair.both(['FUNCTION', 'LOAD', lib('x', "redis.register_function{function_name='a', callback=function() end, flags={'no-writes','allow-stale'}, description='d'}")]);
    await pair.both(['FUNCTION', 'LOAD', lib('y', "redis.register_function('b', function() end)")]);
    for (const resp of ['2', '3']) {
      await pair.both(['HELLO', resp]);
      await pair.expectSame([
        ['FUNCTION', 'LIST', 'LIBRARYNAME', 'x'], ['FUNCTION', 'LIST', 'LIBRARYNAME', 'y', 'WITHCODE'], ['FUNCTION', 'LIST', 'LIBRARYNAME', 'z*'],
        ['FUNCTION', 'LIST', 'LIBRARYNAME'], ['FUNCTION', 'LIST', 'foo'], ['FUNCTION', 'LIST', 'WITHCODE', 'WITHCODE'], ['FUNCTION', 'STATS'],
        ['FUNCTION', 'KILL'], ['FUNCTION', 'HELP'], ['FUNCTION', 'FLUSH', 'foo'],
      ]);
    }
    await pair.expectSame([['FUNCTION', 'FLUSH', 'ASYNC'], ['FUNCTION', 'LIST'], ['FUNCTION', 'STATS']]);
  });

  test('FUNCTION DUMP and RESTORE round-trip with each policy', async () => {
    await pair.both(['FUNCTION', 'LOAD', LIB]);
    const { real, local } = await pair.both(['FUNCTION', 'DUMP']);
    const payload = (reply: string) => reply.slice(reply.indexOf('\r\n') + 2, -2);
    const restore = async (...rest: string[]) => {
      const r = await pair.realClient.call('FUNCTION', 'RESTORE', payload(real), ...rest);
      const l = await pair.localClient.call('FUNCTION', 'RESTORE', payload(local), ...rest);
      expect(l).toBe(r);
    };
    await restore();
    await restore('APPEND');
    await restore('REPLACE');
    await restore('FLUSH');
    await restore('BAD');
    await pair.expectSame([['FUNCTION', 'RESTORE', 'garbage'], ['FCALL', 'echo', '1', 'k', 'v'], ['FUNCTION', 'FLUSH']]);
    await restore();
    await pair.expectSame([['FCALL', 'setit', '1', 'k', 'v'], ['GET', 'k']]);
    await restore('FLUSH', 'x');
    await pair.expectSame([['FUNCTION', 'RESTORE', 'garbage', 'BAD'], ['FUNCTION', 'RESTORE', '', 'FLUSH'], ['FUNCTION', 'FLUSH']]);
    // A function name another library has: every policy but FLUSH fails and changes nothing.
    await pair.both(['FUNCTION', 'LOAD', lib('other', "redis.register_function('echo', function() return 3 end)")]);
    await restore();
    await restore('REPLACE');
    await pair.expectSame([['FUNCTION', 'LIST'], ['FCALL', 'echo', '0']]);
    await restore('FLUSH');
    await pair.expectSame([['FUNCTION', 'LIST', 'LIBRARYNAME', 'other'], ['FCALL', 'echo', '1', 'k', 'v']]);
    // LOAD REPLACE drops the functions the new code no longer registers.
    await pair.expectSame([
      ['FUNCTION', 'LOAD', 'REPLACE', lib('mylib', "redis.register_function('echo', function() return 11 end)")],
      ['FCALL', 'echo', '0'], ['FCALL', 'setit', '1', 'k', 'v'], ['FUNCTION', 'STATS'],
    ]);
  });

  test('functions see no KEYS/ARGV globals; code that runs too long at load time is stopped', async () => {
    await pair.expectSame([
      ['FUNCTION', 'LOAD', lib('k', "redis.register_function('k', function(keys, args) return {type(KEYS), #keys} end)\nredis.register_function('g', function() return tostring(rawget(_G, 'KEYS')) end)")],
      ['FCALL', 'k', '1', 'a'], ['EVAL', 'return 1', '1', 'x'], ['FCALL', 'k', '1', 'a'], ['FCALL', 'g', '0'],
      ['FUNCTION', 'LOAD', lib('loop', 'while true do end')], ['FUNCTION', 'LIST', 'LIBRARYNAME', 'loop'], ['PING'],
    ]);
  });

  test('a long function makes other clients busy until FUNCTION KILL; SCRIPT KILL refuses it', async () => {
    await pair.expectSame([
      ['CONFIG', 'SET', 'busy-reply-threshold', '100'],
      ['FUNCTION', 'LOAD', lib('spin', "redis.register_function{function_name='spin', callback=function() local i = 0 while true do i = i + 1 end end, flags={'no-writes'}}")],
    ]);
    const runners = await pair.connectBoth();
    const others = await pair.connectBoth();
    const realReply = runners.real.call('FCALL', 'spin', '0');
    const localReply = runners.local.call('FCALL', 'spin', '0');
    await new Promise((r) => setTimeout(r, 400));
    const sameOthers = async (...argv: string[]) => {
      const [real, local] = await Promise.all([others.real.call(...argv), others.local.call(...argv)]);
      expect({ argv, reply: local }).toEqual({ argv, reply: real });
    };
    await sameOthers('GET', 'x');
    await sameOthers('SCRIPT', 'KILL');
    const [realStats, localStats] = await Promise.all([others.real.call('FUNCTION', 'STATS'), others.local.call('FUNCTION', 'STATS')]);
    const noDuration = (r: string) => r.replace(/duration_ms\r\n:\d+/, 'duration_ms\r\n:N');
    expect(noDuration(localStats)).toEqual(noDuration(realStats));
    await sameOthers('FUNCTION', 'KILL');
    const [real, local] = await Promise.all([realReply, localReply]);
    expect(local).toEqual(real);
    await sameOthers('FUNCTION', 'KILL');
    await sameOthers('PING');
  });
});
