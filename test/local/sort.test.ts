import { HashDouble, makeDouble, registerDoubles } from './doubles';
import { TestNode, startNode, strings } from './keys-helpers';
import { patternSlot, strtodScore } from '../../src/local/commands/sort';
import { keySlot } from '../../src/local/store/slot';
import { codecFor, registerCodec } from '../../src/local/store/types';

registerDoubles();

describe('SORT weights', () => {
  test.each([
    ['', 0], ['1', 1], [' 2', 2], ['\t\n\v\f\r3', 3], ['0x10', 16], ['0x.8', 0.5], ['0x1p-2', 0.25], ['inf', Infinity],
    ['-Infinity', -Infinity], ['1e2', 100], ['.5', 0.5], ['5.', 5], ['+4', 4], ['-0', -0], ['2\x00junk', 2],
    ['2.2250738585072014e-308', 2.2250738585072014e-308],
  ])('%j is %d', (text, expected) => {
    expect(strtodScore(text)).toBe(expected);
  });

  test.each([['1 '], ['nan'], ['-nan'], ['abc'], [' '], ['1e'], ['0x'], ['.'], ['infinit'], ['1e400'], ['-1e400'], ['1e-310'], ['1e-400'], ['1_0']])(
    '%j is a conversion error', (text) => {
      expect(strtodScore(text)).toBeUndefined();
    });
});

describe('SORT on any registered type', () => {
  let node: TestNode;
  beforeEach(async () => {
    node = await startNode();
  });
  afterEach(() => node.stop());

  function put(key: string, type: 'list' | 'set' | 'zset' | 'hash', items: string[]): void {
    node.server.server.dbs[0].set(key, makeDouble(type, items));
  }

  test('lists, sets and sorted sets; hashes and strings are the wrong type', async () => {
    put('l', 'list', ['3', '1', '2']);
    put('s', 'set', ['b', 'c', 'a']);
    put('z', 'zset', ['3', 'x', '1', 'y', '2', 'z']);
    put('h', 'hash', ['f', 'v']);
    await node.call('SET', 'str', 'v');
    expect(strings(await node.call('SORT', 'l'))).toEqual(['1', '2', '3']);
    expect(strings(await node.call('SORT', 's', 'ALPHA', 'DESC'))).toEqual(['c', 'b', 'a']);
    expect(strings(await node.call('SORT', 'z', 'BY', 'nosort'))).toEqual(['y', 'z', 'x']);
    expect(strings(await node.call('SORT', 'z', 'BY', 'nosort', 'DESC', 'LIMIT', '0', '2'))).toEqual(['x', 'z']);
    expect(await node.call('SORT', 'h')).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    expect(await node.call('SORT', 'str')).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
  });

  test('hash fields through the codec\'s field() when it has one, through dump() otherwise', async () => {
    put('l', 'list', ['1', '2', '3']);
    put('w_1', 'hash', ['n', '30', 'name', 'one']);
    put('w_2', 'hash', ['n', '10', 'name', 'two']);
    put('w_3', 'hash', ['n', '20']);
    const byDump = strings(await node.call('SORT', 'l', 'BY', 'w_*->n', 'GET', '#', 'GET', 'w_*->name'));
    expect(byDump).toEqual(['2', 'two', '3', '<null>', '1', 'one']);
    const hashCodec = codecFor('hash');
    if (hashCodec === undefined) throw new Error('no hash codec');
    const lookups: string[] = [];
    registerCodec('hash', {
      ...hashCodec,
      field: (h: HashDouble, name: string) => {
        lookups.push(name);
        for (let i = 0; i < h.items.length; i += 2) if (h.items[i] === name) return h.items[i + 1];
        return undefined;
      },
    });
    try {
      expect(strings(await node.call('SORT', 'l', 'BY', 'w_*->n', 'GET', '#', 'GET', 'w_*->name'))).toEqual(byDump);
      expect(lookups.filter((n) => n === 'n')).toHaveLength(3);
      expect(lookups.filter((n) => n === 'name')).toHaveLength(3);
    } finally {
      registerCodec('hash', hashCodec);
    }
  });

  test('BY and GET read keys as reads do: hits and misses are counted', async () => {
    put('l', 'list', ['1', '2']);
    await node.call('SET', 'w_1', '5');
    const stats = node.server.server.stats;
    const hits = stats.keyspaceHits;
    const misses = stats.keyspaceMisses;
    await node.call('SORT', 'l', 'BY', 'w_*', 'GET', 'w_*');
    // The sorted key (hit), two weights (hit, miss), two GETs (hit, miss).
    expect(stats.keyspaceHits - hits).toBe(3);
    expect(stats.keyspaceMisses - misses).toBe(2);
  });

  test('SORT on a set with BY nosort and STORE sorts the members anyway (ALPHA)', async () => {
    put('s', 'set', ['b', '10', 'a', '2']);
    expect(await node.call('SORT', 's', 'BY', 'nosort', 'STORE', 'out')).toBe(':4\r\n');
    expect(strings(await node.call('SORT', 'out', 'BY', 'nosort'))).toEqual(['10', '2', 'a', 'b']);
    expect(node.propagated).toEqual([['SORT', 's', 'BY', 'nosort', 'STORE', 'out']]);
  });

  test('a big sort stays fast', async () => {
    const items = Array.from({ length: 100_000 }, (_, i) => String((i * 7919) % 100_000));
    put('big', 'list', items);
    const started = Date.now();
    const reply = await node.call('SORT', 'big', 'LIMIT', '0', '3');
    expect(strings(reply)).toEqual(['0', '1', '2']);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('SORT in cluster mode (Valkey)', () => {
  let node: TestNode;
  beforeEach(async () => {
    node = await startNode({ engine: 'valkey', version: '8.0.2', config: { 'cluster-enabled': 'yes' } });
  });
  afterEach(() => node.stop());

  test('patterns whose keys share the sorted key\'s slot are allowed, others refused', async () => {
    node.server.server.dbs[0].set('{u}list', makeDouble('list', ['2', '1']));
    await node.call('SET', '{u}w_1', '9');
    await node.call('SET', '{u}w_2', '1');
    expect(strings(await node.call('SORT', '{u}list', 'BY', '{u}w_*', 'GET', '{u}w_*'))).toEqual(['1', '9']);
    expect(await node.call('SORT', '{u}list', 'BY', 'w_*')).toBe('-ERR BY option of SORT denied in Cluster mode when keys formed by the pattern may be in different slots.\r\n');
    expect(await node.call('SORT', '{u}list', 'GET', '#')).toBe('-ERR GET option of SORT denied in Cluster mode when keys formed by the pattern may be in different slots.\r\n');
    expect(await node.call('MOVE', '{u}list', '1')).toBe('-ERR MOVE is not allowed in cluster mode\r\n');
  });
});

test('patternSlot follows hash tags and gives up on wildcards before them', () => {
  expect(patternSlot('{u}w_*')).toBe(keySlot('{u}'));
  expect(patternSlot('w_*{u}')).toBe(-1);
  expect(patternSlot('a\\*b')).toBe(-1);
  expect(patternSlot('{}x*')).toBe(-1);
  expect(patternSlot('{}x')).toBe(keySlot('{}x'));
  expect(patternSlot('plain')).toBe(keySlot('plain'));
  expect(patternSlot('#')).toBe(keySlot('#'));
  expect(patternSlot('{a}{b}*')).toBe(keySlot('a'));
});
