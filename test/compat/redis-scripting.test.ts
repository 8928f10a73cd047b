import { CompatPair } from './harness';
import { RawClient } from '../local/support';

/** Byte-exact comparisons of Lua scripting (EVAL, EVALSHA, SCRIPT) with redis-server. */
describe('scripting against redis-server', () => {
  let pair: CompatPair;
  beforeAll(async () => {
    pair = await CompatPair.start();
  });
  afterAll(() => pair.stop());
  beforeEach(async () => {
    await pair.reset();
    await pair.both(['SCRIPT', 'FLUSH']);
  });

  const ev = (script: string, ...rest: string[]) => ['EVAL', script, ...(rest.length === 0 ? ['0'] : rest)];

  test('Lua values become replies (RESP2 and RESP3)', async () => {
    const scripts = [
      'return 1', 'return 3.99', 'return -2.7', 'return 1e20', 'return 0/0', "return 'x'", 'return nil',
      'return true', 'return false', 'return {}', 'return {1,2,nil,4}', "return {1,'a',{2,{3}},true,false}",
      "return {ok='FINE'}", "return {err='My Error'}", "return {err='-Foo x'}", 'return {ok=1}', 'return {err=1}',
      "return redis.error_reply('My Error')", "return redis.error_reply('-My Error')", "return redis.status_reply('FINE')",
      'return {double=1.5}', 'return {double=0.1}', "return {big_number='123456789012345678901234567890'}",
      'return {map={a=1}}', 'return {set={a=true}}', 'return {map={a={1,2}}, x=1}', "return {1, {ok='in'}, {err='ERR inner'}}",
      "return 'a\\0b'", "return string.rep('x', 1000)",
    ];
    for (const resp of ['2', '3']) {
      await pair.both(['HELLO', resp]);
      await pair.expectSame(scripts.map((s) => ev(s)));
      await pair.expectSame(scripts.map((s) => ev('redis.setresp(3); ' + s)));
    }
  });

  test('replies become Lua values (RESP2 and RESP3 through redis.setresp)', async () => {
    await pair.expectSame([['SET', 's', 'v'], ['HSET', 'h', 'a', '1'], ['ZADD', 'z', '1.5', 'm'], ['RPUSH', 'l', 'a', 'b'], ['SADD', 'st', 'x']]);
    const calls = [
      "redis.call('get','s')", "redis.call('get','nokey')", "redis.call('incr','n')", "redis.call('set','t','1')",
      "redis.call('hgetall','h')", "redis.call('hgetall','nokey')", "redis.call('zscore','z','m')", "redis.call('zrange','z',0,-1,'withscores')",
      "redis.call('lrange','l',0,-1)", "redis.call('smembers','st')", "redis.call('hmget','h','a','b')", "redis.call('exists','s')",
      "redis.pcall('incr','h')", "redis.call('ping')", "redis.call('type','s')",
    ];
    const scripts: string[] = [];
    for (const call of calls) {
      scripts.push(`return ${call}`);
      scripts.push(`local r = ${call}; return type(r)`);
      scripts.push(`redis.setresp(3); return ${call}`);
      scripts.push(`redis.setresp(3); local r = ${call}; if type(r) == 'table' then local out = {} for k, v in pairs(r) do out[#out+1] = tostring(k) .. '=' .. type(v) end table.sort(out) return out end return type(r)`);
    }
    scripts.push("redis.setresp(3); return redis.call('zscore','z','m').double");
    scripts.push("redis.setresp(3); return redis.call('hgetall','h').map.a");
    scripts.push("local t = redis.pcall('nosuch'); return t.err");
    scripts.push("local t = redis.pcall('incr', 'h'); return {t.err, tostring(t.source), tostring(t.line)}");
    for (const resp of ['2', '3']) {
      await pair.both(['HELLO', resp]);
      await pair.expectSame(scripts.map((s) => ev(s)));
    }
  });

  test('KEYS, ARGV, numkeys errors and argument conversion', async () => {
    await pair.expectSame([
      ev('return {KEYS[1], ARGV[1], #KEYS, #ARGV, tostring(KEYS[2])}', '1', 'a', 'b'),
      ev('return {#KEYS, #ARGV}', '2', 'a', 'b', 'c', 'd'),
      ev('return 1', '2', 'a'), ev('return 1', '-1'), ev('return 1', 'x'), ev('return 1', '1.5'), ev('return 1', '99999999999999999999'),
      ['EVAL', 'return 1'], ['EVALSHA', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db'],
      ev("redis.call('set','k',0.1) return redis.call('get','k')"),
      ev("redis.call('set','k',3) return redis.call('get','k')"),
      ev("redis.call('set','k',-2.5e30) return redis.call('get','k')"),
      ev("return redis.call('set','k',{})"), ev('return redis.call()'), ev("return redis.call('set','k',true)"),
    ]);
  });

  test('errors raised by scripts and by commands called from scripts', async () => {
    await pair.expectSame([['HSET', 'h', 'a', '1']]);
    await pair.expectSame([
      ev('return x'), ev('x = 1'), ev("error('boom')"), ev('error(nil)'), ev('error(123)'), ev("error({err='TABLEERR x'})"),
      ev("error({err='x'})"), ev("return redis.call('nosuch')"), ev("return redis.call('get')"), ev("return redis.call('get','a','b')"),
      ev("return redis.call('subscribe','x')"), ev("return redis.call('multi')"), ev("return redis.call('eval','return 1','0')"),
      ev("return redis.call('blpop','l','0')"), ev("return redis.call('script','kill')"), ev("return redis.call('object','foo')"),
      ev("return redis.call('incr','h')"), ev("redis.call('incr','h')"), ev('return redis.pcall(\'nosuch\')'),
      ev('return redis.call(\'wrongsyntax'), ev('return 1 +'), ev('local t = {} t.x.y = 1'),
      ev('return redis.sha1hex()'), ev('return redis.setresp()'), ev('return redis.setresp(4)'), ev('return redis.log(1)'),
      ev("return redis.log(99, 'x')"), ev('return redis.set_repl(99)'), ev('string.foo = 1'), ev('redis.call = nil'),
      ev("return cjson.decode('[1,')"), ev('return cjson.encode(function() end)'),
      ev("local ok, e = pcall(redis.call, 'nosuch') return e.err"), ev("local ok, e = pcall(error, 'x') return e"),
      ev("return math.floor('a')"), ev('return #nil'), ev("return ('x'):bad()"),
      ev('#!lua flags=no-writes\nreturn redis.call(\'set\',\'k\',\'1\')'),
      ev('#!lua flags=foo\nreturn 1'), ev('#!lua xx=1\nreturn 1'), ev('#!python\nreturn 1'), ev('#!lua\nreturn 2'),
      ev('#!lua flags=no-writes,allow-oom\nreturn 3'),
      ['EVAL_RO', '#!lua\nreturn 1', '0'], ['EVAL_RO', '#!lua flags=no-writes\nreturn 1', '0'],
      ['EVAL_RO', "return redis.call('set','k','v')", '0'], ['EVAL_RO', "return redis.call('get','h2')", '0'],
      ['EVAL_RO', "return redis.pcall('del','k')", '0'],
    ]);
  });

  test('the standard library and the sandbox', async () => {
    const exprs = [
      'type(cjson)', 'type(bit)', 'type(loadstring)', 'type(load)', 'type(gcinfo)', 'type(unpack)', 'type(coroutine)',
      'type(pcall)', 'type(xpcall)', 'type(rawget)', 'type(select)', 'type(_G)', '_VERSION', 'type(os)', 'type(io)', 'type(print)',
      'type(setfenv)', 'type(getfenv)', 'type(module)', 'type(debug)', 'type(newproxy)', 'type(dofile)', 'type(loadfile)', 'type(require)',
      'tostring(1000000*1000000)', 'tostring(3)', 'tostring(3.5)', 'tostring(2^53)', 'tostring(-7 % 3)', 'tostring(10/3)',
      "string.format('%d %s %5.2f %x %g', 3.7, 'x', 1/3, 255, 1e20)", "string.format('%q', 'a\\nb\"')", 'table.concat({1,2,3}, ",")',
      "tostring(tonumber('0x10'))", "tostring(tonumber('  12  '))", "tostring(tonumber('z', 36))", 'math.max(1, 5, 3)',
      "select('#', unpack({1,2,3}))", "tostring(rawget(_G, 'nope'))", "string.rep('ab', 3)", "('hello'):upper()",
      "redis.sha1hex('')", "redis.sha1hex('abc')", 'redis.REDIS_VERSION', 'redis.REDIS_VERSION_NUM',
      '{redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING, redis.REPL_ALL, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_NONE}',
      'redis.set_repl(redis.REPL_ALL)', 'redis.replicate_commands()', "redis.log(redis.LOG_WARNING, 'hi', 'there')",
      'tostring(math.random())', 'tostring(math.random(10))', 'tostring(math.random(5, 8))', 'tostring(math.random())',
      "(loadstring('return 7'))()", "select(2, loadstring('return +'))", 'type(loadstring(string.dump and "" or ""))',
      'tostring(next({}))', "string.gsub('hello world', 'o', '0')", "string.find('abc', 'b', 1, true)",
      'table.getn({1,2,3})', "string.byte('A')", 'string.char(72, 105)', 'tostring(0.1 + 0.2)', 'tostring(1/0)', 'tostring(-1/0)',
      'tostring(math.huge)', 'tostring(math.pi)', "string.format('%5.1f|%-5d|%05d', 3.14159, 42, 7)",
    ];
    await pair.expectSame(exprs.map((e) => ev(`return ${e}`)));
  });

  test('cjson and bit', async () => {
    const exprs = [
      'cjson.encode({1,2,{a=1}})', 'cjson.encode({})', "cjson.encode('a/b\"c\\n')", 'cjson.encode(1.5)', 'cjson.encode(100)',
      'cjson.encode({true,false})', 'cjson.encode(cjson.null)', 'cjson.encode({[1]=1,[3]=3})', "cjson.encode({a={b={c='d'}}})",
      "cjson.decode('[1,2,3.5]')", "cjson.decode('{\"a\":\"b\"}').a", "type(cjson.decode('null'))", "cjson.decode('\"\\\\u00e9\"')",
      "cjson.decode('[true,false]')[1]", "#cjson.decode('[]')", "cjson.decode('  42  ')", "cjson.encode(cjson.decode('{\"k\":[1,{\"x\":null}]}'))",
      'bit.band(7,3)', 'bit.bor(1,2,4)', 'bit.bxor(5,3)', 'bit.bnot(0)', 'bit.lshift(1,31)', 'bit.rshift(-1,28)', 'bit.arshift(-256,4)',
      'bit.rol(0x12345678,8)', 'bit.ror(0x12345678,8)', 'bit.bswap(0x12345678)', 'bit.tohex(255)', 'bit.tohex(255,-4)', 'bit.tohex(-1)',
      'bit.tobit(2^32+5)', 'bit.tobit(1.5)', 'bit.tobit(2.5)', 'bit.tobit(-1.5)',
    ];
    await pair.expectSame(exprs.map((e) => ev(`return ${e}`)));
    await pair.expectSame([ev("return cjson.decode('[1,')"), ev("return cjson.decode('{\"a\" 1}')"), ev("return cjson.decode('')")]);
  });

  test('SCRIPT LOAD, EXISTS, FLUSH, HELP, KILL, DEBUG and EVALSHA', async () => {
    await pair.expectSame([
      ['SCRIPT', 'LOAD', 'return 1'], ['SCRIPT', 'EXISTS', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', 'abc', 'E0E1F9FABFC9D4800C877A703B823AC0578FF8DB'],
      ['EVALSHA', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '0'], ['EVALSHA', 'E0E1F9FABFC9D4800C877A703B823AC0578FF8DB', '0'],
      ['EVALSHA_RO', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '0'], ['EVALSHA', 'abc', '0'],
      ['EVALSHA', '0000000000000000000000000000000000000000', '0'],
      ev('return 2'), ['SCRIPT', 'EXISTS', '7f923f79fe76194c868d7e1d0820de36700eb649'],
      ['SCRIPT', 'FLUSH'], ['SCRIPT', 'EXISTS', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db'], ['EVALSHA', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '0'],
      ['SCRIPT', 'FLUSH', 'ASYNC'], ['SCRIPT', 'FLUSH', 'sync'], ['SCRIPT', 'FLUSH', 'foo'], ['SCRIPT', 'FLUSH', 'sync', 'async'],
      ['SCRIPT', 'HELP'], ['SCRIPT', 'KILL'], ['SCRIPT', 'DEBUG', 'no'], ['SCRIPT', 'DEBUG', 'foo'], ['SCRIPT'], ['SCRIPT', 'nosuch'],
      ['SCRIPT', 'LOAD', 'return +'], ['SCRIPT', 'LOAD', '#!lua flags=foo\nreturn 1'], ['SCRIPT', 'LOAD', '#!lua flags=no-writes\nreturn 1'],
      ['SCRIPT', 'EXISTS'], ['SCRIPT', 'LOAD'],
    ]);
  });

  test('scripts inside MULTI/EXEC and WATCH', async () => {
    await pair.expectSame([
      ['MULTI'], ev("return redis.call('incr','c')"), ev("return redis.call('incr','c')"), ['EXEC'], ['GET', 'c'],
      ['MULTI'], ['SCRIPT', 'LOAD', 'return 5'], ['EVALSHA', '2cb4ec4bb59ebea3a8d9d1b9d98b1b0dfd2ea2b3', '0'], ['EXEC'],
    ]);
  });

  test('a long script makes other clients busy until SCRIPT KILL', async () => {
    await pair.expectSame([['CONFIG', 'SET', 'busy-reply-threshold', '100']]);
    const runners = await pair.connectBoth();
    const others = await pair.connectBoth();
    const run = (c: RawClient) => c.call('EVAL', 'local i = 0 while true do i = i + 1 end', '0');
    const realReply = run(runners.real);
    const localReply = run(runners.local);
    await new Promise((r) => setTimeout(r, 400));
    const sameOthers = async (...argv: string[]) => {
      const [real, local] = await Promise.all([others.real.call(...argv), others.local.call(...argv)]);
      expect({ argv, reply: local }).toEqual({ argv, reply: real });
    };
    await sameOthers('GET', 'x');
    await sameOthers('PING');
    await sameOthers('SCRIPT', 'KILL');
    const [real, local] = await Promise.all([realReply, localReply]);
    expect(local.replace(/script: [0-9a-f]+/, 'script: SHA')).toEqual(real.replace(/script: [0-9a-f]+/, 'script: SHA'));
    expect(local).toEqual(real);
    await sameOthers('SCRIPT', 'KILL');
    await sameOthers('PING');
  });

  test('a long script that wrote cannot be killed', async () => {
    await pair.expectSame([['CONFIG', 'SET', 'busy-reply-threshold', '100']]);
    const runners = await pair.connectBoth();
    const others = await pair.connectBoth();
    const script = "redis.call('set','w','1') local t = redis.call('time') local s = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000 "
      + 'local i = 0 while i < 1e9 do i = i + 1 if i % 10000 == 0 then local n = redis.call(\'time\') if tonumber(n[1]) * 1000 + tonumber(n[2]) / 1000 > s + 600 then break end end end return i > 0';
    const realReply = runners.real.call('EVAL', script, '0');
    const localReply = runners.local.call('EVAL', script, '0');
    await new Promise((r) => setTimeout(r, 300));
    const [realKill, localKill] = await Promise.all([others.real.call('SCRIPT', 'KILL'), others.local.call('SCRIPT', 'KILL')]);
    expect(localKill).toEqual(realKill);
    const [real, local] = await Promise.all([realReply, localReply]);
    expect(local).toEqual(real);
    await pair.expectSame([['GET', 'w']]);
  });
});
