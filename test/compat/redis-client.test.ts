import { CompatPair, encode } from './harness';
import { decode, splitAggregate, text } from './normalize';
import type { RawClient } from '../local/support';

/**
 * CLIENT LIST fields that are each process's own (ids, ports, file descriptors, ages) or describe
 * the real server's buffer allocations, which the engine reports from its own state.
 */
const OWN_FIELDS = new Set(['id', 'addr', 'laddr', 'fd', 'age', 'idle', 'qbuf-free', 'tot-mem', 'rbs', 'rbp']);

/** A CLIENT LIST/INFO reply with the process-specific fields masked. */
function normalizeList(reply: string): string {
  const v = decode(reply);
  const body = text(v)
    .split('\n')
    .map((line) => line.split(' ').map((f) => {
      const eq = f.indexOf('=');
      return eq > 0 && OWN_FIELDS.has(f.slice(0, eq)) ? `${f.slice(0, eq)}=<own>` : f;
    }).join(' '))
    .join('\n');
  return `${v.type}:${body}`;
}

const idOf = (reply: string) => /^:(\d+)/.exec(reply)?.[1] as string;

describe('CLIENT against redis-server', () => {
  let pair: CompatPair;
  beforeAll(async () => {
    pair = await CompatPair.start();
  });
  afterAll(() => pair.stop());
  beforeEach(async () => {
    await pair.reset();
    await pair.both(['CLIENT', 'SETNAME', '']);
  });

  test('argument errors and simple subcommands', async () => {
    await pair.expectSame([
      ['CLIENT', 'SETNAME', 'foo'], ['CLIENT', 'GETNAME'], ['CLIENT', 'SETNAME', ''], ['CLIENT', 'GETNAME'],
      ['CLIENT', 'SETNAME', 'a b'], ['CLIENT', 'SETNAME', 'a\nb'], ['CLIENT', 'SETNAME', 'é'], ['CLIENT', 'SETNAME', 'a', 'b'],
      ['CLIENT', 'GETNAME', 'x'], ['CLIENT', 'ID', 'x'], ['CLIENT', 'INFO', 'x'], ['CLIENT'], ['CLIENT', 'FOO'], ['CLIENT', 'HELP', 'x'],
      ['CLIENT', 'LIST', 'TYPE', 'foo'], ['CLIENT', 'LIST', 'TYPE', 'pubsub'], ['CLIENT', 'LIST', 'TYPE', 'master'],
      ['CLIENT', 'LIST', 'TYPE', 'replica'], ['CLIENT', 'LIST', 'TYPE', 'slave'], ['CLIENT', 'LIST', 'ID'], ['CLIENT', 'LIST', 'ID', '999999'],
      ['CLIENT', 'LIST', 'ID', '1', 'x'], ['CLIENT', 'LIST', 'ID', 'x'], ['CLIENT', 'LIST', 'TYPE', 'normal', 'x'], ['CLIENT', 'LIST', 'foo'],
      ['CLIENT', 'REPLY', 'maybe'], ['CLIENT', 'NO-EVICT', 'maybe'], ['CLIENT', 'NO-EVICT', 'on'], ['CLIENT', 'NO-EVICT', 'OFF'],
      ['CLIENT', 'NO-EVICT'], ['CLIENT', 'PAUSE', 'x'], ['CLIENT', 'PAUSE', '-1'], ['CLIENT', 'PAUSE', '10', 'maybe'],
      ['CLIENT', 'PAUSE', 'x', 'maybe'], ['CLIENT', 'PAUSE', '10', 'WRITE', 'x'], ['CLIENT', 'PAUSE', '10', 'maybe', 'x'], ['CLIENT', 'UNBLOCK', '1', 'x', 'y'], ['CLIENT', 'PAUSE', '0', 'WRITE'], ['CLIENT', 'UNPAUSE'],
      ['CLIENT', 'UNPAUSE', 'x'], ['CLIENT', 'UNBLOCK', 'x'], ['CLIENT', 'UNBLOCK', '999999'], ['CLIENT', 'UNBLOCK', '999999', 'maybe'],
      ['CLIENT', 'UNBLOCK', 'x', 'maybe'], ['CLIENT', 'UNBLOCK', '999999', 'ERROR'], ['CLIENT', 'UNBLOCK', '1', 'ERROR', 'x'],
      ['CLIENT', 'KILL'], ['CLIENT', 'KILL', '1.1.1.1:1'], ['CLIENT', 'KILL', 'a', 'b'], ['CLIENT', 'KILL', 'ID', 'x'], ['CLIENT', 'KILL', 'ID', '0'],
      ['CLIENT', 'KILL', 'ID', '-1'], ['CLIENT', 'KILL', 'ID', '999999'], ['CLIENT', 'KILL', 'ID', '99', 'extra'], ['CLIENT', 'KILL', 'ID'],
      ['CLIENT', 'KILL', 'ADDR', '1.2.3.4:5'], ['CLIENT', 'KILL', 'LADDR', '1.1.1.1:1', 'ID', '5'], ['CLIENT', 'KILL', 'SKIPME', 'maybe'],
      ['CLIENT', 'KILL', 'TYPE', 'foo'], ['CLIENT', 'KILL', 'USER', 'nosuch'], ['CLIENT', 'KILL', 'MAXAGE', '10'], ['CLIENT', 'KILL', 'TYPE', 'master'],
      ['CLIENT', 'TRACKINGINFO'], ['CLIENT', 'GETREDIR'], ['CLIENT', 'GETREDIR', 'x'], ['CLIENT', 'CACHING', 'yes'], ['CLIENT', 'CACHING'],
      ['CLIENT', 'SETINFO', 'lib-name', 'x'], ['CLIENT', 'NO-TOUCH', 'on'],
    ]);
  });

  test('CLIENT TRACKING options and TRACKINGINFO', async () => {
    await pair.expectSame([
      ['CLIENT', 'TRACKING'], ['CLIENT', 'TRACKING', 'maybe'], ['CLIENT', 'TRACKING', 'on'], ['CLIENT', 'TRACKINGINFO'], ['CLIENT', 'GETREDIR'],
      ['CLIENT', 'TRACKING', 'on', 'bcast'], ['CLIENT', 'TRACKING', 'on', 'optin'], ['CLIENT', 'TRACKING', 'on', 'optout'], ['CLIENT', 'TRACKINGINFO'],
      ['CLIENT', 'TRACKING', 'off'], ['CLIENT', 'TRACKINGINFO'], ['CLIENT', 'TRACKING', 'on', 'optin', 'optout'], ['CLIENT', 'TRACKING', 'on', 'bcast', 'optin'],
      ['CLIENT', 'TRACKING', 'on', 'prefix', 'a'], ['CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'a', 'prefix', 'ab'],
      ['CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'b', 'prefix', 'a', 'noloop'], ['CLIENT', 'TRACKINGINFO'],
      ['CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'ab'], ['CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'c'], ['CLIENT', 'TRACKINGINFO'],
      ['CLIENT', 'TRACKING', 'off'], ['CLIENT', 'TRACKING', 'on', 'redirect', '999999'], ['CLIENT', 'TRACKING', 'on', 'redirect', 'x'],
      ['CLIENT', 'TRACKING', 'on', 'redirect'], ['CLIENT', 'TRACKING', 'on', 'redirect', '5', 'redirect', '6'], ['CLIENT', 'TRACKING', 'on', 'foo'],
      ['CLIENT', 'CACHING', 'yes'], ['CLIENT', 'TRACKING', 'on', 'optin'], ['CLIENT', 'CACHING', 'yes'], ['CLIENT', 'TRACKINGINFO'],
      ['CLIENT', 'CACHING', 'no'], ['CLIENT', 'CACHING', 'maybe'], ['PING'], ['CLIENT', 'TRACKINGINFO'], ['CLIENT', 'TRACKING', 'off'],
      ['CLIENT', 'TRACKING', 'on', 'optout', 'noloop'], ['CLIENT', 'CACHING', 'no'], ['CLIENT', 'TRACKINGINFO'], ['CLIENT', 'TRACKING', 'off'],
    ]);
    await pair.both(['HELLO', '3']);
    await pair.expectSame([['CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'x'], ['CLIENT', 'TRACKINGINFO'], ['CLIENT', 'TRACKING', 'off'], ['CLIENT', 'TRACKINGINFO']]);
  });

  test('CLIENT LIST and CLIENT INFO describe connections field by field', async () => {
    await pair.expectSame([['CLIENT', 'INFO'], ['CLIENT', 'LIST'], ['CLIENT', 'LIST', 'TYPE', 'normal']], normalizeList);
    await pair.expectSame([['CLIENT', 'SETNAME', 'conn-1'], ['SELECT', '3'], ['CLIENT', 'NO-EVICT', 'on']]);
    await pair.expectSame([['CLIENT', 'INFO']], normalizeList);
    await pair.expectSame([['CLIENT', 'NO-EVICT', 'off'], ['SELECT', '0']]);
    await pair.both(['HELLO', '3']);
    await pair.expectSame([['CLIENT', 'INFO'], ['CLIENT', 'LIST', 'ID', '999999']], normalizeList);
    const other = await pair.connectBoth();
    const idReal = idOf(await other.real.call('CLIENT', 'ID'));
    const idLocal = idOf(await other.local.call('CLIENT', 'ID'));
    await Promise.all([other.real.call('CLIENT', 'SETNAME', 'other'), other.local.call('CLIENT', 'SETNAME', 'other')]);
    const r2 = await pair.realClient.call('CLIENT', 'LIST', 'ID', idReal);
    const l2 = await pair.localClient.call('CLIENT', 'LIST', 'ID', idLocal);
    expect(normalizeList(l2)).toBe(normalizeList(r2));
    other.real.close();
    other.local.close();
  });

  test('CLIENT REPLY OFF, SKIP and ON', async () => {
    const { real, local } = await pair.connectBoth();
    for (const c of [real, local]) {
      c.write('*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$3\r\nOFF\r\n*2\r\n$4\r\nECHO\r\n$1\r\na\r\n*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$2\r\nON\r\n');
    }
    const [a, b] = await Promise.all([real.reply(), local.reply()]);
    expect(b).toBe(a);
    for (const c of [real, local]) {
      c.write('*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n*2\r\n$4\r\nECHO\r\n$1\r\nb\r\n*2\r\n$4\r\nECHO\r\n$1\r\nc\r\n');
    }
    const [c1, c2] = await Promise.all([real.reply(), local.reply()]);
    expect(c2).toBe(c1);
    expect(c2).toBe('$1\r\nc\r\n');
    real.close();
    local.close();
  });

  test('CLIENT KILL by id, address, type and the old form', async () => {
    const run = async (kill: (victim: RawClient, id: string, addr: string) => string[]) => {
      const { real, local } = await pair.connectBoth();
      const out: string[] = [];
      for (const [c, via] of [[real, pair.realClient], [local, pair.localClient]] as const) {
        const id = idOf(await c.call('CLIENT', 'ID'));
        const info = text(decode(await c.call('CLIENT', 'INFO')));
        const addr = /addr=(\S+)/.exec(info)?.[1] as string;
        out.push(await via.call(...kill(c, id, addr)));
        await c.closedByServer();
      }
      expect(out[1]).toBe(out[0]);
    };
    await run((_v, id) => ['CLIENT', 'KILL', 'ID', id]);
    await run((_v, _id, addr) => ['CLIENT', 'KILL', 'ADDR', addr]);
    await run((_v, _id, addr) => ['CLIENT', 'KILL', addr]);
    await run((_v, id) => ['CLIENT', 'KILL', 'ID', id, 'TYPE', 'normal', 'SKIPME', 'yes']);
    await run((_v, id) => ['CLIENT', 'KILL', 'USER', 'default', 'ID', id]);
  });

  test('CLIENT KILL of the calling connection replies, then closes it', async () => {
    const { real, local } = await pair.connectBoth();
    const replies: string[] = [];
    for (const c of [real, local]) {
      const id = idOf(await c.call('CLIENT', 'ID'));
      replies.push(await c.call('CLIENT', 'KILL', 'ID', id, 'SKIPME', 'no'));
      await c.closedByServer();
    }
    expect(replies[1]).toBe(replies[0]);
  });

  test('CLIENT UNBLOCK of a client blocked in WAIT, with TIMEOUT and ERROR', async () => {
    for (const mode of [[], ['TIMEOUT'], ['ERROR']]) {
      const { real, local } = await pair.connectBoth();
      const replies: string[][] = [];
      for (const [c, via] of [[real, pair.realClient], [local, pair.localClient]] as const) {
        const id = idOf(await c.call('CLIENT', 'ID'));
        c.write('*3\r\n$4\r\nWAIT\r\n$1\r\n1\r\n$1\r\n0\r\n');
        expect(await c.silentFor(50)).toBe(true);
        const blocked = text(decode(await via.call('CLIENT', 'LIST', 'ID', id)));
        expect(blocked).toMatch(/ flags=b /);
        const unblock = await via.call('CLIENT', 'UNBLOCK', id, ...mode);
        replies.push([unblock, await c.reply(), await via.call('CLIENT', 'UNBLOCK', id, ...mode)]);
      }
      expect(replies[1]).toEqual(replies[0]);
      real.close();
      local.close();
    }
  });

  test('CLIENT PAUSE WRITE holds writes but not reads, until CLIENT UNPAUSE', async () => {
    const { real, local } = await pair.connectBoth();
    await pair.expectSame([['SET', 'k', 'before'], ['CLIENT', 'PAUSE', '10000', 'WRITE']]);
    for (const c of [real, local]) c.write('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nafter\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n');
    expect(await real.silentFor(100)).toBe(true);
    expect(await local.silentFor(0)).toBe(true);
    // Other clients still read, and see the old value.
    await pair.expectSame([['GET', 'k'], ['CLIENT', 'UNPAUSE']]);
    const after = await Promise.all([real.reply(), local.reply(), real.reply(), local.reply()]);
    expect([after[1], after[3]]).toEqual([after[0], after[2]]);
    expect(after[3]).toBe('$5\r\nafter\r\n');
    real.close();
    local.close();
  });

  test('CLIENT PAUSE ends by itself after its timeout', async () => {
    const { real, local } = await pair.connectBoth();
    await pair.expectSame([['CLIENT', 'PAUSE', '150', 'ALL']]);
    const started = Date.now();
    const replies = await Promise.all([real.call('PING'), local.call('PING')]);
    expect(replies[1]).toBe(replies[0]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    real.close();
    local.close();
  });

  test('client-side caching: RESP3 invalidations of keys read in default mode', async () => {
    const { real, local } = await pair.connectBoth();
    const replies: string[][] = [];
    for (const [c, writer] of [[real, pair.realClient], [local, pair.localClient]] as const) {
      const r: string[] = [];
      r.push(await c.call('HELLO', '3').then(() => 'hello'));
      r.push(await c.call('CLIENT', 'TRACKING', 'on'));
      r.push(await c.call('GET', 'a'));
      r.push(await c.call('EXISTS', 'a', 'b'));
      r.push(await writer.call('SET', 'a', '1'));
      r.push(await c.reply());
      // Invalidated keys are forgotten: a second write sends nothing.
      r.push(await writer.call('SET', 'a', '2'));
      r.push(String(await c.silentFor(50)));
      r.push(await c.call('GET', 'a'));
      r.push(await writer.call('DEL', 'a'));
      r.push(await c.reply());
      r.push(await c.call('GET', 'k2'));
      r.push(await c.call('SET', 'k2', 'mine'));
      r.push(await c.reply());
      r.push(await c.call('GET', 'x'));
      r.push(await writer.call('FLUSHALL'));
      r.push(await c.reply());
      replies.push(r);
    }
    expect(replies[1]).toEqual(replies[0]);
    real.close();
    local.close();
  });

  test('client-side caching: BCAST prefixes, NOLOOP and OPTIN', async () => {
    const { real, local } = await pair.connectBoth();
    const replies: string[][] = [];
    for (const [c, writer] of [[real, pair.realClient], [local, pair.localClient]] as const) {
      const r: string[] = [];
      await c.call('HELLO', '3');
      r.push(await c.call('CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'user:', 'PREFIX', 'cfg:', 'NOLOOP'));
      // Keys changed in one batch arrive in one message per prefix, in byte order.
      writer.write(encode(['SET', 'user:2', 'x']) + encode(['SET', 'user:1', 'y']) + encode(['SET', 'other', 'z']));
      for (let i = 0; i < 3; i++) r.push(await writer.reply());
      r.push(await c.reply());
      r.push(await c.call('SET', 'user:3', 'mine'));
      r.push(String(await c.silentFor(50)));
      r.push(await writer.call('SET', 'cfg:a', '1'));
      r.push(await c.reply());
      r.push(await c.call('CLIENT', 'TRACKING', 'off'));
      r.push(await c.call('CLIENT', 'TRACKING', 'on', 'OPTIN'));
      r.push(await c.call('GET', 'p'));
      r.push(await c.call('CLIENT', 'CACHING', 'yes'));
      r.push(await c.call('GET', 'q'));
      r.push(await writer.call('SET', 'p', '1'));
      r.push(String(await c.silentFor(50)));
      r.push(await writer.call('SET', 'q', '1'));
      r.push(await c.reply());
      replies.push(r);
    }
    expect(replies[1]).toEqual(replies[0]);
    real.close();
    local.close();
  });

  test('CLIENT HELP names the same subcommands', async () => {
    const { real, local } = await pair.both(['CLIENT', 'HELP']);
    const subcommands = (reply: string) => splitAggregate(reply).items.filter((l) => /^\+[A-Z]/.test(l)).map((l) => l.slice(1).split(' ')[0]);
    expect(subcommands(local)).toEqual(subcommands(real));
  });
});
