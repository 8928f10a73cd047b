import { startRedisServer } from '../../../src/local';
import { buildCommandTable, commandArity, commandAvailable } from '../../../src/local/commands';
import { commandKeys, keySpecsOf, tipsOf } from '../../../src/local/commands/introspection';
import { Command, CommandDef } from '../../../src/local/commands/types';
import { decodeReply, toPlain } from '../../../src/local/resp/decode';
import { RawClient } from '../support';

const base = { flags: [], acl: [], group: 'generic', since: '1.0.0', summary: 's' } as const;

describe('command availability by engine and version', () => {
  const def = (since: string, extra: Partial<CommandDef> = {}): CommandDef => ({ name: 'x', arity: 1, ...base, since, ...extra });

  test('Redis OSS has the commands up to its version; Valkey those of Redis OSS 7.2.4 and its own', () => {
    expect(commandAvailable(def('7.0.0'), { engine: 'redis', version: '7.0.15' })).toBe(true);
    expect(commandAvailable(def('7.2.0'), { engine: 'redis', version: '7.0.15' })).toBe(false);
    expect(commandAvailable(def('7.2.0'), { engine: 'redis', version: '7.2.4' })).toBe(true);
    expect(commandAvailable(def('7.2.0'), { engine: 'valkey', version: '8.0.2' })).toBe(true);
    expect(commandAvailable(def('7.4.0'), { engine: 'valkey', version: '8.0.2' })).toBe(false);
    expect(commandAvailable(def('8.0.0', { valkeySince: '8.0.0' }), { engine: 'valkey', version: '8.0.2' })).toBe(true);
    expect(commandAvailable(def('8.0.0', { valkeySince: '8.1.0' }), { engine: 'valkey', version: '8.0.2' })).toBe(false);
    expect(commandAvailable(def('8.0.0', { valkeySince: '8.0.0' }), { engine: 'redis', version: '9.0.0' })).toBe(false);
  });

  test('subcommands are filtered too', () => {
    const redis = buildCommandTable({ engine: 'redis', version: '7.0.15' }).byName.get('client') as Command;
    const valkey = buildCommandTable({ engine: 'valkey', version: '8.0.2' }).byName.get('client') as Command;
    expect(redis.subcommands?.has('setinfo')).toBe(false);
    expect(redis.subcommands?.has('capa')).toBe(false);
    expect(valkey.subcommands?.has('setinfo')).toBe(true);
    expect(valkey.subcommands?.has('capa')).toBe(true);
    expect(valkey.subcommands?.has('no-touch')).toBe(true);
    const redisCluster = buildCommandTable({ engine: 'redis', version: '7.0.15' }).byName.get('cluster') as Command;
    expect(redisCluster.subcommands?.has('myshardid')).toBe(false);
    expect(buildCommandTable({ engine: 'redis', version: '7.2.4' }).byName.get('cluster')?.subcommands?.has('myshardid')).toBe(true);
  });

  test('a command whose arity changed has the arity of the engine version', () => {
    const changed = { name: 'x', arity: -3, ...base, earlierArity: { before: '7.2.0', arity: 3 } };
    expect(commandArity(changed, { engine: 'redis', version: '7.0.15' })).toBe(3);
    expect(commandArity(changed, { engine: 'redis', version: '7.2.0' })).toBe(-3);
    expect(commandArity(changed, { engine: 'valkey', version: '7.2.5' })).toBe(-3);
    expect(commandArity(changed, { engine: 'valkey', version: '8.0.2' })).toBe(-3);
    expect(commandArity(changed, undefined)).toBe(-3);
    for (const name of ['zrank', 'zrevrank']) {
      expect(buildCommandTable({ engine: 'redis', version: '7.0.15' }).byName.get(name)?.arity).toBe(3);
      expect(buildCommandTable({ engine: 'redis', version: '7.2.4' }).byName.get(name)?.arity).toBe(-3);
      expect(buildCommandTable({ engine: 'valkey', version: '8.0.2' }).byName.get(name)?.arity).toBe(-3);
    }
  });

  test('COMMAND INFO and DOCS describe ZRANK as the engine version has it (WITHSCORE from 7.2)', async () => {
    const plain = (r: string) => toPlain((decodeReply(r, 0) as unknown as { value: never }).value) as unknown[][];
    for (const [engine, version, arity, args] of [
      ['redis', '7.0.15', 3, ['key', 'member']], ['redis', '7.2.4', -3, ['key', 'member', 'withscore']],
      ['valkey', '8.0.2', -3, ['key', 'member', 'withscore']],
    ] as const) {
      const s = await startRedisServer({ engine, version });
      const c = await RawClient.connect(s.port);
      try {
        expect(plain(await c.call('COMMAND', 'INFO', 'zrank'))[0].slice(0, 2)).toEqual(['zrank', arity]);
        const docs = plain(await c.call('COMMAND', 'DOCS', 'zrevrank'))[1] as unknown[];
        const argList = docs[docs.indexOf('arguments') + 1] as unknown[][];
        expect({ version, args: argList.map((a) => a[1]) }).toEqual({ version, args });
        if (args.length === 3) {
          expect(argList[2]).toEqual(['name', 'withscore', 'type', 'pure-token', 'token', 'WITHSCORE', 'since', '7.2.0', 'flags', ['optional']]);
        }
        const tooMany = await c.call('ZRANK', 'z', 'm', 'WITHSCORE');
        expect(tooMany).toBe(arity === 3 ? "-ERR wrong number of arguments for 'zrank' command\r\n" : '*-1\r\n');
      } finally {
        c.close();
        await s.stop();
      }
    }
  });
});

describe('key specifications', () => {
  test('come from the reference data by full name, or from the key range of other commands', () => {
    const table = buildCommandTable();
    const get = table.byName.get('get') as Command;
    expect(keySpecsOf(get)).toEqual([{ flags: ['RO', 'access'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } }]);
    const usage = table.byName.get('memory')?.subcommands?.get('usage') as Command;
    expect(keySpecsOf(usage)).toEqual([{ flags: ['RO'], begin: { index: 2 }, find: { lastKey: 0, keyStep: 1, limit: 0 } }]);
    expect(tipsOf(table.byName.get('client')?.subcommands?.get('list') as Command)).toEqual(['nondeterministic_output']);
    const custom = new Command({ name: 'mycmd', arity: -3, ...base, flags: ['write'], keys: { first: 2, last: -1, step: 2 } });
    expect(keySpecsOf(custom)).toEqual([{ flags: ['RW', 'update'], begin: { index: 2 }, find: { lastKey: -1, keyStep: 2, limit: 0 } }]);
  });

  test('locate keys by index, keyword and key count; fall back to the command when a spec cannot', () => {
    const cmd = (name: string, extra: Partial<CommandDef>) => new Command({ name, arity: -2, ...base, ...extra });
    const zstore = cmd('zunionstore', {
      keySpecs: [
        { flags: ['OW', 'update'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
        { flags: ['RO', 'access'], begin: { index: 2 }, find: { keyNumIndex: 0, firstKey: 1, keyStep: 1 } },
      ],
    });
    const args = ['zunionstore', 'dest', '2', 'a', 'b', 'WEIGHTS', '1', '2'];
    expect(commandKeys(zstore, keySpecsOf(zstore), args)).toEqual([
      { pos: 1, flags: ['OW', 'update'] }, { pos: 3, flags: ['RO', 'access'] }, { pos: 4, flags: ['RO', 'access'] },
    ]);
    // Too few keys for the count: nothing (the command would report its own error).
    expect(commandKeys(zstore, keySpecsOf(zstore), ['zunionstore', 'd', '5', 'a'])).toEqual([]);
    const georadius = cmd('georadius', {
      keySpecs: [
        { flags: ['RO', 'access'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
        { flags: ['OW', 'update'], begin: { keyword: 'STORE', startFrom: 6 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
      ],
    });
    expect(commandKeys(georadius, keySpecsOf(georadius), ['georadius', 'src', '0', '0', '1', 'km', 'store', 'dst'])).toEqual([
      { pos: 1, flags: ['RO', 'access'] }, { pos: 7, flags: ['OW', 'update'] },
    ]);
    expect(commandKeys(georadius, keySpecsOf(georadius), ['georadius', 'src', '0', '0', '1', 'km'])).toEqual([{ pos: 1, flags: ['RO', 'access'] }]);
    const movable = cmd('movable', {
      keySpecs: [{ flags: ['RW', 'access', 'update'], begin: null, find: null }],
      getKeys: (argv) => argv.map((_, i) => i).filter((i) => i > 0 && i % 2 === 1),
    });
    expect(commandKeys(movable, keySpecsOf(movable), ['movable', 'a', 'x', 'b'])).toEqual([
      { pos: 1, flags: ['RW', 'access', 'update'] }, { pos: 3, flags: ['RW', 'access', 'update'] },
    ]);
  });
});

describe('COMMAND on the local engine', () => {
  test('DOCS reports the arguments a definition carries, and a container alone runs its own handler', async () => {
    const s = await startRedisServer({ engine: 'redis', version: '7.0.15' });
    const c = await RawClient.connect(s.port);
    const plain = (r: string) => toPlain((decodeReply(r, 0) as unknown as { value: never }).value);
    const docs = plain(await c.call('COMMAND', 'DOCS', 'client|setname')) as unknown[];
    expect(docs[0]).toBe('client|setname');
    expect(docs[1]).toEqual(['summary', 'Sets the connection name.', 'since', '2.6.9', 'group', 'connection', 'complexity', 'O(1)',
      'arguments', [['name', 'connection-name', 'type', 'string']]]);
    const all = plain(await c.call('COMMAND')) as unknown[][];
    expect(all.map((e) => e[0])).toContain('command');
    expect(all.length).toBe(Number((await c.call('COMMAND', 'COUNT')).slice(1, -2)));
    expect(await c.call('CONFIG')).toBe("-ERR wrong number of arguments for 'config' command\r\n");
    c.close();
    await s.stop();
  });
});
