import { CompatPair } from './harness';
import { decode, elements, normalizeCommandInfo, normalizeDocs, sortItems, splitAggregate, text } from './normalize';

/**
 * CLUSTER subcommands that change the cluster's topology or its configuration file: the local
 * engine does not offer them (test/compat/DIFFERENCES.md), so they are left out of redis-server's
 * CLUSTER entry before comparing.
 */
const NOT_OFFERED = new Set([
  'cluster|addslots', 'cluster|addslotsrange', 'cluster|bumpepoch', 'cluster|delslots', 'cluster|delslotsrange',
  'cluster|failover', 'cluster|flushslots', 'cluster|forget', 'cluster|meet', 'cluster|replicate', 'cluster|reset',
  'cluster|saveconfig', 'cluster|set-config-epoch', 'cluster|setslot',
]);

/** A COMMAND INFO reply with each entry normalized (see normalizeCommandInfo). */
function normalizeInfos(reply: string): unknown {
  const v = decode(reply);
  return v.type === 'array' ? v.value.map((entry) => normalizeCommandInfo(entry, NOT_OFFERED)) : v;
}

/** The names (and subcommand full names) the local engine knows. */
async function localNames(pair: CompatPair): Promise<string[]> {
  const { local } = await pair.both(['COMMAND', 'LIST']);
  const v = decode(local);
  if (v.type !== 'array') throw new Error('COMMAND LIST must be an array');
  return v.value.map(text);
}

describe('COMMAND against redis-server', () => {
  let pair: CompatPair;
  beforeAll(async () => {
    pair = await CompatPair.start();
  });
  afterAll(() => pair.stop());
  beforeEach(() => pair.reset());

  test.each([2, 3])('COMMAND INFO of every command the engine has matches (RESP%d)', async (resp) => {
    await pair.both(['HELLO', String(resp)]);
    const names = (await localNames(pair)).filter((n) => !n.includes('|'));
    expect(names.length).toBeGreaterThan(20);
    for (const name of names) {
      const { real, local } = await pair.both(['COMMAND', 'INFO', name]);
      expect({ name, info: normalizeInfos(local) }).toEqual({ name, info: normalizeInfos(real) });
    }
  });

  test('COMMAND INFO with several names, unknown names, subcommand names and case', async () => {
    for (const request of [
      ['COMMAND', 'INFO', 'nosuch', 'get', 'config|get', 'CONFIG|GET', 'config|nosuch', 'get|x', 'a|b|c'],
      ['COMMAND', 'INFO', 'CLIENT'], ['COMMAND', 'INFO', 'client|kill', 'Client|List'],
    ]) {
      const { real, local } = await pair.both(request);
      expect({ request, reply: normalizeInfos(local) }).toEqual({ request, reply: normalizeInfos(real) });
    }
  });

  test.each([2, 3])('COMMAND DOCS matches apart from the prose (RESP%d)', async (resp) => {
    await pair.both(['HELLO', String(resp)]);
    const names = (await localNames(pair)).filter((n) => !n.includes('|'));
    for (const name of names) {
      const { real, local } = await pair.both(['COMMAND', 'DOCS', name]);
      expect({ name, docs: normalizeDocs(decode(local)) }).toEqual({ name, docs: normalizeDocs(decode(real), NOT_OFFERED) });
    }
    const many = await pair.both(['COMMAND', 'DOCS', 'get', 'nosuch', 'config|get', 'set']);
    expect(normalizeDocs(decode(many.local))).toEqual(normalizeDocs(decode(many.real)));
  });

  test('COMMAND LIST and its filters', async () => {
    const names = new Set(await localNames(pair));
    const { real } = await pair.both(['COMMAND', 'LIST']);
    const realNames = new Set(elements(decode(real)).map(text));
    // Every name the engine lists is one redis-server has; it lacks only the commands it has not
    // implemented and the subcommands it does not offer.
    for (const n of names) expect({ name: n, known: realNames.has(n) }).toEqual({ name: n, known: true });
    for (const n of NOT_OFFERED) expect({ name: n, listed: names.has(n), real: realNames.has(n) }).toEqual({ name: n, listed: false, real: true });
    await pair.expectSame([
      ['COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'config*'], ['COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'CLIENT|*'],
      ['COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'nosuch*'], ['COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'nosuch'],
      ['COMMAND', 'LIST', 'FILTERBY', 'MODULE', 'foo'], ['COMMAND', 'LIST', 'FILTERBY', 'PATTERN'],
      ['COMMAND', 'LIST', 'FILTERBY', 'FOO', 'x'], ['COMMAND', 'LIST', 'x'], ['COMMAND', 'LIST', 'FILTERBY', 'aclcat', 'nosuch', 'x'],
    ], sortItems);
    // ACL categories: the engine's list is what redis-server lists, restricted to commands the engine has.
    for (const category of ['connection', 'admin', 'keyspace', 'string', 'dangerous', 'fast', 'CONNECTION']) {
      const both = await pair.both(['COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', category]);
      const ours = elements(decode(both.local)).map(text).sort();
      const theirs = elements(decode(both.real)).map(text).filter((n) => names.has(n)).sort();
      expect({ category, names: ours }).toEqual({ category, names: theirs });
    }
  });

  test('COMMAND COUNT, GETKEYS, GETKEYSANDFLAGS, errors', async () => {
    const count = await pair.both(['COMMAND', 'COUNT']);
    expect(count.local).toMatch(/^:\d+\r\n$/);
    const names = await localNames(pair);
    expect(count.local).toBe(`:${names.filter((n) => !n.includes('|')).length}\r\n`);
    await pair.expectSame([
      ['COMMAND', 'COUNT', 'x'], ['COMMAND', 'FOO'], ['COMMAND', 'HELP', 'x'],
      ['COMMAND', 'GETKEYS'], ['COMMAND', 'GETKEYS', 'get'], ['COMMAND', 'GETKEYS', 'nosuch', 'a'],
      ['COMMAND', 'GETKEYS', 'get', 'a', 'b'], ['COMMAND', 'GETKEYS', 'get', 'a'], ['COMMAND', 'GETKEYS', 'GET', 'a'],
      ['COMMAND', 'GETKEYS', 'set', 'a', 'b', 'get'], ['COMMAND', 'GETKEYS', 'del', 'a', 'b', 'c'],
      ['COMMAND', 'GETKEYS', 'config', 'get'], ['COMMAND', 'GETKEYS', 'config', 'get', 'x'], ['COMMAND', 'GETKEYS', 'ping', 'x'],
      ['COMMAND', 'GETKEYS', 'memory', 'usage', 'k'], ['COMMAND', 'GETKEYS', 'memory', 'nosuch', 'k'],
      ['COMMAND', 'GETKEYS', 'expire', 'k', '10'], ['COMMAND', 'GETKEYS', 'exists', 'a', 'b'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'set', 'a', 'b', 'get'], ['COMMAND', 'GETKEYSANDFLAGS', 'set', 'a', 'b'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'set', 'a', 'b', 'EX', '10', 'GET'], ['COMMAND', 'GETKEYSANDFLAGS', 'del', 'a', 'b', 'c'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'get', 'a'], ['COMMAND', 'GETKEYSANDFLAGS', 'memory', 'usage', 'k'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'persist', 'k'], ['COMMAND', 'GETKEYSANDFLAGS', 'unlink', 'a', 'b'],
    ]);
    await pair.both(['HELLO', '3']);
    await pair.expectSame([['COMMAND', 'GETKEYSANDFLAGS', 'set', 'a', 'b', 'get'], ['COMMAND', 'GETKEYSANDFLAGS', 'del', 'a', 'b']]);
  });

  test('COMMAND HELP names the same subcommands', async () => {
    const { real, local } = await pair.both(['COMMAND', 'HELP']);
    const subcommands = (reply: string) => splitAggregate(reply).items.filter((l) => /^\+[A-Z(]/.test(l)).map((l) => l.slice(1).split(' ')[0]);
    expect(subcommands(local)).toEqual(subcommands(real));
  });

  test('COMMAND without arguments describes every command', async () => {
    const { local } = await pair.both(['COMMAND']);
    const v = decode(local);
    const names = await localNames(pair);
    expect(v.type).toBe('array');
    expect(elements(v).length).toBe(names.filter((n) => !n.includes('|')).length);
    const info = await pair.both(['COMMAND', 'INFO']);
    expect(info.local).toBe(local);
    // Each entry is the COMMAND INFO entry of its command.
    for (const entry of elements(v)) {
      const name = text(elements(entry)[0]);
      const single = await pair.both(['COMMAND', 'INFO', name]);
      expect(decode(single.local)).toEqual({ type: 'array', value: [entry] });
    }
  });
});
